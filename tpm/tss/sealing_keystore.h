// TpmSealingKeystore: hsm::Keystore on a TPM 2.0 (DESIGN.md "Secrets": a TPM
// sealed-data object bound to the PCR policy in firmware-config).
//
// Seal(plaintext, aad), at most 128 bytes (MAX_SYM_DATA):
//   TPM2_Create under the persistent SRK of a keyedHash sealed-data object
//   (no sign/decrypt; fixedTPM|fixedParent|noDA|adminWithPolicy, NOT
//   userWithAuth) holding the plaintext, with
//     authValue  = SHA-256("breakglass/tpm-seal/v1" || 0x00 || aad)
//     authPolicy = PolicyPCR(selection, current values) || PolicyPassword
//   so the TPM releases it only while the selected PCRs hold the values they
//   had at sealing AND the caller presents the same AAD. (The AAD is bound
//   through the object's auth value, not an outer AEAD: a blob moved to
//   another credential or custodian fails the TPM's password check.) The
//   sensitive data travels to the TPM encrypted (a session salted with the
//   SRK, AES-128-CFB parameter encryption).
// Unseal(envelope, aad): TPM2_Load under the SRK, a policy session salted
//   with the SRK running PolicyPCR + PolicyAuthValue (same policy digest as
//   PolicyPassword; the AAD-derived auth value is proven by HMAC, never sent),
//   TPM2_Unseal with the response encrypted; the object is flushed afterwards.
//
// Envelope: versioned, see internal/seal_envelope.h (SRK handle and Name, PCR
// selection, TPM2B_PUBLIC, TPM2B_PRIVATE).
//
// Errors: Seal — INVALID_ARGUMENT (empty or > 128 bytes), FAILED_PRECONDITION
// (SRK missing), UNAVAILABLE. Unseal — INVALID_ARGUMENT (not a v1 envelope,
// or one naming another SRK or PCR selection than this keystore's),
// FAILED_PRECONDITION naming the PCR policy (a selected PCR changed since
// sealing), DATA_LOSS (different AAD, or tampered object bytes the TPM
// refuses to load), UNAVAILABLE. A changed PCR selection in firmware-config
// means re-sealing (rotation), not a silent fallback.
//
// Thread-safety: safe from many threads. `ctx` is borrowed and must outlive
// the keystore.
#ifndef BREAKGLASS_TPM_TSS_SEALING_KEYSTORE_H_
#define BREAKGLASS_TPM_TSS_SEALING_KEYSTORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/keystore.h"
#include "tpm/tss/pcr_selection.h"
#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss {

enum class SrkAlgorithm { kEccP256, kRsa2048 };

struct SealingKeystoreOptions {
  uint32_t srk_handle = 0x81000001;
  SrkAlgorithm srk_algorithm = SrkAlgorithm::kEccP256;
  PcrSelection pcrs;
  // Create and persist the SRK when the handle is empty (provisioning);
  // false at start-up makes a missing SRK FAILED_PRECONDITION.
  bool create_srk_if_absent = true;
};

class TpmSealingKeystore final : public hsm::Keystore {
 public:
  // Ensures the SRK exists (see options). INVALID_ARGUMENT for a bad PCR
  // selection; FAILED_PRECONDITION when the SRK is missing or another key
  // is at its handle; UNAVAILABLE.
  static absl::StatusOr<std::unique_ptr<TpmSealingKeystore>> Create(TssContext* ctx,
                                                                    SealingKeystoreOptions options);

  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                   std::string_view aad) override;
  absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                           std::string_view aad) override;
  // "tpm:srk=0x81000001;pcr=sha256:0,2,4,7".
  std::string Describe() const override;

 private:
  TpmSealingKeystore(TssContext* ctx, SealingKeystoreOptions options, std::string srk_name)
      : ctx_(ctx), options_(std::move(options)), srk_name_(std::move(srk_name)) {}

  TssContext* const ctx_;
  const SealingKeystoreOptions options_;
  const std::string srk_name_;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_SEALING_KEYSTORE_H_
