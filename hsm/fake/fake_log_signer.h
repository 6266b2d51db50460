// FakeLogSigner: the LogSigner port (hsm/log_signer.h) in software — pure
// Ed25519 through OpenSSL EVP (vault/crypto/signature.h SigningKey). Passes
// the conformance suite in tests/conformance.
//
// NOT for production: the private key lives in process memory.
//
// Thread-safety: safe from many threads (SigningKey is immutable).
#ifndef BREAKGLASS_HSM_FAKE_FAKE_LOG_SIGNER_H_
#define BREAKGLASS_HSM_FAKE_FAKE_LOG_SIGNER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/log_signer.h"
#include "vault/base/secret_bytes.h"
#include "vault/crypto/signature.h"

namespace breakglass::hsm {

class FakeLogSigner final : public LogSigner {
 public:
  // A fresh key. INTERNAL if OpenSSL fails.
  static absl::StatusOr<std::unique_ptr<FakeLogSigner>> Create();
  // From a 32-byte RFC 8032 seed, for reproducible tests. INVALID_ARGUMENT on
  // another length.
  static absl::StatusOr<std::unique_ptr<FakeLogSigner>> FromSeed(const base::SecretBytes& seed);

  absl::StatusOr<std::string> Sign(std::string_view message) override;
  absl::StatusOr<std::string> PublicKey() override;

 private:
  explicit FakeLogSigner(crypto::SigningKey key) : key_(std::move(key)) {}

  const crypto::SigningKey key_;
};

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_FAKE_FAKE_LOG_SIGNER_H_
