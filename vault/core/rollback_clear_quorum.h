// RollbackClearQuorum: the custodians' approvals of one rollback-clear
// statement (vault/audit/rollback_clear.h), counted as DESIGN.md wants for a
// quorum: each approval is a valid signature by an active custodian's
// registered key over exactly the statement the appliance shows now, and
// each custodian counts once. Pure logic: the caller looks the signer up
// (rollback_recovery.h) and records the clear once met().
//
// Approvals are bound to one statement. When the statement of the appliance
// changes (the log or a TPM counter moved), approvals of the old one no
// longer count: the next Add drops them before checking its own.
//
// Thread-safety: a value type; not thread-safe.
#ifndef BREAKGLASS_VAULT_CORE_ROLLBACK_CLEAR_QUORUM_H_
#define BREAKGLASS_VAULT_CORE_ROLLBACK_CLEAR_QUORUM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/audit/rollback_clear.h"
#include "vault/core/identity.h"

namespace breakglass::core {

class RollbackClearQuorum final {
 public:
  // `required` distinct custodians; INVALID_ARGUMENT unless 1..64.
  static absl::StatusOr<RollbackClearQuorum> Create(uint32_t required);

  // Counts `signer`'s approval: `signature` over `statement`, which must be
  // `current`, the statement the appliance would clear now. Refusals change
  // nothing (beyond dropping approvals of a statement that is no longer
  // current): INVALID_ARGUMENT "statement: ..." naming the first differing
  // line when statement != current; PERMISSION_DENIED when `signer` is not an
  // active custodian with a registered key, or the signature does not verify
  // under that key (internal/signed_statement.h, as for approvals);
  // INVALID_ARGUMENT for a malformed signature; ALREADY_EXISTS when `signer`
  // already approved this statement.
  absl::Status Add(const Identity& signer, std::string_view current, std::string_view statement,
                   std::string_view signature);

  bool met() const { return approvals_.size() >= required_; }
  uint32_t required() const { return required_; }
  // The statement the counted approvals are for ("" before the first Add).
  const std::string& statement() const { return statement_; }
  // Names of the custodians counted, in the order they approved.
  std::vector<std::string> approvers() const;
  // The statement, the required count and the approvals: what the
  // `rollback_cleared` leaf records.
  audit::RollbackClearRecord Record() const;

 private:
  explicit RollbackClearQuorum(uint32_t required) : required_(required) {}

  uint32_t required_;
  std::string statement_;  // the statement approvals_ are for
  std::vector<audit::ClearApproval> approvals_;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_ROLLBACK_CLEAR_QUORUM_H_
