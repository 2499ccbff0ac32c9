// What a decoded ParamObject must satisfy whatever the request said: every
// field declared by the schema, of the declared type and within its bounds,
// text valid UTF-8, required fields present. Also the object as JSON (what a
// handler may echo) and as a flattened form, to compare the two encodings.
// Thread-safe: pure functions.
#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "api/form.h"
#include "api/params.h"
#include "core/text.h"
#include "fuzz_check.h"

namespace mnad::fuzz {

inline void CheckObjectConforms(const api::ParamObject& object,
                                const std::vector<api::ParamSpec>& specs, const std::string& path);

inline void CheckValueConforms(const api::ParamValue& value, const api::ParamSpec& spec,
                               const std::string& path) {
  const api::ParamValue::Storage& stored = value.get();
  switch (spec.type) {
    case api::ParamType::kString: {
      const std::string* text = std::get_if<std::string>(&stored);
      Check(text != nullptr, "decoded String is not a string", path);
      Check(IsValidUtf8(*text), "decoded String is not valid UTF-8", path + " = " + *text);
      Check(text->size() >= spec.length_min && text->size() <= spec.length_max,
            "decoded String is outside its length bounds", path + " = " + *text);
      if (!spec.allowed_values.empty()) {
        bool allowed = std::find(spec.allowed_values.begin(), spec.allowed_values.end(), *text) !=
                       spec.allowed_values.end();
        Check(allowed, "decoded String is not one of its allowed values", path + " = " + *text);
      }
      return;
    }
    case api::ParamType::kInteger: {
      const int64_t* number = std::get_if<int64_t>(&stored);
      Check(number != nullptr, "decoded Integer is not an integer", path);
      Check(*number >= spec.integer_min && *number <= spec.integer_max,
            "decoded Integer is outside its range", path + " = " + std::to_string(*number));
      return;
    }
    case api::ParamType::kBoolean:
      Check(std::holds_alternative<bool>(stored), "decoded Boolean is not a boolean", path);
      return;
    case api::ParamType::kFloat:
      Check(std::holds_alternative<double>(stored), "decoded Float is not a number", path);
      return;
    case api::ParamType::kArray: {
      const api::ParamArray* items = std::get_if<api::ParamArray>(&stored);
      Check(items != nullptr, "decoded Array is not an array", path);
      Check(items->size() >= spec.items_min && items->size() <= spec.items_max,
            "decoded Array has too few or too many items",
            path + " has " + std::to_string(items->size()));
      for (size_t i = 0; i < items->size(); ++i) {
        CheckValueConforms((*items)[i], spec.element.front(), path + "." + std::to_string(i));
      }
      return;
    }
    case api::ParamType::kObject: {
      const api::ParamObject* fields = std::get_if<api::ParamObject>(&stored);
      Check(fields != nullptr, "decoded Object is not an object", path);
      CheckObjectConforms(*fields, spec.fields, path + ".");
      return;
    }
  }
  Broken("unknown ParamType", path);
}

inline void CheckObjectConforms(const api::ParamObject& object,
                                const std::vector<api::ParamSpec>& specs, const std::string& path) {
  size_t present = 0;
  for (const api::ParamSpec& spec : specs) {
    const api::ParamValue* value = object.Find(spec.name);
    if (value == nullptr) {
      Check(!spec.required, "a required parameter is absent after decoding", path + spec.name);
      continue;
    }
    ++present;
    CheckValueConforms(*value, spec, path + spec.name);
  }
  // Nothing undeclared, nothing twice.
  Check(object.size() == present, "decoded object holds fields its schema does not declare", path);
}

inline boost::json::object ObjectToJson(const api::ParamObject& object,
                                        const std::vector<api::ParamSpec>& specs);

inline boost::json::value ValueToJson(const api::ParamValue& value, const api::ParamSpec& spec) {
  const api::ParamValue::Storage& stored = value.get();
  if (const std::string* text = std::get_if<std::string>(&stored)) return boost::json::value(*text);
  if (const int64_t* number = std::get_if<int64_t>(&stored)) return boost::json::value(*number);
  if (const bool* flag = std::get_if<bool>(&stored)) return boost::json::value(*flag);
  if (const double* number = std::get_if<double>(&stored)) return boost::json::value(*number);
  if (const api::ParamArray* items = std::get_if<api::ParamArray>(&stored)) {
    boost::json::array out;
    for (const api::ParamValue& item : *items)
      out.push_back(ValueToJson(item, spec.element.front()));
    return out;
  }
  return ObjectToJson(std::get<api::ParamObject>(stored), spec.fields);
}

inline boost::json::object ObjectToJson(const api::ParamObject& object,
                                        const std::vector<api::ParamSpec>& specs) {
  boost::json::object out;
  for (const api::ParamSpec& spec : specs) {
    if (const api::ParamValue* value = object.Find(spec.name)) {
      out[spec.name] = ValueToJson(*value, spec);
    }
  }
  return out;
}

// Appends one scalar as `name=text`.
inline void FlattenScalar(const api::ParamValue& value, const std::string& name,
                          api::FormParams* form) {
  const api::ParamValue::Storage& stored = value.get();
  if (const std::string* text = std::get_if<std::string>(&stored)) {
    form->emplace_back(name, *text);
  } else if (const int64_t* number = std::get_if<int64_t>(&stored)) {
    form->emplace_back(name, std::to_string(*number));
  } else if (const bool* flag = std::get_if<bool>(&stored)) {
    form->emplace_back(name, *flag ? "true" : "false");
  } else if (const double* number = std::get_if<double>(&stored)) {
    char digits[64];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, *number);
    Check(error == std::errc(), "to_chars failed");
    form->emplace_back(name, std::string(digits, end));
  } else {
    Broken("FlattenScalar on a composite value", name);
  }
}

// Decoded parameters as JSON are the same: equal, except that a Float may
// differ in its last bits. Boost.JSON 1.81 does not round decimal text to
// the nearest double (it reads -3e100 one unit in the last place away from
// std::from_chars, which the form decoder uses), so the two encodings of a
// Float can disagree that much; no action declares a Float today.
inline bool SameParams(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double(), y = b.get_double();
    double scale = std::max(std::fabs(x), std::fabs(y));
    return x == y || std::fabs(x - y) <= scale * 1e-15 || scale < 1e-300;
  }
  if (a.is_array() && b.is_array()) {
    const boost::json::array &left = a.get_array(), &right = b.get_array();
    if (left.size() != right.size()) return false;
    for (size_t i = 0; i < left.size(); ++i) {
      if (!SameParams(left[i], right[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const boost::json::object &left = a.get_object(), &right = b.get_object();
    if (left.size() != right.size()) return false;
    for (const auto& member : left) {
      const boost::json::value* other = right.if_contains(member.key());
      if (other == nullptr || !SameParams(member.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

// The flattened form (`List.0.Field=...`) of a decoded object, as GET and the
// legacy signature carry parameters. False when the form cannot say the same
// thing: an empty array or object has no flattened form (it reads as absent).
inline bool FlattenObject(const api::ParamObject& object, const std::vector<api::ParamSpec>& specs,
                          const std::string& prefix, api::FormParams* form);

inline bool FlattenAny(const api::ParamValue& value, const api::ParamSpec& spec,
                       const std::string& name, api::FormParams* form) {
  const api::ParamValue::Storage& stored = value.get();
  if (const api::ParamObject* object = std::get_if<api::ParamObject>(&stored)) {
    return FlattenObject(*object, spec.fields, name + ".", form);
  }
  if (const api::ParamArray* items = std::get_if<api::ParamArray>(&stored)) {
    if (items->empty()) return false;
    for (size_t i = 0; i < items->size(); ++i) {
      if (!FlattenAny((*items)[i], spec.element.front(), name + "." + std::to_string(i), form))
        return false;
    }
    return true;
  }
  FlattenScalar(value, name, form);
  return true;
}

inline bool FlattenObject(const api::ParamObject& object, const std::vector<api::ParamSpec>& specs,
                          const std::string& prefix, api::FormParams* form) {
  size_t before = form->size();
  for (const api::ParamSpec& spec : specs) {
    const api::ParamValue* value = object.Find(spec.name);
    if (value != nullptr && !FlattenAny(*value, spec, prefix + spec.name, form)) return false;
  }
  // A nested object without fields has no flattened form.
  return !prefix.empty() ? form->size() > before : true;
}

}  // namespace mnad::fuzz
