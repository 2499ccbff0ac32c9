#include "api/params.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>

namespace mnad::api {
namespace json = boost::json;

std::string ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "String";
    case ParamType::kInteger:
      return "Integer";
    case ParamType::kBoolean:
      return "Boolean";
    case ParamType::kFloat:
      return "Float";
    case ParamType::kArray:
      return "Array";
    case ParamType::kObject:
      return "Object";
  }
  return "String";
}

// --- schema builders -------------------------------------------------------

ParamSpec ParamSpec::String(std::string name) {
  return {.name = std::move(name), .type = ParamType::kString};
}
ParamSpec ParamSpec::Integer(std::string name) {
  return {.name = std::move(name), .type = ParamType::kInteger};
}
ParamSpec ParamSpec::Boolean(std::string name) {
  return {.name = std::move(name), .type = ParamType::kBoolean};
}
ParamSpec ParamSpec::Float(std::string name) {
  return {.name = std::move(name), .type = ParamType::kFloat};
}
ParamSpec ParamSpec::ArrayOf(std::string name, ParamSpec element) {
  ParamSpec spec{.name = std::move(name), .type = ParamType::kArray};
  spec.element.push_back(std::move(element));
  return spec;
}
ParamSpec ParamSpec::Object(std::string name, std::vector<ParamSpec> fields) {
  ParamSpec spec{.name = std::move(name), .type = ParamType::kObject};
  spec.fields = std::move(fields);
  return spec;
}
ParamSpec ParamSpec::Required() && {
  required = true;
  return std::move(*this);
}
ParamSpec ParamSpec::Length(size_t min, size_t max) && {
  length_min = min;
  length_max = max;
  return std::move(*this);
}
ParamSpec ParamSpec::Range(int64_t min, int64_t max) && {
  integer_min = min;
  integer_max = max;
  return std::move(*this);
}
ParamSpec ParamSpec::Items(size_t min, size_t max) && {
  items_min = min;
  items_max = max;
  return std::move(*this);
}
ParamSpec ParamSpec::OneOf(std::vector<std::string> values) && {
  allowed_values = std::move(values);
  return std::move(*this);
}

// --- ParamObject -------------------------------------------------------------

void ParamObject::Add(std::string name, ParamValue value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

const ParamValue* ParamObject::Find(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return &value;
  }
  return nullptr;
}

namespace {

template <typename T>
std::optional<T> As(const ParamValue* value) {
  if (value == nullptr) return std::nullopt;
  if (const T* typed = std::get_if<T>(&value->get())) return *typed;
  return std::nullopt;
}

template <typename T>
std::vector<T> ListOf(const ParamValue* value) {
  std::vector<T> out;
  if (value == nullptr) return out;
  if (const ParamArray* array = std::get_if<ParamArray>(&value->get())) {
    for (const ParamValue& item : *array) {
      if (const T* typed = std::get_if<T>(&item.get())) out.push_back(*typed);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ParamObject::GetString(std::string_view name) const {
  return As<std::string>(Find(name));
}
std::optional<int64_t> ParamObject::GetInteger(std::string_view name) const {
  return As<int64_t>(Find(name));
}
std::optional<bool> ParamObject::GetBoolean(std::string_view name) const {
  return As<bool>(Find(name));
}
std::optional<double> ParamObject::GetFloat(std::string_view name) const {
  return As<double>(Find(name));
}
std::optional<ParamObject> ParamObject::GetObject(std::string_view name) const {
  return As<ParamObject>(Find(name));
}
std::vector<std::string> ParamObject::GetStringList(std::string_view name) const {
  return ListOf<std::string>(Find(name));
}
std::vector<int64_t> ParamObject::GetIntegerList(std::string_view name) const {
  return ListOf<int64_t>(Find(name));
}
std::vector<ParamObject> ParamObject::GetObjectList(std::string_view name) const {
  return ListOf<ParamObject>(Find(name));
}

// --- decoding ------------------------------------------------------------------

namespace {

std::string Quote(std::string_view path) {
  return "`" + std::string(path) + "`";
}

std::string TypeDescription(const ParamSpec& spec) {
  if (spec.type == ParamType::kArray) return "Array of " + TypeDescription(spec.element.front());
  return ParamTypeName(spec.type);
}

tl::unexpected<Error> WrongType(std::string_view path, const ParamSpec& spec) {
  return Fail(ErrorCode::kInvalidParameter,
              "The parameter " + Quote(path) + " must be of type " + TypeDescription(spec) + ".");
}

const ParamSpec* FindSpec(const std::vector<ParamSpec>& specs, std::string_view name) {
  for (const ParamSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Result<ParamValue> DecodeValue(const json::value& value, const ParamSpec& spec,
                               const std::string& path);

Result<ParamObject> DecodeObject(const json::object& object, const std::vector<ParamSpec>& specs,
                                 const std::string& prefix) {
  for (const auto& member : object) {
    if (FindSpec(specs, member.key()) == nullptr) {
      return Fail(ErrorCode::kUnknownParameter, "The parameter " +
                                                    Quote(prefix + std::string(member.key())) +
                                                    " is not defined for this action.");
    }
  }
  ParamObject out;
  for (const ParamSpec& spec : specs) {
    std::string path = prefix + spec.name;
    const json::value* value = object.if_contains(spec.name);
    // The SDKs drop null fields; a null that does arrive means "absent".
    if (value == nullptr || value->is_null()) {
      if (spec.required) {
        return Fail(ErrorCode::kMissingParameter,
                    "The request is missing a required parameter " + Quote(path) + ".");
      }
      continue;
    }
    Result<ParamValue> decoded = DecodeValue(*value, spec, path);
    if (!decoded) return tl::unexpected(decoded.error());
    out.Add(spec.name, std::move(*decoded));
  }
  return out;
}

Result<ParamValue> DecodeString(const json::value& value, const ParamSpec& spec,
                                const std::string& path) {
  if (!value.is_string()) return WrongType(path, spec);
  std::string text(value.get_string());
  if (text.size() < spec.length_min || text.size() > spec.length_max) {
    return Fail(ErrorCode::kInvalidParameterValue,
                "The parameter " + Quote(path) + " must be " + std::to_string(spec.length_min) +
                    " to " + std::to_string(spec.length_max) + " bytes long.");
  }
  if (!spec.allowed_values.empty() &&
      std::find(spec.allowed_values.begin(), spec.allowed_values.end(), text) ==
          spec.allowed_values.end()) {
    std::string allowed;
    for (const std::string& option : spec.allowed_values)
      allowed += (allowed.empty() ? "" : ", ") + option;
    return Fail(ErrorCode::kInvalidParameterValue,
                "The parameter " + Quote(path) + " must be one of: " + allowed + ".");
  }
  return ParamValue(std::move(text));
}

Result<ParamValue> DecodeInteger(const json::value& value, const ParamSpec& spec,
                                 const std::string& path) {
  int64_t number = 0;
  if (value.is_int64()) {
    number = value.get_int64();
  } else if (value.is_uint64()) {
    return Fail(ErrorCode::kInvalidParameterValue,
                "The parameter " + Quote(path) + " is out of range.");
  } else {
    return WrongType(path, spec);
  }
  if (number < spec.integer_min || number > spec.integer_max) {
    return Fail(ErrorCode::kInvalidParameterValue, "The parameter " + Quote(path) +
                                                       " must be between " +
                                                       std::to_string(spec.integer_min) + " and " +
                                                       std::to_string(spec.integer_max) + ".");
  }
  return ParamValue(number);
}

Result<ParamValue> DecodeArray(const json::value& value, const ParamSpec& spec,
                               const std::string& path) {
  if (!value.is_array()) return WrongType(path, spec);
  const json::array& array = value.get_array();
  if (array.size() < spec.items_min || array.size() > spec.items_max) {
    return Fail(ErrorCode::kInvalidParameterValue, "The parameter " + Quote(path) + " must have " +
                                                       std::to_string(spec.items_min) + " to " +
                                                       std::to_string(spec.items_max) + " items.");
  }
  ParamArray items;
  items.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    std::string item_path = path + "." + std::to_string(i);
    if (array[i].is_null()) return WrongType(item_path, spec.element.front());
    Result<ParamValue> item = DecodeValue(array[i], spec.element.front(), item_path);
    if (!item) return tl::unexpected(item.error());
    items.push_back(std::move(*item));
  }
  return ParamValue(std::move(items));
}

Result<ParamValue> DecodeValue(const json::value& value, const ParamSpec& spec,
                               const std::string& path) {
  switch (spec.type) {
    case ParamType::kString:
      return DecodeString(value, spec, path);
    case ParamType::kInteger:
      return DecodeInteger(value, spec, path);
    case ParamType::kBoolean:
      if (!value.is_bool()) return WrongType(path, spec);
      return ParamValue(value.get_bool());
    case ParamType::kFloat:
      // 1e400 parses as infinity: refused, as in a form.
      if (!value.is_number() || !std::isfinite(value.to_number<double>()))
        return WrongType(path, spec);
      return ParamValue(value.to_number<double>());
    case ParamType::kArray:
      return DecodeArray(value, spec, path);
    case ParamType::kObject: {
      if (!value.is_object()) return WrongType(path, spec);
      Result<ParamObject> object = DecodeObject(value.get_object(), spec.fields, path + ".");
      if (!object) return tl::unexpected(object.error());
      return ParamValue(std::move(*object));
    }
  }
  return WrongType(path, spec);
}

// --- flattened form → JSON, guided by the schema ------------------------------

// A node of the tree the flattened names describe, before typing.
struct FormNode {
  std::optional<std::string> leaf;           // a value was given at this name
  std::map<std::string, FormNode> children;  // next name segment
};

Result<json::value> FormNodeToJson(const FormNode& node, const ParamSpec& spec,
                                   const std::string& path);

Result<json::value> LeafToJson(const std::string& text, const ParamSpec& spec,
                               const std::string& path) {
  switch (spec.type) {
    case ParamType::kString:
      return json::value(text);
    case ParamType::kInteger: {
      int64_t number = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (text.empty() || end != text.data() + text.size()) return WrongType(path, spec);
      if (error == std::errc::result_out_of_range) {
        return Fail(ErrorCode::kInvalidParameterValue,
                    "The parameter " + Quote(path) + " is out of range.");
      }
      return json::value(number);
    }
    case ParamType::kBoolean: {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      // Go and Node write true/false, Python writes True/False.
      if (lower == "true") return json::value(true);
      if (lower == "false") return json::value(false);
      return WrongType(path, spec);
    }
    case ParamType::kFloat: {
      double number = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(number)) {
        return WrongType(path, spec);
      }
      return json::value(number);
    }
    case ParamType::kArray:
    case ParamType::kObject:
      return WrongType(path, spec);
  }
  return WrongType(path, spec);
}

Result<json::value> FormNodeToJson(const FormNode& node, const ParamSpec& spec,
                                   const std::string& path) {
  bool composite = spec.type == ParamType::kArray || spec.type == ParamType::kObject;
  if (!composite) {
    if (!node.children.empty()) {
      return Fail(ErrorCode::kUnknownParameter,
                  "The parameter " + Quote(path + "." + node.children.begin()->first) +
                      " is not defined for this action.");
    }
    return LeafToJson(*node.leaf, spec, path);
  }
  if (node.leaf) return WrongType(path, spec);
  if (spec.type == ParamType::kObject) {
    json::object object;
    for (const auto& [name, child] : node.children) {
      const ParamSpec* field = FindSpec(spec.fields, name);
      if (field == nullptr) {
        return Fail(ErrorCode::kUnknownParameter, "The parameter " + Quote(path + "." + name) +
                                                      " is not defined for this action.");
      }
      Result<json::value> value = FormNodeToJson(child, *field, path + "." + name);
      if (!value) return tl::unexpected(value.error());
      object[name] = std::move(*value);
    }
    return json::value(std::move(object));
  }
  // An array: the segments must be the indexes 0..n-1.
  std::map<size_t, const FormNode*> by_index;
  for (const auto& [segment, child] : node.children) {
    size_t index = 0;
    auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
    if (segment.empty() || error != std::errc() || end != segment.data() + segment.size() ||
        (segment.size() > 1 && segment[0] == '0')) {
      return Fail(ErrorCode::kInvalidParameter, "The parameter " + Quote(path + "." + segment) +
                                                    " must use a zero-based array index.");
    }
    if (index >= spec.items_max + 1) {
      return Fail(ErrorCode::kInvalidParameterValue,
                  "The parameter " + Quote(path) + " must have " + std::to_string(spec.items_min) +
                      " to " + std::to_string(spec.items_max) + " items.");
    }
    by_index[index] = &child;
  }
  json::array array;
  size_t expected = 0;
  for (const auto& [index, child] : by_index) {
    if (index != expected) {
      return Fail(ErrorCode::kInvalidParameter, "The parameter " +
                                                    Quote(path + "." + std::to_string(expected)) +
                                                    " is missing while a later index is present.");
    }
    Result<json::value> value =
        FormNodeToJson(*child, spec.element.front(), path + "." + std::to_string(index));
    if (!value) return tl::unexpected(value.error());
    array.push_back(std::move(*value));
    ++expected;
  }
  return json::value(std::move(array));
}

}  // namespace

Result<ParamObject> DecodeJsonParams(std::string_view body, const std::vector<ParamSpec>& specs) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return DecodeObject(json::object(), specs, "");
  }
  json::error_code error;
  json::value value = json::parse(body, error);
  if (error) {
    return Fail(ErrorCode::kInvalidParameter,
                "The request body is not valid JSON: " + error.message() + ".");
  }
  if (!value.is_object())
    return Fail(ErrorCode::kInvalidParameter, "The request body must be a JSON object.");
  return DecodeObject(value.get_object(), specs, "");
}

Result<ParamObject> DecodeFormParams(const FormParams& form, const std::vector<ParamSpec>& specs) {
  std::map<std::string, FormNode> roots;
  for (const auto& [name, value] : form) {
    size_t dot = name.find('.');
    std::string root = name.substr(0, dot);
    if (FindSpec(specs, root) == nullptr) {
      return Fail(ErrorCode::kUnknownParameter,
                  "The parameter " + Quote(name) + " is not defined for this action.");
    }
    FormNode* node = &roots[root];
    while (dot != std::string::npos) {
      size_t next = name.find('.', dot + 1);
      node =
          &node->children[name.substr(dot + 1, next == std::string::npos ? next : next - dot - 1)];
      dot = next;
    }
    if (node->leaf || !node->children.empty()) {
      return Fail(ErrorCode::kInvalidParameter,
                  "The parameter " + Quote(name) + " is given more than once.");
    }
    node->leaf = value;
  }
  json::object object;
  for (const auto& [name, node] : roots) {
    if (node.leaf && !node.children.empty()) {
      return Fail(ErrorCode::kInvalidParameter,
                  "The parameter " + Quote(name) + " is given more than once.");
    }
    Result<json::value> value = FormNodeToJson(node, *FindSpec(specs, name), name);
    if (!value) return tl::unexpected(value.error());
    object[name] = std::move(*value);
  }
  return DecodeObject(object, specs, "");
}

}  // namespace mnad::api
