#include "api/server/store_identity_resolver.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {

absl::StatusOr<RoleSet> StoreIdentityResolver::RolesOf(std::string_view name) {
  std::optional<core::Identity> found;
  absl::Status read = backend_->runner()->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(found, core::repo::FindIdentity(txn, name));
    return absl::OkStatus();
  });
  if (!read.ok()) {
    return absl::UnavailableError(absl::StrCat("identity store: ", std::string(read.message())));
  }
  if (!found || !found->active) {
    return absl::NotFoundError(absl::StrCat("no active identity '", std::string(name), "'"));
  }
  return found->roles;
}

}  // namespace breakglass::api
