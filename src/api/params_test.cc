#include "api/params.h"

#include <gtest/gtest.h>

namespace mnad::api {
namespace {

// Shaped like OrderPerLicense plus a nested array of objects (AddHardware).
std::vector<ParamSpec> Schema() {
  return {
      ParamSpec::String("DeviceId").Required().Length(1, 64),
      ParamSpec::Integer("Type").Required().Range(0, 1),
      ParamSpec::Boolean("RollBack"),
      ParamSpec::ArrayOf("VoucherIds", ParamSpec::String("").Length(1, 64)).Items(0, 1),
      ParamSpec::ArrayOf("Hardware",
                         ParamSpec::Object("", {ParamSpec::String("SN").Required(),
                                                ParamSpec::Integer("LicenseChargingMode")}))
          .Items(0, 3),
      ParamSpec::String("PackageType").OneOf({"DEVICE_1_FLOW_20G", "DEVICE_2_FLOW_50G"}),
      ParamSpec::Float("Ratio"),
  };
}

ErrorCode JsonError(std::string_view body) {
  Result<ParamObject> result = DecodeJsonParams(body, Schema());
  EXPECT_FALSE(result.has_value()) << body;
  return result ? ErrorCode::kInternalError : result.error().code;
}

ErrorCode FormError(FormParams form) {
  Result<ParamObject> result = DecodeFormParams(form, Schema());
  EXPECT_FALSE(result.has_value());
  return result ? ErrorCode::kInternalError : result.error().code;
}

TEST(ParamsTest, JsonAndFlattenedFormDecodeToTheSameValues) {
  Result<ParamObject> json = DecodeJsonParams(
      R"({"DeviceId":"mna-1","Type":1,"RollBack":true,"VoucherIds":["v-1"],
          "Hardware":[{"SN":"A","LicenseChargingMode":3}],"Ratio":0.5})",
      Schema());
  Result<ParamObject> form = DecodeFormParams({{"DeviceId", "mna-1"},
                                               {"Type", "1"},
                                               {"RollBack", "True"},
                                               {"VoucherIds.0", "v-1"},
                                               {"Hardware.0.SN", "A"},
                                               {"Hardware.0.LicenseChargingMode", "3"},
                                               {"Ratio", "0.5"}},
                                              Schema());
  for (const Result<ParamObject>* decoded : {&json, &form}) {
    ASSERT_TRUE(decoded->has_value()) << decoded->error().message;
    EXPECT_EQ((*decoded)->GetString("DeviceId"), "mna-1");
    EXPECT_EQ((*decoded)->GetInteger("Type"), 1);
    EXPECT_EQ((*decoded)->GetBoolean("RollBack"), true);
    EXPECT_EQ((*decoded)->GetStringList("VoucherIds"), std::vector<std::string>{"v-1"});
    std::vector<ParamObject> hardware = (*decoded)->GetObjectList("Hardware");
    ASSERT_EQ(hardware.size(), 1u);
    EXPECT_EQ(hardware[0].GetString("SN"), "A");
    EXPECT_EQ(hardware[0].GetInteger("LicenseChargingMode"), 3);
    EXPECT_EQ((*decoded)->GetFloat("Ratio"), 0.5);
    EXPECT_FALSE((*decoded)->Has("PackageType"));
  }
}

// Found by fuzz_params: 1e400 decoded as infinity from JSON, while a form
// refused it.
TEST(ParamsTest, AFloatThatOverflowsIsRefusedFromJsonAsFromAForm) {
  EXPECT_EQ(JsonError(R"({"DeviceId":"a","Type":1,"Ratio":1e400})"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "a"}, {"Type", "1"}, {"Ratio", "1e400"}}),
            ErrorCode::kInvalidParameter);
}

TEST(ParamsTest, BooleansInFormsIgnoreCase) {
  for (const char* text : {"true", "True", "TRUE", "false", "False"}) {
    Result<ParamObject> decoded =
        DecodeFormParams({{"DeviceId", "d"}, {"Type", "0"}, {"RollBack", text}}, Schema());
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(decoded->GetBoolean("RollBack"), text[0] == 't' || text[0] == 'T');
  }
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"RollBack", "1"}}),
            ErrorCode::kInvalidParameter);
}

TEST(ParamsTest, MissingRequiredParameterIsMissingParameter) {
  EXPECT_EQ(JsonError(R"({"Type":0})"), ErrorCode::kMissingParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":null})"), ErrorCode::kMissingParameter);
  EXPECT_EQ(JsonError(""), ErrorCode::kMissingParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"Hardware":[{"LicenseChargingMode":1}]})"),
            ErrorCode::kMissingParameter);
}

TEST(ParamsTest, WrongTypeIsInvalidParameter) {
  EXPECT_EQ(JsonError(R"({"DeviceId":1,"Type":0})"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":"0"})"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0.5})"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"RollBack":"true"})"),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"VoucherIds":"v-1"})"),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"VoucherIds":[1]})"),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"([1,2])"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":)"), ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "zero"}}), ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"VoucherIds", "v-1"}}),
            ErrorCode::kInvalidParameter);
}

TEST(ParamsTest, OutOfBoundsValueIsInvalidParameterValue) {
  EXPECT_EQ(JsonError(R"({"DeviceId":"","Type":0})"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":2})"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":-1})"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":18446744073709551615})"),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"VoucherIds":["a","b"]})"),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"PackageType":"DEVICE_9"})"),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      FormError({{"DeviceId", "d"}, {"Type", "0"}, {"VoucherIds.0", "a"}, {"VoucherIds.1", "b"}}),
      ErrorCode::kInvalidParameterValue);
}

TEST(ParamsTest, UndeclaredNameIsUnknownParameter) {
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"Foo":1})"), ErrorCode::kUnknownParameter);
  EXPECT_EQ(JsonError(R"({"DeviceId":"d","Type":0,"Hardware":[{"SN":"A","Bar":1}]})"),
            ErrorCode::kUnknownParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"Foo", "1"}}),
            ErrorCode::kUnknownParameter);
  EXPECT_EQ(FormError({{"DeviceId.0", "d"}, {"Type", "0"}}), ErrorCode::kUnknownParameter);
}

TEST(ParamsTest, FormArraysMustBeZeroBasedAndContiguous) {
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"Hardware.1.SN", "a"}}),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"Hardware.x.SN", "a"}}),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"Type", "0"}, {"Hardware.01.SN", "a"}}),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(FormError({{"DeviceId", "d"}, {"DeviceId", "e"}, {"Type", "0"}}),
            ErrorCode::kInvalidParameter);
}

TEST(ParamsTest, MessagesNameTheParameterPath) {
  Result<ParamObject> result = DecodeJsonParams(
      R"({"DeviceId":"d","Type":0,"Hardware":[{"SN":"A","LicenseChargingMode":"x"}]})", Schema());
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("`Hardware.0.LicenseChargingMode`"), std::string::npos)
      << result.error().message;
}

}  // namespace
}  // namespace mnad::api
