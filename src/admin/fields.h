// Strict readers of JSON objects for the seed file and the admin API: every
// unknown key, wrong type or bad value is rejected with its JSON path.
// Thread-safe: a Fields is used by one thread.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/time_format.h"

namespace mnad::admin {
namespace json = boost::json;

// A rejected field: its JSON path (`accounts[1].vouchers[0].end_time`) and
// what is wrong with it.
struct FieldError {
  std::string field;
  std::string message;
};

// Thrown only by the readers below and caught by Catching(), so that deep
// validation reads straight; it never crosses the admin module's boundary.
[[noreturn]] inline void Reject(const std::string& path, const std::string& message) {
  throw FieldError{path, message};
}

// Runs `parse`, turning a rejection into a FieldError value.
template <typename Parse>
auto Catching(Parse parse) -> tl::expected<decltype(parse()), FieldError> {
  try {
    return parse();
  } catch (const FieldError& rejected) {
    return tl::unexpected(rejected);
  }
}

inline bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Letters, digits, '-' and '_' (ids that travel in headers and URL paths).
inline bool IsPlainId(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

inline bool IsPrintable(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

// Reads the fields of one JSON object; Finish() rejects keys nobody read.
class Fields {
 public:
  Fields(const json::value& value, std::string path) : path_(std::move(path)) {
    if (!value.is_object()) Reject(path_, "must be an object");
    object_ = &value.get_object();
  }

  const json::value* Get(std::string_view key, bool required) {
    seen_.insert(std::string(key));
    const json::value* value = object_->if_contains(key);
    if (value == nullptr && required) Reject(Path(key), "is required");
    return value;
  }

  std::string String(std::string_view key, bool required, std::string fallback = "",
                     size_t length_max = 256) {
    const json::value* value = Get(key, required);
    if (value == nullptr) return fallback;
    if (!value->is_string()) Reject(Path(key), "must be a string");
    std::string text(value->get_string());
    if (text.size() > length_max)
      Reject(Path(key), fmt::format("must be at most {} bytes", length_max));
    if (!IsPrintable(text)) Reject(Path(key), "must not contain control characters");
    return text;
  }

  bool Bool(std::string_view key, bool required, bool fallback) {
    const json::value* value = Get(key, required);
    if (value == nullptr) return fallback;
    if (!value->is_bool()) Reject(Path(key), "must be true or false");
    return value->get_bool();
  }

  int64_t Integer(std::string_view key, bool required, int64_t fallback, int64_t min, int64_t max) {
    const json::value* value = Get(key, required);
    if (value == nullptr) return fallback;
    if (!value->is_int64()) Reject(Path(key), "must be an integer");
    int64_t number = value->get_int64();
    if (number < min || number > max)
      Reject(Path(key), fmt::format("must be between {} and {}", min, max));
    return number;
  }

  int64_t Time(std::string_view key) {
    const json::value* value = Get(key, true);
    if (!value->is_string()) Reject(Path(key), "not an RFC 3339 time");
    std::optional<int64_t> seconds = ParseRfc3339(value->get_string());
    if (!seconds) Reject(Path(key), "not an RFC 3339 time");
    return *seconds;
  }

  // The array at key (empty when absent and optional).
  const json::array* Array(std::string_view key, bool required) {
    static const json::array kEmpty;
    const json::value* value = Get(key, required);
    if (value == nullptr) return &kEmpty;
    if (!value->is_array()) Reject(Path(key), "must be an array");
    return &value->get_array();
  }

  std::vector<std::string> StringList(std::string_view key, bool required) {
    std::vector<std::string> items;
    const json::array* array = Array(key, required);
    for (size_t i = 0; i < array->size(); ++i) {
      std::string item_path = fmt::format("{}[{}]", Path(key), i);
      if (!(*array)[i].is_string()) Reject(item_path, "must be a string");
      std::string text((*array)[i].get_string());
      if (text.empty() || text.size() > 256 || !IsPrintable(text))
        Reject(item_path, "must be a non-empty printable string");
      items.push_back(std::move(text));
    }
    return items;
  }

  void Finish() const {
    for (const auto& member : *object_) {
      if (!seen_.contains(std::string(member.key())))
        Reject(Path(member.key()), "is not a known field");
    }
  }

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

 private:
  const json::object* object_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace mnad::admin
