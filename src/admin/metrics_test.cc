#include "admin/metrics.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mnad::admin {
namespace {

TEST(RequestLogLineTest, IsOneJsonObjectWithEveryField) {
  api::RequestRecord record;
  record.request_id = "req-1";
  record.service = "mna";
  record.action = "Order\"Per\\License\n";  // as sent: must stay valid JSON
  record.caller_uin = "100";
  record.region = "ap-guangzhou";
  record.latency_seconds = 0.001234;
  std::string line = RequestLogLine(record, 1'780'000'000'123);
  boost::json::error_code error;
  boost::json::value parsed = boost::json::parse(line, error);
  ASSERT_FALSE(error) << line;
  const boost::json::object& object = parsed.as_object();
  EXPECT_EQ(object.at("time").as_string(), "2026-05-28T20:26:40Z");
  EXPECT_EQ(object.at("request_id").as_string(), "req-1");
  EXPECT_EQ(object.at("action").as_string(), "Order\"Per\\License\n");
  EXPECT_EQ(object.at("caller_uin").as_string(), "100");
  EXPECT_EQ(object.at("region").as_string(), "ap-guangzhou");
  EXPECT_EQ(object.at("code").as_string(), "Success");
  EXPECT_EQ(object.at("latency_us").as_int64(), 1234);
  EXPECT_EQ(object.size(), 8u);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(RequestLogLineTest, AClientFieldIsCutToItsBoundAndRepaired) {
  api::RequestRecord record;
  record.region = std::string("\xff\xfe") + std::string(60'000, 'r');
  std::string line = RequestLogLine(record, 0);
  EXPECT_LT(line.size(), 400u);
  boost::json::value parsed = boost::json::parse(line);  // valid UTF-8, or it throws
  std::string region(parsed.at("region").as_string());
  EXPECT_TRUE(region.starts_with("\xEF\xBF\xBD\xEF\xBF\xBDrrr")) << region;
  EXPECT_TRUE(region.ends_with("\xE2\x80\xA6(60002 bytes)")) << region;
}

TEST(RequestLogLineTest, NamesTheErrorCode) {
  api::RequestRecord record;
  record.code = "AuthFailure.SignatureFailure";
  boost::json::value parsed = boost::json::parse(RequestLogLine(record, 0));
  EXPECT_EQ(parsed.at("code").as_string(), "AuthFailure.SignatureFailure");
  EXPECT_EQ(parsed.at("caller_uin").as_string(), "");
}

}  // namespace
}  // namespace mnad::admin
