#include "hsm/pkcs11/internal/ck_status.h"

#include <cstdio>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace breakglass::hsm::pkcs11::internal {
namespace {

constexpr char kPayloadUrl[] = "type.breakglass.dev/pkcs11.CK_RV";

using Code = absl::StatusCode;

struct CkrInfo {
  CK_RV rv;
  const char* name;
  Code code;
  const char* advice;
};

// One row per return value breakglass can meet; the code follows the port
// contracts (hsm/keystore.h): device trouble is UNAVAILABLE, a token that is
// not ready or not suitable is FAILED_PRECONDITION.
constexpr CkrInfo kCkrTable[] = {
    {CKR_CANCEL, "CKR_CANCEL", Code::kCancelled, "the operation was cancelled; retry"},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY", Code::kResourceExhausted, "the host is out of memory"},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID", Code::kUnavailable,
     "the slot went away; check the token is connected"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR", Code::kInternal,
     "the module failed; check the module's logs and the token's state"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED", Code::kUnavailable,
     "the token could not perform the function; retry, then check the device"},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD", Code::kInternal,
     "breakglass passed bad arguments to the module; report a bug"},
    {CKR_CANT_LOCK, "CKR_CANT_LOCK", Code::kFailedPrecondition,
     "the module cannot use OS locking, so it is not safe across threads; use another module"},
    {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE", Code::kPermissionDenied,
     "the attribute is sensitive and the token will not reveal it"},
    {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID", Code::kInvalidArgument,
     "the token does not know an attribute in the template"},
    {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID", Code::kInvalidArgument,
     "the token refused an attribute value (e.g. an unsupported curve or key size)"},
    {CKR_ACTION_PROHIBITED, "CKR_ACTION_PROHIBITED", Code::kPermissionDenied,
     "the token's policy forbids this action"},
    {CKR_DATA_INVALID, "CKR_DATA_INVALID", Code::kInvalidArgument, "the token refused the input"},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE", Code::kInvalidArgument,
     "the input length is out of range for this mechanism"},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR", Code::kUnavailable,
     "the device reported an error; check it is connected and healthy"},
    {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY", Code::kResourceExhausted,
     "the token is out of memory or storage; free objects on it"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED", Code::kUnavailable,
     "the token was removed; reconnect it"},
    {CKR_ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID", Code::kDataLoss,
     "the ciphertext does not authenticate under this key and associated data"},
    {CKR_ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE", Code::kDataLoss,
     "the ciphertext has an impossible length"},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED", Code::kFailedPrecondition,
     "the module does not implement this function; use a module that does"},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID", Code::kFailedPrecondition,
     "the key is gone (deleted or the token was reset); check the token, re-provision"},
    {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE", Code::kInvalidArgument,
     "the token does not support this key size"},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT", Code::kFailedPrecondition,
     "the key's type does not fit the mechanism; check the URI names the right key"},
    {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED", Code::kFailedPrecondition,
     "the key's attributes forbid this use; check the URI names the right key"},
    {CKR_KEY_UNEXTRACTABLE, "CKR_KEY_UNEXTRACTABLE", Code::kPermissionDenied,
     "the key is not extractable"},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID", Code::kFailedPrecondition,
     "the token does not support this mechanism; use a token or module that does"},
    {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID", Code::kFailedPrecondition,
     "the token refused the mechanism's parameters; use a token that supports them"},
    {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID", Code::kFailedPrecondition,
     "the object is gone (deleted or the token was reset); check the token, re-provision"},
    {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE", Code::kInternal,
     "another operation is active on the session; report a bug"},
    {CKR_OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED", Code::kInternal,
     "no operation was initialised on the session; report a bug"},
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT", Code::kPermissionDenied,
     "the user PIN was refused; check the PIN file (tokens may lock after repeated failures)"},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID", Code::kPermissionDenied,
     "the PIN holds characters the token does not accept; check the PIN file"},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE", Code::kPermissionDenied,
     "the PIN is too long or too short for the token; check the PIN file"},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED", Code::kPermissionDenied,
     "the user PIN has expired; set a new one with the token's tools"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED", Code::kPermissionDenied,
     "the user PIN is locked; the security officer must unlock it"},
    {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED", Code::kUnavailable,
     "the session was closed under the operation; retry"},
    {CKR_SESSION_COUNT, "CKR_SESSION_COUNT", Code::kResourceExhausted,
     "the token has no free sessions; lower the session pool size or close other clients"},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID", Code::kUnavailable,
     "the session is gone (closed or the token was reset); retry"},
    {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY", Code::kFailedPrecondition,
     "the session is read-only; the token may be write-protected"},
    {CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS", Code::kFailedPrecondition,
     "sessions are open on the token; close them first"},
    {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID", Code::kPermissionDenied,
     "the signature does not verify"},
    {CKR_SIGNATURE_LEN_RANGE, "CKR_SIGNATURE_LEN_RANGE", Code::kInvalidArgument,
     "the signature has the wrong length"},
    {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE", Code::kInvalidArgument,
     "the token needs attributes the template lacks"},
    {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT", Code::kInvalidArgument,
     "the token refused a combination of attributes"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT", Code::kUnavailable,
     "no token is in the slot; connect the token"},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED", Code::kUnavailable,
     "the module does not recognise the token"},
    {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED", Code::kFailedPrecondition,
     "the token is write-protected"},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN", Code::kAlreadyExists,
     "the user is already logged in"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN", Code::kFailedPrecondition,
     "the token is logged out; log in again (breakglass does so once by itself)"},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED", Code::kFailedPrecondition,
     "the token has no user PIN; initialise the token first"},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID", Code::kInternal,
     "invalid user type; report a bug"},
    {CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
     Code::kFailedPrecondition, "another user (e.g. the SO) is logged in; log them out"},
    {CKR_RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG", Code::kFailedPrecondition,
     "the token has no random number generator; use a token that has one"},
    {CKR_DOMAIN_PARAMS_INVALID, "CKR_DOMAIN_PARAMS_INVALID", Code::kFailedPrecondition,
     "the token does not accept these curve parameters"},
    {CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED", Code::kFailedPrecondition,
     "the token does not support this curve"},
    {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL", Code::kInternal,
     "the output buffer was too small; report a bug"},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED", Code::kUnavailable,
     "the module is not initialised; reopen the token"},
    {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED", Code::kInternal,
     "the module was already initialised"},
    {CKR_FUNCTION_REJECTED, "CKR_FUNCTION_REJECTED", Code::kPermissionDenied,
     "the token (or its user) rejected the request"},
};

const CkrInfo* Find(CK_RV rv) {
  for (const CkrInfo& info : kCkrTable) {
    if (info.rv == rv) return &info;
  }
  return nullptr;
}

std::string Hex(const char* prefix, unsigned long value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s0x%08lx", prefix, value);
  return buf;
}

}  // namespace

std::string CkrName(CK_RV rv) {
  if (rv == CKR_OK) return "CKR_OK";
  const CkrInfo* info = Find(rv);
  return info != nullptr ? info->name : Hex("CKR_", rv);
}

std::string CkmName(CK_MECHANISM_TYPE mechanism) {
  switch (mechanism) {
    case CKM_AES_GCM:
      return "CKM_AES_GCM";
    case CKM_AES_KEY_GEN:
      return "CKM_AES_KEY_GEN";
    case CKM_EC_EDWARDS_KEY_PAIR_GEN:
      return "CKM_EC_EDWARDS_KEY_PAIR_GEN";
    case CKM_EC_KEY_PAIR_GEN:
      return "CKM_EC_KEY_PAIR_GEN";
    case CKM_EDDSA:
      return "CKM_EDDSA";
    case CKM_ECDSA:
      return "CKM_ECDSA";
    case CKM_AES_CCM:
      return "CKM_AES_CCM";
    default:
      return Hex("CKM_", mechanism);
  }
}

absl::Status CkError(CK_RV rv, std::string_view function, std::string_view context) {
  const CkrInfo* info = Find(rv);
  const Code code = info != nullptr            ? info->code
                    : rv >= CKR_VENDOR_DEFINED ? Code::kUnknown
                                               : Code::kInternal;
  const char* advice = info != nullptr ? info->advice : "see the module's documentation";
  absl::Status status(code, absl::StrCat(std::string(function), " on ", std::string(context), ": ",
                                         CkrName(rv), ": ", advice));
  status.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(rv)));
  return status;
}

absl::Status CkCheck(CK_RV rv, std::string_view function, std::string_view context) {
  return rv == CKR_OK ? absl::OkStatus() : CkError(rv, function, context);
}

std::optional<CK_RV> CkrOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  CK_RV rv = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &rv)) return std::nullopt;
  return rv;
}

}  // namespace breakglass::hsm::pkcs11::internal
