// RFC 9162 §2.1.1 leaf and node hashing tuned for streaming verification.
//
// Computes exactly what merkle::HashLeaf / merkle::HashChildren compute (the
// tests compare them) without EVP's per-digest setup (algorithm fetch,
// context allocation, provider dispatch), which costs as much as hashing a
// 200-byte leaf: offline verification must run near the speed of SHA-256
// itself (DESIGN.md "Performance shape"). See tree_hasher.cc.
//
// Thread-safety: stateless; safe from many threads.
#ifndef BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_
#define BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_

#include <string_view>

#include "vault/merkle/tree.h"

namespace breakglass::verify::internal {

class TreeHasher final {
 public:
  // SHA-256(0x00 || leaf).
  merkle::Hash Leaf(std::string_view leaf);
  // SHA-256(prefixed), for a leaf already preceded by its 0x00 byte in
  // memory: one pass, no copy. `prefixed` must start with 0x00 (aborts
  // otherwise: a caller bug).
  merkle::Hash PrefixedLeaf(std::string_view prefixed);
  // SHA-256(0x01 || left || right).
  merkle::Hash Children(const merkle::Hash& left, const merkle::Hash& right);
};

}  // namespace breakglass::verify::internal

#endif  // BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_
