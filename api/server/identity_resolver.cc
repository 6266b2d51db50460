#include "api/server/identity_resolver.h"

#include "absl/strings/str_cat.h"

namespace breakglass::api {

absl::StatusOr<RoleSet> StaticIdentityResolver::RolesOf(std::string_view name) {
  auto it = roles_.find(name);
  if (it == roles_.end()) {
    return absl::NotFoundError(absl::StrCat("no identity named '", std::string(name), "'"));
  }
  return it->second;
}

absl::StatusOr<RoleSet> BootstrapOperatorResolver::RolesOf(std::string_view name) {
  absl::StatusOr<RoleSet> roles = inner_->RolesOf(name);
  if (operator_name_.empty() || name != operator_name_) return roles;
  if (!roles.ok() && !absl::IsNotFound(roles.status())) return roles;
  RoleSet out = roles.ok() ? *roles : RoleSet{};
  out.insert(Role::kOperator);
  return out;
}

}  // namespace breakglass::api
