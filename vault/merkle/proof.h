// Tree heads and proofs of RFC 9162 §2.1.1–§2.1.4, generated from stored
// hashes of complete subtrees (tree.h) — never by rebuilding the tree.
//
// Cost, for a tree of n leaves (h = ⌈log₂ n⌉ ≤ 64), counted in reads of
// SubtreeReader (all issued as one GetMany call) and SHA-256 compressions:
//   RootAt(n)                  popcount(n) ≤ h+1 reads,  popcount(n)-1 hashes
//   InclusionProof(i, n)       ≤ 2h reads,               ≤ h-1 hashes
//   ConsistencyProof(m, n)     ≤ 2h+1 reads,             ≤ h-1 hashes
// A proof element is either one stored complete subtree, or (at most once per
// proof) a right-border node recomputed from the complete subtrees it spans.
//
// Pure: no I/O beyond the reader passed in. Thread-safety: the functions keep
// no state; they are as thread-safe as the reader they are given.
#ifndef BREAKGLASS_VAULT_MERKLE_PROOF_H_
#define BREAKGLASS_VAULT_MERKLE_PROOF_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/merkle/tree.h"

namespace breakglass::merkle {

// Proof hashes in RFC 9162 order: from the leaf (or old subtree) upwards.
using Proof = std::vector<Hash>;

// MTH(D[0:size]) (RFC 9162 §2.1.1); EmptyRoot() for size 0 without a read.
// Errors: those of `reader`, annotated with the size.
absl::StatusOr<Hash> RootAt(uint64_t size, SubtreeReader& reader);

// PATH(index, D[0:size]) (RFC 9162 §2.1.3.1). INVALID_ARGUMENT unless
// index < size; otherwise the reader's errors (NOT_FOUND when the store does
// not hold a tree of `size` leaves), annotated.
absl::StatusOr<Proof> InclusionProof(uint64_t index, uint64_t size, SubtreeReader& reader);

// PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1). The RFC defines it for
// 0 < old_size < new_size; old_size == new_size gives the empty proof (no
// reads). INVALID_ARGUMENT when old_size > new_size or old_size == 0 (the
// empty tree is a prefix of every tree; there is nothing to prove and
// VerifyConsistency refuses it). Reader errors as for InclusionProof.
absl::StatusOr<Proof> ConsistencyProof(uint64_t old_size, uint64_t new_size, SubtreeReader& reader);

// Number of hashes in PATH(index, D[0:size]); 0 when index >= size. Used by
// verifiers to explain a proof of the wrong length.
size_t InclusionProofSize(uint64_t index, uint64_t size);
// Number of hashes in PROOF(old_size, D[0:new_size]); 0 unless
// 0 < old_size < new_size.
size_t ConsistencyProofSize(uint64_t old_size, uint64_t new_size);

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_PROOF_H_
