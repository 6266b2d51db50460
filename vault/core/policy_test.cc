#include "vault/core/policy.h"

#include <catch2/catch.hpp>
#include <functional>

namespace breakglass::core {
namespace {

PolicySpec TwoDbaOneSec() {
  PolicySpec s;
  s.factors = {{"dba", 2, {"ann", "bob", "cat"}}, {"security", 1, {"sam", "sue"}}};
  s.deny_threshold = 2;
  s.incident_pattern = "INC-[0-9]{4,8}";
  s.min_reason_length = 10;
  s.approval_window = absl::Hours(1);
  s.use_window = absl::Minutes(15);
  s.requester_roles = {Role::kRequester};
  return s;
}

void RequireFieldError(const std::function<void(PolicySpec&)>& mutate, const std::string& field) {
  PolicySpec s = TwoDbaOneSec();
  mutate(s);
  auto p = QuorumPolicy::Create(s);
  INFO("expected an error naming " << field);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(p.status().message()).rfind("policy." + field, 0) == 0);
}

TEST_CASE("A valid policy derives custodians, share order and threshold", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  CHECK(p->threshold() == 3);
  CHECK(p->custodians() == std::vector<std::string>{"ann", "bob", "cat", "sam", "sue"});
  CHECK(p->ShareIndex("ann") == 1);
  CHECK(p->ShareIndex("sue") == 5);
  CHECK(p->ShareIndex("eve") == 0);
  CHECK_FALSE(p->IsCustodian("eve"));
}

TEST_CASE("Policy validation names the offending field", "[policy]") {
  RequireFieldError([](PolicySpec& s) { s.factors.clear(); }, "factors");
  RequireFieldError([](PolicySpec& s) { s.factors[1].required = 3; }, "factors[1].required");
  RequireFieldError([](PolicySpec& s) { s.factors[0].required = 0; }, "factors[0].required");
  RequireFieldError([](PolicySpec& s) { s.factors[0].name = "bad name"; }, "factors[0].name");
  RequireFieldError([](PolicySpec& s) { s.factors[1].name = "dba"; }, "factors[1].name");
  RequireFieldError([](PolicySpec& s) { s.factors[1].custodians = {}; }, "factors[1].custodians");
  RequireFieldError([](PolicySpec& s) { s.factors[1].custodians[0] = "bob"; },
                    "factors[1].custodians[0]");
  RequireFieldError([](PolicySpec& s) { s.factors[0].custodians[2] = "a/b"; },
                    "factors[0].custodians[2]");
  RequireFieldError([](PolicySpec& s) { s.factors = {{"solo", 1, {"ann", "bob"}}}; }, "factors");
  RequireFieldError([](PolicySpec& s) { s.deny_threshold = 0; }, "deny_threshold");
  RequireFieldError([](PolicySpec& s) { s.deny_threshold = 6; }, "deny_threshold");
  RequireFieldError([](PolicySpec& s) { s.incident_pattern = ""; }, "incident_pattern");
  RequireFieldError([](PolicySpec& s) { s.incident_pattern = "INC-[0-9"; }, "incident_pattern");
  RequireFieldError([](PolicySpec& s) { s.min_reason_length = 0; }, "min_reason_length");
  RequireFieldError([](PolicySpec& s) { s.approval_window = absl::ZeroDuration(); },
                    "approval_window");
  RequireFieldError([](PolicySpec& s) { s.use_window = absl::Hours(25); }, "use_window");
  RequireFieldError([](PolicySpec& s) { s.requester_roles.clear(); }, "requester_roles");
}

TEST_CASE("Policy refuses more than 255 custodians and accepts exactly 255", "[policy]") {
  PolicySpec s = TwoDbaOneSec();
  s.factors = {{"all", 2, {}}};
  for (int i = 0; i < 255; ++i) s.factors[0].custodians.push_back("c" + std::to_string(i));
  CHECK(QuorumPolicy::Create(s).ok());
  s.factors.push_back({"one-more", 1, {"extra"}});
  RequireFieldError([&](PolicySpec& t) { t = s; }, "factors");
}

TEST_CASE("Evaluation: every factor must be met, each custodian once", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  auto e = p->Evaluate({"ann", "bob"}, {});
  CHECK(e.outcome == Outcome::kPending);
  CHECK(e.summary == "dba 2/2, security 0/1");
  e = p->Evaluate({"ann", "sam", "sue"}, {});
  CHECK(e.outcome == Outcome::kPending);  // two security approvals do not replace a DBA
  e = p->Evaluate({"ann", "bob", "sam"}, {});
  CHECK(e.outcome == Outcome::kMet);
  CHECK(e.approvers == std::vector<std::string>{"ann", "bob", "sam"});
  e = p->Evaluate({"ann", "eve", "mallory", "sam"}, {});  // outsiders never count
  CHECK(e.outcome == Outcome::kPending);
  CHECK(e.approvers == std::vector<std::string>{"ann", "sam"});
}

TEST_CASE("Evaluation: deny threshold and unsatisfiable factors deny", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  CHECK(p->Evaluate({}, {"ann"}).outcome == Outcome::kPending);
  CHECK(p->Evaluate({}, {"ann", "sam"}).outcome == Outcome::kDenied);  // k = 2
  CHECK(p->Evaluate({}, {"eve", "sam"}).outcome == Outcome::kPending);  // eve is no custodian
  PolicySpec s = TwoDbaOneSec();
  s.factors[1] = {"security", 1, {"sam"}};
  auto q = QuorumPolicy::Create(s);
  REQUIRE(q.ok());
  auto e = q->Evaluate({"ann", "bob"}, {"sam"});
  CHECK(e.outcome == Outcome::kDenied);
  CHECK(e.summary.find("security") != std::string::npos);
}

TEST_CASE("Incident ids must match the whole pattern", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  CHECK(p->CheckIncident("INC-1234").ok());
  CHECK_FALSE(p->CheckIncident("INC-123").ok());
  CHECK_FALSE(p->CheckIncident("xINC-1234").ok());
  CHECK_FALSE(p->CheckIncident("INC-1234x").ok());
  CHECK_FALSE(p->CheckIncident("INC-1234\nINC-1").ok());
  auto s = p->CheckIncident("nope");
  CHECK(std::string(s.message()).rfind("incident:", 0) == 0);
}

TEST_CASE("Reasons and requester roles are checked", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  CHECK(p->CheckReason("primary db down, need root").ok());
  CHECK(std::string(p->CheckReason("short").message()).rfind("reason:", 0) == 0);
  CHECK_FALSE(p->CheckReason(std::string(kMaxReasonLength + 1, 'x')).ok());
  CHECK_FALSE(p->CheckReason("not utf-8 \xff\xff\xff").ok());
  CHECK(p->CheckRequesterRoles("alice", {Role::kRequester, Role::kAuditor}).ok());
  CHECK(p->CheckRequesterRoles("oscar", {Role::kOperator}).code() ==
        absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace breakglass::core

namespace breakglass::core {
namespace {

TEST_CASE("Review settings have defaults and are validated, naming the field", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  CHECK(p->spec().reviewers_required == 1);
  CHECK(p->spec().review_due == absl::Hours(72));
  CHECK(p->spec().review_overdue_repeat == absl::Hours(24));
  CHECK(p->spec().overdue_review_extra_approvals == 0);
  RequireFieldError([](PolicySpec& s) { s.reviewers_required = 0; }, "reviewers_required");
  RequireFieldError([](PolicySpec& s) { s.reviewers_required = 17; }, "reviewers_required");
  RequireFieldError([](PolicySpec& s) { s.review_due = absl::ZeroDuration(); }, "review_due");
  RequireFieldError([](PolicySpec& s) { s.review_overdue_repeat = absl::Seconds(59); },
                    "review_overdue_repeat");
  RequireFieldError([](PolicySpec& s) { s.overdue_review_extra_approvals = -1; },
                    "overdue_review_extra_approvals");
  // 5 custodians, threshold 3: at most 2 extra approvals can be reached.
  RequireFieldError([](PolicySpec& s) { s.overdue_review_extra_approvals = 3; },
                    "overdue_review_extra_approvals");
  PolicySpec two = TwoDbaOneSec();
  two.overdue_review_extra_approvals = 2;
  CHECK(QuorumPolicy::Create(two).ok());
}

TEST_CASE("Evaluation with extra approvals needs approvals beyond every factor's", "[policy]") {
  auto p = QuorumPolicy::Create(TwoDbaOneSec());
  REQUIRE(p.ok());
  const std::set<std::string> quorum = {"ann", "bob", "sam"};
  CHECK(p->Evaluate(quorum, {}, 0).outcome == Outcome::kMet);
  Evaluation held = p->Evaluate(quorum, {}, 1);
  CHECK(held.outcome == Outcome::kPending);
  CHECK(held.summary == "dba 2/2, security 1/1, overdue review +1 0/1");
  // An extra approval from any factor counts.
  CHECK(p->Evaluate({"ann", "bob", "sam", "sue"}, {}, 1).outcome == Outcome::kMet);
  CHECK(p->Evaluate({"ann", "bob", "cat", "sam"}, {}, 1).outcome == Outcome::kMet);
  // Surplus in one factor does not stand in for another factor's approvals.
  Evaluation missing = p->Evaluate({"ann", "bob", "cat"}, {}, 1);
  CHECK(missing.outcome == Outcome::kPending);
  CHECK(missing.summary == "dba 3/2, security 0/1, overdue review +1 1/1");
}

}  // namespace
}  // namespace breakglass::core
