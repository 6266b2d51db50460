// AttestationKey: the TPM key that signs NV_Certify evidence of the anchoring
// counters (DESIGN.md "Anchoring in the TPM").
//
// A restricted ECC NIST P-256 signing key (ECDSA/SHA-256) created as a
// primary in the endorsement hierarchy — so the TPM does not obfuscate
// clockInfo/firmwareVersion in its attestations (TPM 2.0 Part 3 §18.1) — and
// made persistent at the handle firmware-config names. Its public key (PEM
// SubjectPublicKeyInfo) is recorded at provisioning; auditors verify evidence
// against it with tpm/evidence, offline.
//
// Auth: the AK and the endorsement hierarchy use empty auth values; NV_Certify
// reads the counter with owner authorization (empty on the appliance, see
// nv_counter.h).
//
// Thread-safety: safe from many threads (all TPM access goes through the
// TssContext lease). `ctx` is borrowed and must outlive the key.
#ifndef BREAKGLASS_TPM_TSS_ATTESTATION_KEY_H_
#define BREAKGLASS_TPM_TSS_ATTESTATION_KEY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tpm/monotonic_counter.h"
#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss {

class AttestationKey final {
 public:
  // Provisioning: re-uses the AK at `persistent_handle`, or creates and
  // persists it there. FAILED_PRECONDITION when the handle holds another kind
  // of key; UNAVAILABLE when the TPM is unreachable.
  static absl::StatusOr<std::unique_ptr<AttestationKey>> Provision(TssContext* ctx,
                                                                   uint32_t persistent_handle);
  // Start-up: the AK must exist. NOT_FOUND when absent; otherwise as Provision.
  static absl::StatusOr<std::unique_ptr<AttestationKey>> Open(TssContext* ctx,
                                                              uint32_t persistent_handle);

  // TPM2_NV_Certify of the whole 8-byte counter at `nv_index`, signed by this
  // key, with `qualifying_data` (at most 32 bytes) as extraData. Returns the
  // TPMS_ATTEST bytes and the marshalled TPMT_SIGNATURE. INVALID_ARGUMENT for
  // longer qualifying data; NOT_FOUND when the index or AK is missing;
  // FAILED_PRECONDITION when the counter was never written; UNAVAILABLE.
  absl::StatusOr<CounterEvidence> CertifyNvCounter(uint32_t nv_index,
                                                   std::string_view qualifying_data) const;

  uint32_t handle() const { return handle_; }
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of the AK.
  const std::string& public_key_pem() const { return public_key_pem_; }
  // The AK's TPM Name (nameAlg || SHA-256(TPMT_PUBLIC)).
  const std::string& name() const { return name_; }

 private:
  AttestationKey(TssContext* ctx, uint32_t handle, std::string pem, std::string name)
      : ctx_(ctx), handle_(handle), public_key_pem_(std::move(pem)), name_(std::move(name)) {}
  static absl::StatusOr<std::unique_ptr<AttestationKey>> Load(TssContext* ctx, uint32_t handle,
                                                              bool create_if_absent);

  TssContext* const ctx_;
  const uint32_t handle_;
  const std::string public_key_pem_;
  const std::string name_;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_ATTESTATION_KEY_H_
