// Invariant checks shared by the fuzz targets. A broken invariant prints what
// broke and aborts, which libFuzzer reports as a crash and saves the input.
// These are assertions about the code under test, never about the input: an
// input may be anything, a reply to it may not.
// Thread-safe: pure functions.
#pragma once

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace mnad::fuzz {

// Client text made printable for a crash report: non-printable bytes as \xNN,
// at most `bytes_max` bytes shown.
inline std::string Printable(std::string_view text, size_t bytes_max = 2048) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < bytes_max; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  if (text.size() > bytes_max) out += "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

// MNAD_FUZZ_VERBOSE=1 makes the targets print what they answered, to see
// how far the corpus gets (run a target on a file or a directory).
inline bool Verbose() {
  static const bool verbose = std::getenv("MNAD_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

[[noreturn]] inline void Broken(std::string_view what, std::string_view detail = "") {
  std::fprintf(stderr, "\n*** fuzz invariant broken: %.*s\n", static_cast<int>(what.size()),
               what.data());
  if (!detail.empty()) std::fprintf(stderr, "*** detail: %s\n", Printable(detail).c_str());
  std::fflush(stderr);
  std::abort();
}

inline void Check(bool condition, std::string_view what, std::string_view detail = "") {
  if (!condition) Broken(what, detail);
}

// Text that goes back to a client (a reply body, an audit line): valid UTF-8
// and exactly one JSON value, which is returned.
inline boost::json::value CheckJsonText(std::string_view text, std::string_view what) {
  Check(IsValidUtf8(text), std::string(what) + " is not valid UTF-8", text);
  boost::json::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  Check(!error, std::string(what) + " is not JSON: " + error.message(), text);
  return value;
}

// Every string anywhere in `value` (keys too) is valid UTF-8.
inline void CheckJsonStringsUtf8(const boost::json::value& value, std::string_view what) {
  if (value.is_string()) {
    Check(IsValidUtf8(value.get_string()), std::string(what) + ": a string is not valid UTF-8",
          value.get_string());
  } else if (value.is_array()) {
    for (const boost::json::value& item : value.get_array()) CheckJsonStringsUtf8(item, what);
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      Check(IsValidUtf8(member.key()), std::string(what) + ": a key is not valid UTF-8",
            member.key());
      CheckJsonStringsUtf8(member.value(), what);
    }
  }
}

// The input split at `separator`: at most `count` - 1 splits, so the last
// field holds the rest (a body may contain the separator).
inline std::vector<std::string_view> SplitFields(std::string_view input, char separator,
                                                 size_t count) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    size_t end = input.find(separator);
    if (end == std::string_view::npos) break;
    fields.push_back(input.substr(0, end));
    input.remove_prefix(end + 1);
  }
  fields.push_back(input);
  return fields;
}

}  // namespace mnad::fuzz
