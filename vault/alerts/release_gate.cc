#include "vault/alerts/release_gate.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "vault/alerts/alerting_event_log.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::alerts {
namespace {

core::VaultEvent NoticeEvent(std::string type, const core::ReleaseNotice& n, absl::Time now) {
  core::VaultEvent e;
  e.type = std::move(type);
  e.actor = "breakglassd";
  e.subject = n.request_id;
  e.incident = n.incident;
  e.reason = n.reason;
  e.time = now;
  e.fields.Set("credential", n.credential)
      .Set("credential_version", n.credential_version)
      .Set("requester", n.requester)
      .Set("approvers", n.approvers);
  return e;
}

core::VaultEvent DeliveryEvent(const core::ReleaseNotice& n, const Alert& alert,
                               std::string outcome, absl::Time now) {
  core::VaultEvent e = NoticeEvent("alert_delivery", n, now);
  e.fields = core::FlatJson();
  e.fields.Set("alert_id", alert.id)
      .Set("alert_type", alert.event_type)
      .Set("outcome", std::move(outcome))
      .Set("stage", "before_release");
  return e;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AlertReleaseGate>> AlertReleaseGate::Create(
    GateDeps deps, std::vector<Sink*> sinks, GatePolicy policy) {
  if (!deps.runner || !deps.events || !deps.routing || !deps.clock || !deps.random) {
    return absl::InvalidArgumentError("alert release gate: a dependency is missing");
  }
  if (sinks.empty()) return absl::InvalidArgumentError("alert release gate: no sinks");
  if (policy.attempts < 1) return absl::InvalidArgumentError("alert release gate: attempts < 1");
  return std::unique_ptr<AlertReleaseGate>(new AlertReleaseGate(deps, std::move(sinks), policy));
}

absl::StatusOr<std::string> AlertReleaseGate::Round(const Alert& alert,
                                                    std::vector<std::string>& errors) {
  errors.clear();
  for (Sink* sink : sinks_) {
    absl::Status s = sink->Deliver(alert);
    if (s.ok()) return sink->name();
    errors.push_back(absl::StrCat(sink->name(), ": ", std::string(s.message())));
  }
  return absl::UnavailableError(absl::StrJoin(errors, "; "));
}

absl::Status AlertReleaseGate::BeforeRelease(const core::ReleaseNotice& notice) {
  const absl::Time deadline = d_.clock->Now() + policy_.timeout;
  BG_ASSIGN_OR_RETURN(std::string nonce, d_.random->Bytes(16));
  BG_ASSIGN_OR_RETURN(Alert alert, BuildAlert(NoticeEvent("release_pending", notice,
                                                          d_.clock->Now()),
                                              base::HexEncode(nonce)));
  std::vector<std::string> errors;
  for (int round = 1;; ++round) {
    auto accepted = Round(alert, errors);
    if (accepted.ok()) return LogDelivered(notice, alert, *accepted);
    if (round >= policy_.attempts || d_.clock->Now() >= deadline) break;
    absl::SleepFor(policy_.retry_interval);
  }
  const std::string why = absl::StrJoin(errors, "; ");
  if (policy_.continue_after_timeout) return LogBypass(notice, alert, why);
  return absl::UnavailableError(absl::StrCat(
      "alert before release: no alert sink accepted the release alert for ", notice.request_id,
      " (", why, "); the release was not made — fix the sinks, then approve again"));
}

absl::Status AlertReleaseGate::LogDelivered(const core::ReleaseNotice& n, const Alert& alert,
                                            const std::string& sink) {
  core::VaultEvent e = DeliveryEvent(n, alert, "delivered", d_.clock->Now());
  e.fields.Set("sink", sink).Set("attempt", int64_t{1});
  return base::Annotate(
      d_.runner->Run([&](store::Txn& txn) { return d_.events->Append(txn, e); }),
      "alert before release: logging the delivery");
}

absl::Status AlertReleaseGate::LogBypass(const core::ReleaseNotice& n, const Alert& alert,
                                         const std::string& errors) {
  const absl::Time now = d_.clock->Now();
  core::VaultEvent logged = DeliveryEvent(n, alert, "release_without_alert", now);
  logged.fields.Set("error", errors);
  core::VaultEvent bypass = NoticeEvent("release_gate_bypassed", n, now);
  bypass.fields.Set("error", errors);
  std::vector<std::string> to(d_.routing->SinksFor(bypass.type).begin(),
                              d_.routing->SinksFor(bypass.type).end());
  if (to.empty()) {
    for (Sink* s : sinks_) to.push_back(s->name());
  }
  return base::Annotate(d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_RETURN_IF_ERROR(d_.events->Append(txn, logged));
    return EnqueueAlert(txn, bypass, to, *d_.random);
  }), "alert before release: logging that the release went ahead without an alert");
}

}  // namespace breakglass::alerts
