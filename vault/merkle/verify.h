// Verification of RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs
// (§2.1.4.2), following the RFC's algorithms step by step, so any standard
// log's proofs check here and ours check anywhere.
//
// Edge rules (RFC 9162 defines verification for 0 <= index < size and for
// 0 < old_size < new_size; the rest is spelled out here):
//   - index >= size: rejected.
//   - old_size > new_size: rejected.
//   - old_size == 0: rejected — the RFC defines no proof from the empty tree;
//     it is a prefix of every tree, so a caller holding size 0 has nothing to
//     check and must not treat such a "proof" as evidence.
//   - old_size == new_size: the proof must be empty and the roots equal.
//   - old_size a power of two: old_root is the first path element (step 2);
//     the proof does not repeat it.
//
// Every failure is INVALID_ARGUMENT with a message that says which check
// failed: a size rule, a hash of the wrong length (the byte-string overloads),
// a proof too long or too short (with the expected length), or which
// recomputed root did not match.
//
// Pure. Thread-safe.
#ifndef BREAKGLASS_VAULT_MERKLE_VERIFY_H_
#define BREAKGLASS_VAULT_MERKLE_VERIFY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/tree.h"

namespace breakglass::merkle {

// The root that `proof` leads to from `leaf_hash` at `index` in a tree of
// `size` leaves (RFC 9162 §2.1.3.2 steps 1–4 and the `sn` check of step 5).
// The caller compares it with a trusted root; VerifyInclusion does that.
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                            absl::Span<const Hash> proof);

// OK when `proof` shows that `leaf_hash` is leaf `index` of the tree of `size`
// leaves whose root is `root`.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);
// The same for hashes as received (raw bytes): each must be 32 bytes.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             absl::Span<const std::string> proof, std::string_view root);

// OK when `proof` shows that the tree of `old_size` leaves with `old_root` is a
// prefix of the tree of `new_size` leaves with `new_root`.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                               const Hash& new_root, absl::Span<const Hash> proof);
// The same for hashes as received (raw bytes). Proof elements must be 32
// bytes; so must the roots, except that for equal sizes the RFC only asks
// that the two roots be equal.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                               std::string_view new_root, absl::Span<const std::string> proof);

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_VERIFY_H_
