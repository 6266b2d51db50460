#include "hsm/pkcs11/internal/token_core.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11::internal {
namespace {

struct SlotMatch {
  CK_SLOT_ID slot;
  CK_TOKEN_INFO info;
};

absl::StatusOr<std::vector<CK_SLOT_ID>> SlotsWithTokens(CK_FUNCTION_LIST* fns,
                                                        const std::string& module) {
  const std::string context = absl::StrCat("module ", module);
  CK_ULONG count = 0;
  BG_RETURN_IF_ERROR(
      CkCheck(fns->C_GetSlotList(CK_TRUE, nullptr, &count), "C_GetSlotList", context));
  std::vector<CK_SLOT_ID> slots(count);
  BG_RETURN_IF_ERROR(
      CkCheck(fns->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList", context));
  slots.resize(count);
  return slots;
}

// The slots whose slot and token info match `uri`; `seen` collects every
// token's label for the error message.
absl::StatusOr<std::vector<SlotMatch>> MatchingSlots(CK_FUNCTION_LIST* fns,
                                                     const std::string& module, const PkcsUri& uri,
                                                     std::vector<std::string>* seen) {
  BG_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, SlotsWithTokens(fns, module));
  std::vector<SlotMatch> matches;
  for (CK_SLOT_ID slot : slots) {
    CK_SLOT_INFO slot_info;
    SlotMatch match{slot, {}};
    const std::string context = absl::StrCat("slot ", slot, " of module ", module);
    BG_RETURN_IF_ERROR(CkCheck(fns->C_GetSlotInfo(slot, &slot_info), "C_GetSlotInfo", context));
    BG_RETURN_IF_ERROR(CkCheck(fns->C_GetTokenInfo(slot, &match.info), "C_GetTokenInfo", context));
    seen->push_back(absl::StrCat("'", Unpad(match.info.label, sizeof(match.info.label)), "'"));
    if (uri.MatchesSlot(slot, slot_info) && uri.MatchesToken(match.info)) {
      matches.push_back(match);
    }
  }
  return matches;
}

absl::StatusOr<SlotMatch> SelectToken(CK_FUNCTION_LIST* fns, const std::string& module,
                                      const PkcsUri& uri) {
  std::vector<std::string> seen;
  BG_ASSIGN_OR_RETURN(std::vector<SlotMatch> matches, MatchingSlots(fns, module, uri, &seen));
  if (matches.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no token matches ", uri.text(), " in PKCS#11 module ", module,
                     " (tokens present: ", seen.empty() ? "none" : absl::StrJoin(seen, ", "),
                     "); check the token label in the URI and that the token is initialised"));
  }
  if (matches.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(matches.size(), " tokens match ", uri.text(),
                                                      " in PKCS#11 module ", module,
                                                      "; add serial= to the URI to pick one"));
  }
  const CK_FLAGS flags = matches[0].info.flags;
  if ((flags & CKF_TOKEN_INITIALIZED) == 0 || (flags & CKF_USER_PIN_INITIALIZED) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "token matching ", uri.text(), " is not initialised or has no user PIN; initialise it"));
  }
  return matches[0];
}

const char* ClassName(CK_OBJECT_CLASS c) {
  switch (c) {
    case CKO_SECRET_KEY:
      return "secret key";
    case CKO_PRIVATE_KEY:
      return "private key";
    case CKO_PUBLIC_KEY:
      return "public key";
    default:
      return "object";
  }
}

}  // namespace

TokenCore::TokenCore(std::unique_ptr<Module> module, CK_SLOT_ID slot, const CK_TOKEN_INFO& info,
                     base::SecretBytes pin, size_t max_idle_sessions)
    : module_(std::move(module)),
      slot_(slot),
      info_(info),
      name_(absl::StrCat("token '", Unpad(info.label, sizeof(info.label)), "'")),
      pin_(std::move(pin)),
      pool_(module_->fns(), slot, name_, max_idle_sessions) {}

TokenCore::~TokenCore() = default;

absl::StatusOr<std::unique_ptr<TokenCore>> TokenCore::Open(const std::string& module_path,
                                                           const PkcsUri& uri,
                                                           base::SecretBytes pin,
                                                           size_t max_idle_sessions) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<Module> module, Module::Load(module_path));
  BG_ASSIGN_OR_RETURN(SlotMatch match, SelectToken(module->fns(), module_path, uri));
  std::unique_ptr<TokenCore> token(
      new TokenCore(std::move(module), match.slot, match.info, std::move(pin), max_idle_sessions));
  // Log in now, so a wrong PIN fails at start and not at the first release.
  BG_RETURN_IF_ERROR(token->AcquireLoggedIn(/*fresh_only=*/false).status());
  return token;
}

absl::StatusOr<SessionPool::Lease> TokenCore::AcquireLoggedIn(bool fresh_only) {
  BG_ASSIGN_OR_RETURN(SessionPool::Lease lease, pool_.Acquire(fresh_only));
  if (lease.fresh()) {
    absl::Status status = EnsureLoggedIn(lease.handle());
    if (!status.ok()) {
      lease.Discard();
      return status;
    }
  }
  return lease;
}

absl::Status TokenCore::CheckLoggedIn(CK_SESSION_HANDLE session) const {
  CK_SESSION_INFO info;
  BG_RETURN_IF_ERROR(CkCheck(fns()->C_GetSessionInfo(session, &info), "C_GetSessionInfo", name_));
  if (info.state == CKS_RW_USER_FUNCTIONS || info.state == CKS_RO_USER_FUNCTIONS) {
    return absl::OkStatus();
  }
  return CkError(CKR_USER_NOT_LOGGED_IN, "C_GetSessionInfo", name_);
}

absl::Status TokenCore::EnsureLoggedIn(CK_SESSION_HANDLE session) {
  absl::Status status = CheckLoggedIn(session);
  if (CkrOf(status) == CKR_USER_NOT_LOGGED_IN) return Login(session);
  return status;
}

absl::Status TokenCore::Login(CK_SESSION_HANDLE session) {
  // C_Login takes a non-const pointer; the module only reads the PIN.
  auto* pin = const_cast<CK_UTF8CHAR*>(pin_.data(base::InsecureSecretAccess::Get()));
  logins_.fetch_add(1, std::memory_order_relaxed);
  const CK_RV rv = fns()->C_Login(session, CKU_USER, pin, pin_.size());
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return absl::OkStatus();
  return CkError(rv, "C_Login", name_);
}

absl::Status TokenCore::Recover(const absl::Status& failure, SessionPool::Lease& lease,
                                bool* fresh_only) {
  const std::optional<CK_RV> rv = CkrOf(failure);
  if (!rv.has_value()) return failure;
  switch (*rv) {
    case CKR_USER_NOT_LOGGED_IN:
      return Login(lease.handle());
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
      pool_.Reset();
      [[fallthrough]];
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
      lease.Forget();
      *fresh_only = true;
      break;
    case CKR_OPERATION_ACTIVE:
      lease.Discard();
      *fresh_only = true;
      break;
    case CKR_KEY_HANDLE_INVALID:
    case CKR_OBJECT_HANDLE_INVALID:
      break;
    default:
      return failure;
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

absl::Status TokenCore::RequireMechanism(CK_MECHANISM_TYPE mechanism, CK_FLAGS flags,
                                         std::string_view purpose) const {
  CK_MECHANISM_INFO info;
  const CK_RV rv = fns()->C_GetMechanismInfo(slot_, mechanism, &info);
  if (rv == CKR_MECHANISM_INVALID || (rv == CKR_OK && (info.flags & flags) != flags)) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, " (module ", module_->path(), ") does not support ", CkmName(mechanism),
                     rv == CKR_OK ? " for this use" : "", ", needed to ", std::string(purpose),
                     "; use a token or module that implements it"));
  }
  return CkCheck(rv, "C_GetMechanismInfo", absl::StrCat(CkmName(mechanism), " on ", name_));
}

absl::StatusOr<std::vector<CK_OBJECT_HANDLE>> TokenCore::FindAll(CK_SESSION_HANDLE session,
                                                                 CK_ATTRIBUTE* tmpl,
                                                                 CK_ULONG count) const {
  BG_RETURN_IF_ERROR(
      CkCheck(fns()->C_FindObjectsInit(session, tmpl, count), "C_FindObjectsInit", name_));
  std::vector<CK_OBJECT_HANDLE> found;
  CK_RV rv = CKR_OK;
  for (;;) {
    CK_OBJECT_HANDLE batch[16];
    CK_ULONG n = 0;
    rv = fns()->C_FindObjects(session, batch, std::size(batch), &n);
    if (rv != CKR_OK || n == 0) break;
    found.insert(found.end(), batch, batch + n);
  }
  const CK_RV final_rv = fns()->C_FindObjectsFinal(session);
  BG_RETURN_IF_ERROR(CkCheck(rv, "C_FindObjects", name_));
  BG_RETURN_IF_ERROR(CkCheck(final_rv, "C_FindObjectsFinal", name_));
  return found;
}

absl::StatusOr<CK_OBJECT_HANDLE> TokenCore::FindOne(CK_SESSION_HANDLE session,
                                                    const ObjectQuery& query) const {
  CK_OBJECT_CLASS object_class = query.object_class;
  std::vector<CK_ATTRIBUTE> tmpl = {
      {CKA_CLASS, &object_class, sizeof(object_class)},
      {CKA_LABEL, const_cast<char*>(query.label.data()), query.label.size()}};
  if (query.id.has_value()) {
    tmpl.push_back({CKA_ID, const_cast<char*>(query.id->data()), query.id->size()});
  }
  BG_ASSIGN_OR_RETURN(std::vector<CK_OBJECT_HANDLE> found,
                      FindAll(session, tmpl.data(), tmpl.size()));
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no ", DescribeObject(query),
                     "; provision it (breakglass init) or fix the object= part of the URI"));
  }
  if (found.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(found.size(), " objects match ", DescribeObject(query),
                     "; delete the duplicates or add id= to the URI"));
  }
  return found[0];
}

absl::StatusOr<std::string> TokenCore::GetAttribute(CK_SESSION_HANDLE session,
                                                    CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
                                                    std::string_view what) const {
  const std::string context = absl::StrCat(std::string(what), " on ", name_);
  CK_ATTRIBUTE attr{type, nullptr, 0};
  BG_RETURN_IF_ERROR(CkCheck(fns()->C_GetAttributeValue(session, object, &attr, 1),
                             "C_GetAttributeValue", context));
  std::string value(attr.ulValueLen, '\0');
  attr.pValue = value.data();
  BG_RETURN_IF_ERROR(CkCheck(fns()->C_GetAttributeValue(session, object, &attr, 1),
                             "C_GetAttributeValue", context));
  value.resize(attr.ulValueLen);
  return value;
}

absl::StatusOr<CK_ULONG> TokenCore::GetUlong(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                             CK_ATTRIBUTE_TYPE type, std::string_view what) const {
  CK_ULONG value = 0;
  CK_ATTRIBUTE attr{type, &value, sizeof(value)};
  BG_RETURN_IF_ERROR(CkCheck(fns()->C_GetAttributeValue(session, object, &attr, 1),
                             "C_GetAttributeValue",
                             absl::StrCat(std::string(what), " on ", name_)));
  return value;
}

absl::StatusOr<bool> TokenCore::GetBool(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                        CK_ATTRIBUTE_TYPE type, std::string_view what) const {
  CK_BBOOL value = CK_FALSE;
  CK_ATTRIBUTE attr{type, &value, sizeof(value)};
  BG_RETURN_IF_ERROR(CkCheck(fns()->C_GetAttributeValue(session, object, &attr, 1),
                             "C_GetAttributeValue",
                             absl::StrCat(std::string(what), " on ", name_)));
  return value == CK_TRUE;
}

std::string TokenCore::DescribeObject(const ObjectQuery& query) const {
  return absl::StrCat(
      ClassName(query.object_class), " '", query.label, "'",
      query.id.has_value() ? absl::StrCat(" id ", base::HexEncode(*query.id)) : std::string(),
      " on ", name_);
}

}  // namespace breakglass::hsm::pkcs11::internal
