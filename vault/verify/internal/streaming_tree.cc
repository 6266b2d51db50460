#include "vault/verify/internal/streaming_tree.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace breakglass::verify::internal {
namespace {

// Index of the last leaf of complete subtree `id`.
uint64_t LastLeaf(const merkle::NodeId& id) {
  return ((id.index + 1) << id.level) - 1;
}

}  // namespace

absl::StatusOr<merkle::Hash> WatchedSubtrees::Get(const merkle::NodeId& id) {
  for (const auto& [have, hash] : hashes_) {
    if (have == id) return hash;
  }
  return absl::NotFoundError(absl::StrCat("subtree ", id.ToString(), " was not kept"));
}

StreamingTree::StreamingTree(const merkle::Frontier& frontier)
    : size_(frontier.size()), peaks_(frontier.peaks().begin(), frontier.peaks().end()) {}

merkle::Hash StreamingTree::Root() {
  if (peaks_.empty()) return merkle::EmptyRoot();
  merkle::Hash h = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) h = hasher_.Children(peaks_[i], h);
  return h;
}

merkle::Frontier StreamingTree::ToFrontier() const {
  // Cannot fail: peaks_ always has popcount(size_) entries.
  return *merkle::Frontier::FromPeaks(size_, peaks_);
}

void StreamingTree::Watch(absl::Span<const merkle::NodeId> ids) {
  watched_.Clear();
  pending_.clear();
  const std::vector<merkle::NodeId> peak_ids = merkle::Frontier::PeakIds(size_);
  for (const merkle::NodeId& id : ids) {
    if (id.level >= 64 || id.index >= (UINT64_MAX >> id.level)) continue;  // beyond any tree
    if (LastLeaf(id) >= size_) {
      pending_.emplace_back(LastLeaf(id), id);
      continue;
    }
    for (size_t i = 0; i < peak_ids.size(); ++i) {
      if (peak_ids[i] == id) watched_.Put(id, peaks_[i]);
    }
  }
  std::sort(pending_.begin(), pending_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  next_pending_ = 0;
  NextWatch();
}

void StreamingTree::NextWatch() {
  next_watched_leaf_ = next_pending_ < pending_.size() ? pending_[next_pending_].first : UINT64_MAX;
}

void StreamingTree::AppendWatched(const merkle::Hash& leaf_hash) {
  const uint64_t leaf = size_++;
  uint64_t index = leaf;
  merkle::NodeId id{0, leaf};
  merkle::Hash node = leaf_hash;
  while (true) {
    for (size_t i = next_pending_; i < pending_.size() && pending_[i].first == leaf; ++i) {
      if (pending_[i].second == id) watched_.Put(id, node);
    }
    if ((index & 1) == 0) break;
    node = hasher_.Children(peaks_.back(), node);
    peaks_.pop_back();
    index >>= 1;
    id = {static_cast<uint8_t>(id.level + 1), index};
  }
  peaks_.push_back(node);
  while (next_pending_ < pending_.size() && pending_[next_pending_].first == leaf) ++next_pending_;
  NextWatch();
}

}  // namespace breakglass::verify::internal
