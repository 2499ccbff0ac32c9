#include "core/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mnad {
namespace {

TEST(ErrorCodeTest, EveryCodeHasADistinctDottedTencentName) {
  std::set<std::string> seen;
  for (ErrorCode code : kAllErrorCodes) {
    std::string name(ErrorCodeName(code));
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(seen.insert(name).second) << "duplicate wire code " << name;
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(name[0]))) << name;
  }
  EXPECT_EQ(seen.size(), std::size(kAllErrorCodes));
}

TEST(ErrorCodeTest, NamesMatchTheSeedErrorTable) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kFailedOperationTransactionException),
            "FailedOperation.TransactionException");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kOperationDeniedRepeatPurchase),
            "OperationDenied.RepeatPurchase");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnauthorizedOperationNoPermission),
            "UnauthorizedOperation.NoPermission");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kAuthFailureSignatureExpire), "AuthFailure.SignatureExpire");
}

TEST(ResultTest, FailCarriesCodeAndMessage) {
  Result<int> result = Fail(ErrorCode::kInvalidParameter, "Type is not an integer");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidParameter);
  EXPECT_EQ(result.error().message, "Type is not an integer");
}

}  // namespace
}  // namespace mnad
