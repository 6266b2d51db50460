#include "vault/core/policy_codec.h"

#include <catch2/catch.hpp>

namespace breakglass::core {
namespace {

TEST_CASE("Policies round-trip through their canonical text", "[policy]") {
  PolicySpec s;
  s.factors = {{"dba", 2, {"ann", "bob", "cat"}}, {"security", 1, {"sam"}}};
  s.deny_threshold = 2;
  s.incident_pattern = "INC-[0-9]+";
  s.min_reason_length = 12;
  s.approval_window = absl::Minutes(90);
  s.use_window = absl::Minutes(10);
  s.requester_roles = {Role::kRequester, Role::kOperator};
  auto text = EncodePolicy(s);
  REQUIRE(text.ok());
  CHECK(text->find("\"factor.0.custodians\":\"ann,bob,cat\"") != std::string::npos);
  auto back = DecodePolicy(*text);
  REQUIRE(back.ok());
  CHECK(*EncodePolicy(*back) == *text);
  auto policy = QuorumPolicy::Create(*back);
  REQUIRE(policy.ok());
  CHECK(policy->threshold() == 3);
  CHECK(back->approval_window == absl::Minutes(90));
}

TEST_CASE("Decoding a damaged policy names the member", "[policy]") {
  auto r = DecodePolicy(R"({"approval_window_s":60})");
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()).find("use_window_s") != std::string::npos);
  CHECK_FALSE(DecodePolicy(R"({"approval_window_s":4294967298})").ok());
}

}  // namespace
}  // namespace breakglass::core

namespace breakglass::core {
namespace {

TEST_CASE("Review settings round-trip, and policies stored before them get the defaults",
          "[policy]") {
  PolicySpec s;
  s.factors = {{"dba", 2, {"ann", "bob", "cat"}}};
  s.incident_pattern = "INC-[0-9]+";
  s.approval_window = absl::Minutes(90);
  s.use_window = absl::Minutes(10);
  s.requester_roles = {Role::kRequester};
  s.reviewers_required = 2;
  s.review_due = absl::Hours(24 * 30);
  s.review_overdue_repeat = absl::Hours(6);
  s.overdue_review_extra_approvals = 1;
  auto text = EncodePolicy(s);
  REQUIRE(text.ok());
  auto back = DecodePolicy(*text);
  REQUIRE(back.ok());
  CHECK(back->reviewers_required == 2);
  CHECK(back->review_due == absl::Hours(24 * 30));
  CHECK(back->review_overdue_repeat == absl::Hours(6));
  CHECK(back->overdue_review_extra_approvals == 1);
  CHECK(*EncodePolicy(*back) == *text);
  const std::string old =
      R"({"approval_window_s":60,"deny_threshold":1,"factor.0.custodians":"ann,bob",)"
      R"("factor.0.name":"dba","factor.0.required":2,"factors":1,"incident_pattern":"I",)"
      R"("min_reason_length":1,"requester_roles":"requester","use_window_s":60})";
  auto defaults = DecodePolicy(old);
  REQUIRE(defaults.ok());
  CHECK(defaults->reviewers_required == 1);
  CHECK(defaults->review_due == kDefaultReviewDue);
  CHECK(defaults->overdue_review_extra_approvals == 0);
  CHECK(QuorumPolicy::Create(*defaults).ok());
}

}  // namespace
}  // namespace breakglass::core
