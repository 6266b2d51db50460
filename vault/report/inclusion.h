// Inclusion proofs for report lines, built from the bundle itself: RFC 9162
// PATH(index, D[0:size]) for each (leaf, covering checkpoint) pair, verified
// against the checkpoint's signed root (RFC 9162 §2.1.3.2).
//
// One streaming pass over leaves.jsonl hashes the leaves into a frontier and
// keeps only the complete subtrees the wanted proofs read (found beforehand
// by running the proof generator against a recording reader), so memory is
// O(targets · log n) whatever the log size.
//
// Thread-safety: a pure function (reads files).
#ifndef BREAKGLASS_VAULT_REPORT_INCLUSION_H_
#define BREAKGLASS_VAULT_REPORT_INCLUSION_H_

#include <cstdint>
#include <filesystem>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/tree.h"
#include "vault/report/timeline.h"

namespace breakglass::report {

struct InclusionTarget {
  uint64_t index = 0;      // the leaf
  uint64_t size = 0;       // the checkpoint's tree size (> index)
  merkle::Hash leaf_hash;  // SHA-256(0x00 || the leaf as the report read it)
  merkle::Hash root;       // the checkpoint's signed root
};

// One Check ("inclusion") per target, in order: ok when the proof built from
// `dir`/leaves.jsonl verifies. INVALID_ARGUMENT for a target with index >=
// size; UNAVAILABLE when the file cannot be read.
absl::StatusOr<std::vector<Check>> CheckInclusion(const std::filesystem::path& dir,
                                                  absl::Span<const InclusionTarget> targets);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_INCLUSION_H_
