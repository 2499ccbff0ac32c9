#include "admin/seed.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mnad::admin {
namespace {

std::string DemoSeed() {
  std::ifstream file(std::string(MNAD_SOURCE_DIR) + "/examples/demo-seed.json");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string ErrorOf(std::string_view text) {
  SequenceRandom random(1);
  Result<store::SeedData> seed = ParseSeed(text, random);
  EXPECT_FALSE(seed.has_value()) << text;
  if (seed) return "";
  EXPECT_EQ(seed.error().code, ErrorCode::kInvalidParameterValue);
  return seed.error().message;
}

TEST(SeedTest, ParsesTheDemoSeedOfTheSeedFormatDocument) {
  SequenceRandom random(1);
  Result<store::SeedData> seed = ParseSeed(DemoSeed(), random);
  ASSERT_TRUE(seed.has_value()) << seed.error().message;
  ASSERT_EQ(seed->accounts.size(), 2u);
  const store::SeedAccount& acme = seed->accounts[0];
  EXPECT_EQ(acme.account.uin, "100000000001");
  EXPECT_EQ(acme.account.balance_fen, 500000);
  EXPECT_FALSE(acme.account.vendor_name.has_value());
  ASSERT_EQ(acme.sub_users.size(), 1u);
  EXPECT_EQ(acme.sub_users[0].allowed_actions,
            (std::vector<std::string>{"mna:*", "billing:DescribeAccountBalance"}));
  EXPECT_FALSE(acme.sub_users[0].payment_allowed);
  ASSERT_EQ(acme.vouchers.size(), 1u);
  EXPECT_EQ(acme.vouchers[0].begin_unix, 1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(acme.devices[0].license_pay_mode, 1);
  EXPECT_EQ(seed->accounts[1].account.vendor_name, "routerco");
  EXPECT_EQ(seed->accounts[1].hardware[0].license_charging_mode, 3);
  ASSERT_TRUE(seed->prices.has_value());
  EXPECT_EQ(seed->prices->license_fen, 100000);
  EXPECT_EQ(seed->regions->size(), 5u);
}

TEST(SeedTest, GeneratesMissingDeviceAndHardwareIds) {
  SequenceRandom random(1);
  Result<store::SeedData> seed =
      ParseSeed(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a",
      "vendor":{"name":"v"},"devices":[{"name":"d"}],"hardware":[{"sn":"S","license_charging_mode":1}]}]})",
                random);
  ASSERT_TRUE(seed.has_value()) << seed.error().message;
  EXPECT_TRUE(seed->accounts[0].devices[0].device_id.starts_with("mna-"));
  EXPECT_EQ(seed->accounts[0].devices[0].device_id.size(), 14u);
  EXPECT_TRUE(seed->accounts[0].hardware[0].hardware_id.starts_with("cpe-"));
}

TEST(SeedTest, ErrorsNameTheJsonPath) {
  EXPECT_EQ(
      ErrorOf(
          R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a"},{"uin":"2","app_id":1,"name":"b",
      "vouchers":[{"voucher_id":"v","nominal_fen":1,"begin_time":"2026-01-01T00:00:00Z","end_time":"soon"}]}]})"),
      "accounts[1].vouchers[0].end_time: not an RFC 3339 time");
  EXPECT_EQ(
      ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","colour":"red"}]})"),
      "accounts[0].colour: is not a known field");
  EXPECT_EQ(ErrorOf(R"({"version":2})"), "version: must be between 1 and 1");
  EXPECT_EQ(ErrorOf(R"({"accounts":[]})"), "version: is required");
  EXPECT_EQ(ErrorOf(R"({"version":1,"accounts":[{"uin":"x1","app_id":1,"name":"a"}]})"),
            "accounts[0].uin: must be a string of digits");
  EXPECT_EQ(
      ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","balance_fen":-1}]})"),
      "accounts[0].balance_fen: must be between 0 and 1000000000000");
  EXPECT_EQ(ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","sub_users":[
      {"uin":"2","name":"s","allowed_actions":["mna"]}]}]})"),
            "accounts[0].sub_users[0].allowed_actions[0]: must be service:Action, service:* or *");
  EXPECT_EQ(ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","hardware":[
      {"sn":"S","license_charging_mode":3}]}]})"),
            "accounts[0].hardware[0].sn: hardware needs a vendor account (vendor is null)");
  EXPECT_EQ(ErrorOf("[1]"), "seed: must be an object");
  EXPECT_NE(ErrorOf("{").find("not valid JSON"), std::string::npos);
}

TEST(SeedTest, DuplicateIdsAreRejected) {
  EXPECT_EQ(ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","keys":[
      {"secret_id":"K","secret_key":"s"}]},{"uin":"2","app_id":1,"name":"b","keys":[{"secret_id":"K","secret_key":"t"}]}]})"),
            "accounts[1].keys[0].secret_id: duplicates K elsewhere in the seed");
  EXPECT_EQ(ErrorOf(R"({"version":1,"accounts":[{"uin":"1","app_id":1,"name":"a","devices":[
      {"device_id":"mna-1","name":"x"},{"device_id":"mna-2","name":"x"}]}]})"),
            "accounts[0].devices[1].name: duplicates another device's name in this account");
}

}  // namespace
}  // namespace mnad::admin
