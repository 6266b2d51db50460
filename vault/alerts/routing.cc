#include "vault/alerts/routing.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::alerts {
namespace {

constexpr std::array<std::string_view, 18> kAlertable = {
    "request",        "approval",        "denial",          "release",
    "fetch",          "fetch_refused",   "cancel",          "expiry",
    "rotation",       "review",          "rollback_alarm",  "verification_failure",
    "review_overdue", "hsm_failure",     "tpm_failure",     "nv_budget_low",
    "release_pending", "release_gate_bypassed"};

bool IsAlertable(std::string_view type) {
  return std::find(kAlertable.begin(), kAlertable.end(), type) != kAlertable.end();
}

absl::Status CheckRoute(const std::string& type, const std::vector<std::string>& sinks,
                        const std::set<std::string>& known) {
  if (type == "alert_delivery") {
    return absl::InvalidArgumentError(
        "alerts: alert_delivery cannot alert (a delivery outcome would alert forever)");
  }
  if (!IsAlertable(type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alerts: unknown event type '", type, "'; known: ",
        absl::StrJoin(kAlertable, ", ", [](std::string* out, std::string_view t) {
          out->append(t.data(), t.size());
        })));
  }
  if (sinks.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("alerts: event type '", type,
                                                   "' is routed to no sink; remove it instead"));
  }
  for (const std::string& s : sinks) {
    if (known.count(s) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("alerts: event type '", type,
                                                     "' names unknown sink '", s, "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::span<const std::string_view> AlertableTypes() { return kAlertable; }

std::vector<std::string> DefaultAlertingTypes() {
  std::vector<std::string> out;
  for (std::string_view t : kAlertable) {
    if (t != "cancel" && t != "expiry") out.emplace_back(t);
  }
  return out;
}

absl::StatusOr<Routing> Routing::Create(std::map<std::string, std::vector<std::string>> routes,
                                        const std::set<std::string>& sinks) {
  std::map<std::string, std::vector<std::string>, std::less<>> checked;
  for (auto& [type, to] : routes) {
    if (absl::Status s = CheckRoute(type, to, sinks); !s.ok()) return s;
    std::sort(to.begin(), to.end());
    to.erase(std::unique(to.begin(), to.end()), to.end());
    checked.emplace(type, std::move(to));
  }
  return Routing(std::move(checked));
}

absl::StatusOr<Routing> Routing::AllTo(const std::set<std::string>& sinks) {
  std::map<std::string, std::vector<std::string>> routes;
  const std::vector<std::string> all(sinks.begin(), sinks.end());
  if (all.empty()) return Routing::Create({}, sinks);
  for (std::string& t : DefaultAlertingTypes()) routes.emplace(std::move(t), all);
  return Routing::Create(std::move(routes), sinks);
}

std::span<const std::string> Routing::SinksFor(std::string_view event_type) const {
  auto it = routes_.find(event_type);
  if (it == routes_.end()) return {};
  return it->second;
}

}  // namespace breakglass::alerts
