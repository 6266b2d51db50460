#include "tpm/tss/tss_context.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "absl/strings/str_cat.h"
#include "tpm/tss/internal/esys_util.h"
#include "tpm/tss/internal/tss_error.h"

namespace breakglass::tpm::tss {

using internal::DescribeRc;

namespace internal {
std::string HandleHex(uint32_t handle) {
  return absl::StrCat("0x", absl::Hex(handle, absl::kZeroPad8));
}
}  // namespace internal

absl::StatusOr<std::unique_ptr<TssContext>> TssContext::Open(std::string tcti) {
  if (tcti.empty()) {
    return absl::InvalidArgumentError(
        "empty TCTI string (firmware-config [tpm] tcti, e.g. \"device:/dev/tpmrm0\")");
  }
  std::unique_ptr<TssContext> ctx(new TssContext(std::move(tcti)));
  std::lock_guard<std::mutex> lock(ctx->mu_);
  absl::Status connected = ctx->Connect();
  if (!connected.ok()) return connected;
  return ctx;
}

TssContext::~TssContext() {
  std::lock_guard<std::mutex> lock(mu_);
  Disconnect();
}

absl::Status TssContext::Connect() {
  TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti_.c_str(), &tcti_ctx_);
  if (rc != TSS2_RC_SUCCESS) {
    tcti_ctx_ = nullptr;
    return absl::UnavailableError(absl::StrCat("cannot reach the TPM at '", tcti_,
                                               "': Tss2_TctiLdr_Initialize: ", DescribeRc(rc),
                                               "; is the TPM (or swtpm) running?"));
  }
  rc = Esys_Initialize(&esys_, tcti_ctx_, nullptr);
  if (rc != TSS2_RC_SUCCESS) {
    esys_ = nullptr;
    Disconnect();
    return absl::UnavailableError(absl::StrCat("cannot open ESAPI on the TPM at '", tcti_,
                                               "': Esys_Initialize: ", DescribeRc(rc)));
  }
  return absl::OkStatus();
}

void TssContext::Disconnect() {
  handles_.clear();  // ESYS_TRs die with the context
  if (esys_ != nullptr) Esys_Finalize(&esys_);
  if (tcti_ctx_ != nullptr) Tss2_TctiLdr_Finalize(&tcti_ctx_);
  esys_ = nullptr;
  tcti_ctx_ = nullptr;
}

absl::StatusOr<TssContext::Lease> TssContext::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (esys_ == nullptr) {
    absl::Status connected = Connect();
    if (!connected.ok()) return connected;
  }
  return Lease(this, std::move(lock));
}

absl::Status TssContext::Lease::Check(std::string_view command, uint32_t rc) {
  absl::Status status = internal::TssStatus(command, rc);
  if (!status.ok() && internal::IsTransportError(rc)) {
    ctx_->Disconnect();
    return absl::UnavailableError(absl::StrCat(std::string(status.message()), "; lost the TPM at '",
                                               ctx_->tcti_, "' (reconnects on the next call)"));
  }
  return status;
}

absl::StatusOr<uint32_t> TssContext::Lease::Resolve(uint32_t tpm_handle) {
  if (esys() == nullptr) return absl::UnavailableError("TPM connection lost");
  if (auto it = ctx_->handles_.find(tpm_handle); it != ctx_->handles_.end()) return it->second;
  ESYS_TR tr = ESYS_TR_NONE;
  TSS2_RC rc =
      Esys_TR_FromTPMPublic(esys(), tpm_handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &tr);
  if (internal::TpmRcCode(rc) == TPM2_RC_HANDLE) {
    return absl::NotFoundError(
        absl::StrCat("nothing is defined at TPM handle ", internal::HandleHex(tpm_handle)));
  }
  absl::Status status =
      Check(absl::StrCat("Esys_TR_FromTPMPublic(", internal::HandleHex(tpm_handle), ")"), rc);
  if (!status.ok()) return status;
  ctx_->handles_[tpm_handle] = tr;
  return tr;
}

void TssContext::Lease::Forget(uint32_t tpm_handle) {
  auto it = ctx_->handles_.find(tpm_handle);
  if (it == ctx_->handles_.end()) return;
  ESYS_TR tr = it->second;
  if (esys() != nullptr) Esys_TR_Close(esys(), &tr);
  ctx_->handles_.erase(it);
}

}  // namespace breakglass::tpm::tss
