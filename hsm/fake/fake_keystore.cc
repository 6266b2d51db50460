#include "hsm/fake/fake_keystore.h"

#include "absl/strings/str_cat.h"
#include "hsm/envelope/keystore_envelope.h"
#include "vault/base/status.h"

namespace breakglass::hsm {

FakeKeystore::FakeKeystore(std::string label, std::string header, crypto::Aes256Gcm aead,
                           std::unique_ptr<base::Random> owned_random, base::Random* random)
    : label_(std::move(label)),
      header_(std::move(header)),
      aead_(std::move(aead)),
      owned_random_(std::move(owned_random)),
      random_(random) {}

absl::StatusOr<std::unique_ptr<FakeKeystore>> FakeKeystore::Create(std::string label) {
  auto random = std::make_unique<base::SystemRandom>();
  BG_ASSIGN_OR_RETURN(base::SecretBytes key, crypto::GenerateAes256Key(*random));
  BG_ASSIGN_OR_RETURN(std::string header, EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, label));
  BG_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead, crypto::Aes256Gcm::Create(std::move(key)));
  base::Random* borrowed = random.get();
  return std::unique_ptr<FakeKeystore>(new FakeKeystore(
      std::move(label), std::move(header), std::move(aead), std::move(random), borrowed));
}

absl::StatusOr<std::unique_ptr<FakeKeystore>> FakeKeystore::CreateWithKey(std::string label,
                                                                          base::SecretBytes key,
                                                                          base::Random* random) {
  BG_ASSIGN_OR_RETURN(std::string header, EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, label));
  BG_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead, crypto::Aes256Gcm::Create(std::move(key)));
  return std::unique_ptr<FakeKeystore>(
      new FakeKeystore(std::move(label), std::move(header), std::move(aead), nullptr, random));
}

absl::StatusOr<std::string> FakeKeystore::Seal(const base::SecretBytes& plaintext,
                                               std::string_view aad) {
  BG_ASSIGN_OR_RETURN(std::string sealed,
                      aead_.Seal(plaintext, EnvelopeAad(header_, aad), *random_));
  return absl::StrCat(header_, sealed);
}

absl::StatusOr<base::SecretBytes> FakeKeystore::Unseal(std::string_view envelope,
                                                       std::string_view aad) {
  BG_ASSIGN_OR_RETURN(EnvelopeView view, ParseEnvelope(envelope));
  if (view.key_label != label_) {
    return absl::InvalidArgumentError(absl::StrCat("envelope was sealed under key '",
                                                   std::string(view.key_label),
                                                   "', but this keystore holds '", label_, "'"));
  }
  // IV || ciphertext || tag: the layout crypto::Aes256Gcm opens.
  return aead_.Open(envelope.substr(view.header.size()), EnvelopeAad(view.header, aad));
}

std::string FakeKeystore::Describe() const { return absl::StrCat("fake:object=", label_); }

}  // namespace breakglass::hsm
