// The breakglass CLI against a lying appliance: `breakglass approve|deny`
// talks to a gRPC Approvals service on 127.0.0.1 (mutual TLS with the dev
// PKI) that fronts an honest server (api/testing/grpc_test_server.h: real
// handlers, core, audit log, SQLite) and changes what GetStatement returns —
// the statement of another request, another release key, the other decision,
// another request described. The CLI must exit 7 (kExitStatementMismatch),
// name the member, and submit nothing: the proxy sees no Approve/Deny and the
// honest server records no decision. An honest pass-through proves the setup
// works (the same CLI call then succeeds and is recorded).
//
// The CLI binary itself includes no gRPC header but client.cc; this test is
// a separate binary.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/testing/grpc_test_server.h"
#include "api/testing/test_env.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/core/statement.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/signature.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;
using testing::GrpcTestServer;
using testing::ReadFile;

template <typename Stub, typename Req, typename Resp, typename Fn>
grpc::Status Call(Stub& stub, Fn fn, const Req& request, Resp* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub.*fn)(&ctx, request, response);
}

enum class Lie { kNone, kOtherRequest, kOtherReleaseKey, kOtherDecision, kOtherRequestShown };

// Approvals in front of the honest server, as `custodian`; lies as told.
class LyingApprovals final : public pb::Approvals::Service {
 public:
  LyingApprovals(GrpcTestServer& honest, std::string custodian, std::string other_request)
      : honest_(pb::Approvals::NewStub(honest.Channel(custodian))),
        other_request_(std::move(other_request)) {}

  void set_lie(Lie lie) { lie_ = lie; }
  int submitted() const { return submitted_; }

  grpc::Status GetStatement(grpc::ServerContext*, const pb::GetStatementRequest* request,
                            pb::GetStatementResponse* response) override {
    grpc::Status s = Honest(*request, response);
    if (!s.ok() || lie_ == Lie::kNone) return s;
    pb::GetStatementRequest other = *request;
    pb::GetStatementResponse lie;
    if (lie_ == Lie::kOtherRequest || lie_ == Lie::kOtherRequestShown) {
      other.set_request_id(other_request_);
    } else if (lie_ == Lie::kOtherDecision) {
      other.set_decision(request->decision() == pb::DECISION_APPROVE ? pb::DECISION_DENY
                                                                     : pb::DECISION_APPROVE);
    }
    if (s = Honest(other, &lie); !s.ok()) return s;
    if (lie_ == Lie::kOtherReleaseKey) {
      auto statement = core::ApprovalStatement::FromSignedBytes(lie.statement());
      if (!statement.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "unparsable");
      statement->release_key = std::string(64, 'e');  // the attacker's key
      lie.set_statement(*statement->SignedBytes());
    }
    response->set_statement(lie.statement());
    if (lie_ == Lie::kOtherRequestShown) *response->mutable_request() = lie.request();
    return grpc::Status::OK;
  }

  // An attacker submits the signature for whatever its statement names.
  grpc::Status Approve(grpc::ServerContext*, const pb::ApproveRequest* request,
                       pb::ApproveResponse* response) override {
    ++submitted_;
    pb::ApproveRequest forward = *request;
    forward.set_request_id(NamedRequest(request->statement(), request->request_id()));
    return Call(*honest_, &pb::Approvals::Stub::Approve, forward, response);
  }
  grpc::Status Deny(grpc::ServerContext*, const pb::DenyRequest* request,
                    pb::DenyResponse* response) override {
    ++submitted_;
    pb::DenyRequest forward = *request;
    forward.set_request_id(NamedRequest(request->statement(), request->request_id()));
    return Call(*honest_, &pb::Approvals::Stub::Deny, forward, response);
  }

 private:
  grpc::Status Honest(const pb::GetStatementRequest& request, pb::GetStatementResponse* response) {
    return Call(*honest_, &pb::Approvals::Stub::GetStatement, request, response);
  }
  static std::string NamedRequest(const std::string& bytes, const std::string& fallback) {
    auto statement = core::ApprovalStatement::FromSignedBytes(bytes);
    return statement.ok() ? statement->request_id : fallback;
  }

  std::unique_ptr<pb::Approvals::Stub> honest_;
  const std::string other_request_;
  std::atomic<Lie> lie_{Lie::kNone};
  std::atomic<int> submitted_{0};
};

// The honest appliance: alice and bob custodians (2 of 2), erin's requests
// `a` and `b`, alice's signing key in a PEM file.
struct World {
  GrpcTestServer server{Options()};
  crypto::SigningKey alice =
      *crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  std::string a, b;

  static GrpcTestServer::Options Options() {
    GrpcTestServer::Options options;
    options.identities = {"op", "alice", "bob", "erin"};
    return options;
  }

  World() {
    pb::InitRequest init;
    init.set_log_origin("breakglass.test/lying-server");
    pb::InitResponse initialised;
    auto appliance = pb::Appliance::NewStub(server.Channel("op"));
    REQUIRE(Call(*appliance, &pb::Appliance::Stub::Init, init, &initialised).ok());
    auto bob = *crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
    AddIdentity("alice", pb::ROLE_CUSTODIAN, alice.public_key().ToPem());
    AddIdentity("bob", pb::ROLE_CUSTODIAN, bob.public_key().ToPem());
    AddIdentity("erin", pb::ROLE_REQUESTER, "");
    pb::AddCredentialRequest add;
    add.set_id("db-root");
    pb::Factor* factor = add.mutable_policy()->add_factors();
    factor->set_name("dba");
    factor->set_required(2);
    factor->add_custodians("alice");
    factor->add_custodians("bob");
    add.mutable_policy()->set_deny_threshold(2);
    add.mutable_policy()->set_incident_pattern("INC-[0-9]+");
    add.mutable_policy()->set_min_reason_length(4);
    add.mutable_policy()->set_approval_window_seconds(3600);
    add.mutable_policy()->set_use_window_seconds(900);
    add.mutable_policy()->add_requester_roles(pb::ROLE_REQUESTER);
    add.set_secret("s3cret-for-the-lying-server-test");
    pb::AddCredentialResponse added;
    auto credentials = pb::Credentials::NewStub(server.Channel("op"));
    REQUIRE(Call(*credentials, &pb::Credentials::Stub::AddCredential, add, &added).ok());
    a = Ask("INC-1", "the primary is down");
    b = Ask("INC-2", "exfiltrate the database");
    const fs::path key = server.dir() / "alice.sign.pem";
    const auto pem = alice.ToPem();
    REQUIRE(pem.ok());
    testing::WriteFile(key, std::string(pem->view(base::InsecureSecretAccess::Get())));
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
  }

  void AddIdentity(const std::string& name, pb::Role role, const std::string& key_pem) {
    pb::AddIdentityRequest request;
    request.set_name(name);
    request.add_roles(role);
    request.set_signing_key_pem(key_pem);
    pb::AddIdentityResponse response;
    auto identities = pb::Identities::NewStub(server.Channel("op"));
    const grpc::Status s =
        Call(*identities, &pb::Identities::Stub::AddIdentity, request, &response);
    INFO(name << ": " << s.error_message());
    REQUIRE(s.ok());
  }

  std::string Ask(const std::string& incident, const std::string& reason) {
    base::SystemRandom random;
    auto pair = crypto::release_box::Generate(random);
    REQUIRE(pair.ok());
    pb::CreateRequestRequest ask;
    ask.set_credential_id("db-root");
    ask.set_incident(incident);
    ask.set_reason(reason);
    ask.set_release_public_key(pair->public_key);
    pb::CreateRequestResponse asked;
    auto requests = pb::Requests::NewStub(server.Channel("erin"));
    REQUIRE(Call(*requests, &pb::Requests::Stub::CreateRequest, ask, &asked).ok());
    return asked.request().id();
  }

  // The decisions the honest server recorded on `id`.
  int Decisions(const std::string& id) {
    pb::GetRequestRequest get;
    get.set_id(id);
    pb::GetRequestResponse got;
    auto requests = pb::Requests::NewStub(server.Channel("alice"));
    REQUIRE(Call(*requests, &pb::Requests::Stub::GetRequest, get, &got).ok());
    return got.request().decisions_size();
  }
};

// A mutual-TLS server for `service` with the honest server's certificate.
std::unique_ptr<grpc::Server> Serve(GrpcTestServer& honest, grpc::Service* service, int* port) {
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ReadFile(honest.pki() / "ca.crt");
  ssl.pem_key_cert_pairs.push_back(
      {ReadFile(honest.pki() / "server.key"), ReadFile(honest.pki() / "server.crt")});
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), port);
  builder.RegisterService(service);
  auto server = builder.BuildAndStart();
  REQUIRE(server != nullptr);
  REQUIRE(*port > 0);
  return server;
}

TEST_CASE("CliRefusesToSignWhatALyingApplianceSends", "[e2e]") {
  World world;
  LyingApprovals lying(world.server, "alice", world.b);
  int port = 0;
  auto proxy = Serve(world.server, &lying, &port);
  const fs::path pki = world.server.pki();
  const fs::path config = world.server.dir() / "cli.toml";
  testing::WriteFile(config, absl::StrCat("[profiles.alice]\nserver = \"127.0.0.1:", port,
                                          "\"\ncert = \"", (pki / "alice.crt").string(),
                                          "\"\nkey = \"", (pki / "alice.key").string(),
                                          "\"\nca = \"", (pki / "ca.crt").string(), "\"\n"));
  const auto cli = [&](const std::string& verb, const std::string& key_flag = "--key-file") {
    return testing::RunCommand({BREAKGLASS_CLI_PATH, "--profile", "alice", verb, world.a, "--yes",
                                key_flag, (world.server.dir() / "alice.sign.pem").string()},
                               "", {"BREAKGLASS_CONFIG=" + config.string()});
  };

  struct Case {
    Lie lie;
    const char* verb;
    std::string names;
  };
  const Case cases[] = {
      {Lie::kOtherRequest, "approve", "has request '" + world.b + "' but you asked for"},
      {Lie::kOtherRequest, "deny", "has request '" + world.b + "' but you asked for"},
      {Lie::kOtherReleaseKey, "approve", "has release_key eeee"},
      {Lie::kOtherDecision, "deny", "has decision 'approve' but you chose 'deny'"},
      {Lie::kOtherDecision, "approve", "has decision 'deny' but you chose 'approve'"},
      {Lie::kOtherRequestShown, "approve",
       "described request '" + world.b + "' but you asked for '" + world.a + "'"},
  };
  for (const Case& c : cases) {
    lying.set_lie(c.lie);
    const testing::CommandResult r = cli(c.verb);
    INFO(c.verb << " with lie " << static_cast<int>(c.lie) << ": " << r.output);
    CHECK(r.exit_code == 7);
    CHECK(r.output.find("refusing to sign") != std::string::npos);
    CHECK(r.output.find(c.names) != std::string::npos);
    CHECK(r.output.find("nothing was signed or sent") != std::string::npos);
  }
  CHECK(lying.submitted() == 0);
  CHECK(world.Decisions(world.a) == 0);
  CHECK(world.Decisions(world.b) == 0);

  // The same call through an honest pass-through is signed and recorded —
  // with the PEM key as --key-file; --key takes only pkcs11: URIs.
  lying.set_lie(Lie::kNone);
  const testing::CommandResult pem_as_uri = cli("approve", "--key");
  INFO(pem_as_uri.output);
  CHECK(pem_as_uri.exit_code == 1);
  CHECK(pem_as_uri.output.find("--key takes a pkcs11: URI") != std::string::npos);
  CHECK(pem_as_uri.output.find("use --key-file") != std::string::npos);
  CHECK(lying.submitted() == 0);
  const testing::CommandResult honest = cli("approve");
  INFO(honest.output);
  CHECK(honest.exit_code == 0);
  CHECK(honest.output.find("release key") != std::string::npos);
  CHECK(lying.submitted() == 1);
  CHECK(world.Decisions(world.a) == 1);
  CHECK(world.Decisions(world.b) == 0);
  proxy->Shutdown();
}

}  // namespace
}  // namespace breakglass::api
