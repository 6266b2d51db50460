// SHA-256 and HMAC-SHA256 over OpenSSL 3 EVP (FIPS 180-4, RFC 2104).
//
// Thread-safety: free functions are thread-safe; a Sha256Hasher object is not.
#ifndef BREAKGLASS_VAULT_CRYPTO_SHA256_H_
#define BREAKGLASS_VAULT_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vault/base/secret_bytes.h"

namespace breakglass::crypto {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256 of `data`.
Sha256Digest Sha256(std::string_view data);
// The digest as a 32-byte string, for places that store raw bytes.
std::string Sha256String(std::string_view data);
inline std::string DigestString(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// Incremental SHA-256, for hashing data that arrives in pieces (streaming
// verification, prefix || data constructions) without copying it.
class Sha256Hasher final {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  Sha256Hasher& Update(std::string_view data);
  // Finishes and resets the hasher for reuse.
  Sha256Digest Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// HMAC-SHA256 of `data` under `key` (the key is secret; the tag is not).
Sha256Digest HmacSha256(const base::SecretBytes& key, std::string_view data);

}  // namespace breakglass::crypto

#endif  // BREAKGLASS_VAULT_CRYPTO_SHA256_H_
