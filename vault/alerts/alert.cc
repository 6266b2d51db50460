#include "vault/alerts/alert.h"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "vault/core/flat_json.h"

namespace breakglass::alerts {
namespace {

constexpr std::array<std::string_view, 13> kDetailKeys = {
    "requester", "approvers", "state",           "progress", "from",    "note",  "why",
    "use_until", "expires",   "key_fingerprint", "sink",     "outcome", "error"};

constexpr std::array<std::string_view, 7> kCritical = {
    "release",      "release_pending",      "release_gate_bypassed", "rollback_alarm",
    "hsm_failure",  "verification_failure", "tpm_failure"};
constexpr std::array<std::string_view, 5> kWarning = {"fetch_refused", "denial", "review_overdue",
                                                      "nv_budget_low", "cancel"};
constexpr std::array<std::string_view, 9> kAboutRequest = {
    "request", "approval", "denial", "release", "release_pending", "fetch", "fetch_refused",
    "review", "review_overdue"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view s) {
  for (std::string_view x : set) {
    if (x == s) return true;
  }
  return false;
}

bool IsLowerHex32(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string StringField(const core::VaultEvent& e, std::string_view key) {
  auto s = e.fields.GetString(key);
  return s.ok() ? *s : std::string();
}

// One line a person reads first; built from non-secret members only.
std::string Summary(const core::VaultEvent& e, std::string_view credential) {
  const std::string who = e.actor.empty() ? "breakglassd" : e.actor;
  const std::string what = credential.empty() ? e.subject : std::string(credential);
  std::string line = absl::StrCat(e.type, ": ", who, " -> ", what);
  if (e.subject != what && !e.subject.empty()) absl::StrAppend(&line, " (", e.subject, ")");
  if (!e.incident.empty()) absl::StrAppend(&line, " for incident ", e.incident);
  const std::string approvers = StringField(e, "approvers");
  if (!approvers.empty()) absl::StrAppend(&line, ", approved by ", approvers);
  const std::string state = StringField(e, "state");
  if (!state.empty()) absl::StrAppend(&line, "; state ", state);
  return line;
}

nlohmann::json Details(const core::VaultEvent& e) {
  nlohmann::json details = nlohmann::json::object();
  for (const auto& [key, value] : e.fields.members()) {
    if (!Contains(kDetailKeys, key)) continue;
    if (const auto* s = std::get_if<std::string>(&value)) details[key] = *s;
    if (const auto* i = std::get_if<int64_t>(&value)) details[key] = *i;
  }
  return details;
}

absl::Status CheckUtf8(const core::VaultEvent& e) {
  const std::pair<const char*, const std::string*> common[] = {
      {"type", &e.type},         {"actor", &e.actor},   {"subject", &e.subject},
      {"incident", &e.incident}, {"reason", &e.reason}};
  for (const auto& [name, value] : common) {
    if (!core::IsValidUtf8(*value)) {
      return absl::InvalidArgumentError(absl::StrCat("alert: event ", name, " is not UTF-8"));
    }
  }
  return e.fields.Encode().status();  // checks every field
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return "critical";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: break;
  }
  return "info";
}

Severity SeverityFor(std::string_view event_type) {
  if (Contains(kCritical, event_type)) return Severity::kCritical;
  if (Contains(kWarning, event_type)) return Severity::kWarning;
  return Severity::kInfo;
}

absl::StatusOr<Alert> BuildAlert(const core::VaultEvent& event, std::string id) {
  if (!IsLowerHex32(id)) {
    return absl::InvalidArgumentError("alert id: must be 32 lower-case hex digits");
  }
  if (absl::Status s = CheckUtf8(event); !s.ok()) return s;
  const std::string credential = StringField(event, "credential");
  auto version = event.fields.GetInt("credential_version");
  Alert alert;
  alert.id = std::move(id);
  alert.event_type = event.type;
  alert.severity = SeverityFor(event.type);
  nlohmann::json j = {
      {"schema", kAlertSchema},
      {"id", alert.id},
      {"event_type", event.type},
      {"severity", SeverityName(alert.severity)},
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", event.time, absl::UTCTimeZone())},
      {"time_unix_ms", absl::ToUnixMillis(event.time)},
      {"actor", event.actor},
      {"subject", event.subject},
      {"incident", event.incident},
      {"reason", event.reason},
      {"request", Contains(kAboutRequest, event.type) ? event.subject : std::string()},
      {"credential", credential},
      {"credential_version", version.ok() ? *version : 0},
      {"summary", Summary(event, credential)},
      {"details", Details(event)}};
  alert.body = j.dump();
  return alert;
}

}  // namespace breakglass::alerts
