#include "vault/report/describe.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace breakglass::report {
namespace {

// The seven common members of every leaf (vault/audit/event.h).
const std::set<std::string, std::less<>>& CommonMembers() {
  static const auto* members = new std::set<std::string, std::less<>>{
      "seq", "time", "type", "actor", "subject", "incident", "reason"};
  return *members;
}

// Checked rather than read; long.
const std::set<std::string, std::less<>>& OmittedMembers() {
  static const auto* members =
      new std::set<std::string, std::less<>>{"statement", "signature", "signing_key"};
  return *members;
}

std::string Text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// " (x)" when x is not empty.
std::string Paren(const std::string& x) { return x.empty() ? "" : absl::StrCat(" (", x, ")"); }

std::string AlertSummary(const LoggedEvent& e) {
  std::string sink = e.Str("sink");
  if (sink.empty()) sink = "no sink";
  std::string out =
      absl::StrCat("alert ", e.Str("alert_type"), " to ", sink, ": ", e.Str("outcome"));
  if (e.Int("attempt") > 0) absl::StrAppend(&out, " (attempt ", e.Int("attempt"), ")");
  if (!e.Str("stage").empty()) absl::StrAppend(&out, ", ", e.Str("stage"));
  return out;
}

std::string ReviewSummary(const LoggedEvent& e) {
  std::string out = absl::StrCat("review signed by ", e.Str("actor"));
  if (e.json.contains("justified"))
    absl::StrAppend(&out, "; justified: ", Text(e.json["justified"]));
  if (e.json.contains("rotated_to_version")) {
    const int64_t v = e.Int("rotated_to_version");
    absl::StrAppend(&out, v > 0 ? absl::StrCat("; rotated to version ", v) : "; not rotated");
  }
  if (!e.Str("progress").empty()) absl::StrAppend(&out, " (", e.Str("progress"), ")");
  return out;
}

}  // namespace

std::string Summarize(const LoggedEvent& e) {
  const std::string type = e.type();
  const std::string actor = e.Str("actor");
  if (type == "request") {
    return absl::StrCat(actor, " requested ", e.Str("credential"), " version ",
                        e.Int("credential_version"), " for incident ", e.Str("incident"));
  }
  if (type == "approval") return absl::StrCat(actor, " approved", Paren(e.Str("progress")));
  if (type == "denial") return absl::StrCat(actor, " denied", Paren(e.Str("progress")));
  if (type == "release") {
    return absl::StrCat("released to ", e.Str("requester"), " (approved by ", e.Str("approvers"),
                        "; shares ", e.Str("share_indices"), ")");
  }
  if (type == "fetch") return absl::StrCat(actor, " fetched the credential");
  if (type == "fetch_refused") {
    return absl::StrCat("a second fetch by ", actor, " was refused", Paren(e.Str("why")));
  }
  if (type == "alert_delivery") return AlertSummary(e);
  if (type == "rotation") {
    return absl::StrCat(e.Str("subject"), " rotated to version ", e.Int("version"), " by ", actor);
  }
  if (type == "review") return ReviewSummary(e);
  if (type == "cancel") return absl::StrCat("cancelled by ", actor, Paren(e.Str("note")));
  if (type == "expiry") return absl::StrCat("expired", Paren(e.Str("note")));
  return absl::StrCat(type, actor.empty() ? "" : " by " + actor);
}

std::vector<Field> Details(const LoggedEvent& e) {
  std::vector<Field> out;
  if (!e.Str("reason").empty()) out.push_back({"reason", e.Str("reason")});
  for (const auto& [key, value] : e.json.items()) {
    if (CommonMembers().count(key) != 0 || OmittedMembers().count(key) != 0) continue;
    out.push_back({key, Text(value)});
  }
  return out;
}

}  // namespace breakglass::report
