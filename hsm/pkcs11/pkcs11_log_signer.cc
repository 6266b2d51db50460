#include "hsm/pkcs11/pkcs11_log_signer.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11 {

absl::StatusOr<std::unique_ptr<Pkcs11LogSigner>> Pkcs11LogSigner::Open(
    std::shared_ptr<Token> token, std::string_view object_uri) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<Pkcs11Signer> signer,
                      Pkcs11Signer::Open(std::move(token), object_uri));
  if (signer->algorithm() != crypto::SignatureAlgorithm::kEd25519) {
    return absl::FailedPreconditionError(
        absl::StrCat(signer->Describe(), " is a ",
                     std::string(crypto::SignatureAlgorithmName(signer->algorithm())),
                     " key; the log key must be Ed25519 (C2SP signed notes, type 0x01)"));
  }
  return std::unique_ptr<Pkcs11LogSigner>(new Pkcs11LogSigner(std::move(signer)));
}

absl::StatusOr<std::string> Pkcs11LogSigner::Sign(std::string_view message) {
  return signer_->Sign(message);
}

absl::StatusOr<std::string> Pkcs11LogSigner::PublicKey() {
  return signer_->public_key().RawPublicKey();
}

}  // namespace breakglass::hsm::pkcs11
