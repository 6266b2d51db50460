#include "api/server/handlers.h"

#include "absl/strings/str_cat.h"
#include "api/server/convert.h"
#include "api/server/handlers_internal.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"
#include "vault/core/vault.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {

absl::Status InProtoTerms(const absl::Status& status, FieldRenames renames) {
  if (!absl::IsInvalidArgument(status)) return status;
  const std::string message(status.message());
  for (const auto& [from, to] : renames) {
    if (message.rfind(std::string(from), 0) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(to), message.substr(from.size())));
    }
  }
  return status;
}

absl::StatusOr<core::Vault*> Handlers::RequireVault() const {
  core::Vault* vault = backend_->vault();
  if (vault != nullptr) return vault;
  return absl::FailedPreconditionError(
      "the appliance is not initialised: an operator runs `breakglass init` first");
}

absl::StatusOr<std::optional<core::Identity>> Handlers::FindIdentity(
    const std::string& name) const {
  std::optional<core::Identity> found;
  BG_RETURN_IF_ERROR(backend_->runner()->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(found, core::repo::FindIdentity(txn, name));
    return absl::OkStatus();
  }));
  return found;
}

absl::Status Handlers::CredentialInto(const std::string& id, pb::Credential* out) const {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_ASSIGN_OR_RETURN(core::CredentialRecord record, vault->GetCredential(id));
  BG_ASSIGN_OR_RETURN(*out, CredentialToProto(record, "hsm"));
  return absl::OkStatus();
}

absl::Status Handlers::RequestInto(const std::string& id, pb::Request* out) const {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_ASSIGN_OR_RETURN(core::RequestStatus status, vault->GetRequest(id));
  *out = RequestToProto(status);
  return absl::OkStatus();
}

}  // namespace breakglass::api
