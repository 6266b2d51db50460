// StreamingTree: the verifier's RFC 9162 tree appender. It holds the same
// state as merkle::Frontier (one peak hash per set bit of the size), hashes
// with a reused internal::TreeHasher, and can be told in advance to keep the
// hashes of particular complete subtrees as they complete — which is all a
// consistency proof between two checkpoints needs (merkle/proof.h reads only
// complete subtrees: peaks of the old size, and subtrees completed after it).
//
// Cost per leaf: the node hashes of merkle::Frontier::Append (2 amortised)
// plus one comparison for the watch list.
//
// Thread-safety: not thread-safe; one owner.
#ifndef BREAKGLASS_VAULT_VERIFY_INTERNAL_STREAMING_TREE_H_
#define BREAKGLASS_VAULT_VERIFY_INTERNAL_STREAMING_TREE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/frontier.h"
#include "vault/merkle/tree.h"
#include "vault/verify/internal/tree_hasher.h"

namespace breakglass::verify::internal {

// Complete-subtree hashes kept by StreamingTree::Watch.
class WatchedSubtrees final : public merkle::SubtreeReader {
 public:
  // NOT_FOUND when `id` was not watched or has not completed yet.
  absl::StatusOr<merkle::Hash> Get(const merkle::NodeId& id) override;

  void Clear() { hashes_.clear(); }
  void Put(const merkle::NodeId& id, const merkle::Hash& hash) { hashes_.emplace_back(id, hash); }

 private:
  std::vector<std::pair<merkle::NodeId, merkle::Hash>> hashes_;
};

// Records the ids asked for and answers with zero hashes: run a proof
// generator against it to learn which subtrees the proof will read.
class RecordingReader final : public merkle::SubtreeReader {
 public:
  absl::StatusOr<merkle::Hash> Get(const merkle::NodeId& id) override {
    ids_.push_back(id);
    return merkle::Hash{};
  }
  const std::vector<merkle::NodeId>& ids() const { return ids_; }

 private:
  std::vector<merkle::NodeId> ids_;
};

class StreamingTree final {
 public:
  StreamingTree() = default;
  // Continues the tree `frontier` describes.
  explicit StreamingTree(const merkle::Frontier& frontier);

  uint64_t size() const { return size_; }

  // Appends the leaf whose hash (SHA-256(0x00 || leaf)) is `leaf_hash`. The
  // tree cannot fill up in practice: 2^64 leaves would not fit in a file.
  void Append(const merkle::Hash& leaf_hash) {
    if (size_ == next_watched_leaf_) return AppendWatched(leaf_hash);
    uint64_t index = size_++;
    merkle::Hash node = leaf_hash;
    for (; (index & 1) != 0; index >>= 1) {
      node = hasher_.Children(peaks_.back(), node);
      peaks_.pop_back();
    }
    peaks_.push_back(node);
  }

  // Whether AppendSubtree(level, ...) may be used now: the size is a
  // multiple of 2^level and no watched subtree completes inside the next
  // 2^level leaves.
  bool CanAppendSubtree(uint8_t level) const {
    const uint64_t n = uint64_t{1} << level;
    return size_ % n == 0 && next_watched_leaf_ >= size_ + n;
  }
  // Appends 2^level leaves at once, given the hash of the complete subtree
  // they form. Requires CanAppendSubtree(level).
  void AppendSubtree(uint8_t level, const merkle::Hash& subtree_hash) {
    uint64_t index = size_ >> level;
    merkle::Hash node = subtree_hash;
    for (; (index & 1) != 0; index >>= 1) {
      node = hasher_.Children(peaks_.back(), node);
      peaks_.pop_back();
    }
    peaks_.push_back(node);
    size_ += uint64_t{1} << level;
  }

  // MTH of the current tree.
  merkle::Hash Root();
  // The same state as a merkle::Frontier.
  merkle::Frontier ToFrontier() const;

  // Forgets earlier watches and keeps the hash of each complete subtree in
  // `ids`: at once for those that are current peaks, later for those not yet
  // complete. Others (inside a peak) cannot be recovered and are ignored;
  // reading them from watched() yields NOT_FOUND.
  void Watch(absl::Span<const merkle::NodeId> ids);
  WatchedSubtrees& watched() { return watched_; }

 private:
  void AppendWatched(const merkle::Hash& leaf_hash);
  void NextWatch();

  TreeHasher hasher_;
  uint64_t size_ = 0;
  std::vector<merkle::Hash> peaks_;  // largest (leftmost) first
  // Watched subtrees not yet complete, by the index of the leaf completing them.
  std::vector<std::pair<uint64_t, merkle::NodeId>> pending_;
  size_t next_pending_ = 0;
  uint64_t next_watched_leaf_ = UINT64_MAX;
  WatchedSubtrees watched_;
};

}  // namespace breakglass::verify::internal

#endif  // BREAKGLASS_VAULT_VERIFY_INTERNAL_STREAMING_TREE_H_
