// TpmSealingKeystore: hsm::Keystore on a TPM 2.0 (DESIGN.md "Secrets": a TPM
// sealed-data object bound to the PCR policy in firmware-config).
//
// Seal(plaintext, aad), up to 1 MiB (shares are as long as the credential):
//   1. a fresh AES-256 data key (base::Random);
//   2. TPM2_Create under the persistent SRK of a keyedHash sealed-data object
//      holding the data key (no sign/decrypt; fixedTPM|fixedParent|noDA|
//      adminWithPolicy, NOT userWithAuth), with
//        authValue  = SHA-256("breakglass/tpm-seal/v1" || 0x00 || aad)
//        authPolicy = PolicyPCR(selection, current values) || PolicyAuthValue
//      so the TPM releases the key only while the selected PCRs hold the
//      values they had at sealing AND the caller proves the same AAD. The
//      sensitive data travels to the TPM encrypted (a session salted with the
//      SRK, AES-128-CFB parameter encryption);
//   3. AES-256-GCM (vault/crypto/aead.h) of the plaintext under the data key,
//      associated data = the envelope prefix || aad.
//   The AAD is thus bound twice: into the TPM object's auth value (a blob
//   moved to another credential or custodian fails the TPM's check) and into
//   the outer AEAD (which also authenticates every envelope byte).
// Unseal(envelope, aad): TPM2_Load under the SRK, a policy session salted
//   with the SRK running PolicyPCR + PolicyAuthValue (the auth value is proven
//   by HMAC, never sent), TPM2_Unseal of the data key with the response
//   encrypted, the object flushed; then AES-256-GCM open.
//
// Envelope: versioned, see internal/seal_envelope.h (SRK handle and Name, PCR
// selection, TPM2B_PUBLIC, TPM2B_PRIVATE, AEAD).
//
// Errors: Seal — INVALID_ARGUMENT (over 1 MiB), FAILED_PRECONDITION (SRK
// missing), UNAVAILABLE. Unseal — INVALID_ARGUMENT (not a v1 envelope, or one
// naming another SRK handle or PCR selection than this keystore's),
// FAILED_PRECONDITION naming the PCR policy (a selected PCR changed since
// sealing), DATA_LOSS (different AAD; tampered bytes; sealed under another
// SRK at the same handle, i.e. a re-provisioned or foreign TPM), UNAVAILABLE.
// A changed PCR selection in firmware-config means re-sealing (rotation), not
// a silent fallback.
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
#include "vault/base/random.h"

namespace breakglass::tpm::tss {
namespace internal {
struct SealEnvelope;
}  // namespace internal

enum class SrkAlgorithm { kEccP256, kRsa2048 };

struct SealingKeystoreOptions {
  uint32_t srk_handle = 0x81000001;
  SrkAlgorithm srk_algorithm = SrkAlgorithm::kEccP256;
  PcrSelection pcrs;
  // Create and persist the SRK when the handle is empty (provisioning);
  // false at start-up makes a missing SRK FAILED_PRECONDITION.
  bool create_srk_if_absent = true;
  // Source of data keys and IVs; borrowed, must outlive the keystore. Null:
  // the OS CSPRNG (base::SystemRandom).
  base::Random* random = nullptr;
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
      : ctx_(ctx),
        options_(std::move(options)),
        srk_name_(std::move(srk_name)),
        random_(options_.random != nullptr ? options_.random : &system_random_) {}

  // TPM2_Create of the sealed data key; the envelope without its AEAD part.
  absl::StatusOr<internal::SealEnvelope> SealDataKey(const base::SecretBytes& data_key,
                                                     std::string_view aad);
  // TPM2_Load + policy session + TPM2_Unseal of the data key.
  absl::StatusOr<base::SecretBytes> UnsealDataKey(const internal::SealEnvelope& envelope,
                                                  std::string_view aad);
  // Key and mechanism named by the envelope against this keystore's.
  absl::Status CheckEnvelope(const internal::SealEnvelope& envelope) const;

  TssContext* const ctx_;
  const SealingKeystoreOptions options_;
  const std::string srk_name_;
  base::SystemRandom system_random_;
  base::Random* const random_;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_SEALING_KEYSTORE_H_
