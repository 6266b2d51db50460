// The role matrix over real gRPC and mutual TLS: every RPC × every role is
// either served (whatever the handler then says about the empty request) or
// PERMISSION_DENIED naming the roles it needs; an unregistered certificate is
// UNAUTHENTICATED (DESIGN.md "API and identity"). A connection without a
// client certificate is refused in the TLS handshake, for every service:
// tls_refusal_e2e_test.cc.
//
// The expectation is written out below, literally: the first test pins the
// RPC table (api/server/rpc_table.cc) to it, so changing who may call what
// fails here until this matrix is changed too — on purpose, in review.
// Identities resolve from the store, as in breakglassd.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/server/convert.h"
#include "api/server/rpc_table.h"
#include "api/testing/grpc_test_server.h"
#include "vault/crypto/signature.h"

namespace breakglass::api {
namespace {

// Columns: operator, custodian, requester, reviewer, auditor ('-': denied).
struct Row {
  std::string_view method;
  std::string_view allowed;
};
constexpr Row kMatrix[] = {
    {"/breakglass.v1.Appliance/Init", /*                  */ "O----"},
    {"/breakglass.v1.Appliance/GetStatus", /*             */ "OCQRA"},
    {"/breakglass.v1.Appliance/GetRollbackClearStatement", "OC--A"},
    {"/breakglass.v1.Appliance/ApproveRollbackClear", /*  */ "-C---"},
    {"/breakglass.v1.Identities/AddIdentity", /*          */ "O----"},
    {"/breakglass.v1.Identities/ListIdentities", /*       */ "O---A"},
    {"/breakglass.v1.Identities/RemoveIdentity", /*       */ "O----"},
    {"/breakglass.v1.Identities/WhoAmI", /*               */ "OCQRA"},
    {"/breakglass.v1.Credentials/AddCredential", /*       */ "O----"},
    {"/breakglass.v1.Credentials/ListCredentials", /*     */ "OCQRA"},
    {"/breakglass.v1.Credentials/GetCredential", /*       */ "OCQRA"},
    {"/breakglass.v1.Credentials/RotateCredential", /*    */ "O----"},
    {"/breakglass.v1.Requests/CreateRequest", /*          */ "OCQR-"},
    {"/breakglass.v1.Requests/ListRequests", /*           */ "OCQRA"},
    {"/breakglass.v1.Requests/GetRequest", /*             */ "OCQRA"},
    {"/breakglass.v1.Requests/CancelRequest", /*          */ "O-Q--"},
    {"/breakglass.v1.Approvals/GetStatement", /*          */ "-C---"},
    {"/breakglass.v1.Approvals/Approve", /*               */ "-C---"},
    {"/breakglass.v1.Approvals/Deny", /*                  */ "-C---"},
    {"/breakglass.v1.Releases/Fetch", /*                  */ "--Q--"},
    {"/breakglass.v1.Reviews/GetReviewStatement", /*      */ "---R-"},
    {"/breakglass.v1.Reviews/SubmitReview", /*            */ "---R-"},
    {"/breakglass.v1.Audit/GetCheckpoint", /*             */ "O--RA"},
    {"/breakglass.v1.Audit/GetInclusionProof", /*         */ "O--RA"},
    {"/breakglass.v1.Audit/GetConsistencyProof", /*       */ "O--RA"},
    {"/breakglass.v1.Audit/GetEntries", /*                */ "O--RA"},
    {"/breakglass.v1.Audit/ExportBundle", /*              */ "O--RA"},
    {"/breakglass.v1.Audit/GetTpmEvidence", /*            */ "O--RA"},
    {"/breakglass.v1.Events/Watch", /*                    */ "OCQRA"},
    {"/grpc.health.v1.Health/Check", /*                   */ "*****"},
    {"/grpc.health.v1.Health/Watch", /*                   */ "*****"},
};
// '*': any peer with a valid client certificate, registered or not.

// One registered identity per role, in the matrix's column order.
constexpr std::pair<const char*, Role> kColumns[] = {{"op", Role::kOperator},
                                                     {"cus", Role::kCustodian},
                                                     {"req", Role::kRequester},
                                                     {"rev", Role::kReviewer},
                                                     {"aud", Role::kAuditor}};

const Row* FindRow(std::string_view method) {
  for (const Row& row : kMatrix) {
    if (row.method == method) return &row;
  }
  return nullptr;
}

TEST_CASE("TheRpcTableIsExactlyTheWrittenMatrix", "[rpc_table]") {
  CHECK(RpcTable().size() == std::size(kMatrix));
  for (const RpcRule& rule : RpcTable()) {
    const Row* row = FindRow(rule.method);
    INFO(rule.method);
    REQUIRE(row != nullptr);
    CHECK((rule.access == Access::kAnyAuthenticatedPeer) == (row->allowed == "*****"));
    for (size_t i = 0; i < std::size(kColumns); ++i) {
      INFO(RoleName(kColumns[i].second));
      CHECK(RuleAllows(rule, kColumns[i].second) == (row->allowed[i] != '-'));
    }
  }
}

// A server whose store knows one identity per role (custodian and reviewer
// with signing keys), after `breakglass init`.
class MatrixServer {
 public:
  MatrixServer() : server_(Options()) {
    pb::InitRequest init;
    init.set_log_origin("breakglass.test/matrix");
    pb::InitResponse response;
    grpc::ClientContext ctx;
    REQUIRE(pb::Appliance::NewStub(server_.Channel("op"))->Init(&ctx, init, &response).ok());
    for (const auto& [name, role] : kColumns) Register(name, role);
  }
  testing::GrpcTestServer& server() { return server_; }

 private:
  static testing::GrpcTestServer::Options Options() {
    testing::GrpcTestServer::Options options;
    options.identities = {"op", "cus", "req", "rev", "aud", "stranger"};
    return options;
  }
  void Register(const std::string& name, Role role) {
    pb::AddIdentityRequest request;
    request.set_name(name);
    request.add_roles(RoleToProto(role));
    if (role == Role::kCustodian || role == Role::kReviewer) {
      auto key = crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
      REQUIRE(key.ok());
      request.set_signing_key_pem(key->public_key().ToPem());
    }
    pb::AddIdentityResponse response;
    grpc::ClientContext ctx;
    const grpc::Status s =
        pb::Identities::NewStub(server_.Channel("op"))->AddIdentity(&ctx, request, &response);
    INFO(name << ": " << s.error_message());
    REQUIRE(s.ok());
  }
  testing::GrpcTestServer server_;
};

TEST_CASE("EveryRpcTimesEveryRoleIsServedOrPermissionDeniedAsWritten", "[e2e]") {
  MatrixServer matrix;
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    const auto channel = matrix.server().Channel(kColumns[i].first);
    for (const Row& row : kMatrix) {
      const testing::RawResult r = testing::CallWithEmptyRequest(channel, std::string(row.method));
      INFO(row.method << " as " << kColumns[i].first << " -> " << r.status.error_code() << " "
                      << r.status.error_message());
      if (row.allowed[i] == '-') {
        CHECK(r.status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
        CHECK(r.status.error_message().find("needs role " +
                                            AllowedRolesText(*FindRpcRule(row.method))) !=
              std::string::npos);
      } else {
        CHECK((r.got_message || r.status.error_code() != grpc::StatusCode::PERMISSION_DENIED));
        CHECK(r.status.error_code() != grpc::StatusCode::UNAUTHENTICATED);
        CHECK(r.status.error_code() != grpc::StatusCode::UNAVAILABLE);
      }
    }
  }
}

TEST_CASE("AnUnregisteredCertificateGetsOnlyHealth", "[e2e]") {
  MatrixServer matrix;
  const auto stranger = matrix.server().Channel("stranger");
  for (const Row& row : kMatrix) {
    INFO(row.method);
    const testing::RawResult r = testing::CallWithEmptyRequest(stranger, std::string(row.method));
    if (row.allowed == "*****") {
      CHECK(r.got_message);
    } else {
      CHECK(r.status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    }
  }
}

}  // namespace
}  // namespace breakglass::api
