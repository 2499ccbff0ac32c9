#include "core/error.h"

namespace mnad {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
#define MNAD_ERROR_CASE(name, wire) \
  case ErrorCode::name:             \
    return wire;
    MNAD_ERROR_CODES(MNAD_ERROR_CASE)
    MNAD_STORAGE_ERROR_CODES(MNAD_ERROR_CASE)
#undef MNAD_ERROR_CASE
  }
  return "InternalError";
}

}  // namespace mnad
