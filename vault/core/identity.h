// Identities and roles (DESIGN.md "Who uses it", "API and identity").
//
// An identity is a name (the API layer maps a TLS client certificate to it)
// with a set of roles. Custodians — and reviewers, who sign reviews — carry a
// registered public signing key (ECDSA P-256 or Ed25519, PEM
// SubjectPublicKeyInfo). The appliance never generates or holds their private
// keys: custodians sign on their own PKCS#11 tokens.
//
// Removing an identity deactivates it (its history stays in the log); an
// inactive custodian's approvals no longer count and new ones are refused.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_VAULT_CORE_IDENTITY_H_
#define BREAKGLASS_VAULT_CORE_IDENTITY_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace breakglass::core {

enum class Role : uint8_t { kOperator, kCustodian, kRequester, kReviewer, kAuditor };

// "operator", "custodian", "requester", "reviewer", "auditor".
std::string_view RoleName(Role role);
// Inverse of RoleName. INVALID_ARGUMENT listing the valid names.
absl::StatusOr<Role> ParseRole(std::string_view name);

using RoleSet = std::set<Role>;
// Comma-separated role names in enum order ("custodian,reviewer"); the form
// stored and logged.
std::string RoleSetString(const RoleSet& roles);
// Inverse of RoleSetString. INVALID_ARGUMENT naming an unknown role.
absl::StatusOr<RoleSet> ParseRoleSet(std::string_view text);

// Checks an identifier used in statements, events and AAD (identity names,
// credential ids, factor names): 1–64 characters from [A-Za-z0-9._@-],
// starting with a letter or digit. INVALID_ARGUMENT naming `field`.
absl::Status ValidateName(std::string_view field, std::string_view value);

struct Identity {
  std::string name;
  RoleSet roles;
  // PEM public key for custodians and reviewers; empty for other identities.
  std::string signing_key_pem;
  bool active = true;

  bool HasRole(Role role) const { return roles.count(role) != 0; }
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_IDENTITY_H_
