// The TPM sealing keystore's envelope, version 1 (all integers big-endian):
//
//   magic        4 bytes  "BGTS"
//   version      UINT8    1
//   srk_handle   UINT32   persistent handle of the parent (SRK)
//   srk_name     TPM2B    the SRK's Name when sealed
//   pcr_bank     UINT16   TPM_ALG_ID of the PCR bank in the policy
//   pcr_select   UINT8 sizeofSelect, then that many bitmap bytes
//   public       TPM2B_PUBLIC   the sealed-data object's public area
//   private      TPM2B_PRIVATE  its encrypted sensitive area (TPM-wrapped): a
//                               fresh 32-byte data key
//   aead_size    UINT32
//   aead         AES-256-GCM under the data key (vault/crypto/aead.h:
//                IV || ciphertext || tag) of the plaintext, with associated
//                data = every envelope byte before aead_size || caller's AAD
//
// Public bytes only: the data key is inside `private`, encrypted and
// integrity protected by the TPM under the SRK; it opens only in this TPM.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_TPM_TSS_INTERNAL_SEAL_ENVELOPE_H_
#define BREAKGLASS_TPM_TSS_INTERNAL_SEAL_ENVELOPE_H_

#include <tss2/tss2_tpm2_types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::tpm::tss::internal {

inline constexpr uint8_t kSealEnvelopeVersion = 1;

struct SealEnvelope {
  uint32_t srk_handle = 0;
  std::string srk_name;
  uint16_t pcr_bank = 0;
  std::string pcr_select;  // sizeofSelect bytes of bitmap
  TPM2B_PUBLIC public_area = {};
  TPM2B_PRIVATE private_area = {};
  std::string aead;
};

// The envelope bytes up to (not including) aead_size, which the AEAD
// authenticates.
absl::StatusOr<std::string> EncodeSealEnvelopePrefix(const SealEnvelope& envelope);

// INTERNAL only when marshalling fails (cannot happen for TPM-made objects).
absl::StatusOr<std::string> EncodeSealEnvelope(const SealEnvelope& envelope);
// INVALID_ARGUMENT naming the field when `bytes` is not a v1 envelope.
absl::StatusOr<SealEnvelope> DecodeSealEnvelope(std::string_view bytes);

}  // namespace breakglass::tpm::tss::internal

#endif  // BREAKGLASS_TPM_TSS_INTERNAL_SEAL_ENVELOPE_H_
