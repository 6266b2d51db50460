#include "vault/merkle/memory_subtree_store.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::merkle {

absl::Status InMemorySubtreeStore::Put(const Subtree& subtree) {
  const NodeId& id = subtree.id;
  if (id.level >= levels_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("subtree ", id.ToString(), ": no such level"));
  }
  std::vector<Hash>& level = levels_[id.level];
  if (id.index == level.size()) {
    level.push_back(subtree.hash);
    return absl::OkStatus();
  }
  if (id.index > level.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("subtree ", id.ToString(), " leaves a gap: level holds ", level.size()));
  }
  if (level[id.index] != subtree.hash) {
    return absl::FailedPreconditionError(
        absl::StrCat("subtree ", id.ToString(), " is already stored with a different hash"));
  }
  return absl::OkStatus();
}

absl::Status InMemorySubtreeStore::PutAll(absl::Span<const Subtree> subtrees) {
  for (const Subtree& s : subtrees) BG_RETURN_IF_ERROR(Put(s));
  return absl::OkStatus();
}

absl::StatusOr<Hash> InMemorySubtreeStore::Get(const NodeId& id) {
  ++reads_;
  if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
    return absl::NotFoundError(absl::StrCat("subtree ", id.ToString(), " is not stored"));
  }
  return levels_[id.level][id.index];
}

}  // namespace breakglass::merkle
