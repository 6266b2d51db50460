#include "vault/merkle/proof.h"

#include <bit>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::merkle {
namespace {

// Which complete subtrees a root or proof needs, and how to combine them:
// every read is one proof element, except reads[fold_begin, fold_end), which
// together are one right-border node (RFC 9162's MTH of a partial range),
// hashed right to left.
struct Plan {
  std::vector<NodeId> reads;
  size_t fold_begin = 0;
  size_t fold_end = 0;

  size_t ElementCount() const {
    const size_t folded = fold_end - fold_begin;
    return reads.size() - folded + (folded > 0 ? 1 : 0);
  }
};

// The complete subtrees that make up leaves [begin, end), largest first.
// `begin` is aligned to a power of two at least end - begin (it is 0, or the
// start of a sibling subtree that the range only partly fills).
void AppendRange(uint64_t begin, uint64_t end, std::vector<NodeId>* out) {
  const uint64_t width = end - begin;
  uint64_t pos = begin;
  for (int level = 63; level >= 0; --level) {
    const uint64_t bit = uint64_t{1} << level;
    if ((width & bit) == 0) continue;
    out->push_back({static_cast<uint8_t>(level), pos >> level});
    pos += bit;
  }
}

// The siblings on the way from the node at `level0` whose first leaf is
// `first_leaf` up to the root of a tree of `size` leaves, lowest first. A
// sibling starting past the last leaf does not exist (the node is promoted
// unchanged, RFC 9162 §2.1.1's unbalanced split); a sibling holding the last
// leaf but not complete is recomputed from its complete parts.
void AppendPath(int level0, uint64_t first_leaf, uint64_t size, Plan* plan) {
  const uint64_t last = size - 1;
  for (int level = level0; level < 64 && (last >> level) != 0; ++level) {
    const uint64_t sibling = (first_leaf >> level) ^ 1;
    if (sibling > (last >> level)) continue;
    if (sibling < (size >> level)) {
      plan->reads.push_back({static_cast<uint8_t>(level), sibling});
      continue;
    }
    plan->fold_begin = plan->reads.size();
    AppendRange(sibling << level, size, &plan->reads);
    plan->fold_end = plan->reads.size();
  }
}

Plan InclusionPlan(uint64_t index, uint64_t size) {
  Plan plan;
  AppendPath(0, index, size, &plan);
  return plan;
}

// RFC 9162 §2.1.4.1 SUBPROOF, flattened: the largest complete subtree ending
// at old_size (omitted when it is the whole old tree, i.e. old_size is a power
// of two), then that subtree's inclusion path in the new tree.
Plan ConsistencyPlan(uint64_t old_size, uint64_t new_size) {
  Plan plan;
  const int shift = std::countr_zero(old_size);
  const uint64_t node = (old_size - 1) >> shift;
  if (node != 0) plan.reads.push_back({static_cast<uint8_t>(shift), node});
  AppendPath(shift, node << shift, new_size, &plan);
  return plan;
}

Hash Fold(absl::Span<const Hash> parts, TreeHasher& hasher) {
  Hash h = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) h = hasher.Children(parts[i], h);
  return h;
}

absl::StatusOr<Proof> Execute(const Plan& plan, SubtreeReader& reader) {
  BG_ASSIGN_OR_RETURN(std::vector<Hash> hashes, reader.GetMany(plan.reads));
  if (hashes.size() != plan.reads.size()) {
    return absl::InternalError(absl::StrCat("subtree reader returned ", hashes.size(),
                                            " hashes for ", plan.reads.size(), " ids"));
  }
  const absl::Span<const Hash> all(hashes);
  Proof out(all.begin(), all.begin() + plan.fold_begin);
  out.reserve(plan.ElementCount());
  if (plan.fold_end > plan.fold_begin) {
    TreeHasher hasher;
    out.push_back(Fold(all.subspan(plan.fold_begin, plan.fold_end - plan.fold_begin), hasher));
  }
  out.insert(out.end(), all.begin() + plan.fold_end, all.end());
  return out;
}

}  // namespace

absl::StatusOr<Hash> RootAt(uint64_t size, SubtreeReader& reader) {
  if (size == 0) return EmptyRoot();
  Plan plan;
  AppendRange(0, size, &plan.reads);
  plan.fold_end = plan.reads.size();
  absl::StatusOr<Proof> root = Execute(plan, reader);
  if (!root.ok()) {
    return base::Annotate(root.status(), absl::StrCat("root of tree size ", size));
  }
  return root->front();
}

absl::StatusOr<Proof> InclusionProof(uint64_t index, uint64_t size, SubtreeReader& reader) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: leaf index ", index, " is not below tree size ", size));
  }
  absl::StatusOr<Proof> proof = Execute(InclusionPlan(index, size), reader);
  if (!proof.ok()) {
    return base::Annotate(proof.status(),
                          absl::StrCat("inclusion proof for leaf ", index, " in tree size ", size));
  }
  return proof;
}

absl::StatusOr<Proof> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                       SubtreeReader& reader) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat("consistency proof: old size ", old_size,
                                                   " is larger than new size ", new_size));
  }
  if (old_size == 0) {
    return absl::InvalidArgumentError(
        "consistency proof: RFC 9162 §2.1.4 defines none from the empty tree (old size 0); "
        "every tree extends it, so there is nothing to prove");
  }
  if (old_size == new_size) return Proof{};
  absl::StatusOr<Proof> proof = Execute(ConsistencyPlan(old_size, new_size), reader);
  if (!proof.ok()) {
    return base::Annotate(proof.status(),
                          absl::StrCat("consistency proof from size ", old_size, " to ", new_size));
  }
  return proof;
}

size_t InclusionProofSize(uint64_t index, uint64_t size) {
  if (index >= size) return 0;
  return InclusionPlan(index, size).ElementCount();
}

size_t ConsistencyProofSize(uint64_t old_size, uint64_t new_size) {
  if (old_size == 0 || old_size >= new_size) return 0;
  return ConsistencyPlan(old_size, new_size).ElementCount();
}

}  // namespace breakglass::merkle
