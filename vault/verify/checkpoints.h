// The bundle's signed checkpoints, opened before the leaves are streamed.
//
// Every file in checkpoints/ must be named by a tree size and hold a C2SP
// signed note whose tlog-checkpoint body states that size; the latest
// checkpoint (`checkpoint`) must be the largest and, when checkpoints/ has a
// file of its size, byte-identical to it. A note that does not open
// (malformed, or its signature by the log key does not verify) is not
// reported here but at its place in the log (CheckpointEntry::status), so a
// verification names the first bad item in log order.
//
// Thread-safety: value types and a pure function.
#ifndef BREAKGLASS_VAULT_VERIFY_CHECKPOINTS_H_
#define BREAKGLASS_VAULT_VERIFY_CHECKPOINTS_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/note.h"

namespace breakglass::verify {

struct CheckpointEntry {
  uint64_t size = 0;
  std::string file;               // bundle-relative name
  absl::Status status;            // why it does not verify, or OK
  merkle::Checkpoint checkpoint;  // valid when status is OK
  std::string body;               // its note text (the tlog-checkpoint body)
  std::string note_sha256_hex;    // SHA-256 of the whole signed note's bytes
};

struct CheckpointSet {
  std::vector<CheckpointEntry> entries;  // by increasing size, sizes distinct
  uint64_t latest_size = 0;              // size of `checkpoint`
};

// Reads and opens every checkpoint with `verifier`. Failures (finding.h):
// checkpoints/ or `checkpoint` missing, a file not named by a size, a latest
// checkpoint that does not parse, or one older than another in the bundle
// (a rolled-back bundle).
absl::StatusOr<CheckpointSet> LoadCheckpoints(const std::filesystem::path& dir,
                                              const merkle::NoteVerifier& verifier);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_CHECKPOINTS_H_
