// The roles the API layer checks. Same names and order as vault/core's Role
// (vault/core/identity.h); once the core is wired in, this header becomes an
// alias of it.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_API_SERVER_ROLES_H_
#define BREAKGLASS_API_SERVER_ROLES_H_

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::api {

enum class Role : uint8_t { kOperator, kCustodian, kRequester, kReviewer, kAuditor };

inline constexpr std::array<Role, 5> kAllRoles = {
    Role::kOperator, Role::kCustodian, Role::kRequester, Role::kReviewer, Role::kAuditor};

using RoleSet = std::set<Role>;

// "operator", "custodian", "requester", "reviewer", "auditor".
std::string_view RoleName(Role role);

// Inverse of RoleName. INVALID_ARGUMENT listing the valid names.
absl::StatusOr<Role> ParseRole(std::string_view name);

// Comma-separated names in enum order ("custodian,reviewer"); "none" when empty.
std::string RoleSetString(const RoleSet& roles);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_ROLES_H_
