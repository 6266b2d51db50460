#include "vault/alerts/alert_system.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "vault/alerts/syslog_sink.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/base/status.h"

namespace breakglass::alerts {
namespace {

constexpr char kWebhook[] = "webhook";
constexpr char kSyslog[] = "syslog";

// Adds `sink` to every type in `events` (or the defaults), checking names.
absl::Status AddRoutes(std::map<std::string, std::vector<std::string>>& routes,
                       const std::string& sink, const std::vector<std::string>& events,
                       const std::string& key) {
  std::vector<std::string> types = events.empty() ? DefaultAlertingTypes() : events;
  for (const std::string& t : types) {
    auto one = Routing::Create({{t, {sink}}}, {sink});
    if (!one.ok()) return base::Annotate(one.status(), key);
    routes[t].push_back(sink);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AlertSystem>> AlertSystem::Create(AlertSystemConfig c,
                                                                 AlertSystemDeps deps) {
  if (!deps.runner || !deps.audit_log || !deps.clock || !deps.random) {
    return absl::InvalidArgumentError("alert system: a dependency is missing");
  }
  std::unique_ptr<AlertSystem> s(new AlertSystem());
  s->deps_ = deps;
  BG_RETURN_IF_ERROR(s->MakeSinks(c));
  BG_RETURN_IF_ERROR(s->MakeRouting(c));
  s->events_ = std::make_unique<AlertingEventLog>(deps.audit_log, s->routing_.get(), deps.random);
  std::vector<SinkEntry> entries;
  std::vector<Sink*> raw;
  for (auto& sink : s->sinks_) {
    entries.push_back({sink.get(), c.retry});
    raw.push_back(sink.get());
  }
  if (!raw.empty()) {
    BG_ASSIGN_OR_RETURN(s->dispatcher_, Dispatcher::Create(
        {deps.runner, deps.audit_log, deps.clock, deps.random}, std::move(entries)));
    s->events_->set_wake([d = s->dispatcher_.get()] { d->Wake(); });
  }
  if (c.gate != GateMode::kOff) {
    if (raw.empty()) {
      return absl::FailedPreconditionError(
          "alerts.release_gate: alert before release is on but no alert sink is configured; set "
          "alerts.webhook_url or alerts.syslog_address, or set alerts.release_gate = \"off\"");
    }
    c.gate_policy.continue_after_timeout = c.gate == GateMode::kContinueAfterTimeout;
    BG_ASSIGN_OR_RETURN(s->gate_, AlertReleaseGate::Create(
        {deps.runner, deps.audit_log, s->routing_.get(), deps.clock, deps.random}, raw,
        c.gate_policy));
  }
  if (!c.incident_check.url.empty()) {
    auto signer = HmacSigner::FromFile(c.incident_check.secret_file);
    if (!signer.ok()) return base::Annotate(signer.status(), "incident_check.secret_file");
    HttpTarget t{c.incident_check.url, c.incident_check.ca_file, c.incident_check.timeout,
                 c.incident_check.timeout};
    auto checker = WebhookIncidentChecker::Create("incident_check", std::move(t),
                                                  *std::move(signer), deps.random);
    if (!checker.ok()) return base::Annotate(checker.status(), "incident_check.url");
    s->checker_ = *std::move(checker);
  }
  return s;
}

absl::Status AlertSystem::MakeSinks(const AlertSystemConfig& c) {
  if (!c.webhook.url.empty()) {
    auto signer = HmacSigner::FromFile(c.webhook.secret_file);
    if (!signer.ok()) return base::Annotate(signer.status(), "alerts.webhook_secret_file");
    auto sink = WebhookSink::Create(kWebhook,
                                    {c.webhook.url, c.webhook.ca_file, c.webhook.connect_timeout,
                                     c.webhook.total_timeout},
                                    *std::move(signer));
    if (!sink.ok()) return base::Annotate(sink.status(), "alerts.webhook_url");
    sinks_.push_back(*std::move(sink));
  }
  if (!c.syslog.address.empty()) {
    auto sink = SyslogSink::Create({kSyslog, c.syslog.address, c.syslog.facility, ""});
    if (!sink.ok()) return base::Annotate(sink.status(), "alerts.syslog_address");
    sinks_.push_back(*std::move(sink));
  }
  return absl::OkStatus();
}

absl::Status AlertSystem::MakeRouting(const AlertSystemConfig& c) {
  std::map<std::string, std::vector<std::string>> routes;
  std::set<std::string> names;
  if (!c.webhook.url.empty()) {
    BG_RETURN_IF_ERROR(AddRoutes(routes, kWebhook, c.webhook.events, "alerts.webhook_events"));
    names.insert(kWebhook);
  }
  if (!c.syslog.address.empty()) {
    BG_RETURN_IF_ERROR(AddRoutes(routes, kSyslog, c.syslog.events, "alerts.syslog_events"));
    names.insert(kSyslog);
  }
  BG_ASSIGN_OR_RETURN(Routing routing, Routing::Create(std::move(routes), names));
  routing_ = std::make_unique<Routing>(std::move(routing));
  return absl::OkStatus();
}

AlertSystem::~AlertSystem() { Stop(); }

absl::Status AlertSystem::Raise(const core::VaultEvent& event) {
  std::span<const std::string> to = routing_->SinksFor(event.type);
  if (to.empty()) return absl::OkStatus();
  BG_RETURN_IF_ERROR(deps_.runner->Run(
      [&](store::Txn& txn) { return EnqueueAlert(txn, event, to, *deps_.random); }));
  if (dispatcher_) dispatcher_->Wake();
  return absl::OkStatus();
}

std::function<void(const audit::NvWriteStats&)> AlertSystem::BudgetWarningHook() {
  return [this](const audit::NvWriteStats& stats) {
    core::VaultEvent e;
    e.type = "nv_budget_low";
    e.actor = "breakglassd";
    e.time = deps_.clock->Now();
    e.fields.Set("note", absl::StrCat("TPM NV writes: ", stats.since_genesis, " of an allowance of ",
                                      stats.allowance, " (", stats.yearly_budget, " a year)"));
    (void)Raise(e);
  };
}

std::function<void(const audit::CounterDisagreement&)> AlertSystem::RollbackAlarmHook() {
  return [this](const audit::CounterDisagreement& d) {
    core::VaultEvent e;
    e.type = "rollback_alarm";
    e.actor = "breakglassd";
    e.subject = d.counter;
    e.time = deps_.clock->Now();
    e.fields.Set("why", absl::StrCat(std::string(audit::RollbackProblemName(d.problem)),
                                     ": the log says ", d.log_value, ", the TPM says ",
                                     d.tpm_value));
    (void)Raise(e);
  };
}

std::vector<std::string> AlertSystem::sink_names() const {
  std::vector<std::string> out;
  for (const auto& s : sinks_) out.push_back(s->name());
  return out;
}

void AlertSystem::Start() {
  if (dispatcher_) dispatcher_->Start();
}

void AlertSystem::Stop() {
  if (dispatcher_) dispatcher_->Stop();
}

}  // namespace breakglass::alerts
