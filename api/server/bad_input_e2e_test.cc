// Bad input for every RPC over real gRPC and mutual TLS: empty, oversized and
// malformed ids, names, keys, statements and signatures, and unknown enum
// values are INVALID_ARGUMENT with a message that starts with the field's
// name — and nothing changes: the same store rows, the same log size and the
// same latest checkpoint before and after all of them. Run twice: on the
// FakeBackend (store rows counted directly), and on a real breakglassd over
// SoftHSM2 + swtpm (the audit log's leaves compared through the CLI).
//
// Reviews are covered on a released and fetched request: bad answers,
// statements that are not review statements, or that differ from the one the
// appliance builds (naming the member), and bad signatures. RPCs without
// input (GetStatus,
// WhoAmI, ListCredentials, GetCheckpoint) or with only a filter
// (ListIdentities.include_inactive, GetTpmEvidence.min_tree_size) have
// nothing to get wrong. PKCS#11 URIs never cross the wire: the CLI signs
// (api/cli/signer_test.cc).
#include <grpcpp/grpcpp.h>

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/testing/grpc_test_server.h"
#include "api/testing/test_env.h"
#include "tests/e2e/cast.h"
#include "tests/e2e/daemon_fixture.h"
#include "vault/audit/log.h"
#include "vault/base/random.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/signature.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {
namespace {

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(
    Stub& stub,
    grpc::Status (Stub::*fn)(grpc::ClientContext*, const Req&, Resp*), const Req& request) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  Resp response;
  return (stub.*fn)(&ctx, request, &response);
}

// What must not change. On the FakeBackend: row counts of every table, log
// size, latest checkpoint. On breakglassd: the audit log's non-anchor leaves.
struct Snapshot {
  std::map<std::string, int64_t> rows;
  uint64_t log_size = 0;
  std::string checkpoint;
  std::string leaves;
};

// Where the calls go: a channel per identity of the world ("op", "alice",
// ...), and what must not change, read from the appliance.
struct Target {
  std::function<std::shared_ptr<grpc::Channel>(const std::string&)> channel;
  std::function<Snapshot()> snapshot;
  bool init_registers_operator = false;  // breakglassd: init registers its bootstrap operator
};

class BadInput {
 public:
  explicit BadInput(Target target) : target_(std::move(target)) {
    pb::InitRequest init;
    init.set_log_origin("breakglass.test/bad-input");
    REQUIRE(Call(*pb::Appliance::NewStub(channel("op")), &pb::Appliance::Stub::Init, init).ok());
    if (!target_.init_registers_operator) Register("op", pb::ROLE_OPERATOR);
    for (const char* c : {"alice", "bob", "carol"}) Register(c, pb::ROLE_CUSTODIAN);
    Register("erin", pb::ROLE_REQUESTER);
    Register("rita", pb::ROLE_REVIEWER);
    Register("audrey", pb::ROLE_AUDITOR);
    pb::AddCredentialRequest add;
    add.set_id("db-root");
    *add.mutable_policy() = GoodPolicy();
    add.set_secret("s3cret-value");
    REQUIRE(Call(*pb::Credentials::NewStub(channel("op")), &pb::Credentials::Stub::AddCredential,
                 add).ok());
    base::SystemRandom random;
    auto key = crypto::release_box::Generate(random);
    REQUIRE(key.ok());
    pb::CreateRequestRequest ask = GoodAsk();
    ask.set_release_public_key(key->public_key);
    grpc::ClientContext ctx;
    pb::CreateRequestResponse asked;
    REQUIRE(pb::Requests::NewStub(channel("erin"))->CreateRequest(&ctx, ask, &asked).ok());
    request_id_ = asked.request().id();
    released_id_ = ReleaseAndFetch();
  }

  std::shared_ptr<grpc::Channel> channel(const std::string& who) { return target_.channel(who); }
  const std::string& request_id() const { return request_id_; }
  // A request that alice and bob approved and erin fetched: reviewable.
  const std::string& released_id() const { return released_id_; }
  // The review statement rita would sign for released_id().
  std::string ReviewStatement() {
    pb::GetReviewStatementRequest get = GoodReview(released_id_);
    grpc::ClientContext ctx;
    pb::GetReviewStatementResponse statement;
    REQUIRE(pb::Reviews::NewStub(channel("rita"))->GetReviewStatement(&ctx, get, &statement).ok());
    return statement.statement();
  }
  static pb::GetReviewStatementRequest GoodReview(const std::string& id) {
    pb::GetReviewStatementRequest r;
    r.set_request_id(id);
    r.set_justified(pb::ACCESS_JUSTIFIED_YES);
    r.set_actions("failed over the database");
    r.set_findings("no replication lag alert");
    r.add_follow_ups("add the alert");
    return r;
  }

  static pb::Policy GoodPolicy() {
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
  static pb::CreateRequestRequest GoodAsk() {
    pb::CreateRequestRequest ask;
    ask.set_credential_id("db-root");
    ask.set_incident("INC-1");
    ask.set_reason("the database is down, need root");
    ask.set_release_public_key(std::string(32, '\x09'));
    return ask;
  }

  Snapshot Take() { return target_.snapshot(); }

 private:
  void Register(const std::string& name, pb::Role role) {
    pb::AddIdentityRequest request;
    request.set_name(name);
    request.add_roles(role);
    if (role == pb::ROLE_CUSTODIAN || role == pb::ROLE_REVIEWER) {
      auto key = crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
      REQUIRE(key.ok());
      request.set_signing_key_pem(key->public_key().ToPem());
      keys_.emplace(name, *std::move(key));
    }
    REQUIRE(Call(*pb::Identities::NewStub(channel("op")), &pb::Identities::Stub::AddIdentity,
                 request).ok());
  }

  std::string ReleaseAndFetch() {
    base::SystemRandom random;
    auto key = crypto::release_box::Generate(random);
    REQUIRE(key.ok());
    pb::CreateRequestRequest ask = GoodAsk();
    ask.set_release_public_key(key->public_key);
    pb::CreateRequestResponse asked;
    {
      grpc::ClientContext ctx;
      REQUIRE(pb::Requests::NewStub(channel("erin"))->CreateRequest(&ctx, ask, &asked).ok());
    }
    const std::string id = asked.request().id();
    for (const char* who : {"alice", "bob"}) {
      pb::GetStatementRequest get;
      get.set_request_id(id);
      get.set_decision(pb::DECISION_APPROVE);
      pb::GetStatementResponse statement;
      grpc::ClientContext ctx;
      auto approvals = pb::Approvals::NewStub(channel(who));
      REQUIRE(approvals->GetStatement(&ctx, get, &statement).ok());
      pb::ApproveRequest approve;
      approve.set_request_id(id);
      approve.set_statement(statement.statement());
      approve.set_signature(*keys_.at(who).Sign(statement.statement()));
      REQUIRE(Call(*approvals, &pb::Approvals::Stub::Approve, approve).ok());
    }
    pb::FetchRequest fetch;
    fetch.set_request_id(id);
    REQUIRE(Call(*pb::Releases::NewStub(channel("erin")), &pb::Releases::Stub::Fetch, fetch).ok());
    return id;
  }

  Target target_;
  std::map<std::string, crypto::SigningKey> keys_;
  std::string request_id_;
  std::string released_id_;
};

struct Case {
  std::string what;
  std::string field;  // the message must start with "<field>:"
  std::function<grpc::Status(BadInput&)> call;
};

// Stubs per caller.
auto Identities(BadInput& w) { return pb::Identities::NewStub(w.channel("op")); }
auto Credentials(BadInput& w) { return pb::Credentials::NewStub(w.channel("op")); }
auto Requests(BadInput& w) { return pb::Requests::NewStub(w.channel("erin")); }
auto Approvals(BadInput& w) { return pb::Approvals::NewStub(w.channel("alice")); }
auto Releases(BadInput& w) { return pb::Releases::NewStub(w.channel("erin")); }
auto Audit(BadInput& w) { return pb::Audit::NewStub(w.channel("audrey")); }

const std::string kLong(5000, 'x');
const std::vector<std::string> kBadIds = {"", "a b", "../etc", "x\n", std::string(300, 'a')};

void IdentityCases(std::vector<Case>& out) {
  auto add = [&](std::string what, std::string field, std::function<void(pb::AddIdentityRequest&)> f) {
    out.push_back({"AddIdentity " + what, field, [f](BadInput& w) {
                     pb::AddIdentityRequest r;
                     r.set_name("newbie");
                     r.add_roles(pb::ROLE_REQUESTER);
                     f(r);
                     return Call(*Identities(w), &pb::Identities::Stub::AddIdentity, r);
                   }});
  };
  for (const std::string& id : kBadIds) add("name '" + id + "'", "name", [id](auto& r) { r.set_name(id); });
  add("no roles", "roles", [](auto& r) { r.clear_roles(); });
  add("role 42", "roles[0]", [](auto& r) { r.set_roles(0, static_cast<pb::Role>(42)); });
  add("role unspecified", "roles[0]", [](auto& r) { r.set_roles(0, pb::ROLE_UNSPECIFIED); });
  add("custodian without key", "signing_key_pem", [](auto& r) { r.set_roles(0, pb::ROLE_CUSTODIAN); });
  add("garbage key", "signing_key_pem", [](auto& r) {
    r.set_roles(0, pb::ROLE_CUSTODIAN);
    r.set_signing_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  });
  add("oversized key", "signing_key_pem", [](auto& r) {
    r.set_roles(0, pb::ROLE_CUSTODIAN);
    r.set_signing_key_pem(std::string(20000, 'k'));
  });
  for (const std::string& id : kBadIds) {
    out.push_back({"RemoveIdentity '" + id + "'", "name", [id](BadInput& w) {
                     pb::RemoveIdentityRequest r;
                     r.set_name(id);
                     r.set_reason("left the company");
                     return Call(*Identities(w), &pb::Identities::Stub::RemoveIdentity, r);
                   }});
  }
  out.push_back({"RemoveIdentity oversized reason", "reason", [](BadInput& w) {
                   pb::RemoveIdentityRequest r;
                   r.set_name("bob");
                   r.set_reason(kLong);
                   return Call(*Identities(w), &pb::Identities::Stub::RemoveIdentity, r);
                 }});
}

void CredentialCases(std::vector<Case>& out) {
  auto add = [&](std::string what, std::string field,
                 std::function<void(pb::AddCredentialRequest&)> f) {
    out.push_back({"AddCredential " + what, field, [f](BadInput& w) {
                     pb::AddCredentialRequest r;
                     r.set_id("new-cred");
                     *r.mutable_policy() = BadInput::GoodPolicy();
                     r.set_secret("secret");
                     f(r);
                     return Call(*Credentials(w), &pb::Credentials::Stub::AddCredential, r);
                   }});
  };
  for (const std::string& id : kBadIds) add("id '" + id + "'", "id", [id](auto& r) { r.set_id(id); });
  add("empty secret", "secret", [](auto& r) { r.clear_secret(); });
  add("no policy", "policy", [](auto& r) { r.clear_policy(); });
  add("no factors", "policy.factors", [](auto& r) { r.mutable_policy()->clear_factors(); });
  add("required 0", "policy.factors[0].required",
      [](auto& r) { r.mutable_policy()->mutable_factors(0)->set_required(0); });
  add("bad regex", "policy.incident_pattern",
      [](auto& r) { r.mutable_policy()->set_incident_pattern("(["); });
  add("requester role 99", "policy.requester_roles[0]",
      [](auto& r) { r.mutable_policy()->set_requester_roles(0, static_cast<pb::Role>(99)); });
  add("negative window", "policy.approval_window_seconds",
      [](auto& r) { r.mutable_policy()->set_approval_window_seconds(-5); });
  add("17 reviewers", "policy.reviewers_required",
      [](auto& r) { r.mutable_policy()->set_reviewers_required(17); });
  add("negative review due", "policy.review_due_seconds",
      [](auto& r) { r.mutable_policy()->set_review_due_seconds(-1); });
  add("overdue alerts every 5 s", "policy.review_overdue_repeat_seconds",
      [](auto& r) { r.mutable_policy()->set_review_overdue_repeat_seconds(5); });
  add("unreachable extra approvals", "policy.overdue_review_extra_approvals",
      [](auto& r) { r.mutable_policy()->set_overdue_review_extra_approvals(2); });
  add("oversized description", "description", [](auto& r) { r.set_description(kLong); });
  for (const std::string& id : kBadIds) {
    out.push_back({"GetCredential '" + id + "'", "id", [id](BadInput& w) {
                     pb::GetCredentialRequest r;
                     r.set_id(id);
                     return Call(*Credentials(w), &pb::Credentials::Stub::GetCredential, r);
                   }});
  }
  out.push_back({"RotateCredential empty secret", "secret", [](BadInput& w) {
                   pb::RotateCredentialRequest r;
                   r.set_id("db-root");
                   r.set_expected_version(1);
                   return Call(*Credentials(w), &pb::Credentials::Stub::RotateCredential, r);
                 }});
  out.push_back({"RotateCredential zero window", "policy.use_window_seconds", [](BadInput& w) {
                   pb::RotateCredentialRequest r;
                   r.set_id("db-root");
                   r.set_secret("x");
                   r.set_expected_version(1);
                   *r.mutable_policy() = BadInput::GoodPolicy();
                   r.mutable_policy()->set_use_window_seconds(0);
                   return Call(*Credentials(w), &pb::Credentials::Stub::RotateCredential, r);
                 }});
  out.push_back({"RotateCredential bad id", "id", [](BadInput& w) {
                   pb::RotateCredentialRequest r;
                   r.set_id("a b");
                   r.set_secret("x");
                   return Call(*Credentials(w), &pb::Credentials::Stub::RotateCredential, r);
                 }});
}

void RequestCases(std::vector<Case>& out) {
  auto ask = [&](std::string what, std::string field,
                 std::function<void(pb::CreateRequestRequest&)> f) {
    out.push_back({"CreateRequest " + what, field, [f](BadInput& w) {
                     pb::CreateRequestRequest r = BadInput::GoodAsk();
                     f(r);
                     return Call(*Requests(w), &pb::Requests::Stub::CreateRequest, r);
                   }});
  };
  for (const std::string& id : kBadIds) {
    ask("credential '" + id + "'", "credential_id", [id](auto& r) { r.set_credential_id(id); });
  }
  ask("empty incident", "incident", [](auto& r) { r.clear_incident(); });
  ask("oversized incident", "incident", [](auto& r) { r.set_incident(kLong); });
  ask("empty reason", "reason", [](auto& r) { r.clear_reason(); });
  ask("oversized reason", "reason", [](auto& r) { r.set_reason(kLong); });
  ask("31-byte key", "release_public_key", [](auto& r) { r.set_release_public_key(std::string(31, 'k')); });
  ask("no key", "release_public_key", [](auto& r) { r.clear_release_public_key(); });
  auto list = [&](std::string what, std::string field, std::function<void(pb::ListRequestsRequest&)> f) {
    out.push_back({"ListRequests " + what, field, [f](BadInput& w) {
                     pb::ListRequestsRequest r;
                     f(r);
                     return Call(*Requests(w), &pb::Requests::Stub::ListRequests, r);
                   }});
  };
  list("state 99", "states[0]", [](auto& r) { r.add_states(static_cast<pb::RequestState>(99)); });
  list("page_size -1", "page_size", [](auto& r) { r.set_page_size(-1); });
  list("page_token", "page_token", [](auto& r) { r.set_page_token("zzz"); });
  list("credential 'a b'", "credential_id", [](auto& r) { r.set_credential_id("a b"); });
  for (const std::string& id : kBadIds) {
    out.push_back({"GetRequest '" + id + "'", "id", [id](BadInput& w) {
                     pb::GetRequestRequest r;
                     r.set_id(id);
                     return Call(*Requests(w), &pb::Requests::Stub::GetRequest, r);
                   }});
    out.push_back({"CancelRequest '" + id + "'", "id", [id](BadInput& w) {
                     pb::CancelRequestRequest r;
                     r.set_id(id);
                     r.set_reason("not needed anymore");
                     return Call(*Requests(w), &pb::Requests::Stub::CancelRequest, r);
                   }});
    out.push_back({"Fetch '" + id + "'", "request_id", [id](BadInput& w) {
                     pb::FetchRequest r;
                     r.set_request_id(id);
                     return Call(*Releases(w), &pb::Releases::Stub::Fetch, r);
                   }});
  }
  out.push_back({"CancelRequest empty reason", "reason", [](BadInput& w) {
                   pb::CancelRequestRequest r;
                   r.set_id(w.request_id());
                   return Call(*Requests(w), &pb::Requests::Stub::CancelRequest, r);
                 }});
}

void ApprovalCases(std::vector<Case>& out) {
  for (int decision : {0, 99}) {
    out.push_back({"GetStatement decision " + std::to_string(decision), "decision",
                   [decision](BadInput& w) {
                     pb::GetStatementRequest r;
                     r.set_request_id(w.request_id());
                     r.set_decision(static_cast<pb::Decision>(decision));
                     return Call(*Approvals(w), &pb::Approvals::Stub::GetStatement, r);
                   }});
  }
  out.push_back({"GetStatement bad id", "request_id", [](BadInput& w) {
                   pb::GetStatementRequest r;
                   r.set_request_id("a b");
                   r.set_decision(pb::DECISION_APPROVE);
                   return Call(*Approvals(w), &pb::Approvals::Stub::GetStatement, r);
                 }});
  struct Bad {
    std::string what, field, id, statement, signature;
  };
  const std::vector<Bad> bad = {
      {"bad id", "request_id", "a b", "{}", std::string(64, 's')},
      {"empty statement", "statement", "", "", std::string(64, 's')},
      {"garbage statement", "statement", "", "not a statement", std::string(64, 's')},
      {"oversized statement", "statement", "", std::string(20000, '{'), std::string(64, 's')},
      {"empty signature", "signature", "", "{}", ""},
      {"oversized signature", "signature", "", "{}", std::string(4096, 's')},
  };
  for (const Bad& b : bad) {
    out.push_back({"Approve " + b.what, b.field, [b](BadInput& w) {
                     pb::ApproveRequest r;
                     r.set_request_id(b.id.empty() ? w.request_id() : b.id);
                     r.set_statement(b.statement);
                     r.set_signature(b.signature);
                     return Call(*Approvals(w), &pb::Approvals::Stub::Approve, r);
                   }});
    out.push_back({"Deny " + b.what, b.field, [b](BadInput& w) {
                     pb::DenyRequest r;
                     r.set_request_id(b.id.empty() ? w.request_id() : b.id);
                     r.set_statement(b.statement);
                     r.set_signature(b.signature);
                     return Call(*Approvals(w), &pb::Approvals::Stub::Deny, r);
                   }});
  }
}

void ReviewCases(std::vector<Case>& out) {
  auto get = [&](std::string what, std::string field,
                 std::function<void(pb::GetReviewStatementRequest&)> f) {
    out.push_back({"GetReviewStatement " + what, field, [f](BadInput& w) {
                     pb::GetReviewStatementRequest r = BadInput::GoodReview(w.released_id());
                     f(r);
                     return Call(*pb::Reviews::NewStub(w.channel("rita")),
                                 &pb::Reviews::Stub::GetReviewStatement, r);
                   }});
  };
  for (const std::string& id : kBadIds) {
    get("id '" + id + "'", "request_id", [id](auto& r) { r.set_request_id(id); });
  }
  get("justified unspecified", "justified", [](auto& r) { r.clear_justified(); });
  get("justified 7", "justified",
      [](auto& r) { r.set_justified(static_cast<pb::AccessJustified>(7)); });
  get("empty actions", "actions", [](auto& r) { r.clear_actions(); });
  get("oversized findings", "findings", [](auto& r) { r.set_findings(kLong); });
  get("control character", "findings", [](auto& r) { r.set_findings("a\x1b[2Jb"); });
  // (Text that is not UTF-8 never gets here: proto3 strings must be UTF-8.)
  get("empty follow-up", "follow_ups[1]", [](auto& r) { r.add_follow_ups(""); });
  get("17 follow-ups", "follow_ups", [](auto& r) {
    for (int i = 0; i < 16; ++i) r.add_follow_ups("more");
  });
  struct Bad {
    std::string what, field, id;
    std::function<std::string(BadInput&)> statement;
    std::string signature;
  };
  const auto bytes = [](std::string b) { return [b](BadInput&) { return b; }; };
  const auto changed = [](std::string from, std::string to) {
    return [from, to](BadInput& w) {
      std::string s = w.ReviewStatement();
      s.replace(s.find(from), from.size(), to);
      return s;
    };
  };
  const std::string sig(64, 's');
  const std::vector<Bad> bad = {
      {"bad id", "request_id", "a b", bytes("x"), sig},
      {"empty statement", "statement", "", bytes(""), sig},
      {"garbage statement", "statement", "", bytes("not a statement"), sig},
      {"oversized statement", "statement", "", bytes(std::string(40000, '{')), sig},
      {"approval statement", "statement", "", bytes("breakglass-approval-v1\n{}"), sig},
      {"unknown member", "statement", "", changed("{", "{\"a\":\"b\","), sig},
      {"other incident", "statement", "", changed("\"INC-1\"", "\"INC-2\""), sig},
      {"other reviewer", "statement", "", changed("\"rita\"", "\"audrey\""), sig},
      {"empty signature", "signature", "", [](BadInput& w) { return w.ReviewStatement(); }, ""},
      {"oversized signature", "signature", "", [](BadInput& w) { return w.ReviewStatement(); },
       std::string(4096, 's')},
  };
  for (const Bad& b : bad) {
    out.push_back({"SubmitReview " + b.what, b.field, [b](BadInput& w) {
                     pb::SubmitReviewRequest r;
                     r.set_request_id(b.id.empty() ? w.released_id() : b.id);
                     r.set_statement(b.statement(w));
                     r.set_signature(b.signature);
                     return Call(*pb::Reviews::NewStub(w.channel("rita")),
                                 &pb::Reviews::Stub::SubmitReview, r);
                   }});
  }
}

void AuditCases(std::vector<Case>& out) {
  out.push_back({"Init empty origin", "log_origin", [](BadInput& w) {
                   return Call(*pb::Appliance::NewStub(w.channel("op")), &pb::Appliance::Stub::Init,
                               pb::InitRequest());
                 }});
  out.push_back({"Init malformed origin", "log_origin", [](BadInput& w) {
                   pb::InitRequest r;
                   r.set_log_origin("two\nlines");
                   return Call(*pb::Appliance::NewStub(w.channel("op")), &pb::Appliance::Stub::Init, r);
                 }});
  for (const auto& [what, field, statement, signature] : std::vector<std::array<std::string, 4>>{
           {"empty statement", "statement", "", "sig"},
           {"oversized statement", "statement", std::string(9000, 's'), "sig"},
           {"empty signature", "signature", "breakglass-rollback-clear-v1\n", ""},
           {"oversized signature", "signature", "breakglass-rollback-clear-v1\n",
            std::string(4096, 's')}}) {
    out.push_back({"ApproveRollbackClear " + what, field, [statement, signature](BadInput& w) {
                     pb::ApproveRollbackClearRequest r;
                     r.set_statement(statement);
                     r.set_signature(signature);
                     return Call(*pb::Appliance::NewStub(w.channel("alice")),
                                 &pb::Appliance::Stub::ApproveRollbackClear, r);
                   }});
  }
  out.push_back({"GetInclusionProof leaf past the tree", "leaf_index", [](BadInput& w) {
                   pb::GetInclusionProofRequest r;
                   r.set_leaf_index(1u << 30);
                   return Call(*Audit(w), &pb::Audit::Stub::GetInclusionProof, r);
                 }});
  out.push_back({"GetInclusionProof unknown size", "tree_size", [](BadInput& w) {
                   pb::GetInclusionProofRequest r;
                   r.set_tree_size(987654);
                   return Call(*Audit(w), &pb::Audit::Stub::GetInclusionProof, r);
                 }});
  out.push_back({"GetConsistencyProof old 0", "old_size", [](BadInput& w) {
                   return Call(*Audit(w), &pb::Audit::Stub::GetConsistencyProof,
                               pb::GetConsistencyProofRequest());
                 }});
  out.push_back({"GetConsistencyProof unknown new", "new_size", [](BadInput& w) {
                   pb::GetConsistencyProofRequest r;
                   r.set_old_size(1);
                   r.set_new_size(987654);
                   return Call(*Audit(w), &pb::Audit::Stub::GetConsistencyProof, r);
                 }});
  out.push_back({"ExportBundle tree_size 7", "tree_size", [](BadInput& w) {
                   grpc::ClientContext ctx;
                   pb::ExportBundleRequest r;
                   r.set_tree_size(7);
                   auto stream = Audit(w)->ExportBundle(&ctx, r);
                   for (pb::BundleChunk chunk; stream->Read(&chunk);) {
                   }
                   return stream->Finish();
                 }});
  for (const std::string& type : {std::string(), std::string("Release!"), kLong}) {
    out.push_back({"Watch type '" + type.substr(0, 10) + "'", "types[0]", [type](BadInput& w) {
                     grpc::ClientContext ctx;
                     pb::WatchRequest r;
                     r.add_types(type);
                     auto stream = pb::Events::NewStub(w.channel("audrey"))->Watch(&ctx, r);
                     for (pb::WatchResponse item; stream->Read(&item);) {
                     }
                     return stream->Finish();
                   }});
  }
  for (uint32_t count : {0u, 5000u}) {
    out.push_back({"GetEntries count " + std::to_string(count), "count", [count](BadInput& w) {
                     pb::GetEntriesRequest r;
                     r.set_count(count);
                     return Call(*Audit(w), &pb::Audit::Stub::GetEntries, r);
                   }});
  }
}

std::vector<Case> Cases() {
  std::vector<Case> out;
  IdentityCases(out);
  CredentialCases(out);
  RequestCases(out);
  ApprovalCases(out);
  ReviewCases(out);
  AuditCases(out);
  return out;
}

Snapshot FakeSnapshot(testing::GrpcTestServer& server) {
  Snapshot s;
  auto& backend = server.backend();
  REQUIRE(backend.runner()
              ->Read([&](store::Txn& txn) -> absl::Status {
                for (const char* table :
                     {"core_identity", "core_credential", "core_share", "core_request",
                      "core_decision", "core_release", "core_review", "audit_leaves",
                      "audit_checkpoints", "audit_anchor_evidence"}) {
                  auto stmt = txn.Prepare(std::string("SELECT count(*) FROM ") + table);
                  if (!stmt.ok()) return stmt.status();
                  auto row = (*stmt)->Step();
                  if (!row.ok()) return row.status();
                  s.rows[table] = (*stmt)->ColumnInt64(0);
                }
                return absl::OkStatus();
              })
              .ok());
  s.log_size = *backend.log()->Size();
  s.checkpoint = backend.log()->LatestCheckpoint()->note;
  return s;
}

testing::GrpcTestServer::Options FakeOptions() {
  testing::GrpcTestServer::Options options;
  options.identities = {"op", "alice", "bob", "carol", "erin", "rita", "audrey"};
  return options;
}

void RequireEveryCaseRefusedAndNothingChanged(BadInput& world) {
  const Snapshot before = world.Take();
  for (const Case& c : Cases()) {
    const grpc::Status s = c.call(world);
    INFO(c.what << " -> " << s.error_code() << " " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().rfind(c.field + ":", 0) == 0);
  }
  const Snapshot after = world.Take();
  CHECK(after.rows == before.rows);
  CHECK(after.log_size == before.log_size);
  CHECK(after.checkpoint == before.checkpoint);
  CHECK(after.leaves == before.leaves);
}

TEST_CASE("BadInputForEveryRpcIsInvalidArgumentNamingTheFieldAndChangesNothing", "[e2e]") {
  testing::GrpcTestServer server(FakeOptions());
  Target target;
  target.channel = [&](const std::string& who) { return server.Channel(who); };
  target.snapshot = [&] { return FakeSnapshot(server); };
  BadInput world(std::move(target));
  RequireEveryCaseRefusedAndNothingChanged(world);
}

// The same cases on a real breakglassd over SoftHSM2 + swtpm. Its store is
// its own: what must not change is read through the CLI (e2e::NonAnchorLeaves).
TEST_CASE("OnBreakglassdBadInputForEveryRpcIsInvalidArgumentAndChangesNothing",
          "[e2e][hsm][tpm]") {
  e2e::DaemonDir dir({"operator", "alice", "bob", "carol", "erin", "rita", "audrey"});
  dir.StartHardware();
  testing::ChildProcess daemon = dir.StartDaemon();
  Target target;
  target.channel = [&](const std::string& who) {
    return testing::TlsChannel("127.0.0.1:" + std::to_string(dir.port()), dir.pki(),
                               who == "op" ? "operator" : who);
  };
  target.snapshot = [&] {
    Snapshot s;
    s.leaves = e2e::NonAnchorLeaves(dir);
    REQUIRE(!s.leaves.empty());
    return s;
  };
  target.init_registers_operator = true;
  BadInput world(std::move(target));
  RequireEveryCaseRefusedAndNothingChanged(world);
}

}  // namespace
}  // namespace breakglass::api
