// AES-256-GCM authenticated encryption with associated data (NIST SP 800-38D),
// over OpenSSL 3 EVP.
//
// Sealed format (all fields fixed-size except the ciphertext):
//
//   offset  size  field
//   0       12    IV: 96 bits from the caller's base::Random, fresh per Seal
//   12      n     ciphertext (same length n as the plaintext)
//   12+n    16    GCM authentication tag (128 bits)
//
// The associated data is authenticated but not stored: the opener must supply
// the same bytes. Random 96-bit IVs bound a key to 2^32 Seal calls
// (SP 800-38D §8.3); callers that seal more under one key must rotate it.
//
// Errors: Seal fails only with the Random's error (UNAVAILABLE) or INTERNAL
// (OpenSSL failure). Open fails with DATA_LOSS "authentication failed ..." for
// every wrong key, wrong AAD, truncated or modified input; it never returns
// partial plaintext and no message contains key or plaintext bytes.
//
// Thread-safety: an Aes256Gcm is immutable; Seal and Open may be called
// concurrently (each call has its own cipher context).
#ifndef BREAKGLASS_VAULT_CRYPTO_AEAD_H_
#define BREAKGLASS_VAULT_CRYPTO_AEAD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::crypto {

inline constexpr size_t kAes256KeySize = 32;
inline constexpr size_t kGcmIvSize = 12;
inline constexpr size_t kGcmTagSize = 16;
inline constexpr size_t kGcmOverhead = kGcmIvSize + kGcmTagSize;

// A fresh 256-bit key from `random`. UNAVAILABLE when `random` fails.
absl::StatusOr<base::SecretBytes> GenerateAes256Key(base::Random& random);

class Aes256Gcm final {
 public:
  // Takes the 32-byte key. INVALID_ARGUMENT (naming the size) otherwise.
  static absl::StatusOr<Aes256Gcm> Create(base::SecretBytes key);

  Aes256Gcm(Aes256Gcm&&) noexcept = default;
  Aes256Gcm& operator=(Aes256Gcm&&) noexcept = default;

  // IV || ciphertext || tag (see the file comment). The IV comes from
  // `random`, which is borrowed for the call only.
  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext, std::string_view aad,
                                   base::Random& random) const;

  // The plaintext of `sealed` if it was sealed under this key with exactly
  // `aad`; DATA_LOSS otherwise (including input shorter than 28 bytes).
  absl::StatusOr<base::SecretBytes> Open(std::string_view sealed, std::string_view aad) const;

  // Seal with a caller-chosen IV, for known-answer tests ONLY: reusing an IV
  // under one key destroys GCM's confidentiality and integrity.
  // INVALID_ARGUMENT unless `iv` is 12 bytes.
  absl::StatusOr<std::string> InsecureSealWithIvForTesting(const base::SecretBytes& plaintext,
                                                           std::string_view aad,
                                                           std::string_view iv) const;

 private:
  explicit Aes256Gcm(base::SecretBytes key) : key_(std::move(key)) {}
  absl::StatusOr<std::string> SealWithIv(const base::SecretBytes& plaintext, std::string_view aad,
                                         std::string_view iv) const;

  base::SecretBytes key_;
};

}  // namespace breakglass::crypto

#endif  // BREAKGLASS_VAULT_CRYPTO_AEAD_H_
