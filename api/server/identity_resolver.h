// IdentityResolver: maps the identity named by a client certificate (its
// subject CN) to the roles it holds. The server asks it on every call; the
// core's identity store implements it once wired in (breakglassd's main).
//
// Thread-safety: implementations must be safe to call from many threads.
#ifndef BREAKGLASS_API_SERVER_IDENTITY_RESOLVER_H_
#define BREAKGLASS_API_SERVER_IDENTITY_RESOLVER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/server/roles.h"

namespace breakglass::api {

class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;

  // The roles of the active identity `name`. Errors: NOT_FOUND when no
  // active identity has that name; UNAVAILABLE when the store cannot be read.
  virtual absl::StatusOr<RoleSet> RolesOf(std::string_view name) = 0;
};

// A fixed map of identities, for tests and for an appliance whose core is
// not wired in yet.
class StaticIdentityResolver final : public IdentityResolver {
 public:
  explicit StaticIdentityResolver(std::map<std::string, RoleSet, std::less<>> roles)
      : roles_(std::move(roles)) {}
  absl::StatusOr<RoleSet> RolesOf(std::string_view name) override;

 private:
  const std::map<std::string, RoleSet, std::less<>> roles_;
};

// Adds the operator role for one configured name (breakglassd's
// `server.bootstrap_operator`) to what `inner` says, so that a fresh
// appliance, with no identities stored yet, can be provisioned. A name that
// `inner` does not know gets exactly {operator}.
class BootstrapOperatorResolver final : public IdentityResolver {
 public:
  // `inner` must outlive this object.
  BootstrapOperatorResolver(std::string operator_name, IdentityResolver* inner)
      : operator_name_(std::move(operator_name)), inner_(inner) {}
  absl::StatusOr<RoleSet> RolesOf(std::string_view name) override;

 private:
  const std::string operator_name_;
  IdentityResolver* const inner_;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_IDENTITY_RESOLVER_H_
