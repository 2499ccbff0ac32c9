#include "api/form.h"

#include "core/text.h"

namespace mnad::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return false;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out->push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

Result<FormParams> ParseUrlEncoded(std::string_view text) {
  FormParams params;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      size_t equals = pair.find('=');
      std::string name, value;
      bool ok = Decode(pair.substr(0, equals), &name);
      if (ok && equals != std::string_view::npos) ok = Decode(pair.substr(equals + 1), &value);
      if (!ok) {
        return Fail(ErrorCode::kInvalidParameter, "The form parameter `" +
                                                      BoundedText(pair, 64) +
                                                      "` has an invalid percent-encoding.");
      }
      if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
        return Fail(ErrorCode::kInvalidParameter,
                    "The form parameter `" + BoundedText(name, 64) +
                        "` is not valid UTF-8 once decoded.");
      }
      params.emplace_back(std::move(name), std::move(value));
    }
    start = end + 1;
  }
  return params;
}

}  // namespace mnad::api
