// Client-supplied text on its way into replies and logs: UTF-8 validation,
// and a bounded, valid copy for messages and log lines.
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mnad {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` as valid UTF-8 of at most `max_bytes` bytes (plus the marker):
// each invalid byte becomes U+FFFD, and a longer text is cut at a character
// boundary and ends with "…(N bytes)" giving its full size.
std::string BoundedText(std::string_view text, size_t max_bytes);

}  // namespace mnad
