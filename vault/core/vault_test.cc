// The Vault against the fakes: DESIGN.md's invariants, the lifecycle, and
// input validation. Each invariant has a test that fails if it is broken.
#include "vault/core/vault.h"

#include <catch2/catch.hpp>

#include "vault/audit/event.h"
#include "vault/base/encoding.h"
#include "vault/core/repository.h"
#include "vault/core/testing/adversarial_suite.h"
#include "vault/core/testing/fake_anchor.h"
#include "vault/core/testing/test_keystore.h"

namespace breakglass::core::testing {
namespace {

using base::InsecureSecretAccess;
using Code = absl::StatusCode;

struct Fixture {
  TestKeystore keystore;
  FakeAnchor anchor;
  std::unique_ptr<VaultHarness> h;
  Fixture() {
    auto made = VaultHarness::Create(&keystore, &anchor);
    REQUIRE(made.ok());
    h = *std::move(made);
    REQUIRE(h->Provision().ok());
  }
  std::vector<audit::Event> Events() {
    auto leaves = h->Leaves();
    REQUIRE(leaves.ok());
    std::vector<audit::Event> out;
    for (const auto& l : *leaves) {
      auto e = audit::Event::Parse(l);
      REQUIRE(e.ok());
      out.push_back(*e);
    }
    return out;
  }
  std::vector<std::string> TypesSince(size_t from) {
    std::vector<std::string> out;
    auto events = Events();
    for (size_t i = from; i < events.size(); ++i) {
      out.emplace_back(audit::EventTypeName(events[i].type()));
    }
    return out;
  }
};

std::string Secret(const base::SecretBytes& s) {
  return std::string(s.view(InsecureSecretAccess::Get()));
}

TEST_CASE("A quorum releases the credential to the requester, once", "[vault]") {
  Fixture f;
  const size_t start = f.Events().size();
  auto r = f.h->File();
  REQUIRE(r.ok());
  CHECK(r->state == RequestState::kPending);
  auto d = f.h->Decide("ann", r->id);
  REQUIRE(d.ok());
  CHECK(d->progress == "dba 1/2, security 0/1");
  REQUIRE(f.h->Decide("bob", r->id).ok());
  d = f.h->Decide("sam", r->id);
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kReleased);
  auto secret = f.h->FetchAndOpen("alice", r->id);
  REQUIRE(secret.ok());
  CHECK(Secret(*secret) == kSecret);
  CHECK(f.TypesSince(start) ==
        std::vector<std::string>{"request", "approval", "approval", "approval", "release", "fetch"});
  CHECK(f.h->vault().GetCredential("db-root")->state == CredentialState::kExposed);
  // A second fetch is refused and logged.
  const size_t before = f.Events().size();
  auto again = f.h->vault().Fetch("alice", r->id);
  CHECK(again.status().code() == Code::kFailedPrecondition);
  CHECK(std::string(again.status().message()).find("already fetched") != std::string::npos);
  CHECK(f.TypesSince(before) == std::vector<std::string>{"fetch_refused"});
}

TEST_CASE("Invariant 1: every factor needs its own distinct custodians", "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann", "bob", "cat"});  // dba 3/2, security 0/1
  auto status = f.h->vault().GetRequest(r.id);
  REQUIRE(status.ok());
  CHECK(status->request.state == RequestState::kPending);
  CHECK(status->progress == "dba 3/2, security 0/1");
  CHECK_FALSE(status->release.has_value());
  RequireRefused(*f.h, Code::kPermissionDenied, "not a custodian of credential db-root",
                 [&] { return f.h->Decide("carl", r.id); });
  RequireRefused(*f.h, Code::kPermissionDenied, "is not a custodian",
                 [&] { return f.h->vault().Approve("alice", r.id, ApprovalStatement{}, "x"); });
}

TEST_CASE("Invariant 1: auditors can re-verify every approval from the log", "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann", "bob", "sue"});
  int verified = 0;
  for (const audit::Event& e : f.Events()) {
    if (e.type() == audit::EventType::kRelease) {
      CHECK(e.fields().at("approvers") == "ann,bob,sue");
      CHECK(e.fields().at("share_indices") == "1,2,5");
    }
    if (e.type() != audit::EventType::kApproval) continue;
    auto st = ApprovalStatement::FromJson(e.fields().at("statement").get<std::string>());
    REQUIRE(st.ok());
    auto sig = base::Base64Decode(e.fields().at("signature").get<std::string>());
    REQUIRE(sig.ok());
    CHECK(st->custodian == e.actor());
    CHECK(st->request_id == r.id);
    CHECK(VerifySignedStatement(*st, *st, *sig, f.h->key(e.actor()).public_key()).ok());
    ++verified;
  }
  CHECK(verified == 3);
}

TEST_CASE("Invariant 2: a state change and its event commit together or not at all",
          "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann", "bob"});
  f.h->events().FailAppendAfter(0);  // the approval event fails
  RequireRefused(*f.h, Code::kUnavailable, "test event log",
                 [&] { return f.h->Decide("sam", r.id); });
  f.h->events().FailAppendAfter(1);  // the approval is written, the release event fails
  RequireRefused(*f.h, Code::kUnavailable, "test event log",
                 [&] { return f.h->Decide("sam", r.id); });
  f.h->events().FailAppendAfter(0);
  RequireRefused(*f.h, Code::kUnavailable, "test event log", [&] { return f.h->File(); });
  auto d = f.h->Decide("sam", r.id);
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kReleased);
}

TEST_CASE("Invariant 3: the release is logged and anchored before a byte is handed out",
          "[vault][invariant]") {
  Fixture f;
  int release_leaves_at_anchor = -1;
  f.anchor.SetObserver([&](AnchorKind kind) {
    if (kind == AnchorKind::kRelease) release_leaves_at_anchor = CountLeaves(*f.h, "release");
  });
  RequestRecord r = FileWith(*f.h, {"ann", "bob"});
  REQUIRE(f.h->Decide("sam", r.id).ok());
  CHECK(release_leaves_at_anchor == 1);  // committed before the anchor was made
  CHECK(f.anchor.release_anchors() == 1);
  f.anchor.SetObserver(nullptr);

  // The anchor fails after the release committed: logged (over-report), not deliverable.
  RequestRecord r2 = FileWith(*f.h, {"ann", "bob"});
  f.anchor.FailAnchor(absl::UnavailableError("tpm: NV_Increment failed"));
  auto d = f.h->Decide("sam", r2.id);
  CHECK(d.status().code() == Code::kUnavailable);
  CHECK(std::string(d.status().message()).find("not yet anchored") != std::string::npos);
  CHECK(CountLeaves(*f.h, "release") == 2);
  RequireRefused(*f.h, Code::kUnavailable, "tpm",
                 [&] { return f.h->vault().Fetch("alice", r2.id); });
  f.anchor.FailAnchor(absl::OkStatus());
  auto secret = f.h->FetchAndOpen("alice", r2.id);
  REQUIRE(secret.ok());
  CHECK(Secret(*secret) == kSecret);
  CHECK(f.anchor.release_anchors() == 2);
}

TEST_CASE("Invariant 3: every state-changing call is anchored before it returns",
          "[vault][invariant]") {
  Fixture f;
  const int before = f.anchor.routine_anchors();
  auto r = f.h->File();
  REQUIRE(r.ok());
  CHECK(f.anchor.routine_anchors() == before + 1);
  REQUIRE(f.h->Decide("ann", r->id).ok());
  CHECK(f.anchor.routine_anchors() == before + 2);
  REQUIRE(f.h->vault().Cancel("alice", r->id, "fixed without it").ok());
  CHECK(f.anchor.routine_anchors() == before + 3);
}

TEST_CASE("Invariant 4: keystore, TPM, log and clock trouble fail closed", "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann", "bob"});
  f.keystore.SetFault(TestKeystore::Fault::kUnreachable);
  RequireRefused(*f.h, Code::kUnavailable, "keystore test:memory",
                 [&] { return f.h->Decide("sam", r.id); });
  f.keystore.SetFault(TestKeystore::Fault::kNone);
  f.anchor.FailReady(absl::FailedPreconditionError("rollback: store behind the TPM (A=4, T=6)"));
  RequireRefused(*f.h, Code::kFailedPrecondition, "rollback",
                 [&] { return f.h->Decide("sam", r.id); });
  f.anchor.FailReady(absl::OkStatus());
  f.h->clock().Advance(-absl::Hours(2));
  RequireRefused(*f.h, Code::kFailedPrecondition, "clock",
                 [&] { return f.h->Decide("sam", r.id); });
  f.h->clock().Advance(absl::Hours(2));
  f.keystore.CorruptNextUnsealOfSize(kSecret.size());
  RequireRefused(*f.h, Code::kDataLoss, "1=ann",
                 [&] { return f.h->Decide("sam", r.id); });
  REQUIRE(f.h->Decide("sam", r.id).ok());
}

TEST_CASE("Invariant 4: a wrong share is named, not combined into garbage", "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"bob", "cat"});
  f.keystore.CorruptNextUnsealOfSize(kSecret.size());  // bob's share (index 2) opens first
  auto d = f.h->Decide("sue", r.id);
  CHECK(d.status().code() == Code::kDataLoss);
  const std::string msg(d.status().message());
  CHECK(msg.find("2=bob") != std::string::npos);
  CHECK(msg.find(kSecret.substr(0, 8)) == std::string::npos);
}

TEST_CASE("Invariant 6: denials reach the threshold and end the request", "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann"});
  auto d = f.h->Decide("bob", r.id, Decision::kDeny);
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kPending);
  d = f.h->Decide("sue", r.id, Decision::kDeny);
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kDenied);
  RequireRefused(*f.h, Code::kFailedPrecondition, "is denied",
                 [&] { return f.h->Decide("sam", r.id); });
  CHECK(CountLeaves(*f.h, "release") == 0);
  auto events = f.Events();
  CHECK(events.back().fields().at("state") == "denied");
}

TEST_CASE("Invariant 6: a replaced key revokes the custodian's earlier approval",
          "[vault][invariant]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"bob", "sam"});
  REQUIRE(f.h->RekeyCustodian("bob").ok());
  auto d = f.h->Decide("ann", r.id);
  REQUIRE(d.ok());
  CHECK(d->progress == "dba 1/2, security 1/1");
  CHECK(d->state == RequestState::kPending);
}

TEST_CASE("Requests are cancelled by the requester or an operator only", "[vault][lifecycle]") {
  Fixture f;
  auto r = f.h->File();
  REQUIRE(r.ok());
  RequireRefused(*f.h, Code::kPermissionDenied, "only the requester alice or an operator",
                 [&] { return f.h->vault().Cancel("rita", r->id, "not mine"); });
  RequireRefused(*f.h, Code::kInvalidArgument, "reason",
                 [&] { return f.h->vault().Cancel("alice", r->id, ""); });
  REQUIRE(f.h->vault().Cancel("alice", r->id, "resolved without it").ok());
  CHECK(f.h->vault().GetRequest(r->id)->request.state == RequestState::kCancelled);
  RequireRefused(*f.h, Code::kFailedPrecondition, "cancelled",
                 [&] { return f.h->Decide("ann", r->id); });
  auto r2 = f.h->File();
  REQUIRE(f.h->vault().Cancel("oscar", r2->id, "duplicate of another request").ok());
}

TEST_CASE("ExpireDue expires stale requests and drops unfetched boxes", "[vault][lifecycle]") {
  Fixture f;
  RequestRecord stale = FileWith(*f.h, {"ann"});
  RequestRecord released = FileWith(*f.h, {"ann", "bob", "sam"});
  f.h->clock().Advance(absl::Minutes(30));
  RequestRecord fresh = FileWith(*f.h, {});
  auto none = f.h->vault().ExpireDue();
  REQUIRE(none.ok());
  CHECK(none->expired_requests.empty());
  CHECK(none->expired_releases == std::vector<std::string>{released.id});
  f.h->clock().Advance(absl::Minutes(31));
  auto report = f.h->vault().ExpireDue();
  REQUIRE(report.ok());
  CHECK(report->expired_requests == std::vector<std::string>{stale.id});
  CHECK(f.h->vault().GetRequest(stale.id)->request.state == RequestState::kExpired);
  CHECK(f.h->vault().GetRequest(fresh.id)->request.state == RequestState::kPending);
  CHECK(CountLeaves(*f.h, "expiry") == 2);
  RequireRefused(*f.h, Code::kFailedPrecondition, "use window",
                 [&] { return f.h->vault().Fetch("alice", released.id); });
}

TEST_CASE("Rotation stores a new version, re-split, and seals it again", "[vault][lifecycle]") {
  Fixture f;
  RequestRecord r = FileWith(*f.h, {"ann", "bob", "sam"});
  REQUIRE(f.h->FetchAndOpen("alice", r.id).ok());
  auto before = f.h->vault().GetCredential("db-root");
  REQUIRE(before.ok());
  CHECK(before->state == CredentialState::kExposed);
  RequireRefused(*f.h, Code::kPermissionDenied, "not an operator", [&] {
    return f.h->vault().RotateCredential("alice", "db-root",
                                         base::SecretBytes::CopyFrom(std::string_view("x")),
                                         std::nullopt);
  });
  auto v = f.h->vault().RotateCredential("oscar", "db-root",
                                         base::SecretBytes::CopyFrom(std::string_view("new pw")),
                                         std::nullopt);
  REQUIRE(v.ok());
  auto after = f.h->vault().GetCredential("db-root");
  CHECK(after->version == 2);
  CHECK(after->state == CredentialState::kSealed);
  CHECK(after->commitment != before->commitment);
  REQUIRE(f.h->runner().Read([&](store::Txn& txn) -> absl::Status {
    CHECK(repo::LoadShares(txn, "db-root", 1)->empty());
    CHECK(repo::LoadShares(txn, "db-root", 2)->size() == 5);
    return absl::OkStatus();
  }).ok());
  RequestRecord r2 = FileWith(*f.h, {"cat", "bob", "sue"});
  auto secret = f.h->FetchAndOpen("alice", r2.id);
  REQUIRE(secret.ok());
  CHECK(Secret(*secret) == "new pw");
}

TEST_CASE("Requests are validated, each error naming the field", "[vault][validation]") {
  Fixture f;
  NewRequest ok{"db-root", "INC-1234", std::string(kReason), std::string(32, '\x09')};
  auto with = [&](const std::function<void(NewRequest&)>& edit) {
    NewRequest n = ok;
    edit(n);
    return f.h->vault().CreateRequest("alice", n);
  };
  RequireRefused(*f.h, Code::kInvalidArgument, "request.release_key",
                 [&] { return with([](auto& n) { n.release_key = "short"; }); });
  RequireRefused(*f.h, Code::kInvalidArgument, "request.release_key",
                 [&] { return with([](auto& n) { n.release_key = std::string(32, '\0'); }); });
  RequireRefused(*f.h, Code::kInvalidArgument, "incident:",
                 [&] { return with([](auto& n) { n.incident = "INC-12"; }); });
  RequireRefused(*f.h, Code::kInvalidArgument, "reason:",
                 [&] { return with([](auto& n) { n.reason = "because"; }); });
  RequireRefused(*f.h, Code::kInvalidArgument, "request.credential",
                 [&] { return with([](auto& n) { n.credential = "no such"; }); });
  RequireRefused(*f.h, Code::kNotFound, "credential",
                 [&] { return with([](auto& n) { n.credential = "db-nope"; }); });
  RequireRefused(*f.h, Code::kPermissionDenied, "may only be requested by",
                 [&] { return f.h->vault().CreateRequest("oscar", ok); });
  RequireRefused(*f.h, Code::kPermissionDenied, "not a registered identity",
                 [&] { return f.h->vault().CreateRequest("mallory", ok); });
  CHECK(f.h->vault().CreateRequest("alice", ok).ok());
}

TEST_CASE("A requester the quorum cannot do without may not request", "[vault][validation]") {
  Fixture f;
  PolicySpec p = VaultHarness::DbRootPolicy();
  p.factors = {{"dba", 2, {"ann", "cat"}}, {"security", 1, {"sam"}}};
  p.requester_roles = {Role::kRequester};
  REQUIRE(f.h->vault()
              .CreateCredential("oscar", "db-small", p,
                                base::SecretBytes::CopyFrom(std::string_view("s3cret")))
              .ok());
  RequireRefused(*f.h, Code::kFailedPrecondition, "cannot do",
                 [&] { return f.h->File("cat", "db-small"); });
}

TEST_CASE("Decisions are validated before anything else", "[vault][validation]") {
  Fixture f;
  auto r = f.h->File();
  REQUIRE(r.ok());
  auto st = f.h->vault().StatementFor(r->id, "bob", Decision::kApprove);
  REQUIRE(st.ok());
  RequireRefused(*f.h, Code::kInvalidArgument, "signature:",
                 [&] { return f.h->vault().Approve("bob", r->id, *st, ""); });
  RequireRefused(*f.h, Code::kInvalidArgument, "statement.decision",
                 [&] { return f.h->vault().Deny("bob", r->id, *st, "sig"); });
  RequireRefused(*f.h, Code::kNotFound, "request_id",
                 [&] { return f.h->vault().Approve("bob", "req-none", *st, "sig"); });
  RequireRefused(*f.h, Code::kInvalidArgument, "request_id",
                 [&] { return f.h->vault().Approve("bob", "../x", *st, "sig"); });
}

TEST_CASE("Credentials and identities are managed by operators only", "[vault][identity]") {
  Fixture f;
  const auto secret = base::SecretBytes::CopyFrom(std::string_view("s"));
  RequireRefused(*f.h, Code::kPermissionDenied, "not an operator", [&] {
    return f.h->vault().CreateCredential("alice", "x", VaultHarness::DbRootPolicy(), secret);
  });
  RequireRefused(*f.h, Code::kAlreadyExists, "use rotate", [&] {
    return f.h->vault().CreateCredential("oscar", "db-root", VaultHarness::DbRootPolicy(), secret);
  });
  PolicySpec p = VaultHarness::DbRootPolicy();
  p.factors[1].custodians.push_back("nobody");
  RequireRefused(*f.h, Code::kFailedPrecondition, "'nobody' is not an active custodian",
                 [&] { return f.h->vault().CreateCredential("oscar", "x", p, secret); });
  RequireRefused(*f.h, Code::kInvalidArgument, "secret:", [&] {
    return f.h->vault().CreateCredential("oscar", "x", VaultHarness::DbRootPolicy(),
                                         base::SecretBytes());
  });
  Identity dup{"dup", {Role::kCustodian}, f.h->key("ann").public_key().ToPem(), true};
  RequireRefused(*f.h, Code::kAlreadyExists, "already registered to 'ann'",
                 [&] { return f.h->vault().RegisterIdentity("oscar", dup); });
  Identity keyless{"keyless", {Role::kCustodian}, "", true};
  RequireRefused(*f.h, Code::kInvalidArgument, "identity.signing_key_pem",
                 [&] { return f.h->vault().RegisterIdentity("oscar", keyless); });
  Identity rogue{"rogue", {Role::kOperator}, "", true};
  RequireRefused(*f.h, Code::kPermissionDenied, "only operators register",
                 [&] { return f.h->vault().RegisterIdentity("rogue", rogue); });
}

}  // namespace
}  // namespace breakglass::core::testing
