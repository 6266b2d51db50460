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

// SHA-256 fetched once from the default provider. Passing the legacy
// EVP_sha256() makes OpenSSL 3 fetch the implementation again on every
// digest (a locked lookup that costs more than hashing a short leaf).
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (fetched == nullptr) std::abort();
    return fetched;
  }();
  return md;
}

// One reusable digest context per thread for the one-shot Sha256().
struct ThreadCtx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~ThreadCtx() { EVP_MD_CTX_free(md); }
};

}  // namespace

struct Sha256Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Hasher::Sha256Hasher() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr) std::abort();
  CheckOrDie(EVP_DigestInit_ex(ctx_->md, Sha256Md(), nullptr));
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
  CheckOrDie(EVP_DigestInit_ex(ctx_->md, Sha256Md(), nullptr));
  return out;
}

Sha256Digest Sha256(std::string_view data) {
  thread_local ThreadCtx ctx;
  if (ctx.md == nullptr) std::abort();
  Sha256Digest out;
  unsigned int len = 0;
  CheckOrDie(EVP_DigestInit_ex(ctx.md, Sha256Md(), nullptr));
  CheckOrDie(EVP_DigestUpdate(ctx.md, data.data(), data.size()));
  CheckOrDie(EVP_DigestFinal_ex(ctx.md, out.data(), &len));
  return out;
}

std::string Sha256String(std::string_view data) { return DigestString(Sha256(data)); }

Sha256Digest HmacSha256(const base::SecretBytes& key, std::string_view data) {
  Sha256Digest out;
  unsigned int len = 0;
  const auto k = key.span(base::InsecureSecretAccess::Get());
  if (HMAC(Sha256Md(), k.data(), static_cast<int>(k.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr) {
    std::abort();
  }
  return out;
}

}  // namespace breakglass::crypto
