// Post-incident reviews in the Vault (vault.h "Reviews"): the signed review,
// who may sign it, closure after rotation and review, overdue reviews on a
// fake clock, and the blocking policy. Every refusal checks that nothing
// changed.
#include <catch2/catch.hpp>

#include "vault/audit/event.h"
#include "vault/core/testing/fake_anchor.h"
#include "vault/core/testing/test_keystore.h"
#include "vault/core/testing/vault_harness.h"
#include "vault/core/vault.h"

namespace breakglass::core::testing {
namespace {

using Code = absl::StatusCode;

ReviewInput Input(bool justified = true) {
  ReviewInput in;
  in.justified = justified;
  in.actions = "failed over the primary database with the root credential";
  in.findings = "replication lag had no alert";
  in.follow_ups = {"add a replication lag alert"};
  return in;
}

struct Fixture {
  TestKeystore keystore;
  FakeAnchor anchor;
  std::unique_ptr<VaultHarness> h;
  Fixture() {
    auto made = VaultHarness::Create(&keystore, &anchor);
    REQUIRE(made.ok());
    h = *std::move(made);
    REQUIRE(h->Provision().ok());
    REQUIRE(h->AddIdentity("vera", {Role::kReviewer}).ok());
    REQUIRE(h->AddIdentity("vic", {Role::kReviewer}).ok());
  }
  Vault& v() { return h->vault(); }
  std::vector<audit::Event> Events() {
    auto leaves = h->Leaves();
    REQUIRE(leaves.ok());
    std::vector<audit::Event> out;
    for (const auto& l : *leaves) out.push_back(*audit::Event::Parse(l));
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
  // Released and fetched: ready for review.
  RequestRecord Used(std::string_view credential = "db-root") {
    auto r = h->Release("alice", credential);
    REQUIRE(r.ok());
    REQUIRE(h->FetchAndOpen("alice", r->id).ok());
    return *r;
  }
  RequestStatus Get(const std::string& id) {
    auto s = v().GetRequest(id);
    REQUIRE(s.ok());
    return *s;
  }
  void Rotate(std::optional<PolicySpec> policy = std::nullopt) {
    REQUIRE(v().RotateCredential("oscar", "db-root",
                                 base::SecretBytes::CopyFrom(std::string_view("new secret v2")),
                                 policy)
                .ok());
  }
  Snapshot Snap() {
    auto s = h->Snap();
    REQUIRE(s.ok());
    return *s;
  }
  void AddCredential(const std::string& id, const PolicySpec& spec) {
    REQUIRE(v().CreateCredential("oscar", id, spec,
                                 base::SecretBytes::CopyFrom(std::string_view("other secret")))
                .ok());
  }
};

// Runs `refused`, which must fail with `code` and a message containing
// `text`, and change nothing.
void Refused(Fixture& f, Code code, const std::string& text,
             const std::function<absl::Status()>& refused) {
  const Snapshot before = f.Snap();
  const absl::Status s = refused();
  INFO(s.ToString());
  CHECK(s.code() == code);
  CHECK(std::string(s.message()).find(text) != std::string::npos);
  CHECK(f.Snap() == before);
}

TEST_CASE("A reviewer signs the review and the request becomes reviewed", "[vault][review]") {
  Fixture f;
  const RequestRecord r = f.Used();
  auto st = f.v().ReviewStatementFor(r.id, "vera", Input());
  REQUIRE(st.ok());
  // The statement names the release's leaf index in the audit log.
  int64_t release_index = -1;
  for (const audit::Event& e : f.Events()) {
    if (e.type() == audit::EventType::kRelease && e.subject() == r.id) {
      release_index = static_cast<int64_t>(e.seq());
    }
  }
  CHECK(st->release_log_index == release_index);
  CHECK(st->rotated_to_version == 0);
  CHECK(st->incident == r.incident);
  const size_t start = f.Events().size();
  const int anchors = f.anchor.routine_anchors();
  auto done = f.h->Review("vera", r.id, Input());
  REQUIRE(done.ok());
  CHECK(done->state == RequestState::kReviewed);
  CHECK(done->progress == "reviewers 1/1");
  CHECK_FALSE(done->closed);
  CHECK(f.anchor.routine_anchors() == anchors + 1);
  CHECK(f.TypesSince(start) == std::vector<std::string>{"review"});
  const audit::Event review = f.Events().back();
  CHECK(review.actor() == "vera");
  CHECK(review.fields().at("statement") == *st->ToJson());
  CHECK(review.fields().at("justified") == "yes");
  CHECK(review.fields().at("state") == "reviewed");
  // The auditor re-verifies the logged signature under vera's key.
  const RequestStatus status = f.Get(r.id);
  REQUIRE(status.reviews.size() == 1);
  CHECK(f.h->key("vera").public_key().Verify(*st->SignedBytes(), status.reviews[0].signature).ok());
  CHECK(status.request.state == RequestState::kReviewed);
  CHECK(status.reviewers_required == 1);
  CHECK_FALSE(status.closed);
}

TEST_CASE(
    "A release closes when the credential is rotated and the review is signed, in either "
    "order",
    "[vault][review]") {
  SECTION("review, then rotation") {
    Fixture f;
    const RequestRecord r = f.Used();
    REQUIRE(f.h->Review("vera", r.id, Input()).ok());
    CHECK_FALSE(f.Get(r.id).closed);
    const size_t start = f.Events().size();
    f.Rotate();
    CHECK(f.TypesSince(start) == std::vector<std::string>{"rotation", "closed"});
    const RequestStatus status = f.Get(r.id);
    CHECK(status.closed);
    CHECK(status.rotated_to_version == 2);
    CHECK(f.Events().back().fields().at("rotated_to_version") == 2);
  }
  SECTION("rotation, then review") {
    Fixture f;
    const RequestRecord r = f.Used();
    f.Rotate();
    CHECK_FALSE(f.Get(r.id).closed);
    auto st = f.v().ReviewStatementFor(r.id, "vera", Input(false));
    REQUIRE(st.ok());
    CHECK(st->rotated_to_version == 2);
    const size_t start = f.Events().size();
    auto done = f.h->Review("vera", r.id, Input(false));
    REQUIRE(done.ok());
    CHECK(done->closed);
    CHECK(f.TypesSince(start) == std::vector<std::string>{"review", "closed"});
    CHECK(f.Get(r.id).closed);
    // A later rotation does not close it again.
    const size_t later = f.Events().size();
    REQUIRE(f.v()
                .RotateCredential("oscar", "db-root",
                                  base::SecretBytes::CopyFrom(std::string_view("v3 secret")),
                                  std::nullopt)
                .ok());
    CHECK(f.TypesSince(later) == std::vector<std::string>{"rotation"});
  }
}

TEST_CASE("The configured number of distinct reviewers signs the review", "[vault][review]") {
  Fixture f;
  PolicySpec spec = VaultHarness::DbRootPolicy();
  spec.reviewers_required = 2;
  f.AddCredential("app-root", spec);
  const RequestRecord r = f.Used("app-root");
  auto first = f.h->Review("vera", r.id, Input());
  REQUIRE(first.ok());
  CHECK(first->state == RequestState::kReleased);
  CHECK(first->progress == "reviewers 1/2");
  CHECK(f.Events().back().fields().at("state") == "released");
  Refused(f, Code::kAlreadyExists, "vera already reviewed",
          [&] { return f.h->Review("vera", r.id, Input()).status(); });
  auto second = f.h->Review("vic", r.id, Input(false));
  REQUIRE(second.ok());
  CHECK(second->state == RequestState::kReviewed);
  CHECK(second->progress == "reviewers 2/2");
  CHECK(f.Get(r.id).request.state_note == "review signed by vera,vic");
  // Enough reviewers: a third is not needed.
  REQUIRE(f.h->AddIdentity("val", {Role::kReviewer}).ok());
  Refused(f, Code::kFailedPrecondition, "no more reviews are needed",
          [&] { return f.h->Review("val", r.id, Input()).status(); });
}

TEST_CASE("Who may not review, and reviews of the wrong thing, are refused and change nothing",
          "[vault][review]") {
  Fixture f;
  REQUIRE(f.h->AddIdentity("rex", {Role::kRequester, Role::kReviewer}).ok());
  const RequestRecord r = f.Used();
  auto st = f.v().ReviewStatementFor(r.id, "vera", Input());
  REQUIRE(st.ok());
  const std::string sig = *f.h->SignBytes("vera", *st->SignedBytes());

  Refused(f, Code::kPermissionDenied, "not a reviewer",
          [&] { return f.h->Review("carl", r.id, Input()).status(); });
  Refused(f, Code::kPermissionDenied, "not a registered identity",
          [&] { return f.v().SubmitReview("nobody", r.id, *st, sig).status(); });
  // Signed by vic's key but submitted as vera: does not verify.
  auto vic_sig = f.h->SignBytes("vic", *st->SignedBytes());
  Refused(f, Code::kPermissionDenied, "review signature of vera",
          [&] { return f.v().SubmitReview("vera", r.id, *st, *vic_sig).status(); });
  // vera's statement submitted by vic: the reviewer member differs.
  Refused(f, Code::kInvalidArgument, "reviewer is 'vera'",
          [&] { return f.v().SubmitReview("vic", r.id, *st, sig).status(); });
  ReviewStatement tampered = *st;
  tampered.incident = "INC-9999";
  Refused(f, Code::kInvalidArgument, "incident is 'INC-9999'", [&] {
    return f.v()
        .SubmitReview("vera", r.id, tampered, *f.h->SignBytes("vera", *tampered.SignedBytes()))
        .status();
  });
  ReviewStatement wrong_index = *st;
  wrong_index.release_log_index += 1;
  Refused(f, Code::kInvalidArgument, "release_log_index", [&] {
    return f.v()
        .SubmitReview("vera", r.id, wrong_index,
                      *f.h->SignBytes("vera", *wrong_index.SignedBytes()))
        .status();
  });
  ReviewInput bad = Input();
  bad.actions.clear();
  Refused(f, Code::kInvalidArgument, "review.actions",
          [&] { return f.v().ReviewStatementFor(r.id, "vera", bad).status(); });
  Refused(f, Code::kInvalidArgument, "signature",
          [&] { return f.v().SubmitReview("vera", r.id, *st, "").status(); });
  REQUIRE(f.v().RemoveIdentity("oscar", "vic").ok());
  Refused(f, Code::kPermissionDenied, "was removed",
          [&] { return f.h->Review("vic", r.id, Input()).status(); });

  SECTION("the requester of the release") {
    auto own = f.h->Release("rex");
    REQUIRE(own.ok());
    REQUIRE(f.h->FetchAndOpen("rex", own->id).ok());
    Refused(f, Code::kPermissionDenied, "rex filed request",
            [&] { return f.h->Review("rex", own->id, Input()).status(); });
  }
  SECTION("an approving custodian of the release") {
    auto filed = f.h->File();
    REQUIRE(filed.ok());
    for (const char* c : {"ann", "bob", "sue"}) REQUIRE(f.h->Decide(c, filed->id).ok());
    REQUIRE(f.h->FetchAndOpen("alice", filed->id).ok());
    Refused(f, Code::kPermissionDenied, "sue approved request",
            [&] { return f.h->Review("sue", filed->id, Input()).status(); });
  }
  SECTION("before release, and while the credential can still be fetched") {
    auto pending = f.h->File();
    REQUIRE(pending.ok());
    Refused(f, Code::kFailedPrecondition, "only released requests are reviewed",
            [&] { return f.h->Review("vera", pending->id, Input()).status(); });
    for (const char* c : {"ann", "bob", "sam"}) REQUIRE(f.h->Decide(c, pending->id).ok());
    Refused(f, Code::kFailedPrecondition, "can still be fetched",
            [&] { return f.h->Review("vera", pending->id, Input()).status(); });
    // Once the use window is over it can be reviewed without a fetch.
    f.h->clock().Advance(absl::Minutes(16));
    CHECK(f.h->Review("vera", pending->id, Input()).ok());
  }
  SECTION("a statement made stale by a rotation") {
    f.Rotate();
    Refused(f, Code::kInvalidArgument, "rotated_to_version is 0",
            [&] { return f.v().SubmitReview("vera", r.id, *st, sig).status(); });
  }
}

TEST_CASE("Overdue reviews alert when due and again at the configured interval",
          "[vault][review]") {
  Fixture f;
  const RequestRecord r = f.Used();
  auto none = f.v().CheckOverdueReviews();
  REQUIRE(none.ok());
  CHECK(none->alerted.empty());
  f.h->clock().Advance(kDefaultReviewDue + absl::Seconds(1));
  CHECK(f.Get(r.id).review_overdue);
  const size_t start = f.Events().size();
  const int anchors = f.anchor.routine_anchors();
  auto first = f.v().CheckOverdueReviews();
  REQUIRE(first.ok());
  CHECK(first->alerted == std::vector<std::string>{r.id});
  CHECK(f.anchor.routine_anchors() == anchors + 1);
  CHECK(f.TypesSince(start) == std::vector<std::string>{"review_overdue"});
  const audit::Event e = f.Events().back();
  CHECK(e.subject() == r.id);
  CHECK(e.incident() == r.incident);
  CHECK(e.fields().at("overdue_seconds") == 1);
  CHECK(e.fields().at("progress") == "reviewers 0/1");
  // Not again before the repeat interval.
  f.h->clock().Advance(kDefaultReviewOverdueRepeat - absl::Seconds(1));
  const Snapshot quiet = f.Snap();
  CHECK(f.v().CheckOverdueReviews()->alerted.empty());
  CHECK(f.Snap() == quiet);
  f.h->clock().Advance(absl::Seconds(1));
  CHECK(f.v().CheckOverdueReviews()->alerted == std::vector<std::string>{r.id});
  // Signed: never again.
  REQUIRE(f.h->Review("vera", r.id, Input()).ok());
  CHECK_FALSE(f.Get(r.id).review_overdue);
  f.h->clock().Advance(kDefaultReviewOverdueRepeat * 3);
  CHECK(f.v().CheckOverdueReviews()->alerted.empty());
}

TEST_CASE("While a review is overdue, a request needs the policy's extra approvals",
          "[vault][review]") {
  Fixture f;
  PolicySpec spec = VaultHarness::DbRootPolicy();
  spec.overdue_review_extra_approvals = 1;
  spec.approval_window = absl::Hours(24 * 7);
  f.Rotate(spec);
  const RequestRecord old = f.Used();
  f.h->clock().Advance(kDefaultReviewDue + absl::Seconds(1));
  auto next = f.h->File();
  REQUIRE(next.ok());
  for (const char* c : {"ann", "bob"}) REQUIRE(f.h->Decide(c, next->id).ok());
  auto held = f.h->Decide("sam", next->id);
  REQUIRE(held.ok());
  CHECK(held->state == RequestState::kPending);
  CHECK(held->progress == "dba 2/2, security 1/1, overdue review +1 0/1");
  CHECK(f.Get(next->id).progress == held->progress);
  auto released = f.h->Decide("cat", next->id);
  REQUIRE(released.ok());
  CHECK(released->state == RequestState::kReleased);

  SECTION("signing the overdue review lifts the block") {
    REQUIRE(f.h->Review("vera", old.id, Input()).ok());
    auto after = f.h->File();
    REQUIRE(after.ok());
    for (const char* c : {"ann", "bob"}) REQUIRE(f.h->Decide(c, after->id).ok());
    CHECK(f.h->Decide("sam", after->id)->state == RequestState::kReleased);
  }
}

TEST_CASE("Without the blocking policy an overdue review changes no quorum", "[vault][review]") {
  Fixture f;
  f.Used();
  f.h->clock().Advance(kDefaultReviewDue * 2);
  auto next = f.h->File();
  REQUIRE(next.ok());
  for (const char* c : {"ann", "bob"}) REQUIRE(f.h->Decide(c, next->id).ok());
  CHECK(f.h->Decide("sam", next->id)->state == RequestState::kReleased);
}

}  // namespace
}  // namespace breakglass::core::testing
