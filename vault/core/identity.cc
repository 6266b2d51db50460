#include "vault/core/identity.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace breakglass::core {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles = {{
    {Role::kOperator, "operator"},
    {Role::kCustodian, "custodian"},
    {Role::kRequester, "requester"},
    {Role::kReviewer, "reviewer"},
    {Role::kAuditor, "auditor"},
}};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '@' || c == '-';
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", std::string(name),
                   "'; valid roles are operator, custodian, requester, reviewer, auditor"));
}

std::string RoleSetString(const RoleSet& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out.push_back(',');
    out += std::string(RoleName(r));
  }
  return out;
}

absl::StatusOr<RoleSet> ParseRoleSet(std::string_view text) {
  RoleSet out;
  if (text.empty()) return out;
  for (absl::string_view part : absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    auto role = ParseRole(std::string_view(part.data(), part.size()));
    if (!role.ok()) return role.status();
    out.insert(*role);
  }
  return out;
}

absl::Status ValidateName(std::string_view field, std::string_view value) {
  if (value.empty() || value.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": must be 1 to 64 characters, got ", value.size()));
  }
  const char first = value.front();
  if (!IsNameChar(first) || first == '.' || first == '_' || first == '@' || first == '-') {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": must start with a letter or a digit"));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!IsNameChar(value[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), ": character ", i + 1,
          " is not allowed; use letters, digits and . _ @ -"));
    }
  }
  return absl::OkStatus();
}

}  // namespace breakglass::core
