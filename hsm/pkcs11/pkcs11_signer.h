// Pkcs11Signer: signs with a private key held on a PKCS#11 token, chosen by an
// RFC 7512 URI — the log key (through Pkcs11LogSigner) and custodians' keys on
// their own tokens (`breakglass approve --key pkcs11:token=alice;object=approve`).
//
// Two key types, as vault/crypto/signature.h verifies them:
// - Ed25519 (CKK_EC_EDWARDS, CKA_EC_PARAMS id-Ed25519 or "edwards25519"):
//   CKM_EDDSA without parameters = pure Ed25519 (RFC 8032 §5.1); 64 bytes.
// - ECDSA P-256 (CKK_EC, prime256v1): SHA-256 of the message is computed here
//   and the token signs the digest with raw CKM_ECDSA (SoftHSM2 and many
//   tokens lack CKM_ECDSA_SHA256); the signature is raw r || s, 64 bytes.
// The public key is read from the public-key object with the same label (and
// CKA_ID, when the private key has one), CKA_EC_POINT in DER or bare form. Open
// signs a fixed test message and verifies it, so a public key that does not
// belong to the private key is caught at start, not by an auditor.
//
// The private key must be sensitive and not extractable: a key that can leave
// its token is refused (FAILED_PRECONDITION) rather than trusted as hardware.
//
// Thread-safety: safe from many threads (each call leases its own session).
#ifndef BREAKGLASS_HSM_PKCS11_PKCS11_SIGNER_H_
#define BREAKGLASS_HSM_PKCS11_PKCS11_SIGNER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/token.h"
#include "vault/base/secret_bytes.h"
#include "vault/crypto/signature.h"

namespace breakglass::hsm::pkcs11 {

namespace internal {
class ObjectRef;
}  // namespace internal

class Pkcs11Signer final {
 public:
  // Opens the token `uri` selects in `module_path`, logs in with `user_pin`,
  // and opens the key its object= part names. Errors as Token::Open and the
  // overload below.
  static absl::StatusOr<std::unique_ptr<Pkcs11Signer>> Open(const std::string& module_path,
                                                            std::string_view uri,
                                                            base::SecretBytes user_pin);
  // The key `object_uri` names on an open token. NOT_FOUND when no private or
  // no public key has the label; FAILED_PRECONDITION for an unsupported key
  // type or curve, a key that may not sign or can leave the token, a token
  // without the mechanism, or a public key that does not match; INVALID_ARGUMENT
  // for a bad URI.
  static absl::StatusOr<std::unique_ptr<Pkcs11Signer>> Open(std::shared_ptr<Token> token,
                                                            std::string_view object_uri);
  ~Pkcs11Signer();

  crypto::SignatureAlgorithm algorithm() const { return public_key_.algorithm(); }
  const crypto::PublicKey& public_key() const { return public_key_; }

  // The signature over `message` (see the file comment for its form).
  // UNAVAILABLE (device trouble), FAILED_PRECONDITION (logged out for good,
  // key gone), each naming C_SignInit/C_Sign and the CKR_ code.
  absl::StatusOr<std::string> Sign(std::string_view message);

  // "<token URI>;object=<label>".
  std::string Describe() const;

 private:
  Pkcs11Signer(std::shared_ptr<Token> token, std::unique_ptr<internal::ObjectRef> key,
               crypto::PublicKey public_key);

  std::shared_ptr<Token> token_;
  std::unique_ptr<internal::ObjectRef> key_;
  const crypto::PublicKey public_key_;
};

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_PKCS11_SIGNER_H_
