#include "core/text.h"

#include <gtest/gtest.h>

namespace mnad {
namespace {

TEST(IsValidUtf8, AcceptsAsciiAndEveryWellFormedLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("mna-car0001"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xE5\xB9\xBF\xE5\xB7\x9E"));  // 广州
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
}

TEST(IsValidUtf8, RefusesEveryMalformedClass) {
  EXPECT_FALSE(IsValidUtf8("mna-\xFF\xFE"));      // bytes never used
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\x80"));  // overlong, 4 bytes
}

TEST(BoundedText, ReplacesInvalidBytesAndKeepsValidText) {
  EXPECT_EQ(BoundedText("ap-guangzhou", 64), "ap-guangzhou");
  EXPECT_EQ(BoundedText("a\xFF" "b", 64), "a\xEF\xBF\xBD" "b");
  EXPECT_TRUE(IsValidUtf8(BoundedText("\xC3\xC3\xED\xA0\x80", 64)));
}

TEST(BoundedText, CutsAtACharacterBoundaryAndGivesTheFullSize) {
  std::string long_text(70'000, 'x');
  std::string bounded = BoundedText(long_text, 64);
  EXPECT_EQ(bounded, std::string(64, 'x') + "\xE2\x80\xA6(70000 bytes)");
  // 3-byte characters never split: 21 of them fit in 64 bytes.
  std::string cjk;
  for (int i = 0; i < 30; ++i) cjk += "\xE5\xB9\xBF";
  std::string cut = BoundedText(cjk, 64);
  EXPECT_TRUE(IsValidUtf8(cut));
  EXPECT_EQ(cut.substr(0, 63), cjk.substr(0, 63));
  EXPECT_EQ(cut.substr(63), "\xE2\x80\xA6(90 bytes)");
}

}  // namespace
}  // namespace mnad
