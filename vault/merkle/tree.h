// Merkle tree hashing of RFC 9162 §2.1.1 (identical to RFC 6962 §2.1), and the
// names and read interface for stored hashes of complete subtrees.
//
//   MTH({})     = SHA-256()
//   leaf hash   = SHA-256(0x00 || leaf)
//   node hash   = SHA-256(0x01 || left || right)
//
// A tree of any size is the "perfect binary tree with promotion" of RFC 9162:
// every node is either a complete subtree — (level, index) covering leaves
// [index·2^level, (index+1)·2^level) — or lies on the right border and covers
// leaves [index·2^level, size). Only complete subtrees are ever stored; every
// border node is recomputed from at most ⌈log₂ size⌉ complete ones.
//
// Pure: no I/O. Thread-safety: free functions are thread-safe; a TreeHasher
// object is not (use one per thread). SubtreeReader implementations document
// their own.
#ifndef BREAKGLASS_VAULT_MERKLE_TREE_H_
#define BREAKGLASS_VAULT_MERKLE_TREE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/crypto/sha256.h"

namespace breakglass::merkle {

inline constexpr size_t kHashSize = 32;
// A SHA-256 tree hash (the same type as crypto::Sha256Digest).
using Hash = std::array<uint8_t, kHashSize>;

// The raw 32 bytes, as a string view into `h` (valid while `h` lives).
inline std::string_view HashBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}
// INVALID_ARGUMENT unless `bytes` is exactly 32 bytes; `what` names the value
// in the message ("root", "proof[3]").
absl::StatusOr<Hash> HashFromBytes(std::string_view bytes, std::string_view what);

// SHA-256(0x00 || leaf).
Hash HashLeaf(std::string_view leaf);
// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of the empty string.
Hash EmptyRoot();

// Reuses one SHA-256 context for many hashes: the free functions above set up
// a fresh OpenSSL context each call, which dominates in hot loops.
// Movable, not copyable.
class TreeHasher final {
 public:
  TreeHasher();
  Hash Leaf(std::string_view leaf);
  Hash Children(const Hash& left, const Hash& right);

 private:
  std::unique_ptr<crypto::Sha256Hasher> sha_;
};

// Names the complete subtree over leaves [index·2^level, (index+1)·2^level).
// Level 0 holds the leaf hashes. Levels run 0..63.
struct NodeId {
  uint8_t level = 0;
  uint64_t index = 0;

  friend bool operator==(const NodeId& a, const NodeId& b) {
    return a.level == b.level && a.index == b.index;
  }
  // "(level 3, index 17)" for error messages.
  std::string ToString() const;
};

// A complete subtree and its hash, as the appender reports it for storing.
struct Subtree {
  NodeId id;
  Hash hash;
};

// Read access to stored hashes of complete subtrees — the one thing proof
// generation needs from a store. Implementations: the SQLite store, and
// InMemorySubtreeStore for tests and benchmarks.
class SubtreeReader {
 public:
  virtual ~SubtreeReader() = default;

  // The hash of the complete subtree `id`. NOT_FOUND when it is not stored
  // (the tree is smaller, or the store lost it); other codes are the store's
  // own (UNAVAILABLE, DATA_LOSS ...) and are passed through by callers.
  virtual absl::StatusOr<Hash> Get(const NodeId& id) = 0;

  // The hashes of `ids`, in the same order. The default calls Get once per
  // id; a store overrides it to fetch them in one query. Fails as Get does,
  // for the first id that fails.
  virtual absl::StatusOr<std::vector<Hash>> GetMany(absl::Span<const NodeId> ids);
};

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_TREE_H_
