#include "vault/merkle/frontier.h"

#include <bit>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::merkle {

std::vector<NodeId> Frontier::PeakIds(uint64_t size) {
  std::vector<NodeId> ids;
  ids.reserve(std::popcount(size));
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t bit = uint64_t{1} << level;
    if ((size & bit) == 0) continue;
    ids.push_back({static_cast<uint8_t>(level), pos >> level});
    pos += bit;
  }
  return ids;
}

absl::StatusOr<Frontier> Frontier::FromPeaks(uint64_t size, std::vector<Hash> peaks) {
  const size_t want = std::popcount(size);
  if (peaks.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("frontier of size ", size, " has ", want, " peaks; got ", peaks.size()));
  }
  return Frontier(size, std::move(peaks));
}

absl::StatusOr<Frontier> Frontier::Restore(uint64_t size, SubtreeReader& reader) {
  absl::StatusOr<std::vector<Hash>> peaks = reader.GetMany(PeakIds(size));
  if (!peaks.ok()) {
    return base::Annotate(peaks.status(), absl::StrCat("restoring frontier of size ", size));
  }
  return FromPeaks(size, *std::move(peaks));
}

absl::Status Frontier::Append(const Hash& leaf_hash, std::vector<Subtree>* completed) {
  if (size_ == std::numeric_limits<uint64_t>::max()) {
    return absl::OutOfRangeError("frontier: the tree is full (2^64-1 leaves)");
  }
  TreeHasher hasher;
  uint64_t index = size_;
  uint8_t level = 0;
  Hash node = leaf_hash;
  completed->push_back({{level, index}, node});
  // Each set low bit of the old size is a peak of the same level to merge.
  while ((index & 1) != 0) {
    node = hasher.Children(peaks_.back(), node);
    peaks_.pop_back();
    index >>= 1;
    ++level;
    completed->push_back({{level, index}, node});
  }
  peaks_.push_back(node);
  ++size_;
  return absl::OkStatus();
}

Hash Frontier::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  TreeHasher hasher;
  Hash h = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) h = hasher.Children(peaks_[i], h);
  return h;
}

}  // namespace breakglass::merkle
