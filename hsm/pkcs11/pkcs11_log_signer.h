// Pkcs11LogSigner: the LogSigner port (hsm/log_signer.h) over an Ed25519 key
// pair on a PKCS#11 token — CKM_EDDSA without parameters, i.e. pure Ed25519
// (RFC 8032 §5.1), so checkpoints verify with any C2SP signed-note verifier.
// The private key is sensitive and non-extractable (checked at Open).
//
// Thread-safety: safe from many threads.
#ifndef BREAKGLASS_HSM_PKCS11_PKCS11_LOG_SIGNER_H_
#define BREAKGLASS_HSM_PKCS11_PKCS11_LOG_SIGNER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/log_signer.h"
#include "hsm/pkcs11/pkcs11_signer.h"
#include "hsm/pkcs11/token.h"

namespace breakglass::hsm::pkcs11 {

class Pkcs11LogSigner final : public LogSigner {
 public:
  // The Ed25519 key pair `object_uri` names on `token`, e.g.
  // "pkcs11:object=log-signing". Errors as Pkcs11Signer::Open, and
  // FAILED_PRECONDITION when the key is not Ed25519.
  static absl::StatusOr<std::unique_ptr<Pkcs11LogSigner>> Open(std::shared_ptr<Token> token,
                                                               std::string_view object_uri);

  // 64-byte pure Ed25519 signature. Errors as Pkcs11Signer::Sign.
  absl::StatusOr<std::string> Sign(std::string_view message) override;
  // The raw 32-byte key, read from CKA_EC_POINT at Open.
  absl::StatusOr<std::string> PublicKey() override;

  std::string Describe() const { return signer_->Describe(); }

 private:
  explicit Pkcs11LogSigner(std::unique_ptr<Pkcs11Signer> signer) : signer_(std::move(signer)) {}

  std::unique_ptr<Pkcs11Signer> signer_;
};

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_PKCS11_LOG_SIGNER_H_
