// AlertReleaseGate: "alert before release" (issue 7). Before a release is
// committed, a `release_pending` alert (alert.h; critical) is sent directly —
// not through the outbox — to the gate's sinks, in rounds: each round tries
// every sink once; the first acceptance lets the release proceed. After
// `attempts` rounds, or once `timeout` has passed on the injected clock:
//   - by default the release is refused: UNAVAILABLE naming every sink and
//     its last error; nothing is stored (the vault's refusal contract);
//   - with continue_after_timeout, the release proceeds and that fact is
//     logged (an `alert_delivery` audit event with outcome
//     "release_without_alert") and alerted (a `release_gate_bypassed` alert
//     queued in the same transaction to the sinks routed for that type, or
//     else to the gate's sinks).
// An accepted alert is logged as `alert_delivery` with outcome "delivered"
// and stage "before_release" (in its own transaction, before the release's).
//
// Thread-safety: BeforeRelease is safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_RELEASE_GATE_H_
#define BREAKGLASS_VAULT_ALERTS_RELEASE_GATE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/alerts/routing.h"
#include "vault/alerts/sink.h"
#include "vault/base/clock.h"
#include "vault/base/random.h"
#include "vault/core/event_log.h"
#include "vault/core/release_gate.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::alerts {

struct GatePolicy {
  absl::Duration timeout = absl::Seconds(30);        // on the injected clock
  int attempts = 5;                                  // rounds over all sinks
  absl::Duration retry_interval = absl::Seconds(2);  // real time between rounds
  bool continue_after_timeout = false;
};

struct GateDeps {
  store::TransactionRunner* runner = nullptr;
  core::EventLog* events = nullptr;  // the undecorated audit log
  const Routing* routing = nullptr;  // for release_gate_bypassed
  const base::Clock* clock = nullptr;
  base::Random* random = nullptr;
};

class AlertReleaseGate final : public core::ReleaseGate {
 public:
  // `sinks` are borrowed and must outlive the gate. INVALID_ARGUMENT for a
  // missing dependency, no sinks, or attempts < 1.
  static absl::StatusOr<std::unique_ptr<AlertReleaseGate>> Create(GateDeps deps,
                                                                  std::vector<Sink*> sinks,
                                                                  GatePolicy policy);

  absl::Status BeforeRelease(const core::ReleaseNotice& notice) override;

 private:
  AlertReleaseGate(GateDeps deps, std::vector<Sink*> sinks, GatePolicy policy)
      : d_(deps), sinks_(std::move(sinks)), policy_(policy) {}

  // Tries every sink once; the accepting sink's name, or the errors.
  absl::StatusOr<std::string> Round(const Alert& alert, std::vector<std::string>& errors);
  absl::Status LogDelivered(const core::ReleaseNotice& n, const Alert& alert,
                            const std::string& sink);
  absl::Status LogBypass(const core::ReleaseNotice& n, const Alert& alert,
                         const std::string& errors);

  const GateDeps d_;
  const std::vector<Sink*> sinks_;
  const GatePolicy policy_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_RELEASE_GATE_H_
