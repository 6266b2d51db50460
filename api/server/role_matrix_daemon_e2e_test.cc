// The role matrix on a real breakglassd (SoftHSM2 + swtpm + SQLite, on
// 127.0.0.1, mutual TLS with the test's own CA): every RPC of the RPC table
// (pinned to the written matrix by role_matrix_e2e_test.cc) called with an
// empty request by one registered identity per role is either served —
// whatever the handler then says about the empty request — or
// PERMISSION_DENIED naming the roles it needs; an unregistered certificate
// gets only health (UNAUTHENTICATED otherwise); a connection without a client
// certificate is refused in the handshake. Identities come from the store,
// registered through the CLI as an operator would. Every refusal at the gate
// is one `login_failed` leaf naming the caller, the RPC and why; nothing else
// is added to the log.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/server/rpc_table.h"
#include "api/testing/grpc_test_server.h"
#include "api/testing/test_env.h"
#include "tests/e2e/cast.h"
#include "tests/e2e/daemon_fixture.h"
#include "vault/crypto/signature.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;

// One identity per role (operator, custodian, requester, reviewer, auditor),
// as ProvisionCast registers them, plus rita (reviewer).
const std::pair<const char*, Role> kColumns[] = {{"operator", Role::kOperator},
                                                 {"alice", Role::kCustodian},
                                                 {"erin", Role::kRequester},
                                                 {"rita", Role::kReviewer},
                                                 {"audrey", Role::kAuditor}};

std::shared_ptr<grpc::Channel> ChannelAs(const e2e::DaemonDir& dir, const std::string& who) {
  return testing::TlsChannel("127.0.0.1:" + std::to_string(dir.port()), dir.pki(), who);
}

// The leaves appended after `before` (a prefix of `after`: the log only
// grows), parsed.
std::vector<nlohmann::json> Appended(const std::string& before, const std::string& after) {
  REQUIRE(after.compare(0, before.size(), before) == 0);
  std::vector<nlohmann::json> out;
  std::istringstream in(after.substr(before.size()));
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line.substr(line.find(' ') + 1)));
  }
  return out;
}

std::vector<std::string> Names() {
  std::vector<std::string> names = e2e::CastNames();
  names.push_back("rita");
  names.push_back("stranger");  // a valid certificate, never registered
  return names;
}

TEST_CASE("OnBreakglassdEveryRpcTimesEveryRoleIsServedOrDeniedAsTheTableSays",
          "[e2e][hsm][tpm]") {
  e2e::DaemonDir dir(Names());
  dir.StartHardware();
  testing::ChildProcess daemon = dir.StartDaemon();
  e2e::ProvisionCast(dir, "db-root", "matrix-secret-1");
  auto key = crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  REQUIRE(key.ok());
  const fs::path rita_pub = dir.root() / "rita.pub.pem";
  testing::WriteFile(rita_pub, key->public_key().ToPem());
  e2e::Ok(dir, "operator",
          {"identity", "add", "rita", "--role", "reviewer", "--signing-key-file",
           rita_pub.string()});
  const std::string leaves_before = e2e::NonAnchorLeaves(dir);
  REQUIRE(leaves_before.find("identity_add") != std::string::npos);

  size_t served = 0, denied = 0;
  std::map<std::string, std::map<std::string, std::string>> refused;  // who -> method -> code
  for (const auto& [who, role] : kColumns) {
    const auto channel = ChannelAs(dir, who);
    for (const RpcRule& rule : RpcTable()) {
      const std::string method(rule.method);
      const testing::RawResult r = testing::CallWithEmptyRequest(channel, method);
      INFO(method << " as " << who << " -> " << r.status.error_code() << " "
                  << r.status.error_message());
      if (!RuleAllows(rule, role)) {
        ++denied;
        refused[who][method] = "PERMISSION_DENIED";
        CHECK(r.status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
        CHECK(r.status.error_message().find("needs role " + AllowedRolesText(rule)) !=
              std::string::npos);
      } else {
        ++served;
        CHECK((r.got_message || r.status.error_code() != grpc::StatusCode::PERMISSION_DENIED));
        CHECK(r.status.error_code() != grpc::StatusCode::UNAUTHENTICATED);
        CHECK(r.status.error_code() != grpc::StatusCode::UNAVAILABLE);
      }
    }
  }
  CHECK(served > 0);
  CHECK(denied > 0);

  const auto stranger = ChannelAs(dir, "stranger");
  for (const RpcRule& rule : RpcTable()) {
    const std::string method(rule.method);
    INFO(method << " as stranger");
    const testing::RawResult r = testing::CallWithEmptyRequest(stranger, method);
    if (rule.access == Access::kAnyAuthenticatedPeer) {
      CHECK(r.got_message);
    } else {
      CHECK(r.status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
      refused["stranger"][method] = "UNAUTHENTICATED";
    }
  }

  const auto anonymous = ChannelAs(dir, "");
  for (const RpcRule& rule : RpcTable()) {
    const std::string method(rule.method);
    INFO(method << " without a client certificate");
    const testing::RawResult r = testing::CallWithEmptyRequest(anonymous, method);
    CHECK_FALSE(r.got_message);
    CHECK(r.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  }

  // Hundreds of refused and empty calls changed nothing in the audit log but
  // one `login_failed` leaf per refusal at the gate (none for the handshake
  // refusals: those never reach it).
  std::map<std::string, std::map<std::string, std::string>> logged;
  for (const nlohmann::json& leaf : Appended(leaves_before, e2e::NonAnchorLeaves(dir))) {
    INFO(leaf.dump());
    REQUIRE(leaf.at("type") == "login_failed");
    const std::string why = leaf.at("why");
    CHECK(logged[leaf.at("actor")].emplace(leaf.at("subject"), why.substr(0, why.find(':')))
              .second);
  }
  CHECK(logged == refused);
  CHECK(kill(daemon.pid(), 0) == 0);
}

}  // namespace
}  // namespace breakglass::api
