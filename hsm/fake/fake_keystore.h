// FakeKeystore: the Keystore port (hsm/keystore.h) in software, for tests of
// the layers above. AES-256-GCM through vault/crypto/aead.h (OpenSSL EVP) with
// a key held in SecretBytes; the envelope is the same v1 format as the PKCS#11
// keystore (hsm/envelope/keystore_envelope.h), so the two are interchangeable
// to their callers. It passes the same conformance suite (tests/conformance).
//
// NOT for production: the key lives in process memory.
//
// Thread-safety: safe from many threads (Aes256Gcm is immutable; the Random
// must be thread-safe, as every base::Random is).
#ifndef BREAKGLASS_HSM_FAKE_FAKE_KEYSTORE_H_
#define BREAKGLASS_HSM_FAKE_FAKE_KEYSTORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/keystore.h"
#include "vault/base/random.h"
#include "vault/crypto/aead.h"

namespace breakglass::hsm {

class FakeKeystore final : public Keystore {
 public:
  // A fresh random key named `label`, IVs from the OS CSPRNG.
  // INVALID_ARGUMENT for an empty or > 255-byte label.
  static absl::StatusOr<std::unique_ptr<FakeKeystore>> Create(std::string label = "fake-seal");
  // A given 32-byte key and IV source (borrowed; must outlive the keystore),
  // for reproducible tests. INVALID_ARGUMENT for a bad key size or label.
  static absl::StatusOr<std::unique_ptr<FakeKeystore>> CreateWithKey(std::string label,
                                                                     base::SecretBytes key,
                                                                     base::Random* random);

  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                   std::string_view aad) override;
  // INVALID_ARGUMENT for a malformed envelope or one naming another label;
  // DATA_LOSS when authentication fails.
  absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                           std::string_view aad) override;
  // "fake:object=<label>".
  std::string Describe() const override;

 private:
  FakeKeystore(std::string label, std::string header, crypto::Aes256Gcm aead,
               std::unique_ptr<base::Random> owned_random, base::Random* random);

  const std::string label_;
  const std::string header_;
  const crypto::Aes256Gcm aead_;
  std::unique_ptr<base::Random> owned_random_;  // may be null
  base::Random* random_;                        // owned_random_ or borrowed
};

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_FAKE_FAKE_KEYSTORE_H_
