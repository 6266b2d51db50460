#include "tpm/tss/internal/tss_error.h"

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tpm2_types.h>

#include <mutex>

#include "absl/strings/str_cat.h"

namespace breakglass::tpm::tss::internal {
namespace {

constexpr TSS2_RC kLayerMask = TSS2_RC_LAYER_MASK;

absl::StatusCode CodeForTpm(uint32_t code) {
  switch (code) {
    case TPM2_RC_INITIALIZE:
    case TPM2_RC_FAILURE:
    case TPM2_RC_RETRY:
    case TPM2_RC_YIELDED:
    case TPM2_RC_TESTING:
    case TPM2_RC_NV_UNAVAILABLE:
    case TPM2_RC_NV_RATE:
      return absl::StatusCode::kUnavailable;
    case TPM2_RC_HANDLE:
      return absl::StatusCode::kNotFound;
    case TPM2_RC_NV_UNINITIALIZED:
    case TPM2_RC_LOCKOUT:
      return absl::StatusCode::kFailedPrecondition;
    case TPM2_RC_AUTH_FAIL:
    case TPM2_RC_BAD_AUTH:
    case TPM2_RC_POLICY_FAIL:
    case TPM2_RC_NV_AUTHORIZATION:
    case TPM2_RC_AUTH_MISSING:
    case TPM2_RC_POLICY:
    case TPM2_RC_AUTH_UNAVAILABLE:
    case TPM2_RC_PCR_CHANGED:
      return absl::StatusCode::kPermissionDenied;
    case TPM2_RC_NV_DEFINED:
      return absl::StatusCode::kAlreadyExists;
    case TPM2_RC_NV_SPACE:
    case TPM2_RC_OBJECT_MEMORY:
    case TPM2_RC_SESSION_MEMORY:
    case TPM2_RC_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    case TPM2_RC_INTEGRITY:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

uint32_t TpmRcCode(TSS2_RC rc) {
  const TSS2_RC layer = rc & kLayerMask;
  if (layer != TSS2_TPM_RC_LAYER && layer != TSS2_RESMGR_TPM_RC_LAYER) return 0;
  const uint32_t tpm = rc & ~kLayerMask;
  if (tpm & TPM2_RC_FMT1) return tpm & (TPM2_RC_FMT1 | 0x3F);  // drop handle/param/session no.
  return tpm & 0xFFF;
}

bool IsTransportError(TSS2_RC rc) {
  const TSS2_RC layer = rc & kLayerMask;
  if (layer == TSS2_TCTI_RC_LAYER) return true;
  if (layer != TSS2_ESAPI_RC_LAYER && layer != TSS2_SYS_RC_LAYER) return false;
  switch (rc & ~kLayerMask) {
    case TSS2_BASE_RC_IO_ERROR:
    case TSS2_BASE_RC_NO_CONNECTION:
    case TSS2_BASE_RC_TRY_AGAIN:
    case TSS2_BASE_RC_MALFORMED_RESPONSE:
    case TSS2_BASE_RC_INSUFFICIENT_RESPONSE:
    case TSS2_BASE_RC_BAD_SEQUENCE:
      return true;
    default:
      return false;
  }
}

std::string DescribeRc(TSS2_RC rc) {
  // Tss2_RC_Decode formats into a static buffer in some releases.
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  return absl::StrCat(Tss2_RC_Decode(rc), " (0x", absl::Hex(rc, absl::kZeroPad8), ")");
}

absl::Status TssStatus(std::string_view command, TSS2_RC rc) {
  if (rc == TSS2_RC_SUCCESS) return absl::OkStatus();
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (IsTransportError(rc)) {
    code = absl::StatusCode::kUnavailable;
  } else if (uint32_t tpm = TpmRcCode(rc); tpm != 0) {
    code = CodeForTpm(tpm);
  }
  return absl::Status(code, absl::StrCat(std::string(command), ": ", DescribeRc(rc)));
}

}  // namespace breakglass::tpm::tss::internal
