// Pkcs11Keystore: the Keystore port (hsm/keystore.h) over a PKCS#11 token —
// CKM_AES_GCM (NIST SP 800-38D; PKCS#11 v2.40 §2.10.6) under a sensitive,
// non-extractable AES-256 key that never leaves the token (issue 3).
//
// Seal: a 96-bit IV from the token's RNG (C_GenerateRandom), a 128-bit tag,
// and associated data = envelope header || caller's AAD. The result is the v1
// envelope of hsm/envelope/keystore_envelope.h, naming the key's label and the
// mechanism. Unseal checks the envelope names this key, then C_Decrypt; a tag
// mismatch (different AAD, tampered bytes, other key of the same label) is
// DATA_LOSS — reported by the module as CKR_ENCRYPTED_DATA_INVALID (PKCS#11
// v2.40) or, by SoftHSM2 2.6, as CKR_GENERAL_ERROR, which C_Decrypt with
// CKM_AES_GCM therefore also maps to DATA_LOSS (the message quotes the code). Random IVs bound one
// key to 2^32 seals (SP 800-38D §8.3).
//
// Errors follow the port: UNAVAILABLE (device trouble), FAILED_PRECONDITION
// (logged out for good, key gone, mechanism unsupported), DATA_LOSS,
// INVALID_ARGUMENT (malformed envelope or another key's). Every message names
// the PKCS#11 function, the CKR_ code, the key and token (ck_status.h), and
// holds no plaintext. A lost session or a logout is recovered from once by
// itself (token.h).
//
// Thread-safety: safe from many threads (each call leases its own session).
#ifndef BREAKGLASS_HSM_PKCS11_PKCS11_KEYSTORE_H_
#define BREAKGLASS_HSM_PKCS11_PKCS11_KEYSTORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/keystore.h"
#include "hsm/pkcs11/token.h"

namespace breakglass::hsm::pkcs11 {

namespace internal {
class ObjectRef;
}  // namespace internal

class Pkcs11Keystore final : public Keystore {
 public:
  // The AES key that `object_uri` names on `token`, e.g.
  // "pkcs11:object=share-seal" (token parts, if present, must match `token`).
  // NOT_FOUND when no secret key has that label; FAILED_PRECONDITION when the
  // token lacks CKM_AES_GCM, or the key is not AES-256, not sensitive, is
  // extractable, or cannot encrypt and decrypt; INVALID_ARGUMENT for a bad URI.
  static absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> Open(std::shared_ptr<Token> token,
                                                              std::string_view object_uri);
  ~Pkcs11Keystore() override;

  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                   std::string_view aad) override;
  absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                           std::string_view aad) override;
  // "pkcs11:<token URI>;object=<label>".
  std::string Describe() const override;

 private:
  Pkcs11Keystore(std::shared_ptr<Token> token, std::unique_ptr<internal::ObjectRef> key,
                 std::string header);

  std::shared_ptr<Token> token_;
  std::unique_ptr<internal::ObjectRef> key_;
  const std::string header_;  // envelope header for this key
};

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_PKCS11_KEYSTORE_H_
