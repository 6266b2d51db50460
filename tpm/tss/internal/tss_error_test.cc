#include "tpm/tss/internal/tss_error.h"

#include <tss2/tss2_tpm2_types.h>

#include <catch2/catch.hpp>

namespace breakglass::tpm::tss::internal {
namespace {

TEST_CASE("TpmRcCodeStripsHandleParameterAndSessionNumbers", "[tpm_tss]") {
  CHECK(TpmRcCode(0x98b) == TPM2_RC_HANDLE);  // TPM_RC_HANDLE + handle 1
  CHECK(TpmRcCode(0x18b) == TPM2_RC_HANDLE);
  CHECK(TpmRcCode(0x9a2) == TPM2_RC_BAD_AUTH);  // + session 1
  CHECK(TpmRcCode(TPM2_RC_NV_UNINITIALIZED) == TPM2_RC_NV_UNINITIALIZED);
  CHECK(TpmRcCode(TPM2_RC_NV_RATE) == TPM2_RC_NV_RATE);
  CHECK(TpmRcCode(TSS2_RESMGR_TPM_RC_LAYER | TPM2_RC_NV_RATE) == TPM2_RC_NV_RATE);
  CHECK(TpmRcCode(0xa000a) == 0);  // TCTI I/O error: not from the TPM
}

TEST_CASE("TssStatusMapsCodesAndNamesTheCommand", "[tpm_tss]") {
  CHECK(TssStatus("TPM2_NV_Read", TSS2_RC_SUCCESS).ok());
  const auto code = [](TSS2_RC rc) { return TssStatus("cmd", rc).code(); };
  CHECK(code(0xa000a) == absl::StatusCode::kUnavailable);
  CHECK(code(TSS2_ESAPI_RC_LAYER | TSS2_BASE_RC_IO_ERROR) == absl::StatusCode::kUnavailable);
  CHECK(code(TPM2_RC_NV_RATE) == absl::StatusCode::kUnavailable);
  CHECK(code(0x98b) == absl::StatusCode::kNotFound);
  CHECK(code(TPM2_RC_NV_UNINITIALIZED) == absl::StatusCode::kFailedPrecondition);
  CHECK(code(0x98e) == absl::StatusCode::kPermissionDenied);  // AUTH_FAIL
  CHECK(code(0x99d) == absl::StatusCode::kPermissionDenied);  // POLICY_FAIL
  CHECK(code(TPM2_RC_NV_AUTHORIZATION) == absl::StatusCode::kPermissionDenied);
  CHECK(code(TPM2_RC_NV_DEFINED) == absl::StatusCode::kAlreadyExists);
  CHECK(code(TPM2_RC_NV_SPACE) == absl::StatusCode::kResourceExhausted);
  CHECK(code(0x99f) == absl::StatusCode::kDataLoss);  // INTEGRITY
  CHECK(code(TSS2_ESAPI_RC_LAYER | TSS2_BASE_RC_BAD_REFERENCE) == absl::StatusCode::kInternal);

  const std::string msg(TssStatus("TPM2_NV_Increment", 0x98b).message());
  CHECK_THAT(msg, Catch::StartsWith("TPM2_NV_Increment: tpm:"));
  CHECK_THAT(msg, Catch::Contains("(0x0000098b)"));
  CHECK(IsTransportError(0xa000a));
  CHECK_FALSE(IsTransportError(0x98b));
}

}  // namespace
}  // namespace breakglass::tpm::tss::internal
