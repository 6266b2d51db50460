// The break-glass story over real gRPC and mutual TLS, through the real
// handlers, core, audit log, anchoring and SQLite store, with in-memory HSM
// and TPM (api/testing/fake_backend.h): init; identities; a 2-of-3
// credential; a request that Watch reports; a refused self-approval; two
// signed approvals; one fetch, decrypted with the requester's key; a refused
// second fetch; the reviewer's signed review, the rotation that closes the
// release; an exported bundle that verifies offline. The same story on
// SoftHSM2 and swtpm runs through breakglassd and the CLI in tests/e2e.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/testing/grpc_test_server.h"
#include "vault/base/random.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/signature.h"
#include "vault/verify/verifier.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;
constexpr char kSecret[] = "correct horse battery staple";

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(30);
}

// Calls stub->Method(request) with a deadline; returns the status.
template <typename Stub, typename Req, typename Resp, typename Fn>
grpc::Status Call(Stub& stub, Fn fn, const Req& request, Resp* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  return (stub.*fn)(&ctx, request, response);
}

class Story {
 public:
  Story() : server_(Options()) {
    for (const char* name : {"alice", "bob", "carol", "rita"}) {
      keys_.emplace(name, *crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEcdsaP256Sha256));
    }
  }

  std::unique_ptr<pb::Identities::Stub> identities(const std::string& who) {
    return pb::Identities::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Credentials::Stub> credentials(const std::string& who) {
    return pb::Credentials::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Requests::Stub> requests(const std::string& who) {
    return pb::Requests::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Approvals::Stub> approvals(const std::string& who) {
    return pb::Approvals::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Releases::Stub> releases(const std::string& who) {
    return pb::Releases::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Reviews::Stub> reviews(const std::string& who) {
    return pb::Reviews::NewStub(server_.Channel(who));
  }
  std::unique_ptr<pb::Audit::Stub> audit(const std::string& who) {
    return pb::Audit::NewStub(server_.Channel(who));
  }
  const crypto::SigningKey& key(const std::string& who) const { return keys_.at(who); }
  testing::GrpcTestServer& server() { return server_; }

  void AddIdentity(const std::string& name, pb::Role role) {
    pb::AddIdentityRequest request;
    request.set_name(name);
    request.add_roles(role);
    if (keys_.count(name)) request.set_signing_key_pem(keys_.at(name).public_key().ToPem());
    pb::AddIdentityResponse response;
    const grpc::Status s =
        Call(*identities("op"), &pb::Identities::Stub::AddIdentity, request, &response);
    INFO(name << ": " << s.error_message());
    REQUIRE(s.ok());
  }

  // GetStatement + sign + Approve as `who`.
  grpc::Status Approve(const std::string& who, const std::string& request_id,
                       pb::ApproveResponse* response) {
    pb::GetStatementRequest get;
    get.set_request_id(request_id);
    get.set_decision(pb::DECISION_APPROVE);
    pb::GetStatementResponse statement;
    auto stub = approvals(who);
    grpc::Status s = Call(*stub, &pb::Approvals::Stub::GetStatement, get, &statement);
    if (!s.ok()) return s;
    pb::ApproveRequest approve;
    approve.set_request_id(request_id);
    approve.set_statement(statement.statement());
    approve.set_signature(*key(who).Sign(statement.statement()));
    return Call(*stub, &pb::Approvals::Stub::Approve, approve, response);
  }

 private:
  static testing::GrpcTestServer::Options Options() {
    testing::GrpcTestServer::Options options;
    options.identities = {"op", "alice", "bob", "carol", "erin", "rita", "audrey"};
    return options;
  }
  testing::GrpcTestServer server_;
  std::map<std::string, crypto::SigningKey> keys_;
};

pb::Policy TwoOfThree() {
  pb::Policy policy;
  pb::Factor* factor = policy.add_factors();
  factor->set_name("dba");
  factor->set_required(2);
  for (const char* c : {"alice", "bob", "carol"}) factor->add_custodians(c);
  policy.set_deny_threshold(2);
  policy.set_incident_pattern("INC-[0-9]+");
  policy.set_min_reason_length(10);
  policy.set_approval_window_seconds(3600);
  policy.set_use_window_seconds(900);
  policy.add_requester_roles(pb::ROLE_REQUESTER);
  return policy;
}

// Receives a bundle stream into `dir`.
grpc::Status ExportInto(pb::Audit::Stub& stub, const fs::path& dir) {
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  auto stream = stub.ExportBundle(&ctx, pb::ExportBundleRequest());
  pb::BundleChunk chunk;
  while (stream->Read(&chunk)) {
    const fs::path path = dir / chunk.path();
    fs::create_directories(path.parent_path());
    std::ofstream out(path, chunk.offset() == 0 ? std::ios::binary | std::ios::trunc
                                                : std::ios::binary | std::ios::app);
    out << chunk.data();
  }
  return stream->Finish();
}

TEST_CASE("TheBreakGlassStoryOverGrpc", "[e2e]") {
  Story story;
  // Init by the bootstrap operator, who then registers everyone.
  pb::InitRequest init;
  init.set_log_origin("breakglass.test/story");
  pb::InitResponse initialised;
  auto appliance = pb::Appliance::NewStub(story.server().Channel("op"));
  REQUIRE(Call(*appliance, &pb::Appliance::Stub::Init, init, &initialised).ok());
  CHECK(initialised.log_verifier_key().rfind("breakglass.test/story+", 0) == 0);
  story.AddIdentity("op", pb::ROLE_OPERATOR);
  for (const char* c : {"alice", "bob", "carol"}) story.AddIdentity(c, pb::ROLE_CUSTODIAN);
  story.AddIdentity("erin", pb::ROLE_REQUESTER);
  story.AddIdentity("rita", pb::ROLE_REVIEWER);
  story.AddIdentity("audrey", pb::ROLE_AUDITOR);

  pb::AddCredentialRequest add;
  add.set_id("db-root");
  *add.mutable_policy() = TwoOfThree();
  add.set_secret(kSecret);
  pb::AddCredentialResponse added;
  REQUIRE(Call(*story.credentials("op"), &pb::Credentials::Stub::AddCredential, add, &added).ok());
  CHECK(added.credential().version() == 1);

  // Watch as audrey while erin asks.
  grpc::ClientContext watch_ctx;
  auto watch = pb::Events::NewStub(story.server().Channel("audrey"))
                   ->Watch(&watch_ctx, pb::WatchRequest());
  pb::WatchResponse item;
  REQUIRE(watch->Read(&item));
  REQUIRE(item.has_ready());

  base::SystemRandom random;
  auto release_key = crypto::release_box::Generate(random);
  REQUIRE(release_key.ok());
  pb::CreateRequestRequest ask;
  ask.set_credential_id("db-root");
  ask.set_incident("INC-4711");
  ask.set_reason("primary database is down, need root");
  ask.set_release_public_key(release_key->public_key);
  pb::CreateRequestResponse asked;
  REQUIRE(Call(*story.requests("erin"), &pb::Requests::Stub::CreateRequest, ask, &asked).ok());
  const std::string id = asked.request().id();
  CHECK(asked.request().state() == pb::REQUEST_STATE_PENDING);
  bool saw_request = false;
  while (!saw_request && watch->Read(&item)) {
    saw_request = item.event().type() == "request" && item.event().subject() == id;
  }
  CHECK(saw_request);
  watch_ctx.TryCancel();

  // erin cannot approve her own request: she is no custodian.
  pb::ApproveResponse approved;
  const grpc::Status self = story.Approve("erin", id, &approved);
  CHECK(self.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(self.error_message().find("needs role custodian") != std::string::npos);

  REQUIRE(story.Approve("alice", id, &approved).ok());
  CHECK(approved.request().state() == pb::REQUEST_STATE_PENDING);
  REQUIRE(story.Approve("bob", id, &approved).ok());
  CHECK(approved.request().state() == pb::REQUEST_STATE_RELEASED);

  pb::FetchRequest fetch;
  fetch.set_request_id(id);
  pb::FetchResponse fetched;
  REQUIRE(Call(*story.releases("erin"), &pb::Releases::Stub::Fetch, fetch, &fetched).ok());
  auto secret = crypto::release_box::Open(release_key->private_key, id, fetched.release_box());
  REQUIRE(secret.ok());
  CHECK(secret->view(base::InsecureSecretAccess::Get()) == kSecret);
  const grpc::Status again =
      Call(*story.releases("erin"), &pb::Releases::Stub::Fetch, fetch, &fetched);
  CHECK(again.error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  // rita signs the post-incident review; the request becomes reviewed.
  pb::GetReviewStatementRequest get_review;
  get_review.set_request_id(id);
  get_review.set_justified(pb::ACCESS_JUSTIFIED_YES);
  get_review.set_actions("failed over the primary");
  get_review.set_findings("replication lag had no alert");
  get_review.add_follow_ups("add a lag alert");
  pb::GetReviewStatementResponse to_sign;
  REQUIRE(Call(*story.reviews("rita"), &pb::Reviews::Stub::GetReviewStatement, get_review, &to_sign)
              .ok());
  CHECK(to_sign.statement().rfind("breakglass-review-v1\n", 0) == 0);
  CHECK(to_sign.request().review().reviewers_required() == 1);
  pb::SubmitReviewRequest submit;
  submit.set_request_id(id);
  submit.set_statement(to_sign.statement());
  submit.set_signature(*story.key("rita").Sign(to_sign.statement()));
  pb::SubmitReviewResponse reviewed;
  REQUIRE(Call(*story.reviews("rita"), &pb::Reviews::Stub::SubmitReview, submit, &reviewed).ok());
  const pb::ReviewStatus& review = reviewed.request().review();
  CHECK(reviewed.request().state() == pb::REQUEST_STATE_REVIEWED);
  CHECK(review.review_signed());
  REQUIRE(review.reviews_size() == 1);
  CHECK(review.reviews(0).statement() == to_sign.statement());
  CHECK(to_sign.statement().find("\"release_log_index\":" +
                                 std::to_string(review.release_log_index())) != std::string::npos);
  CHECK_FALSE(reviewed.request().closed());
  const grpc::Status twice =
      Call(*story.reviews("rita"), &pb::Reviews::Stub::SubmitReview, submit, &reviewed);
  CHECK(twice.error_code() == grpc::StatusCode::ALREADY_EXISTS);

  // The rotation closes the release.
  pb::RotateCredentialRequest rotate;
  rotate.set_id("db-root");
  rotate.set_secret("a new secret");
  rotate.set_expected_version(1);
  pb::RotateCredentialResponse rotated;
  REQUIRE(Call(*story.credentials("op"), &pb::Credentials::Stub::RotateCredential, rotate, &rotated)
              .ok());
  pb::GetRequestRequest get_request;
  get_request.set_id(id);
  pb::GetRequestResponse after;
  REQUIRE(
      Call(*story.requests("audrey"), &pb::Requests::Stub::GetRequest, get_request, &after).ok());
  CHECK(after.request().closed());
  CHECK(after.request().review().rotated_to_version() == 2);
  CHECK(after.request().review().closed_unix() > 0);

  // The auditor exports and verifies offline, trusting the key from init.
  const fs::path bundle = story.server().dir() / "bundle";
  REQUIRE(ExportInto(*story.audit("audrey"), bundle).ok());
  verify::VerifyOptions options;
  options.trusted_log_key = initialised.log_verifier_key();
  const absl::StatusOr<verify::Summary> verdict = verify::VerifyBundle(bundle, options);
  INFO(verdict.status().message());
  CHECK(verdict.ok());
}

TEST_CASE("BadInputIsInvalidArgumentNamingTheField", "[e2e]") {
  Story story;
  pb::InitRequest init;
  pb::InitResponse initialised;
  auto appliance = pb::Appliance::NewStub(story.server().Channel("op"));
  grpc::Status s = Call(*appliance, &pb::Appliance::Stub::Init, init, &initialised);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("log_origin:", 0) == 0);
  init.set_log_origin("breakglass.test/bad-input");
  REQUIRE(Call(*appliance, &pb::Appliance::Stub::Init, init, &initialised).ok());
  story.AddIdentity("op", pb::ROLE_OPERATOR);

  pb::AddIdentityRequest identity;
  identity.set_name("x");
  identity.add_roles(static_cast<pb::Role>(42));
  pb::AddIdentityResponse identity_response;
  s = Call(*story.identities("op"), &pb::Identities::Stub::AddIdentity, identity,
           &identity_response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("roles[0]:", 0) == 0);

  pb::AddCredentialRequest add;
  add.set_id("db-root");
  pb::AddCredentialResponse added;
  s = Call(*story.credentials("op"), &pb::Credentials::Stub::AddCredential, add, &added);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("secret:", 0) == 0);

  pb::GetStatementRequest get;
  get.set_request_id("nope");
  pb::GetStatementResponse statement;
  story.AddIdentity("alice", pb::ROLE_CUSTODIAN);
  s = Call(*story.approvals("alice"), &pb::Approvals::Stub::GetStatement, get, &statement);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("decision:", 0) == 0);
}

TEST_CASE("BeforeInitEverythingButInitSaysToRunInit", "[e2e]") {
  Story story;
  pb::GetCredentialRequest get;
  get.set_id("db-root");
  pb::GetCredentialResponse response;
  const grpc::Status s =
      Call(*story.credentials("op"), &pb::Credentials::Stub::GetCredential, get, &response);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("breakglass init") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::api
