// OpenSSL 3 deprecates the low-level SHA256_* functions in favour of EVP. Here
// EVP costs more than the hashing: OpenSSL 3.0's EVP_DigestInit_ex2 frees and
// reallocates the digest context on every call, and each digest goes through
// provider dispatch and a context cleanse — about 30 ns on top of ~95 ns for
// a 65-byte node. These hashes are of public data (no key, nothing secret),
// so the low-level functions — the same SHA-256 code, SHA-NI included — are
// used directly. Equality with merkle::HashLeaf / HashChildren is tested.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "vault/verify/internal/tree_hasher.h"

#include <openssl/sha.h>

#include <cstdlib>
#include <cstring>

namespace breakglass::verify::internal {
namespace {

void CheckOrDie(int ok) {
  if (ok != 1) std::abort();
}

merkle::Hash Digest(const void* a, size_t a_len, const void* b = nullptr, size_t b_len = 0) {
  SHA256_CTX ctx;
  merkle::Hash out;
  CheckOrDie(SHA256_Init(&ctx));
  CheckOrDie(SHA256_Update(&ctx, a, a_len));
  if (b_len != 0) CheckOrDie(SHA256_Update(&ctx, b, b_len));
  CheckOrDie(SHA256_Final(out.data(), &ctx));
  return out;
}

}  // namespace

merkle::Hash TreeHasher::Leaf(std::string_view leaf) {
  constexpr unsigned char kPrefix = 0x00;
  return Digest(&kPrefix, 1, leaf.data(), leaf.size());
}

merkle::Hash TreeHasher::PrefixedLeaf(std::string_view prefixed) {
  if (prefixed.empty() || prefixed[0] != 0x00) std::abort();  // a caller bug, never data
  return Digest(prefixed.data(), prefixed.size());
}

merkle::Hash TreeHasher::Children(const merkle::Hash& left, const merkle::Hash& right) {
  unsigned char node[1 + 2 * merkle::kHashSize];
  node[0] = 0x01;
  std::memcpy(node + 1, left.data(), merkle::kHashSize);
  std::memcpy(node + 1 + merkle::kHashSize, right.data(), merkle::kHashSize);
  return Digest(node, sizeof node);
}

}  // namespace breakglass::verify::internal
