// RollbackRecovery: leaving the rollback state (DESIGN.md "Anchoring in the
// TPM": "Leaving that state is itself a quorum-approved, logged operation").
//
// It exists while the appliance runs in rollback recovery: the start-up
// check found a counter that disagrees with the log, the Anchorer refuses
// (audit/anchor.h) and no vault serves. Custodians fetch the statement
// (audit/rollback_clear.h: the log's size and root, its latest checkpoint,
// each counter's logged and TPM values, the re-baselining), sign it with
// their own key and submit it. Each approval is checked against the
// custodian's registered key in the store (RollbackClearQuorum). When the
// configured number of distinct active custodians approved the statement
// that is still current, the Anchorer records the `rollback_cleared` leaf
// (statement, every signer, key and signature, the numbers) and re-baselines
// the counters in ONE store transaction, then anchors; `on_cleared` is
// called and the recovery is over.
//
// Approvals are kept IN MEMORY only: a restart of the appliance forgets them
// and custodians approve again (nothing is cleared without a full quorum in
// one run). Approvals of a statement that stopped being current (the log or
// a counter moved) are dropped.
//
// Thread-safety: all methods may be called from many threads; they are
// serialised. Borrowed dependencies must outlive the object.
#ifndef BREAKGLASS_VAULT_CORE_ROLLBACK_RECOVERY_H_
#define BREAKGLASS_VAULT_CORE_ROLLBACK_RECOVERY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vault/audit/anchor.h"
#include "vault/core/rollback_clear_quorum.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::core {

struct RollbackRecoveryDeps {
  store::TransactionRunner* runner = nullptr;  // identities (repo::Migrations)
  audit::Anchorer* anchorer = nullptr;         // refusing after its start-up check
  uint32_t required = 2;                       // distinct custodians that must approve
  // Called once, after the clear is recorded and anchored (optional). Its
  // error is returned by the Approve that completed the quorum.
  std::function<absl::Status()> on_cleared;
};

struct RollbackRecoveryStatus {
  bool cleared = false;
  std::string statement;                      // empty once cleared
  std::vector<audit::CounterCheck> counters;  // release, checkpoint: A and T
  uint32_t required = 0;
  std::vector<std::string> approved_by;  // of the current statement
  std::vector<std::string> actions;      // once cleared: what the clear did
};

class RollbackRecovery final {
 public:
  // INVALID_ARGUMENT for a missing dependency or `required` outside 1..64;
  // FAILED_PRECONDITION when the anchorer has no start-up alarm to clear, or
  // fewer than `required` active custodians with a registered key exist (the
  // quorum could never be met); store and TPM errors.
  static absl::StatusOr<std::unique_ptr<RollbackRecovery>> Create(RollbackRecoveryDeps deps);

  // Why the appliance is in recovery: the Anchorer's refusal (the counter and
  // both values), for messages.
  std::string Why() const;

  // The statement to sign now and the approvals it has. After the clear:
  // cleared, and what was done.
  absl::StatusOr<RollbackRecoveryStatus> Status();

  // `actor`'s approval: `signature` over `statement`. Refusals change nothing
  // (RollbackClearQuorum::Add): INVALID_ARGUMENT (not the current statement,
  // naming the line), PERMISSION_DENIED (not an active custodian with a key,
  // or the signature does not verify), ALREADY_EXISTS (approved before).
  // The approval that completes the quorum clears (audit/anchor.h
  // ClearRollback) and returns the status with cleared set; its errors are
  // returned as they are (approvals of a statement that changed no longer
  // count; after a component error, any counted custodian may approve again
  // to retry). After the clear: FAILED_PRECONDITION.
  absl::StatusOr<RollbackRecoveryStatus> Approve(std::string_view actor, std::string_view statement,
                                                 std::string_view signature);

 private:
  RollbackRecovery(RollbackRecoveryDeps deps, RollbackClearQuorum quorum)
      : deps_(std::move(deps)), quorum_(std::move(quorum)) {}

  absl::StatusOr<RollbackRecoveryStatus> StatusLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Count(std::string_view actor, std::string_view current, std::string_view statement,
                     std::string_view signature) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<RollbackRecoveryStatus> Clear() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RollbackRecoveryDeps deps_;
  absl::Mutex mu_;
  RollbackClearQuorum quorum_ ABSL_GUARDED_BY(mu_);
  std::optional<std::vector<std::string>> cleared_ ABSL_GUARDED_BY(mu_);  // actions, once done
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_ROLLBACK_RECOVERY_H_
