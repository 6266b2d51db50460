// TssContext: one ESAPI context (tpm2-tss 3.2, TCG "TSS 2.0 Enhanced System
// API Specification") opened from a TCTI configuration string with
// Tss2_TctiLdr_Initialize — "device:/dev/tpmrm0" on the appliance,
// "swtpm:host=127.0.0.1,port=N" in tests — and owned by RAII
// (Esys_Finalize, Tss2_TctiLdr_Finalize).
//
// Every TPM command runs under a Lease, which holds the context's mutex: the
// TPM executes one command at a time anyway, and ESAPI contexts are not
// thread-safe. When the transport fails (TCTI layer error: the TPM or swtpm
// went away) the context is torn down, and the next Acquire() reconnects, so
// a restarted TPM is picked up without restarting breakglassd.
//
// This header deliberately includes no TSS header (handles are uint32_t, as
// ESYS_TR and TPM2_HANDLE are); the tss2 types stay inside tpm/tss/*.cc and
// tpm/tss/internal/.
//
// Thread-safety: TssContext is safe to use from many threads; a Lease belongs
// to the thread that acquired it and must not outlive the context.
#ifndef BREAKGLASS_TPM_TSS_TSS_CONTEXT_H_
#define BREAKGLASS_TPM_TSS_TSS_CONTEXT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct ESYS_CONTEXT;
struct TSS2_TCTI_OPAQUE_CONTEXT_BLOB;

namespace breakglass::tpm::tss {

class TssContext final {
 public:
  class Lease;

  // Connects to the TPM at `tcti`. UNAVAILABLE (naming the TCTI string and
  // the decoded TSS error) when it cannot be reached; INVALID_ARGUMENT for an
  // empty string.
  static absl::StatusOr<std::unique_ptr<TssContext>> Open(std::string tcti);

  TssContext(const TssContext&) = delete;
  TssContext& operator=(const TssContext&) = delete;
  ~TssContext();

  // Exclusive access to the ESAPI context, reconnecting first if the
  // transport failed earlier. UNAVAILABLE when the TPM cannot be reached.
  absl::StatusOr<Lease> Acquire();

  const std::string& tcti() const { return tcti_; }

 private:
  explicit TssContext(std::string tcti) : tcti_(std::move(tcti)) {}
  absl::Status Connect();  // requires mu_
  void Disconnect();       // requires mu_

  const std::string tcti_;
  std::mutex mu_;
  ESYS_CONTEXT* esys_ = nullptr;                       // guarded by mu_
  TSS2_TCTI_OPAQUE_CONTEXT_BLOB* tcti_ctx_ = nullptr;  // guarded by mu_
  std::map<uint32_t, uint32_t> handles_;               // TPM handle -> ESYS_TR; guarded by mu_
};

// Exclusive use of the context for a sequence of commands. Movable, not
// copyable; releases the mutex when destroyed.
class TssContext::Lease final {
 public:
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept = default;

  // The ESAPI context; null after a transport failure in this lease.
  ESYS_CONTEXT* esys() const { return ctx_->esys_; }

  // OK for TSS2_RC_SUCCESS; otherwise the error for `rc` (see
  // internal/tss_error.h) naming `command`. A transport failure also tears
  // the context down so the next Acquire reconnects.
  absl::Status Check(std::string_view command, uint32_t rc);

  // The ESYS_TR of a persistent object or NV index (Esys_TR_FromTPMPublic),
  // cached until the context reconnects. NOT_FOUND when nothing is at
  // `tpm_handle`; transport errors as Check.
  absl::StatusOr<uint32_t> Resolve(uint32_t tpm_handle);
  // Drops a cached ESYS_TR after the TPM object was removed or replaced.
  void Forget(uint32_t tpm_handle);

  const std::string& tcti() const { return ctx_->tcti_; }

 private:
  friend class TssContext;
  Lease(TssContext* ctx, std::unique_lock<std::mutex> lock) : ctx_(ctx), lock_(std::move(lock)) {}

  TssContext* ctx_;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_TSS_CONTEXT_H_
