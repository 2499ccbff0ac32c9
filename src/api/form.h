// application/x-www-form-urlencoded decoding, used for query strings and
// form bodies. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace mnad::api {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Splits on '&', decodes %XX and '+' (space) in names and values. A bad
// escape is InvalidParameter naming the offending pair.
Result<FormParams> ParseUrlEncoded(std::string_view text);

}  // namespace mnad::api
