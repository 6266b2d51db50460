#include "vault/verify/internal/tree_hasher.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace breakglass::verify::internal {
namespace {

void CheckOrDie(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

struct TreeHasher::State {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* ctx = nullptr;
  ~State() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }

  merkle::Hash Digest(unsigned char prefix, const void* a, size_t a_len, const void* b,
                      size_t b_len) {
    merkle::Hash out;
    unsigned int len = 0;
    CheckOrDie(EVP_DigestInit_ex2(ctx, md, nullptr));
    CheckOrDie(EVP_DigestUpdate(ctx, &prefix, 1));
    CheckOrDie(EVP_DigestUpdate(ctx, a, a_len));
    if (b_len != 0) CheckOrDie(EVP_DigestUpdate(ctx, b, b_len));
    CheckOrDie(EVP_DigestFinal_ex(ctx, out.data(), &len));
    return out;
  }
};

TreeHasher::TreeHasher() : state_(std::make_unique<State>()) {
  state_->md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  state_->ctx = EVP_MD_CTX_new();
  if (state_->md == nullptr || state_->ctx == nullptr) std::abort();
}

TreeHasher::~TreeHasher() = default;
TreeHasher::TreeHasher(TreeHasher&&) noexcept = default;
TreeHasher& TreeHasher::operator=(TreeHasher&&) noexcept = default;

merkle::Hash TreeHasher::Leaf(std::string_view leaf) {
  return state_->Digest(0x00, leaf.data(), leaf.size(), nullptr, 0);
}

merkle::Hash TreeHasher::Children(const merkle::Hash& left, const merkle::Hash& right) {
  return state_->Digest(0x01, left.data(), left.size(), right.data(), right.size());
}

}  // namespace breakglass::verify::internal
