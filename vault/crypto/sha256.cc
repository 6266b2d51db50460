#include "vault/crypto/sha256.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace breakglass::crypto {
namespace {

// OpenSSL only fails these calls on allocation failure or a broken provider;
// continuing would hash nothing, so stop the process rather than fail open.
void CheckOrDie(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

struct Sha256Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Hasher::Sha256Hasher() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr) std::abort();
  CheckOrDie(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr));
}

Sha256Hasher::~Sha256Hasher() = default;

Sha256Hasher& Sha256Hasher::Update(std::string_view data) {
  CheckOrDie(EVP_DigestUpdate(ctx_->md, data.data(), data.size()));
  return *this;
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  unsigned int len = 0;
  CheckOrDie(EVP_DigestFinal_ex(ctx_->md, out.data(), &len));
  CheckOrDie(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr));
  return out;
}

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out;
  CheckOrDie(EVP_Digest(data.data(), data.size(), out.data(), nullptr, EVP_sha256(), nullptr));
  return out;
}

std::string Sha256String(std::string_view data) { return DigestString(Sha256(data)); }

Sha256Digest HmacSha256(const base::SecretBytes& key, std::string_view data) {
  Sha256Digest out;
  unsigned int len = 0;
  const auto k = key.span(base::InsecureSecretAccess::Get());
  if (HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr) {
    std::abort();
  }
  return out;
}

}  // namespace breakglass::crypto
