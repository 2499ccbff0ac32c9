// Parameter schemas shaped like the real actions' (mna/*.cc, billing/*.cc),
// for the targets that decode parameters: bounded strings and allowed
// values, ranged integers, booleans, floats, arrays of strings, integers and
// objects, and nested objects.
// Thread-safe: built once, read-only afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/params.h"

namespace mnad::fuzz {

struct NamedSchema {
  std::string action;
  std::vector<api::ParamSpec> params;
};

inline const std::vector<NamedSchema>& Schemas() {
  using api::ParamSpec;
  static const std::vector<NamedSchema> schemas = {
      // GetDevicePayMode.
      {"GetDevicePayMode",
       {ParamSpec::ArrayOf("DeviceIdList", ParamSpec::String("").Length(1, 64))
            .Required()
            .Items(1, 100)}},
      // OrderPerLicense.
      {"OrderPerLicense",
       {ParamSpec::String("DeviceId").Required().Length(1, 64),
        ParamSpec::Integer("Type").Required().Range(0, 1), ParamSpec::Boolean("RollBack"),
        ParamSpec::Boolean("AutoVoucher"),
        ParamSpec::ArrayOf("VoucherIds", ParamSpec::String("").Length(1, 64))}},
      // AddHardware: an array of objects.
      {"AddHardware",
       {ParamSpec::ArrayOf(
            "Hardware",
            ParamSpec::Object("", {ParamSpec::String("SN").Required().Length(1, 128),
                                   ParamSpec::Integer("LicenseChargingMode").Required().Range(1, 3),
                                   ParamSpec::String("Description").Length(0, 256),
                                   ParamSpec::String("HardwareId")}))
            .Required()
            .Items(1, 100)}},
      // UpdateDevice: objects with unbounded integers and booleans.
      {"UpdateDevice",
       {ParamSpec::String("DeviceId").Required().Length(1, 64),
        ParamSpec::String("DeviceName").Length(1, 128), ParamSpec::String("Remark").Length(0, 256),
        ParamSpec::ArrayOf(
            "UpdateNetInfo",
            ParamSpec::Object(
                "", {ParamSpec::Integer("Type").Range(0, 2), ParamSpec::Boolean("DataEnable"),
                     ParamSpec::Integer("UploadLimit").Range(0, INT64_MAX),
                     ParamSpec::Integer("DownloadLimit").Range(0, INT64_MAX),
                     ParamSpec::String("NetInfoName")})),
        ParamSpec::Integer("FlowTrunc").Range(0, 1)}},
      // DescribeVoucherInfo: allowed values and wide ranges.
      {"DescribeVoucherInfo",
       {ParamSpec::Integer("Limit").Required().Range(1, 1000),
        ParamSpec::Integer("Offset").Required().Range(1, INT32_MAX),
        ParamSpec::String("Status").OneOf({"unUsed", "used", "delivered", "cancel", "overdue"}),
        ParamSpec::String("VoucherId"), ParamSpec::String("SortOrder").OneOf({"desc", "asc"})}},
      // Every type at once, nested: a float, arrays of integers and of
      // arrays, an object holding an array of objects.
      {"FuzzEverything",
       {ParamSpec::String("Name").Length(0, 16), ParamSpec::Integer("Count"),
        ParamSpec::Boolean("Flag"), ParamSpec::Float("Ratio"),
        ParamSpec::ArrayOf("Ports", ParamSpec::Integer("").Range(0, 65535)).Items(0, 8),
        ParamSpec::ArrayOf("Matrix", ParamSpec::ArrayOf("", ParamSpec::Boolean("")).Items(1, 3))
            .Items(0, 3),
        ParamSpec::Object(
            "Limits",
            {ParamSpec::Integer("Upload").Range(-5, 5), ParamSpec::Float("Share"),
             ParamSpec::ArrayOf("Rules", ParamSpec::Object("", {ParamSpec::String("Key").Required(),
                                                                ParamSpec::String("Value")})),
             ParamSpec::Object("Inner", {ParamSpec::Boolean("On").Required()})})}},
  };
  return schemas;
}

}  // namespace mnad::fuzz
