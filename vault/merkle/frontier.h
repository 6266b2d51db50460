// Frontier: the incremental appender of an RFC 9162 tree (a "compact range"
// over [0, size)). It holds the hashes of the complete subtrees in the binary
// decomposition of `size` — one per set bit, largest first — which is all
// that appending and the current root need.
//
// Appending a leaf reports every complete subtree that the leaf completes
// (the leaf itself, then each parent up to the new peak), so the store can
// persist exactly the hashes proof generation (proof.h) later reads. After a
// restart, Restore() rebuilds the frontier from popcount(size) stored hashes.
//
// Cost: Append amortises to 2 hashes per leaf (at most 64); Root() takes
// popcount(size)-1 hashes; Restore() popcount(size) reads.
//
// Pure, no I/O. Thread-safety: not thread-safe; the owner serialises appends.
// Copyable (a copy is a snapshot).
#ifndef BREAKGLASS_VAULT_MERKLE_FRONTIER_H_
#define BREAKGLASS_VAULT_MERKLE_FRONTIER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/tree.h"

namespace breakglass::merkle {

class Frontier final {
 public:
  // The empty tree.
  Frontier() = default;

  // The frontier of a tree of `size` leaves from its peak hashes, in the
  // order of PeakIds(size). INVALID_ARGUMENT when the count does not match.
  static absl::StatusOr<Frontier> FromPeaks(uint64_t size, std::vector<Hash> peaks);
  // The frontier of a tree of `size` leaves, reading its peaks from `reader`
  // (one GetMany of popcount(size) ids). The reader's errors, annotated
  // (NOT_FOUND: the store does not hold a tree of that size).
  static absl::StatusOr<Frontier> Restore(uint64_t size, SubtreeReader& reader);
  // The complete subtrees whose hashes make up the frontier of `size`,
  // largest (leftmost) first.
  static std::vector<NodeId> PeakIds(uint64_t size);

  uint64_t size() const { return size_; }
  // Peak hashes, in the order of PeakIds(size()).
  absl::Span<const Hash> peaks() const { return peaks_; }

  // Appends leaf `size()` with hash `leaf_hash` (HashLeaf of the entry) and
  // appends to `*completed` the subtrees it completes, lowest level first: the
  // leaf at (0, size) and each new parent. OUT_OF_RANGE when the tree already
  // has 2^64-1 leaves; nothing changes then.
  absl::Status Append(const Hash& leaf_hash, std::vector<Subtree>* completed);

  // MTH of the current tree (EmptyRoot() when empty).
  Hash Root() const;

 private:
  Frontier(uint64_t size, std::vector<Hash> peaks) : size_(size), peaks_(std::move(peaks)) {}

  uint64_t size_ = 0;
  std::vector<Hash> peaks_;
};

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_FRONTIER_H_
