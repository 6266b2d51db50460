#include "api/server/rpc_table.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::api {
namespace {

constexpr uint8_t Bit(Role role) { return static_cast<uint8_t>(1u << static_cast<int>(role)); }

constexpr uint8_t kOp = Bit(Role::kOperator);
constexpr uint8_t kCus = Bit(Role::kCustodian);
constexpr uint8_t kReq = Bit(Role::kRequester);
constexpr uint8_t kRev = Bit(Role::kReviewer);
constexpr uint8_t kAud = Bit(Role::kAuditor);
constexpr uint8_t kEvery = kOp | kCus | kReq | kRev | kAud;
constexpr uint8_t kAuditReaders = kAud | kOp | kRev;

constexpr RpcRule R(std::string_view method, uint8_t roles) {
  return RpcRule{method, Access::kRoles, roles};
}
constexpr RpcRule AnyPeer(std::string_view method) {
  return RpcRule{method, Access::kAnyAuthenticatedPeer, 0, /*in_recovery=*/true};
}
// Served in rollback recovery too.
constexpr RpcRule Rec(std::string_view method, uint8_t roles) {
  return RpcRule{method, Access::kRoles, roles, /*in_recovery=*/true};
}

// The table. Keep in proto order; api/server/rpc_table_test.cc checks that it
// names every method of every service in breakglass.proto and health.proto.
constexpr RpcRule kRules[] = {
    R("/breakglass.v1.Appliance/Init", kOp),
    Rec("/breakglass.v1.Appliance/GetStatus", kEvery),
    Rec("/breakglass.v1.Appliance/GetRollbackClearStatement", kCus | kOp | kAud),
    Rec("/breakglass.v1.Appliance/ApproveRollbackClear", kCus),
    R("/breakglass.v1.Identities/AddIdentity", kOp),
    R("/breakglass.v1.Identities/ListIdentities", kOp | kAud),
    R("/breakglass.v1.Identities/RemoveIdentity", kOp),
    Rec("/breakglass.v1.Identities/WhoAmI", kEvery),
    R("/breakglass.v1.Credentials/AddCredential", kOp),
    R("/breakglass.v1.Credentials/ListCredentials", kEvery),
    R("/breakglass.v1.Credentials/GetCredential", kEvery),
    R("/breakglass.v1.Credentials/RotateCredential", kOp),
    R("/breakglass.v1.Requests/CreateRequest", kReq | kCus | kOp | kRev),
    R("/breakglass.v1.Requests/ListRequests", kEvery),
    R("/breakglass.v1.Requests/GetRequest", kEvery),
    R("/breakglass.v1.Requests/CancelRequest", kReq | kOp),
    R("/breakglass.v1.Approvals/GetStatement", kCus),
    R("/breakglass.v1.Approvals/Approve", kCus),
    R("/breakglass.v1.Approvals/Deny", kCus),
    R("/breakglass.v1.Releases/Fetch", kReq),
    R("/breakglass.v1.Reviews/GetReviewStatement", kRev),
    R("/breakglass.v1.Reviews/SubmitReview", kRev),
    R("/breakglass.v1.Audit/GetCheckpoint", kAuditReaders),
    R("/breakglass.v1.Audit/GetInclusionProof", kAuditReaders),
    R("/breakglass.v1.Audit/GetConsistencyProof", kAuditReaders),
    R("/breakglass.v1.Audit/GetEntries", kAuditReaders),
    R("/breakglass.v1.Audit/ExportBundle", kAuditReaders),
    R("/breakglass.v1.Audit/GetTpmEvidence", kAuditReaders),
    R("/breakglass.v1.Events/Watch", kEvery),
    AnyPeer("/grpc.health.v1.Health/Check"),
    AnyPeer("/grpc.health.v1.Health/Watch"),
};

// "/breakglass.v1.Approvals/Approve" -> "Approve".
std::string ShortName(std::string_view method) {
  const size_t slash = method.rfind('/');
  return std::string(slash == std::string_view::npos ? method : method.substr(slash + 1));
}

}  // namespace

std::string RoleSetText(const RoleSet& roles) {
  if (roles.empty()) return "none";
  std::vector<std::string> names;
  for (Role role : roles) names.emplace_back(RoleName(role));
  return absl::StrJoin(names, ",");
}

absl::Span<const RpcRule> RpcTable() { return kRules; }

const RpcRule* FindRpcRule(std::string_view method) {
  for (const RpcRule& rule : kRules) {
    if (rule.method == method) return &rule;
  }
  return nullptr;
}

bool RuleAllows(const RpcRule& rule, Role role) {
  return rule.access == Access::kAnyAuthenticatedPeer || (rule.roles & Bit(role)) != 0;
}

std::string AllowedRolesText(const RpcRule& rule) {
  if (rule.access == Access::kAnyAuthenticatedPeer) return "any authenticated peer";
  std::vector<std::string> names;
  for (Role role : kAllRoles) {
    if (RuleAllows(rule, role)) names.emplace_back(RoleName(role));
  }
  if (names.size() <= 1) return absl::StrJoin(names, "");
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

absl::Status Authorize(std::string_view method, std::string_view identity,
                       const RoleSet& roles) {
  const RpcRule* rule = FindRpcRule(method);
  if (rule == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("RPC ", std::string(method),
                     " has no entry in the role table; it is refused. Report this as a bug."));
  }
  for (Role role : roles) {
    if (RuleAllows(*rule, role)) return absl::OkStatus();
  }
  if (rule->access == Access::kAnyAuthenticatedPeer) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      ShortName(method), " needs role ", AllowedRolesText(*rule), "; identity '",
      std::string(identity), "' has roles ", RoleSetText(roles),
      ". Use an identity that holds the role (--profile), or ask an operator to grant it "
      "(breakglass identity add)."));
}

absl::Status RecoveryRefusal(std::string_view method, std::string_view why) {
  const RpcRule* rule = FindRpcRule(method);
  if (rule != nullptr && rule->in_recovery) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "appliance is in rollback recovery: ", std::string(why),
      ". Only GetStatus, WhoAmI, health and the rollback-clear RPCs are served until a quorum "
      "of custodians approves the clear (breakglass rollback status; breakglass rollback "
      "approve)"));
}

}  // namespace breakglass::api
