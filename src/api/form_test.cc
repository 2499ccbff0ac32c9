#include "api/form.h"

#include <gtest/gtest.h>

namespace mnad::api {
namespace {

TEST(FormTest, DecodesPercentEscapesAndPlus) {
  Result<FormParams> form = ParseUrlEncoded("DeviceId=mna-a%27b&Keyword=two+words%20x&Empty=&Flag");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(*form,
            (FormParams{
                {"DeviceId", "mna-a'b"}, {"Keyword", "two words x"}, {"Empty", ""}, {"Flag", ""}}));
}

TEST(FormTest, KeepsOrderAndSkipsEmptyPairs) {
  Result<FormParams> form = ParseUrlEncoded("&VoucherIds.1=b&&VoucherIds.0=a&");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(*form, (FormParams{{"VoucherIds.1", "b"}, {"VoucherIds.0", "a"}}));
}

TEST(FormTest, BadEscapeIsInvalidParameter) {
  for (const char* text : {"a=%", "a=%4", "a=%zz", "%g1=x"}) {
    Result<FormParams> form = ParseUrlEncoded(text);
    ASSERT_FALSE(form.has_value()) << text;
    EXPECT_EQ(form.error().code, ErrorCode::kInvalidParameter) << text;
  }
}

}  // namespace
}  // namespace mnad::api
