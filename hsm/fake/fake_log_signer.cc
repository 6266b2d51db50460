#include "hsm/fake/fake_log_signer.h"

#include "vault/base/status.h"

namespace breakglass::hsm {

absl::StatusOr<std::unique_ptr<FakeLogSigner>> FakeLogSigner::Create() {
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key,
                      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519));
  return std::unique_ptr<FakeLogSigner>(new FakeLogSigner(std::move(key)));
}

absl::StatusOr<std::unique_ptr<FakeLogSigner>> FakeLogSigner::FromSeed(
    const base::SecretBytes& seed) {
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key, crypto::SigningKey::FromEd25519Seed(seed));
  return std::unique_ptr<FakeLogSigner>(new FakeLogSigner(std::move(key)));
}

absl::StatusOr<std::string> FakeLogSigner::Sign(std::string_view message) {
  return key_.Sign(message);
}

absl::StatusOr<std::string> FakeLogSigner::PublicKey() { return key_.public_key().RawPublicKey(); }

}  // namespace breakglass::hsm
