// TssNvCounter: a MonotonicCounter on a TPM 2.0 NV counter index through
// ESAPI (TPM 2.0 Part 3 §31: NV_DefineSpace, NV_Increment, NV_Read,
// NV_Certify). The release and checkpoint counters of DESIGN.md.
//
// NV index attributes (TPM 2.0 Part 2 §13.4), see NvCounterAttributes():
//   TPM_NT_COUNTER   only ever increments; a new counter starts at or above
//                    the highest value any counter of this TPM ever had
//   not ORDERLY      every increment reaches NV before the command returns
//   NO_DA            a wrong write secret never puts the TPM in DA lockout
//   writes           AUTHWRITE: the index's auth value, sent as a password
//                    (kAuthValue, ~1 ms on swtpm); or POLICYWRITE with
//                    authPolicy = PolicyPCR(selection) + PolicyPassword — the
//                    auth value AND the PCRs (kAuthValueAndPcr; a policy
//                    session per write, several ms)
//   reads            OWNERREAD: read and certified with owner authorization.
//                    The appliance leaves the owner hierarchy's auth empty,
//                    so reading needs no secret. (AUTHREAD would need the
//                    write secret; a POLICYREAD branch would force policy
//                    sessions on writes too.) An owner could undefine and
//                    redefine the index, but a TPM starts a new counter at or
//                    above any value it ever had, so it can never go back —
//                    the start-up check sees it jump, and alerts.
//
// Increment = NV_Increment then NV_Read under one lease (so the value
// returned is the one this call produced); Advance = NV_Increment alone.
// TPM_RC_NV_RATE is retried with exponential backoff, releasing the lease
// between attempts.
//
// Errors (all name the counter label and index): UNAVAILABLE (TPM
// unreachable, or NV rate limit outlasting the backoff), NOT_FOUND (index not
// defined), FAILED_PRECONDITION (defined, never written; or attributes that
// are not the spec's), PERMISSION_DENIED (write secret or PCR policy not met).
//
// Thread-safety: safe from many threads. `ctx` and `ak` are borrowed and
// must outlive the counter.
#ifndef BREAKGLASS_TPM_TSS_NV_COUNTER_H_
#define BREAKGLASS_TPM_TSS_NV_COUNTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tpm/evidence/attest.h"
#include "tpm/monotonic_counter.h"
#include "tpm/tss/attestation_key.h"
#include "tpm/tss/backoff.h"
#include "tpm/tss/pcr_selection.h"
#include "tpm/tss/tss_context.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::tpm::tss {

enum class NvWritePolicy {
  kAuthValue,        // AUTHWRITE
  kAuthValueAndPcr,  // POLICYWRITE: PolicyPCR + PolicyPassword
};

struct NvCounterSpec {
  std::string label;      // "release" or "checkpoint"
  uint32_t nv_index = 0;  // 0x01000000..0x01FFFFFF (owner range)
  NvWritePolicy write_policy = NvWritePolicy::kAuthValue;
  PcrSelection pcrs;  // used with kAuthValueAndPcr
  Backoff nv_rate_backoff;
};

// The TPMA_NV attributes the spec's index is defined with.
uint32_t NvCounterAttributes(NvWritePolicy policy);

class TssNvCounter final : public MonotonicCounter {
 public:
  // Provisioning: defines the index (owner authorization, empty) with `auth`
  // (at most 32 bytes) as its auth value. It is not written: Read is
  // FAILED_PRECONDITION until the first Increment. ALREADY_EXISTS when the
  // index is already defined; INVALID_ARGUMENT for a bad spec.
  static absl::Status Define(TssContext& ctx, const NvCounterSpec& spec,
                             const base::SecretBytes& auth);
  // Decommissioning and tests: removes the index. NOT_FOUND when absent.
  static absl::Status Undefine(TssContext& ctx, uint32_t nv_index);

  // Opens a defined index and checks its attributes against the spec.
  // `ak` signs Certify; `auth` is the write secret.
  static absl::StatusOr<std::unique_ptr<TssNvCounter>> Open(TssContext* ctx, NvCounterSpec spec,
                                                            base::SecretBytes auth,
                                                            const AttestationKey* ak);

  absl::StatusOr<uint64_t> Read() override;
  absl::StatusOr<uint64_t> Increment() override;
  absl::Status Advance() override;
  absl::StatusOr<CounterEvidence> Certify(std::string_view qualifying_data) override;
  std::string Label() const override { return spec_.label; }

  // The index's public area as the TPM reports it now (TPM2_NV_ReadPublic);
  // NvIndexName() of it is what evidence must carry once written.
  absl::StatusOr<NvPublic> ReadPublic();
  uint32_t nv_index() const { return spec_.nv_index; }

 private:
  TssNvCounter(TssContext* ctx, NvCounterSpec spec, base::SecretBytes auth,
               const AttestationKey* ak)
      : ctx_(ctx), spec_(std::move(spec)), auth_(std::move(auth)), ak_(ak) {}

  // One NV_Increment, + NV_Read when `read_back` (else returns 0); sets
  // `nv_rate` when the TPM said NV_RATE.
  absl::StatusOr<uint64_t> IncrementOnce(bool read_back, bool& nv_rate);
  // IncrementOnce with the NV_RATE backoff and the errors annotated.
  absl::StatusOr<uint64_t> IncrementWithRetry(bool read_back);
  absl::Status Annotate(const absl::Status& status) const;

  TssContext* const ctx_;
  const NvCounterSpec spec_;
  const base::SecretBytes auth_;
  const AttestationKey* const ak_;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_NV_COUNTER_H_
