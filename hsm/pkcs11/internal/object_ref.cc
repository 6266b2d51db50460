#include "hsm/pkcs11/internal/object_ref.h"

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/internal/uri.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11::internal {

absl::StatusOr<ObjectQuery> QueryFromUri(const TokenCore& token, std::string_view uri_text,
                                         CK_OBJECT_CLASS object_class) {
  BG_ASSIGN_OR_RETURN(PkcsUri uri, PkcsUri::Parse(uri_text));
  if (!uri.MatchesToken(token.info())) {
    return absl::InvalidArgumentError(absl::StrCat("PKCS#11 URI ", uri.text(),
                                                   " names another token than the open ",
                                                   token.name(), " (", token.Describe(), ")"));
  }
  if (!uri.object_label().has_value() || uri.object_label()->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PKCS#11 URI ", uri.text(), " has no object= part naming the key's label"));
  }
  if (uri.object_class().has_value() && *uri.object_class() != object_class) {
    return absl::InvalidArgumentError(
        absl::StrCat("PKCS#11 URI ", uri.text(), " names an object of another type (type=)"));
  }
  return ObjectQuery{object_class, *uri.object_label(), uri.object_id()};
}

ObjectRef::ObjectRef(TokenCore* token, ObjectQuery query, CK_OBJECT_HANDLE handle)
    : token_(token),
      query_(std::move(query)),
      description_(token->DescribeObject(query_)),
      handle_(handle),
      generation_(token->generation()) {}

absl::StatusOr<CK_OBJECT_HANDLE> ObjectRef::Get(CK_SESSION_HANDLE session) {
  const uint64_t now = token_->generation();
  std::lock_guard<std::mutex> lock(mu_);
  if (generation_ == now) return handle_;
  absl::StatusOr<CK_OBJECT_HANDLE> found = token_->FindOne(session, query_);
  if (absl::IsNotFound(found.status())) {
    // Private objects are invisible while logged out: let Run() log in again.
    BG_RETURN_IF_ERROR(token_->CheckLoggedIn(session));
    return absl::FailedPreconditionError(
        absl::StrCat(description_, " is no longer there; re-provision the token or restore it"));
  }
  if (!found.ok()) return found.status();
  handle_ = *found;
  generation_ = now;
  return handle_;
}

}  // namespace breakglass::hsm::pkcs11::internal
