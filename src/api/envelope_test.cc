#include "api/envelope.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace mnad::api {
namespace {

TEST(EnvelopeTest, AStorageFailureIsATransactionExceptionOnTheWire) {
  for (ErrorCode code : kStorageErrorCodes) {
    std::string_view expected = code == ErrorCode::kStorageOutcomeUnknown
                                    ? "InternalError"
                                    : "FailedOperation.TransactionException";
    EXPECT_EQ(WireCode(code), expected) << ErrorCodeName(code);
    boost::json::value body = boost::json::parse(ErrorBody({code, "why"}, "req-1"));
    EXPECT_EQ(body.at("Response").at("Error").at("Code").as_string(), expected);
    EXPECT_EQ(body.at("Response").at("Error").at("Message").as_string(), "why");
  }
}

TEST(EnvelopeTest, AWireCodeIsItsOwnName) {
  for (ErrorCode code : kAllErrorCodes) {
    EXPECT_FALSE(IsStorageError(code));
    EXPECT_EQ(WireCode(code), ErrorCodeName(code));
  }
  boost::json::value body =
      boost::json::parse(ErrorBody({ErrorCode::kOperationDeniedRepeatPurchase, "twice"}, "r"));
  EXPECT_EQ(body.at("Response").at("Error").at("Code").as_string(),
            "OperationDenied.RepeatPurchase");
  EXPECT_EQ(body.at("Response").at("RequestId").as_string(), "r");
}

}  // namespace
}  // namespace mnad::api
