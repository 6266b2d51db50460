// Provisioning: creates the appliance's keys on its PKCS#11 token, once
// (issue 3; `breakglass init`). Also creates custodian signing keys on their
// own tokens, for enrolment.
//
// - Share-sealing key: AES-256 (CKM_AES_KEY_GEN), CKA_TOKEN, CKA_PRIVATE,
//   CKA_SENSITIVE=true, CKA_EXTRACTABLE=false, CKA_MODIFIABLE=false,
//   CKA_ENCRYPT/CKA_DECRYPT only (no wrap, unwrap, sign, verify, derive).
// - Signing key pair: Ed25519 (CKM_EC_EDWARDS_KEY_PAIR_GEN, CKA_EC_PARAMS =
//   DER OID 1.3.101.112) or ECDSA P-256 (CKM_EC_KEY_PAIR_GEN, prime256v1);
//   the private half sensitive, non-extractable, sign only; the public half
//   a public token object with verify only. Both halves share the label and
//   a random 16-byte CKA_ID.
//
// A label that already names any object on the token is ALREADY_EXISTS
// (naming the label) and nothing is created: provisioning twice is an error,
// never a second key. The check and the creation are not one atomic step;
// provisioning is a one-time operator action, not to be run concurrently.
//
// Token objects are created through the token's own RNG and never leave it.
// Thread-safety: the functions are thread-safe, but see the note above.
#ifndef BREAKGLASS_HSM_PKCS11_PROVISIONING_H_
#define BREAKGLASS_HSM_PKCS11_PROVISIONING_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hsm/pkcs11/token.h"
#include "vault/crypto/signature.h"

namespace breakglass::hsm::pkcs11 {

struct ApplianceKeyLabels {
  std::string share_seal = "share-seal";
  std::string log_signing = "log-signing";
};

// Creates the share-sealing key and the Ed25519 log key. Both labels are
// checked before anything is created. Returns the log key's public key (for
// the signed-note verifier key). Errors: ALREADY_EXISTS as above;
// FAILED_PRECONDITION when the token lacks a mechanism; INVALID_ARGUMENT for an
// empty or over-long (> 255 bytes) or duplicate label; device errors as
// token.h.
absl::StatusOr<crypto::PublicKey> ProvisionApplianceKeys(const std::shared_ptr<Token>& token,
                                                         const ApplianceKeyLabels& labels);

// The share-sealing key alone. Errors as above.
absl::Status CreateSealingKey(const std::shared_ptr<Token>& token, std::string_view label);

// A signing key pair; returns its public key (read back through
// Pkcs11Signer, whose self-test signs and verifies once). Errors as above.
absl::StatusOr<crypto::PublicKey> CreateSigningKeyPair(const std::shared_ptr<Token>& token,
                                                       std::string_view label,
                                                       crypto::SignatureAlgorithm algorithm);

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_PROVISIONING_H_
