// AnchoredCheckpoints: the bundle's TPM-anchored checkpoints, and which one
// covers a given leaf (DESIGN.md "Anchoring in the TPM", the contract of
// vault/audit/anchor_event.h): an `anchor` leaf at index s is bound to the
// signed checkpoint of size s+1, and for each counter the anchor moves the
// bundle holds TPM2_NV_Certify evidence (tpm/<size>.<label>.attest/.sig)
// whose qualifying data is SHA-256 of that checkpoint's body.
//
// The leaf at index i is covered by the smallest anchored checkpoint whose
// size is greater than i. Covering() re-verifies that checkpoint's evidence
// (AK signature, NV index Name, certified value = stated value, qualifying
// data) with tpm/evidence when it is first asked for, and records the result
// in Coverage::evidence; only checkpoints that cover a report line are
// re-checked.
//
// Thread-safety: not thread-safe (Covering caches).
#ifndef BREAKGLASS_VAULT_REPORT_ANCHORED_H_
#define BREAKGLASS_VAULT_REPORT_ANCHORED_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "vault/merkle/tree.h"
#include "vault/report/incident_log.h"
#include "vault/report/timeline.h"
#include "vault/verify/checkpoints.h"

namespace breakglass::report {

class AnchoredCheckpoints final {
 public:
  // Opens the bundle's checkpoints with `log_key` (C2SP verifier key) and
  // pairs them with the anchor leaves of `log` (borrowed; must outlive
  // this). Errors: those of verify::LoadCheckpoints (DATA_LOSS findings),
  // INVALID_ARGUMENT for a malformed key.
  static absl::StatusOr<AnchoredCheckpoints> Load(const std::filesystem::path& dir,
                                                  const std::string& log_key,
                                                  const IncidentLog* log);

  // The anchored checkpoint covering leaf `index`, its evidence re-verified;
  // nullptr when no completed anchor comes after the leaf.
  const Coverage* Covering(uint64_t index);
  // The signed root of the checkpoint of `size` (one Covering returned).
  const merkle::Hash& Root(uint64_t size) const { return roots_.at(size); }
  // Every coverage made so far, by size.
  const std::map<uint64_t, Coverage>& used() const { return used_; }

 private:
  AnchoredCheckpoints(std::filesystem::path dir, const IncidentLog* log)
      : dir_(std::move(dir)), log_(log) {}
  Coverage Make(const AnchorLeaf& anchor, const verify::CheckpointEntry& entry);
  Check VerifyEvidence(const AnchorLeaf& anchor, const verify::CheckpointEntry& entry,
                       Coverage* coverage) const;

  std::filesystem::path dir_;
  const IncidentLog* log_;
  std::map<uint64_t, verify::CheckpointEntry> signed_;  // verified notes, by size
  std::map<uint64_t, merkle::Hash> roots_;
  std::map<uint64_t, Coverage> used_;
};

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_ANCHORED_H_
