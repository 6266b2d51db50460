// The RPC table: which roles may call each RPC of breakglass.v1 (and the
// standard health service). It is the ONLY place access is decided by role;
// handlers never check roles themselves (DESIGN.md "API and identity": every
// RPC checks the caller's role). An RPC missing from the table is refused.
//
// Roles are those of vault/core/identity.h (operator, custodian, requester,
// reviewer, auditor). Object-level rules ("a requester fetches only their own
// request", "a custodian never approves their own request") belong to the
// core and come on top of this table.
//
// The table also says which RPCs are served while breakglassd runs in
// rollback recovery (RpcRule::in_recovery); the gate asks RecoveryRefusal.
//
// Thread-safety: immutable data and pure functions.
#ifndef BREAKGLASS_API_SERVER_RPC_TABLE_H_
#define BREAKGLASS_API_SERVER_RPC_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "api/server/roles.h"

namespace breakglass::api {

// Who may call an RPC.
enum class Access : uint8_t {
  // A registered identity holding one of `roles`.
  kRoles,
  // Any peer with a valid client certificate from the client CA, registered
  // or not (the health service: probes need no role).
  kAnyAuthenticatedPeer,
};

struct RpcRule {
  // Full gRPC method path, "/breakglass.v1.Requests/CreateRequest".
  std::string_view method;
  Access access;
  // Bit (1 << Role) per allowed role; used when access == kRoles.
  uint8_t roles;
  // Served while breakglassd runs in rollback recovery (GetStatus, WhoAmI,
  // health, the rollback-clear RPCs); every other RPC is then
  // FAILED_PRECONDITION (RecoveryRefusal).
  bool in_recovery = false;
};

// Every rule, in proto order.
absl::Span<const RpcRule> RpcTable();

// The rule for `method`, or nullptr when the table has none.
const RpcRule* FindRpcRule(std::string_view method);

// True when `role` is allowed by `rule` (kAnyAuthenticatedPeer allows all).
bool RuleAllows(const RpcRule& rule, Role role);

// Human list of the roles a rule allows: "custodian", "operator or auditor".
std::string AllowedRolesText(const RpcRule& rule);

// OK when an identity with `roles` may call `method`. Otherwise
// PERMISSION_DENIED, e.g. "Approve needs role custodian; identity 'erin'
// has roles requester. Ask an operator to grant the role
// (breakglass identity add) or use the right identity (--profile)."
// An RPC without a rule is PERMISSION_DENIED too (fail closed).
absl::Status Authorize(std::string_view method, std::string_view identity,
                       const RoleSet& roles);

// OK when `method` is served in rollback recovery; otherwise
// FAILED_PRECONDITION "appliance is in rollback recovery: <why>. ..." saying
// what is served and how custodians leave the state.
absl::Status RecoveryRefusal(std::string_view method, std::string_view why);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_RPC_TABLE_H_
