#include "api/server/rpc_table.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "api/proto/breakglass/v1/breakglass.pb.h"
#include "api/proto/grpc/health/v1/health.pb.h"
#include "api/server/identity_resolver.h"

namespace breakglass::api {
namespace {

using ::google::protobuf::FileDescriptor;

std::set<std::string> ProtoMethods() {
  std::set<std::string> out;
  for (const FileDescriptor* file :
       {::breakglass::v1::InitRequest::descriptor()->file(),
        ::grpc::health::v1::HealthCheckRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        out.insert("/" + service->full_name() + "/" + service->method(m)->name());
      }
    }
  }
  return out;
}

TEST_CASE("The RPC table names every RPC of the protos, and nothing else", "[rpc_table]") {
  const std::set<std::string> methods = ProtoMethods();
  REQUIRE(methods.size() > 25);
  std::set<std::string> in_table;
  for (const RpcRule& rule : RpcTable()) {
    INFO(rule.method);
    CHECK(in_table.insert(std::string(rule.method)).second);  // no duplicates
    CHECK(methods.count(std::string(rule.method)) == 1);
  }
  for (const std::string& method : methods) {
    INFO(method << " has no rule");
    CHECK(in_table.count(method) == 1);
  }
}

TEST_CASE("Every role-gated RPC allows at least one role", "[rpc_table]") {
  for (const RpcRule& rule : RpcTable()) {
    if (rule.access != Access::kRoles) continue;
    INFO(rule.method);
    CHECK(rule.roles != 0);
  }
}

TEST_CASE("RefusesCallerWithoutRoleNamingTheRoleNeeded", "[rpc_table]") {
  absl::Status s = Authorize("/breakglass.v1.Approvals/Approve", "erin", {Role::kRequester});
  REQUIRE(absl::IsPermissionDenied(s));
  const std::string msg(s.message());
  CHECK(msg.find("Approve needs role custodian") != std::string::npos);
  CHECK(msg.find("'erin' has roles requester") != std::string::npos);
}

TEST_CASE("AllowsCallerHoldingOneOfTheRoles", "[rpc_table]") {
  CHECK(Authorize("/breakglass.v1.Approvals/Approve", "alice", {Role::kCustodian}).ok());
  CHECK(Authorize("/breakglass.v1.Audit/GetCheckpoint", "rita",
                  {Role::kRequester, Role::kReviewer})
            .ok());
  CHECK(absl::IsPermissionDenied(Authorize("/breakglass.v1.Audit/GetCheckpoint", "nobody", {})));
}

TEST_CASE("RefusesAnRpcMissingFromTheTable", "[rpc_table]") {
  absl::Status s = Authorize("/breakglass.v1.Secret/Backdoor", "op", {Role::kOperator});
  REQUIRE(absl::IsPermissionDenied(s));
  CHECK(std::string(s.message()).find("no entry in the role table") != std::string::npos);
}

TEST_CASE("AllowedRolesText lists roles in a sentence", "[rpc_table]") {
  CHECK(AllowedRolesText(*FindRpcRule("/breakglass.v1.Releases/Fetch")) == "requester");
  CHECK(AllowedRolesText(*FindRpcRule("/breakglass.v1.Requests/CancelRequest")) ==
        "operator or requester");
  CHECK(AllowedRolesText(*FindRpcRule("/breakglass.v1.Audit/ExportBundle")) ==
        "operator, reviewer or auditor");
}

TEST_CASE("Role names round-trip and unknown names are refused", "[rpc_table]") {
  for (Role role : kAllRoles) CHECK(ParseRole(RoleName(role)).value() == role);
  CHECK(absl::IsInvalidArgument(ParseRole("admin").status()));
  CHECK(RoleSetText({Role::kReviewer, Role::kCustodian}) == "custodian,reviewer");
  CHECK(RoleSetText({}) == "none");
}

TEST_CASE("BootstrapOperatorResolver adds operator only for the configured name",
          "[identity_resolver]") {
  StaticIdentityResolver inner({{"alice", {Role::kCustodian}}, {"ops", {Role::kAuditor}}});
  BootstrapOperatorResolver resolver("ops", &inner);
  CHECK(resolver.RolesOf("ops").value() == RoleSet{Role::kOperator, Role::kAuditor});
  CHECK(resolver.RolesOf("alice").value() == RoleSet{Role::kCustodian});
  CHECK(absl::IsNotFound(resolver.RolesOf("mallory").status()));
  BootstrapOperatorResolver fresh("root-op", &inner);
  CHECK(fresh.RolesOf("root-op").value() == RoleSet{Role::kOperator});
}

TEST_CASE("InRollbackRecoveryOnlyStatusWhoAmIHealthAndTheClearAreServed", "[rpc_table]") {
  const std::set<std::string> served = {
      "/breakglass.v1.Appliance/GetStatus",
      "/breakglass.v1.Appliance/GetRollbackClearStatement",
      "/breakglass.v1.Appliance/ApproveRollbackClear",
      "/breakglass.v1.Identities/WhoAmI",
      "/grpc.health.v1.Health/Check",
      "/grpc.health.v1.Health/Watch",
  };
  for (const RpcRule& rule : RpcTable()) {
    INFO(rule.method);
    const absl::Status s = RecoveryRefusal(rule.method, "rollback: the TPM release counter is 9");
    if (served.count(std::string(rule.method)) != 0) {
      CHECK(s.ok());
    } else {
      CHECK(absl::IsFailedPrecondition(s));
      CHECK(std::string(s.message())
                .rfind("appliance is in rollback recovery: rollback: the TPM release counter is 9",
                       0) == 0);
    }
  }
  CHECK(absl::IsFailedPrecondition(RecoveryRefusal("/breakglass.v1.Nope/Nope", "x")));
}

}  // namespace
}  // namespace breakglass::api
