#include "vault/audit/event.h"

#include <array>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "vault/audit/canonical_json.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::audit {
namespace {

using nlohmann::json;

struct TypeInfo {
  EventType type;
  std::string_view name;
  bool state_changing;
};

// The one table of event types. Names are part of the log format: never
// rename or reuse one.
constexpr std::array<TypeInfo, 25> kTypes = {{
    {EventType::kRequest, "request", true},
    {EventType::kApproval, "approval", true},
    {EventType::kDenial, "denial", true},
    {EventType::kCancel, "cancel", true},
    {EventType::kExpiry, "expiry", true},
    {EventType::kRelease, "release", true},
    {EventType::kFetch, "fetch", false},
    {EventType::kFetchRefused, "fetch_refused", false},
    {EventType::kRotation, "rotation", true},
    {EventType::kReview, "review", true},
    {EventType::kIdentityAdd, "identity_add", true},
    {EventType::kIdentityRemove, "identity_remove", true},
    {EventType::kCredentialAdd, "credential_add", true},
    {EventType::kCredentialRemove, "credential_remove", true},
    {EventType::kPolicyChange, "policy_change", true},
    {EventType::kProvision, "provision", true},
    {EventType::kAnchor, "anchor", false},
    {EventType::kCheckpoint, "checkpoint", false},
    {EventType::kAlertDelivery, "alert_delivery", false},
    {EventType::kLoginFailed, "login_failed", false},
    {EventType::kRollbackAlarm, "rollback_alarm", true},
    {EventType::kRollbackCleared, "rollback_cleared", true},
    {EventType::kVerificationFailure, "verification_failure", true},
    {EventType::kReviewOverdue, "review_overdue", false},
    {EventType::kClosed, "closed", true},
}};

constexpr bool TableFollowsEnum() {
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (static_cast<size_t>(kTypes[i].type) != i) return false;
  }
  return true;
}
static_assert(TableFollowsEnum(), "kTypes lists every EventType in declaration order");
static_assert(kTypes.size() == static_cast<size_t>(EventType::kClosed) + 1,
              "a new EventType needs its row in kTypes (and this check moved to it)");

const TypeInfo& Info(EventType type) { return kTypes[static_cast<size_t>(type)]; }

constexpr std::array<std::string_view, 7> kCommon = {"seq",     "time",     "type",  "actor",
                                                     "subject", "incident", "reason"};

bool IsCommon(std::string_view key) {
  for (std::string_view c : kCommon) {
    if (key == c) return true;
  }
  return false;
}

absl::Status CheckFieldKey(std::string_view key) {
  bool ok = !key.empty() && key[0] >= 'a' && key[0] <= 'z';
  for (char c : key) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit event field name '", std::string(key), "' must be snake_case ([a-z][a-z0-9_]*)"));
  }
  if (IsCommon(key)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit event field name '", std::string(key), "' is reserved for the common field"));
  }
  return absl::OkStatus();
}

void AppendKey(std::string_view key, std::string* out) {
  if (out->size() > 1) out->push_back(',');
  out->push_back('"');
  out->append(key);  // snake_case ASCII: nothing to escape
  out->append("\":");
}

absl::Status InField(std::string_view key, const absl::Status& status) {
  if (status.ok()) return status;
  return base::Annotate(status, absl::StrCat("audit event field '", std::string(key), "'"));
}

// A common field: a string or an integer.
absl::Status AppendMember(std::string_view key, const std::variant<std::string_view, int64_t>& v,
                          std::string* out) {
  AppendKey(key, out);
  if (const auto* text = std::get_if<std::string_view>(&v)) {
    return InField(key, AppendCanonicalString(*text, out));
  }
  return InField(key, AppendCanonicalInteger(std::get<int64_t>(v), out));
}

// A type-specific field (its key already checked). Strings and integers take the direct writers; other
// values go through nlohmann::json (CanonicalJson), which checks them.
absl::Status AppendMember(const std::string& key, const json& value, std::string* out) {
  AppendKey(key, out);
  if (value.is_string()) {
    return InField(key, AppendCanonicalString(value.get_ref<const std::string&>(), out));
  }
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    return InField(key, AppendCanonicalInteger(value.get<int64_t>(), out));
  }
  absl::StatusOr<std::string> text = CanonicalJson(value);
  if (!text.ok()) return InField(key, text.status());
  out->append(*text);
  return absl::OkStatus();
}

absl::StatusOr<std::string> TakeString(json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event: field '", key, "' is missing or not a string"));
  }
  std::string v = it->get<std::string>();
  obj.erase(it);
  return v;
}

absl::StatusOr<int64_t> TakeInt(json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event: field '", key, "' is missing or not an integer"));
  }
  const int64_t v = it->get<int64_t>();  // |v| < 2^53: checked by ParseCanonicalJson
  obj.erase(it);
  return v;
}

}  // namespace

std::string_view EventTypeName(EventType type) { return Info(type).name; }

absl::StatusOr<EventType> ParseEventType(std::string_view name) {
  for (const TypeInfo& info : kTypes) {
    if (info.name == name) return info.type;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown audit event type '", std::string(name), "'"));
}

bool IsStateChanging(EventType type) { return Info(type).state_changing; }

std::string HashForLog(std::string_view value) {
  return absl::StrCat("sha256:", base::HexEncode(crypto::Sha256String(value)));
}

std::string HashForLog(const base::SecretBytes& value) {
  return HashForLog(value.view(base::InsecureSecretAccess::Get()));
}

Event& Event::set_time(absl::Time t) {
  time_ = absl::FromUnixMillis(absl::ToUnixMillis(t));
  return *this;
}

Event& Event::Set(std::string key, json value) {
  fields_[std::move(key)] = std::move(value);
  return *this;
}

Event& Event::SetHash(std::string key, std::string_view value) {
  return Set(std::move(key), HashForLog(value));
}

absl::StatusOr<std::string> Event::Canonical() const {
  if (seq_ > static_cast<uint64_t>(kMaxSafeInteger)) {
    return absl::InvalidArgumentError(absl::StrCat("audit event: seq ", seq_, " beyond 2^53"));
  }
  for (const auto& [key, value] : fields_) BG_RETURN_IF_ERROR(CheckFieldKey(key));
  // The common fields in byte order of their keys, merged below with the
  // (sorted, never common) type-specific keys.
  using Value = std::variant<std::string_view, int64_t>;
  const std::array<std::pair<std::string_view, Value>, 7> common = {{
      {"actor", actor_},
      {"incident", incident_},
      {"reason", reason_},
      {"seq", static_cast<int64_t>(seq_)},
      {"subject", subject_},
      {"time", absl::ToUnixMillis(time_)},
      {"type", EventTypeName(type_)},
  }};
  std::string out = "{";
  out.reserve(512);
  auto next_field = fields_.begin();
  auto append_fields_before = [&](std::string_view bound) -> absl::Status {
    for (; next_field != fields_.end() && next_field->first < bound; ++next_field) {
      BG_RETURN_IF_ERROR(AppendMember(next_field->first, next_field->second, &out));
    }
    return absl::OkStatus();
  };
  for (const auto& [key, value] : common) {
    BG_RETURN_IF_ERROR(append_fields_before(key));
    BG_RETURN_IF_ERROR(AppendMember(key, value, &out));
  }
  BG_RETURN_IF_ERROR(append_fields_before("\x7f"));  // past every snake_case key
  out.push_back('}');
  return out;
}

absl::StatusOr<Event> Event::Parse(std::string_view leaf) {
  BG_ASSIGN_OR_RETURN(json obj, ParseCanonicalJson(leaf));
  if (!obj.is_object()) return absl::InvalidArgumentError("audit event: not a JSON object");
  BG_ASSIGN_OR_RETURN(const int64_t seq, TakeInt(obj, "seq"));
  if (seq < 0) return absl::InvalidArgumentError("audit event: negative seq");
  BG_ASSIGN_OR_RETURN(const int64_t time_ms, TakeInt(obj, "time"));
  BG_ASSIGN_OR_RETURN(const std::string type_name, TakeString(obj, "type"));
  BG_ASSIGN_OR_RETURN(const EventType type, ParseEventType(type_name));
  Event event(type);
  event.set_seq(static_cast<uint64_t>(seq)).set_time(absl::FromUnixMillis(time_ms));
  BG_ASSIGN_OR_RETURN(event.actor_, TakeString(obj, "actor"));
  BG_ASSIGN_OR_RETURN(event.subject_, TakeString(obj, "subject"));
  BG_ASSIGN_OR_RETURN(event.incident_, TakeString(obj, "incident"));
  BG_ASSIGN_OR_RETURN(event.reason_, TakeString(obj, "reason"));
  for (auto& [key, value] : obj.items()) {
    BG_RETURN_IF_ERROR(CheckFieldKey(key));
    event.fields_[key] = std::move(value);
  }
  return event;
}

}  // namespace breakglass::audit
