// The roles the API layer checks: the core's roles (vault/core/identity.h:
// operator, custodian, requester, reviewer, auditor), plus the helpers the
// RPC table needs.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_API_SERVER_ROLES_H_
#define BREAKGLASS_API_SERVER_ROLES_H_

#include <array>
#include <string>

#include "vault/core/identity.h"

namespace breakglass::api {

using core::ParseRole;
using core::Role;
using core::RoleName;
using core::RoleSet;

inline constexpr std::array<Role, 5> kAllRoles = {
    Role::kOperator, Role::kCustodian, Role::kRequester, Role::kReviewer, Role::kAuditor};

// Comma-separated names in enum order ("custodian,reviewer"); "none" when empty.
std::string RoleSetText(const RoleSet& roles);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_ROLES_H_
