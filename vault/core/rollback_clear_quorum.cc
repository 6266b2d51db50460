#include "vault/core/rollback_clear_quorum.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/internal/signed_statement.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {
namespace {

constexpr uint32_t kMaxRequired = 64;

// `text` split at '\n' (a trailing newline gives a last empty line).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  out.push_back(text.substr(start));
  return out;
}

// INVALID_ARGUMENT naming the first line where `claimed` differs.
absl::Status CompareLines(std::string_view current, std::string_view claimed) {
  if (current == claimed) return absl::OkStatus();
  const std::vector<std::string_view> want = Lines(current);
  const std::vector<std::string_view> got = Lines(claimed);
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  const std::string_view w = i < want.size() ? want[i] : "(end)";
  const std::string_view g = i < got.size() ? got[i] : "(end)";
  return absl::InvalidArgumentError(
      absl::StrCat("statement: line ", i + 1, " is '", std::string(g),
                   "' but the appliance's rollback-clear "
                   "statement now has '",
                   std::string(w),
                   "'; fetch it again (breakglass rollback status) and "
                   "sign what it shows"));
}

absl::StatusOr<crypto::PublicKey> CustodianKey(const Identity& signer) {
  if (!signer.active || !signer.HasRole(Role::kCustodian) || signer.signing_key_pem.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", signer.name,
                     "' is not an active custodian with a registered key; only custodians "
                     "approve a rollback clear"));
  }
  absl::StatusOr<crypto::PublicKey> key = crypto::PublicKey::FromPem(signer.signing_key_pem);
  if (!key.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("the registered key of '", signer.name,
                     "' does not load: ", std::string(key.status().message())));
  }
  return key;
}

}  // namespace

absl::StatusOr<RollbackClearQuorum> RollbackClearQuorum::Create(uint32_t required) {
  if (required < 1 || required > kMaxRequired) {
    return absl::InvalidArgumentError(absl::StrCat("rollback clear: required approvals must be 1..",
                                                   kMaxRequired, " (got ", required, ")"));
  }
  return RollbackClearQuorum(required);
}

absl::Status RollbackClearQuorum::Add(const Identity& signer, std::string_view current,
                                      std::string_view statement, std::string_view signature) {
  if (statement_ != current) {
    statement_ = std::string(current);
    approvals_.clear();
  }
  BG_RETURN_IF_ERROR(CompareLines(current, statement));
  BG_ASSIGN_OR_RETURN(const crypto::PublicKey key, CustodianKey(signer));
  BG_RETURN_IF_ERROR(internal::VerifyStatementSignature(
      key, statement, signature,
      absl::StrCat("the rollback-clear signature of custodian ", signer.name), signer.name));
  const bool counted =
      std::any_of(approvals_.begin(), approvals_.end(),
                  [&](const audit::ClearApproval& a) { return a.custodian == signer.name; });
  if (counted) {
    return absl::AlreadyExistsError(
        absl::StrCat("custodian ", signer.name, " already approved this rollback clear (",
                     approvals_.size(), " of ", required_, "); each custodian counts once"));
  }
  approvals_.push_back({signer.name, key.ToPem(), key.FingerprintHex(), std::string(signature)});
  return absl::OkStatus();
}

std::vector<std::string> RollbackClearQuorum::approvers() const {
  std::vector<std::string> names;
  for (const audit::ClearApproval& a : approvals_) names.push_back(a.custodian);
  return names;
}

audit::RollbackClearRecord RollbackClearQuorum::Record() const {
  return {statement_, required_, approvals_};
}

}  // namespace breakglass::core
