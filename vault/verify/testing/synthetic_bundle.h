// A synthetic audit bundle for tests and benchmarks (for tests only): n
// canonical-JSON leaves of about `leaf_bytes` each and a checkpoint every
// `checkpoint_every` leaves (and at the end), signed with a fresh software
// Ed25519 key. It has no provisioning record and no TPM evidence, so it is
// verified with VerifyOptions::check_tpm = false; real bundles come from
// vault/audit/export.
//
// Thread-safety: a function without shared state.
#ifndef BREAKGLASS_VAULT_VERIFY_TESTING_SYNTHETIC_BUNDLE_H_
#define BREAKGLASS_VAULT_VERIFY_TESTING_SYNTHETIC_BUNDLE_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace breakglass::verify::testing {

struct SyntheticOptions {
  uint64_t leaves = 20;
  uint64_t checkpoint_every = 5;
  size_t leaf_bytes = 200;
  std::string origin = "breakglass.test/synthetic";
};

struct SyntheticBundle {
  std::string log_key;  // the verifier key written to log.vkey
  uint64_t leaf_bytes = 0;  // size of leaves.jsonl
};

// The canonical event that is leaf `seq` of a synthetic bundle.
std::string SyntheticLeaf(uint64_t seq, size_t leaf_bytes);

// Writes the bundle into `dir` (created if needed). INTERNAL / UNAVAILABLE on
// key or file errors.
absl::StatusOr<SyntheticBundle> WriteSyntheticBundle(const std::filesystem::path& dir,
                                                     const SyntheticOptions& options);

}  // namespace breakglass::verify::testing

#endif  // BREAKGLASS_VAULT_VERIFY_TESTING_SYNTHETIC_BUNDLE_H_
