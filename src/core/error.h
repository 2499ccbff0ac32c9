// Error codes and the Result type that every fallible call returns.
//
// The enum's names are Tencent Cloud's error codes (common codes plus the MNA
// product codes), so a refusal is named once and becomes the wire code in one
// place (api/envelope). Values, not exceptions: no exception crosses a layer.
// Thread-safe: all functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace mnad {

// X-macro list: (enumerator, wire code). Keep common codes first, then the
// MNA product codes in Go SDK errors.go order.
#define MNAD_ERROR_CODES(X)                                                           \
  X(kAuthFailureInvalidAuthorization, "AuthFailure.InvalidAuthorization")             \
  X(kAuthFailureInvalidSecretId, "AuthFailure.InvalidSecretId")                       \
  X(kAuthFailureMfaFailure, "AuthFailure.MFAFailure")                                 \
  X(kAuthFailureSecretIdNotFound, "AuthFailure.SecretIdNotFound")                     \
  X(kAuthFailureSignatureExpire, "AuthFailure.SignatureExpire")                       \
  X(kAuthFailureSignatureFailure, "AuthFailure.SignatureFailure")                     \
  X(kAuthFailureTokenFailure, "AuthFailure.TokenFailure")                             \
  X(kAuthFailureUnauthorizedOperation, "AuthFailure.UnauthorizedOperation")           \
  X(kActionOffline, "ActionOffline")                                                  \
  X(kInvalidAction, "InvalidAction")                                                  \
  X(kNoSuchProduct, "NoSuchProduct")                                                  \
  X(kNoSuchVersion, "NoSuchVersion")                                                  \
  X(kInvalidParameter, "InvalidParameter")                                            \
  X(kInvalidParameterValue, "InvalidParameterValue")                                  \
  X(kMissingParameter, "MissingParameter")                                            \
  X(kUnknownParameter, "UnknownParameter")                                            \
  X(kInvalidRequest, "InvalidRequest")                                                \
  X(kUnsupportedProtocol, "UnsupportedProtocol")                                      \
  X(kUnsupportedRegion, "UnsupportedRegion")                                          \
  X(kRequestSizeLimitExceeded, "RequestSizeLimitExceeded")                            \
  X(kResponseSizeLimitExceeded, "ResponseSizeLimitExceeded")                          \
  X(kRequestLimitExceeded, "RequestLimitExceeded")                                    \
  X(kRequestLimitExceededUinLimitExceeded, "RequestLimitExceeded.UinLimitExceeded")   \
  X(kRequestLimitExceededGlobalRegionUinLimitExceeded,                                \
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded")                              \
  X(kRequestLimitExceededIpLimitExceeded, "RequestLimitExceeded.IPLimitExceeded")     \
  X(kIpInBlacklist, "IpInBlacklist")                                                  \
  X(kIpNotInWhitelist, "IpNotInWhitelist")                                            \
  X(kFailedOperation, "FailedOperation")                                              \
  X(kInternalError, "InternalError")                                                  \
  X(kLimitExceeded, "LimitExceeded")                                                  \
  X(kResourceInUse, "ResourceInUse")                                                  \
  X(kResourceInsufficient, "ResourceInsufficient")                                    \
  X(kResourceNotFound, "ResourceNotFound")                                            \
  X(kResourceUnavailable, "ResourceUnavailable")                                      \
  X(kServiceUnavailable, "ServiceUnavailable")                                        \
  X(kUnauthorizedOperation, "UnauthorizedOperation")                                  \
  X(kUnsupportedOperation, "UnsupportedOperation")                                    \
  X(kDryRunOperation, "DryRunOperation")                                              \
  X(kFailedOperationTransactionException, "FailedOperation.TransactionException")     \
  X(kInternalErrorControlRequestError, "InternalError.ControlRequestError")           \
  X(kInternalErrorCosRequestError, "InternalError.CosRequestError")                   \
  X(kInternalErrorDuplicateDataKey, "InternalError.DuplicateDataKey")                 \
  X(kInternalErrorDuplicateDeviceName, "InternalError.DuplicateDeviceName")           \
  X(kInternalErrorFileIoError, "InternalError.FileIOError")                           \
  X(kInternalErrorMonitorDataRequestError, "InternalError.MonitorDataRequestError")   \
  X(kInternalErrorNetworkInfoRequestError, "InternalError.NetworkInfoRequestError")   \
  X(kInternalErrorUndefinedEncryptedKey, "InternalError.UndefinedEncryptedKey")       \
  X(kInvalidParameterValueTimeFuture, "InvalidParameterValue.TimeFuture")             \
  X(kInvalidParameterValueTimeSpanExceeded, "InvalidParameterValue.TimeSpanExceeded") \
  X(kInvalidParameterValueTimeTooEarly, "InvalidParameterValue.TimeTooEarly")         \
  X(kOperationDenied, "OperationDenied")                                              \
  X(kOperationDeniedDeviceNotFound, "OperationDenied.DeviceNotFound")                 \
  X(kOperationDeniedDuplicateSn, "OperationDenied.DuplicateSN")                       \
  X(kOperationDeniedHardwareHasActivated, "OperationDenied.HardwareHasActivated")     \
  X(kOperationDeniedHardwareNotExist, "OperationDenied.HardwareNotExist")             \
  X(kOperationDeniedIllegalRequest, "OperationDenied.IllegalRequest")                 \
  X(kOperationDeniedInsufficientBalance, "OperationDenied.InsufficientBalance")       \
  X(kOperationDeniedL3CidrOverLap, "OperationDenied.L3CidrOverLap")                   \
  X(kOperationDeniedL3ConnectionOverSize, "OperationDenied.L3ConnectionOverSize")     \
  X(kOperationDeniedModifiedOrRenewed, "OperationDenied.ModifiedOrRenewed")           \
  X(kOperationDeniedNotAllowedToPay, "OperationDenied.NotAllowedToPay")               \
  X(kOperationDeniedRepeatPurchase, "OperationDenied.RepeatPurchase")                 \
  X(kOperationDeniedTruncFlagOn, "OperationDenied.TruncFlagOn")                       \
  X(kOperationDeniedUnauthorizedUser, "OperationDenied.UnauthorizedUser")             \
  X(kOperationDeniedVendorNotRegister, "OperationDenied.VendorNotRegister")           \
  X(kUnauthorizedOperationNoPermission, "UnauthorizedOperation.NoPermission")         \
  X(kUnauthorizedOperationUnopenedLiveService, "UnauthorizedOperation.UnopenedLiveService")

// Storage failures: what a store backend answers when the storage failed,
// not a rule. They are not wire codes; the layers above map them (the API:
// api::WireCode, the admin API: 503). (enumerator, name for logs)
#define MNAD_STORAGE_ERROR_CODES(X)                                                     \
  X(kStorageBusy, "Storage.Busy")                /* not accepting the work now */      \
  X(kStorageConflict, "Storage.Conflict")        /* kept meeting concurrent changes */ \
  X(kStorageUnavailable, "Storage.Unavailable")  /* the database is unreachable */     \
  X(kStorageFailed, "Storage.Failed")            /* a statement or the transaction */  \
  X(kStorageOutcomeUnknown, "Storage.OutcomeUnknown") /* whether it committed */

enum class ErrorCode {
#define MNAD_ERROR_ENUMERATOR(name, wire) name,
  MNAD_ERROR_CODES(MNAD_ERROR_ENUMERATOR) MNAD_STORAGE_ERROR_CODES(MNAD_ERROR_ENUMERATOR)
#undef MNAD_ERROR_ENUMERATOR
};

// Whether `code` is a storage failure (changed nothing, except
// kStorageOutcomeUnknown, which may have).
inline bool IsStorageError(ErrorCode code) { return code >= ErrorCode::kStorageBusy; }

// The storage codes, in declaration order.
inline constexpr ErrorCode kStorageErrorCodes[] = {
#define MNAD_ERROR_LIST_ITEM(name, text) ErrorCode::name,
    MNAD_STORAGE_ERROR_CODES(MNAD_ERROR_LIST_ITEM)
#undef MNAD_ERROR_LIST_ITEM
};

// All wire codes, in declaration order (for tests that walk every code).
inline constexpr ErrorCode kAllErrorCodes[] = {
#define MNAD_ERROR_LIST_ITEM(name, wire) ErrorCode::name,
    MNAD_ERROR_CODES(MNAD_ERROR_LIST_ITEM)
#undef MNAD_ERROR_LIST_ITEM
};

// The Tencent wire code, e.g. "OperationDenied.RepeatPurchase"; for a
// storage code, its name for logs ("Storage.Conflict").
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// The error alternative of any Result: `return Fail(ErrorCode::kX, "why");`.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

// Returns the error of a failed Result from the enclosing function.
#define MNAD_TRY(expression)                                              \
  do {                                                                    \
    auto mnad_try_result = (expression);                                  \
    if (!mnad_try_result) return tl::unexpected(mnad_try_result.error()); \
  } while (false)

}  // namespace mnad
