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
