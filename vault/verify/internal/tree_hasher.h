// RFC 9162 §2.1.1 leaf and node hashing tuned for streaming verification.
//
// Computes exactly what merkle::HashLeaf / merkle::HashChildren compute (the
// tests compare them), but fetches the SHA-256 implementation once and reuses
// one digest context, instead of resolving the algorithm on every hash: that
// lookup costs more than hashing a 200-byte leaf, and offline verification
// must run near the speed of SHA-256 itself (DESIGN.md "Performance shape").
//
// Thread-safety: not thread-safe; use one per thread. Move-only.
#ifndef BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_
#define BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_

#include <memory>
#include <string_view>

#include "vault/merkle/tree.h"

namespace breakglass::verify::internal {

class TreeHasher final {
 public:
  // Aborts if OpenSSL cannot provide SHA-256 (as crypto::Sha256 does): a
  // verifier that hashed nothing must never report success.
  TreeHasher();
  ~TreeHasher();
  TreeHasher(TreeHasher&&) noexcept;
  TreeHasher& operator=(TreeHasher&&) noexcept;

  // SHA-256(0x00 || leaf).
  merkle::Hash Leaf(std::string_view leaf);
  // SHA-256(0x01 || left || right).
  merkle::Hash Children(const merkle::Hash& left, const merkle::Hash& right);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace breakglass::verify::internal

#endif  // BREAKGLASS_VAULT_VERIFY_INTERNAL_TREE_HASHER_H_
