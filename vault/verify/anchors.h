// AnchorChain: the TPM side of offline verification (DESIGN.md "Anchoring in
// the TPM"), fed leaf by leaf and checkpoint by checkpoint, in log order.
//
// It checks the contract of vault/audit/anchor_event.h independently of the
// code that writes it:
//   - leaf 0 is the `provision` event (origin, log verifier key, AK, NV index
//     names and start values) and agrees with log.vkey, tpm/ak.pem and
//     tpm/provisioning.json; leaf 1 is the `genesis` anchor; no other leaf is
//     either;
//   - every `anchor` leaf states both counters: the checkpoint counter one
//     more than the previous anchor (genesis: start value + 1), the release
//     counter one more when the anchor moves it (release, genesis) and equal
//     otherwise; "moves" matches its kind;
//   - the anchor leaf at seq s has checkpoint s+1 and, for each counter it
//     moves, NV_Certify evidence whose AK signature verifies, whose qualifying
//     data is SHA-256 of that checkpoint's body, whose NV index name is the
//     provisioned one and whose certified value is the stated one;
//   - across anchors the TPM's resetCount, restartCount and clock never go
//     backwards (a clock that went back is accepted only when the TPM itself
//     flags it as not "safe", and then reported);
//   - an anchor followed by a later anchor was completed (checkpoint and
//     evidence are in the bundle); only the last one may be pending;
//   - the counters continue without a jump, unless a `rollback_cleared` leaf
//     between two anchors checks out (rollback_clears.h: this log, the
//     previous anchor's values, enough valid custodian signatures); the next
//     anchor then continues from the TPM values it states, and the clear is
//     listed in the summary. An anchor left unsealed before a clear (a copy
//     of the state taken mid-anchor) is reported, not failed.
//
// Thread-safety: not thread-safe; one verification.
#ifndef BREAKGLASS_VAULT_VERIFY_ANCHORS_H_
#define BREAKGLASS_VAULT_VERIFY_ANCHORS_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tpm/evidence/verifier.h"
#include "vault/crypto/signature.h"
#include "vault/verify/finding.h"
#include "vault/verify/rollback_clears.h"
#include "vault/verify/summary.h"

namespace breakglass::verify {

// One provisioned counter, from leaf 0.
struct ProvisionedCounter {
  uint32_t nv_index = 0;
  std::string nv_name;  // raw TPM Name bytes
  uint64_t start_value = 0;
};

class AnchorChain final {
 public:
  // `dir` is the bundle (for tpm/ files); `log_vkey` the trimmed contents of
  // log.vkey; `log_key_name` the verifier key's name (the checkpoint origin);
  // `trusted_ak_fingerprint`, when not empty, pins the AK ("SHA256:<hex>").
  // Lists tpm/. A failure (finding.h) when tpm/ is missing; other files in it
  // that are not part of the layout become warnings.
  // A rollback clear needs at least `min_clear_approvals` approvals, whatever
  // the appliance required.
  static absl::StatusOr<AnchorChain> Create(std::filesystem::path dir, std::string log_vkey,
                                            std::string log_key_name,
                                            std::string trusted_ak_fingerprint,
                                            uint32_t min_clear_approvals = 1);

  // Leaf `index` (already known to be canonical, with seq == index) whose
  // "type" is `type`. A failure (finding.h) names this leaf, or an earlier
  // anchor leaf whose checkpoint this one shows was withheld.
  absl::Status OnLeaf(uint64_t index, std::string_view type, std::string_view leaf);

  // An `identity_add` or `identity_remove` leaf: who the custodians are.
  void OnIdentity(std::string_view type, std::string_view leaf) {
    custodians_.OnIdentityLeaf(type, leaf);
  }

  // The `rollback_cleared` leaf `index`. `root_hex` is the RFC 9162 root of
  // leaves [0, index); `checkpoint_size` and `checkpoint_sha256_hex` name the
  // latest checkpoint of size <= index (0 and "" for none). A failure names
  // this leaf.
  absl::Status OnRollbackCleared(uint64_t index, std::string_view leaf, std::string root_hex,
                                 uint64_t checkpoint_size, std::string checkpoint_sha256_hex);

  // True when the tree reaching `size` completes an anchor leaf (seq
  // size-1): then OnTreeSize must be called even without a checkpoint.
  bool Awaits(uint64_t size) const { return pending_.has_value() && *pending_ + 1 == size; }

  // The tree has reached `size`. `body` is the text of the checkpoint of that
  // size (its signature and root already checked), or nullopt when the bundle
  // has none. Checks the TPM evidence of an anchor ending at size-1, and that
  // no evidence exists for a checkpoint that is not an anchor's. Failures
  // name the checkpoint (or the anchor leaf, when its checkpoint is missing).
  absl::Status OnTreeSize(uint64_t size, const std::optional<std::string>& body);

  // After the last leaf: fails (naming the bundle) for evidence files that no
  // anchor used; adds warnings, e.g. for a last anchor still pending.
  absl::Status Finish(std::vector<std::string>* warnings);

  // Counter ranges, anchor and evidence counts, AK fingerprint, TPM clock.
  void FillSummary(Summary* summary) const;

 private:
  struct Stated {
    std::string kind;
    uint64_t checkpoint = 0;
    uint64_t release = 0;
    std::vector<std::string> moves;
    std::optional<uint64_t> cleared_at;  // a rollback clear's baseline, at that leaf
  };
  struct Clock {
    uint32_t reset_count = 0;
    uint32_t restart_count = 0;
    uint64_t clock = 0;
  };

  AnchorChain(std::filesystem::path dir, std::string log_vkey, std::string log_key_name,
              std::string trusted_ak_fingerprint, uint32_t min_clear_approvals,
              std::set<std::string> evidence_files, std::vector<std::string> notes)
      : dir_(std::move(dir)),
        log_vkey_(std::move(log_vkey)),
        log_key_name_(std::move(log_key_name)),
        trusted_ak_fingerprint_(std::move(trusted_ak_fingerprint)),
        min_clear_approvals_(min_clear_approvals),
        unused_evidence_(std::move(evidence_files)),
        notes_(std::move(notes)) {}

  absl::Status OnProvision(std::string_view leaf);
  absl::Status CheckProvisionFiles(std::string_view leaf, const std::string& ak_pem);
  absl::Status OnAnchor(uint64_t index, std::string_view leaf);
  absl::Status CheckContinues(const Stated& s) const;
  absl::Status Seal(uint64_t size, const std::string& body);
  absl::Status CheckEvidence(uint64_t size, const std::string& body, const std::string& label,
                             uint64_t stated, std::optional<Clock>* newest);
  absl::Status CheckClock(uint64_t size, const std::string& label, const tpm::ClockInfo& c);
  bool HasEvidenceFor(uint64_t size) const;

  std::filesystem::path dir_;
  std::string log_vkey_;
  std::string log_key_name_;
  std::string trusted_ak_fingerprint_;
  uint32_t min_clear_approvals_;
  CustodianRegistry custodians_;
  std::vector<RollbackClearSummary> clears_;
  std::set<std::string> unused_evidence_;  // tpm/ files not yet matched to an anchor

  bool provisioned_ = false;
  std::optional<tpm::EvidenceVerifier> evidence_verifier_;  // over the provisioned AK
  std::map<std::string, ProvisionedCounter, std::less<>> counters_;  // by label
  std::optional<Stated> last_;              // the last anchor leaf's statement
  std::optional<uint64_t> pending_;         // seq of an anchor whose checkpoint is still ahead
  std::optional<uint64_t> unsealed_;        // seq of an anchor that never got its checkpoint
  std::optional<Clock> clock_;              // newest TPM clock certified so far
  std::optional<Clock> first_clock_;
  uint64_t anchors_ = 0;
  uint64_t sealed_anchors_ = 0;
  uint64_t evidence_checked_ = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> certified_range_;  // label -> first, last
  std::vector<std::string> notes_;  // warnings found on the way
};

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_ANCHORS_H_
