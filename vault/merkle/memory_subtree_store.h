// InMemorySubtreeStore: complete-subtree hashes held in memory, for tests and
// benchmarks — the in-memory counterpart of the SQLite store's subtree table.
//
// Subtrees are written the way a log writes them, in append order per level
// (what Frontier::Append reports). It counts reads, so tests can pin the
// O(log n) bounds of proof.h.
//
// Thread-safety: not thread-safe.
#ifndef BREAKGLASS_VAULT_MERKLE_MEMORY_SUBTREE_STORE_H_
#define BREAKGLASS_VAULT_MERKLE_MEMORY_SUBTREE_STORE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/tree.h"

namespace breakglass::merkle {

class InMemorySubtreeStore final : public SubtreeReader {
 public:
  InMemorySubtreeStore() = default;

  // Stores one subtree. Its index must be the next one at its level, or an
  // already stored one with the same hash (a repeated write is a no-op).
  // INVALID_ARGUMENT for a gap; FAILED_PRECONDITION when a different hash is
  // already stored under that id (hashes are written once).
  absl::Status Put(const Subtree& subtree);
  // Put for each, in order; stops at the first error.
  absl::Status PutAll(absl::Span<const Subtree> subtrees);

  // NOT_FOUND when `id` is not stored.
  absl::StatusOr<Hash> Get(const NodeId& id) override;

  // Number of subtree hashes read so far (each id of a GetMany counts once).
  uint64_t reads() const { return reads_; }
  void ResetReads() { reads_ = 0; }

 private:
  std::array<std::vector<Hash>, 64> levels_;
  uint64_t reads_ = 0;
};

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_MEMORY_SUBTREE_STORE_H_
