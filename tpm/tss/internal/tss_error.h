// TSS2_RC -> absl::Status, in one place (STYLE.md: vendor error codes become
// the project's error type in the adapter).
//
// The message names the command and carries Tss2_RC_Decode(rc) and the hex
// code: "TPM2_NV_Increment: tpm:handle(2):the handle is not correct (0x0000098b)".
//
// Default codes (callers with more context remap, e.g. the keystore turns
// TPM_RC_POLICY_FAIL into "PCR policy not satisfied"):
//   transport (TCTI layer, ESYS I/O, no connection, malformed response),
//   TPM_RC_INITIALIZE/FAILURE/RETRY/YIELDED/TESTING/NV_UNAVAILABLE/NV_RATE -> UNAVAILABLE
//   TPM_RC_HANDLE                                         -> NOT_FOUND
//   TPM_RC_NV_UNINITIALIZED, TPM_RC_LOCKOUT               -> FAILED_PRECONDITION
//   TPM_RC_AUTH_FAIL/BAD_AUTH/POLICY_FAIL/NV_AUTHORIZATION/AUTH_MISSING/
//   POLICY/AUTH_UNAVAILABLE/PCR_CHANGED                   -> PERMISSION_DENIED
//   TPM_RC_NV_DEFINED                                     -> ALREADY_EXISTS
//   TPM_RC_NV_SPACE, *_MEMORY                             -> RESOURCE_EXHAUSTED
//   TPM_RC_INTEGRITY                                      -> DATA_LOSS
//   anything else                                         -> INTERNAL
//
// Thread-safety: thread-safe.
#ifndef BREAKGLASS_TPM_TSS_INTERNAL_TSS_ERROR_H_
#define BREAKGLASS_TPM_TSS_INTERNAL_TSS_ERROR_H_

#include <tss2/tss2_common.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace breakglass::tpm::tss::internal {

// The TPM response code with handle/parameter/session numbers and the TSS
// layer stripped (e.g. 0x98b -> TPM2_RC_HANDLE 0x08b), or 0 when `rc` did not
// come from the TPM (or a resource manager relaying it).
uint32_t TpmRcCode(TSS2_RC rc);

// True when `rc` means the connection to the TPM failed (the context must be
// rebuilt before it is used again).
bool IsTransportError(TSS2_RC rc);

// "Tss2_RC_Decode(rc) (0x...)".
std::string DescribeRc(TSS2_RC rc);

// The status for `rc` (OK for success), naming `command`.
absl::Status TssStatus(std::string_view command, TSS2_RC rc);

}  // namespace breakglass::tpm::tss::internal

#endif  // BREAKGLASS_TPM_TSS_INTERNAL_TSS_ERROR_H_
