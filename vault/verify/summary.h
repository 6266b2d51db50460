// Summary: what a successful offline verification established, for people
// (ToText) and programs (ToJson, stable keys).
//
// Thread-safety: value type.
#ifndef BREAKGLASS_VAULT_VERIFY_SUMMARY_H_
#define BREAKGLASS_VAULT_VERIFY_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace breakglass::verify {

struct CounterSummary {
  std::string label;         // "checkpoint" or "release"
  uint64_t start_value = 0;  // recorded at provisioning
  uint64_t first_certified = 0;
  uint64_t last_certified = 0;
  uint64_t last_stated = 0;  // by the last anchor leaf (may be pending)
};

// A quorum-approved rollback clear (rollback_clears.h): the counters jumped
// from the values the log stated to the TPM's, so events that moved them
// (the difference) are not in this log.
struct ClearedCounter {
  std::string label;
  uint64_t log_value = 0;  // stated by the log before the clear
  uint64_t tpm_value = 0;  // held by the TPM: the new baseline
};
struct RollbackClearSummary {
  uint64_t leaf = 0;
  uint32_t required = 0;
  std::vector<std::string> approvers;    // every signature verified offline
  std::vector<ClearedCounter> counters;  // release, checkpoint
};

struct Summary {
  std::string origin;            // checkpoint origin = log key name
  std::string log_key;           // the verifier key checked against
  std::string ak_fingerprint;    // "SHA256:<hex>" of the attestation key, if any
  uint64_t leaves = 0;
  uint64_t leaf_bytes = 0;       // bytes of leaves.jsonl verified
  uint64_t checkpoints = 0;      // signed checkpoints verified
  uint64_t latest_size = 0;      // tree size of the latest checkpoint
  uint64_t consistency_proofs = 0;
  uint64_t anchors = 0;          // anchor leaves
  uint64_t sealed_anchors = 0;   // anchors with checkpoint and TPM evidence verified
  uint64_t evidence = 0;         // NV_Certify records verified
  std::vector<CounterSummary> counters;
  uint32_t tpm_reset_count = 0;  // of the newest evidence
  uint32_t tpm_restart_count = 0;
  uint64_t tpm_clock_first = 0;  // ms, oldest and newest evidence
  uint64_t tpm_clock_last = 0;
  uint64_t unanchored_leaves = 0;  // leaves after the latest checkpoint
  std::vector<RollbackClearSummary> rollback_clears;  // never silent: printed first
  int threads = 1;
  std::vector<std::string> warnings;

  // A few lines for a person; rollback clears first, in capitals.
  std::string ToText() const;
  // One JSON object (keys as the field names), ending without a newline.
  std::string ToJson() const;
};

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_SUMMARY_H_
