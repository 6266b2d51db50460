#include "vault/core/identity.h"

#include <catch2/catch.hpp>

namespace breakglass::core {
namespace {

TEST_CASE("Roles round-trip through their names", "[identity]") {
  for (Role r : {Role::kOperator, Role::kCustodian, Role::kRequester, Role::kReviewer,
                 Role::kAuditor}) {
    auto parsed = ParseRole(RoleName(r));
    REQUIRE(parsed.ok());
    CHECK(*parsed == r);
  }
  CHECK(ParseRole("root").status().code() == absl::StatusCode::kInvalidArgument);
  auto set = ParseRoleSet("reviewer,custodian");
  REQUIRE(set.ok());
  CHECK(RoleSetString(*set) == "custodian,reviewer");
  CHECK_FALSE(ParseRoleSet("custodian,admin").ok());
}

TEST_CASE("ValidateName names the field and the problem", "[identity]") {
  CHECK(ValidateName("requester", "alice@example.com").ok());
  CHECK(ValidateName("requester", "db-root_v2.x").ok());
  for (const char* bad : {"", "-x", ".x", "a b", "a/b", "a\"b", "é"}) {
    auto s = ValidateName("requester", bad);
    INFO(bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(s.message()).rfind("requester:", 0) == 0);
  }
  CHECK_FALSE(ValidateName("x", std::string(65, 'a')).ok());
  CHECK(ValidateName("x", std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace breakglass::core
