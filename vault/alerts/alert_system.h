// AlertSystem: the alerts layer assembled from configuration, for the
// composition root (breakglassd): the sinks (one HTTPS webhook, one syslog
// target — each optional), the routing of event types to them, the
// AlertingEventLog to hand the Vault as its EventLog, the dispatcher, the
// alert-before-release gate and the incident checker.
//
// Configuration errors name the breakglassd.toml key ("alerts.webhook_url",
// "incident_check.secret_file", ...). Secrets are read from files and never
// appear in errors.
//
// Thread-safety: Create/Start/Stop from one thread; the ports it hands out
// are safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_ALERT_SYSTEM_H_
#define BREAKGLASS_VAULT_ALERTS_ALERT_SYSTEM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/alerts/alerting_event_log.h"
#include "vault/alerts/dispatcher.h"
#include "vault/alerts/incident_checker.h"
#include "vault/alerts/release_gate.h"
#include "vault/alerts/routing.h"
#include "vault/alerts/sink.h"
#include "vault/audit/anchor.h"
#include "vault/audit/anchor_event.h"

namespace breakglass::alerts {

enum class GateMode { kOff, kRequire, kContinueAfterTimeout };

struct AlertSystemConfig {
  struct Webhook {
    std::string url;  // "" = no webhook sink
    std::string secret_file;
    std::string ca_file;  // "" = system trust store
    absl::Duration connect_timeout = absl::Seconds(5);
    absl::Duration total_timeout = absl::Seconds(10);
    std::vector<std::string> events;  // empty = DefaultAlertingTypes()
  } webhook;
  struct Syslog {
    std::string address;  // "" = no syslog sink; "unix:/dev/log", "udp:host:port"
    int facility = 10;
    std::vector<std::string> events;  // empty = DefaultAlertingTypes()
  } syslog;
  RetryPolicy retry;
  GateMode gate = GateMode::kRequire;
  GatePolicy gate_policy;  // continue_after_timeout is set from `gate`
  struct IncidentCheck {
    std::string url;  // "" = no incident check
    std::string secret_file;
    std::string ca_file;
    absl::Duration timeout = absl::Seconds(5);
  } incident_check;
};

struct AlertSystemDeps {
  store::TransactionRunner* runner = nullptr;  // migrated with OutboxMigrations()
  core::EventLog* audit_log = nullptr;         // the undecorated audit EventLog
  const base::Clock* clock = nullptr;
  base::Random* random = nullptr;
};

class AlertSystem final {
 public:
  // INVALID_ARGUMENT / FAILED_PRECONDITION naming the key: a bad URL or
  // address, an unreadable secret or CA file, an unknown event type, or the
  // release gate on without any sink (set a sink or alerts.release_gate =
  // "off").
  static absl::StatusOr<std::unique_ptr<AlertSystem>> Create(AlertSystemConfig config,
                                                             AlertSystemDeps deps);
  ~AlertSystem();  // Stop()

  // The EventLog to give the Vault (decorates deps.audit_log).
  core::EventLog* events() { return events_.get(); }
  // nullptr when the gate is off.
  core::ReleaseGate* release_gate() { return gate_.get(); }
  // nullptr when no incident check is configured.
  core::IncidentChecker* incident_checker() { return checker_.get(); }
  // Sink names in use ("webhook", "syslog").
  std::vector<std::string> sink_names() const;

  // Queues the alert for `event`, which the caller has already recorded in
  // the audit log (e.g. the Anchorer's rollback_alarm), in a unit of its own.
  // OK without queuing anything when the type is not routed.
  absl::Status Raise(const core::VaultEvent& event);
  // Hooks for audit::AnchorOptions: alert `nv_budget_low` and
  // `rollback_alarm`. They call Raise (blocking on the store); errors are
  // dropped (the Anchorer has logged the event itself).
  std::function<void(const audit::NvWriteStats&)> BudgetWarningHook();
  std::function<void(const audit::CounterDisagreement&)> RollbackAlarmHook();

  // Starts / stops the dispatcher threads (no-ops without sinks).
  void Start();
  void Stop();

 private:
  AlertSystem() = default;
  absl::Status MakeSinks(const AlertSystemConfig& c);
  absl::Status MakeRouting(const AlertSystemConfig& c);

  AlertSystemDeps deps_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Routing> routing_;
  std::unique_ptr<AlertingEventLog> events_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<AlertReleaseGate> gate_;
  std::unique_ptr<WebhookIncidentChecker> checker_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_ALERT_SYSTEM_H_
