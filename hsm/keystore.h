// Keystore: seals and unseals small secrets (Shamir shares) under a key that
// never leaves the hardware, bound to associated data (DESIGN.md "Secrets").
//
// The associated data (AAD) binds a sealed share to (credential id, version,
// custodian, share index); it is authenticated, not stored, so Unseal must be
// given exactly the AAD used at Seal. A blob moved to another credential or
// custodian does not open.
//
// Implementations: hsm/pkcs11 (CKM_AES_GCM in a PKCS#11 token), tpm/tss
// (TPM sealed-data object under a PCR policy), hsm/fake (in memory, for tests
// of the layers above). All pass tests/conformance.
//
// Thread-safety: implementations are safe to call from many threads.
#ifndef BREAKGLASS_HSM_KEYSTORE_H_
#define BREAKGLASS_HSM_KEYSTORE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::hsm {

class Keystore {
 public:
  virtual ~Keystore() = default;

  // Seals `plaintext` bound to `aad`. Returns a self-describing envelope
  // (format version, key and mechanism named inside; public bytes, safe to
  // store). Errors: UNAVAILABLE when the device cannot be reached,
  // FAILED_PRECONDITION when it is not ready (logged out, key missing).
  virtual absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                           std::string_view aad) = 0;

  // Opens an envelope made by Seal with the same `aad`. Errors:
  // INVALID_ARGUMENT for an envelope that is not well-formed or names another
  // key/mechanism; DATA_LOSS when authentication fails (different AAD,
  // tampered bytes, wrong key, or — for the TPM — a PCR policy mismatch is
  // FAILED_PRECONDITION); UNAVAILABLE/FAILED_PRECONDITION as for Seal.
  virtual absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                                   std::string_view aad) = 0;

  // Names the keystore for audit events and errors, e.g.
  // "pkcs11:token=breakglass;object=share-seal" or "tpm:srk=0x81000001".
  virtual std::string Describe() const = 0;
};

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_KEYSTORE_H_
