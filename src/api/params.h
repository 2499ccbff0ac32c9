// Action parameter schemas and their decoding.
//
// Each action declares its parameters once (name, type, required, bounds).
// A JSON body and a flattened form (`VoucherIds.0`, `Hardware.0.SN`, as GET
// and the legacy signature carry them) decode through the same schema into
// the same ParamObject, so a handler never knows which encoding arrived.
// Thread-safe: schemas are immutable; decoding is a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api/form.h"
#include "core/error.h"

namespace mnad::api {

enum class ParamType { kString, kInteger, kBoolean, kFloat, kArray, kObject };

// Names the type as Tencent's docs do: "String", "Integer", "Array of String".
std::string ParamTypeName(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  bool required = false;
  // kString: length bounds in bytes, and the allowed values when non-empty.
  size_t length_min = 0;
  size_t length_max = 1024;
  std::vector<std::string> allowed_values;
  // kInteger: inclusive bounds.
  int64_t integer_min = INT64_MIN;
  int64_t integer_max = INT64_MAX;
  // kArray: item count bounds and the element schema (exactly one entry).
  size_t items_min = 0;
  size_t items_max = 100;
  std::vector<ParamSpec> element;
  // kObject: the fields.
  std::vector<ParamSpec> fields;

  // Fluent builders, so a schema reads like the API doc's table.
  static ParamSpec String(std::string name);
  static ParamSpec Integer(std::string name);
  static ParamSpec Boolean(std::string name);
  static ParamSpec Float(std::string name);
  static ParamSpec ArrayOf(std::string name, ParamSpec element);
  static ParamSpec Object(std::string name, std::vector<ParamSpec> fields);
  ParamSpec Required() &&;
  ParamSpec Length(size_t min, size_t max) &&;
  ParamSpec Range(int64_t min, int64_t max) &&;
  ParamSpec Items(size_t min, size_t max) &&;
  ParamSpec OneOf(std::vector<std::string> values) &&;
};

class ParamValue;
using ParamArray = std::vector<ParamValue>;

// Decoded, validated fields of a request or of a nested object.
class ParamObject {
 public:
  void Add(std::string name, ParamValue value);
  const ParamValue* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // Typed reads of fields the schema declared with that type. Absent fields
  // give nullopt / empty; the schema guarantees the type when present.
  std::optional<std::string> GetString(std::string_view name) const;
  std::optional<int64_t> GetInteger(std::string_view name) const;
  std::optional<bool> GetBoolean(std::string_view name) const;
  std::optional<double> GetFloat(std::string_view name) const;
  std::vector<std::string> GetStringList(std::string_view name) const;
  std::vector<int64_t> GetIntegerList(std::string_view name) const;
  std::vector<ParamObject> GetObjectList(std::string_view name) const;
  std::optional<ParamObject> GetObject(std::string_view name) const;

  size_t size() const;

 private:
  std::vector<std::pair<std::string, ParamValue>> fields_;
};

class ParamValue {
 public:
  using Storage = std::variant<std::string, int64_t, bool, double, ParamArray, ParamObject>;
  explicit ParamValue(Storage value) : value_(std::move(value)) {}
  const Storage& get() const { return value_; }

 private:
  Storage value_;
};

// Defined once ParamValue is complete (clang instantiates the vector's
// constexpr size() where it is written).
inline size_t ParamObject::size() const {
  return fields_.size();
}

// Decodes a JSON object body (empty body = no parameters).
Result<ParamObject> DecodeJsonParams(std::string_view body, const std::vector<ParamSpec>& specs);
// Decodes flattened form parameters; the caller removes common parameters.
Result<ParamObject> DecodeFormParams(const FormParams& form, const std::vector<ParamSpec>& specs);

}  // namespace mnad::api
