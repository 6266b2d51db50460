// alerts_outbox_child STATE_DB URL CA_FILE SECRET_FILE COUNT
// The process the outbox restart test kills: it files COUNT alerting events
// (each committed with its alert), runs a dispatcher against URL (which the
// test keeps failing), prints "ready" once every event is durable, and then
// waits to be killed with its alerts still pending. Test-only.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "vault/alerts/alerting_event_log.h"
#include "vault/alerts/dispatcher.h"
#include "vault/alerts/outbox.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/audit/log.h"
#include "vault/core/audit_adapters.h"

namespace breakglass::alerts {
namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "alerts_outbox_child: %s\n", std::string(s.message()).c_str());
  return 2;
}

int Run(const std::string& db, const std::string& url, const std::string& ca,
        const std::string& secret, int count) {
  std::vector<store::sqlite::Migration> steps = audit::AuditLog::Migrations();
  for (auto& m : OutboxMigrations()) steps.push_back(m);
  auto runner = store::TransactionRunner::Open(db, steps);
  if (!runner.ok()) return Fail(runner.status());
  base::SystemClock clock;
  base::SystemRandom random;
  auto log = audit::AuditLog::Create(runner->get(), &clock);
  if (!log.ok()) return Fail(log.status());
  core::AuditEventLog audit_events(log->get());
  auto sink = WebhookSink::Create({"hook", {url, ca}, secret});
  if (!sink.ok()) return Fail(sink.status());
  auto routing = Routing::AllTo({"hook"});
  AlertingEventLog events(&audit_events, &*routing, &random);
  auto dispatcher = Dispatcher::Create({runner->get(), &audit_events, &clock, &random},
                                       {{sink->get(), RetryPolicy{}}});
  if (!dispatcher.ok()) return Fail(dispatcher.status());
  (*dispatcher)->Start();
  for (int i = 0; i < count; ++i) {
    core::VaultEvent e;
    e.type = "release";
    e.subject = "req-" + std::to_string(i);
    e.incident = "INC-4711";
    e.time = clock.Now();
    absl::Status s = (*runner)->Run([&](store::Txn& txn) { return events.Append(txn, e); });
    if (!s.ok()) return Fail(s);
  }
  std::printf("ready\n");
  std::fflush(stdout);
  while (true) pause();  // killed here, alerts pending
}

}  // namespace
}  // namespace breakglass::alerts

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: alerts_outbox_child STATE_DB URL CA_FILE SECRET_FILE COUNT\n");
    return 2;
  }
  return breakglass::alerts::Run(argv[1], argv[2], argv[3], argv[4], std::atoi(argv[5]));
}
