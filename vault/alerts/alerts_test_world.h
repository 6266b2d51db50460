// AlertsWorld: what the alerts tests share — a SQLite store with the audit
// and outbox tables, the real audit log, a FakeClock, an HTTPS receiver with
// a fresh test CA, and a webhook sink pointed at it. Test-only.
#ifndef BREAKGLASS_VAULT_ALERTS_ALERTS_TEST_WORLD_H_
#define BREAKGLASS_VAULT_ALERTS_ALERTS_TEST_WORLD_H_

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vault/alerts/alerting_event_log.h"
#include "vault/alerts/dispatcher.h"
#include "vault/alerts/hmac_signer.h"
#include "vault/alerts/outbox.h"
#include "vault/alerts/testing/https_receiver.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/base/random.h"
#include "vault/core/audit_adapters.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::alerts::testing {

inline constexpr std::string_view kTestSecret = "test-webhook-secret-0123456789abcdef";

inline void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::vector<store::sqlite::Migration> AlertsWorldMigrations() {
  std::vector<store::sqlite::Migration> m = audit::AuditLog::Migrations();
  for (auto& step : OutboxMigrations()) m.push_back(step);
  return m;
}

// True when `r` carries a valid signature of its body under kTestSecret.
inline bool SignatureValid(const ReceivedRequest& r) {
  auto signer = HmacSigner::FromSecret(base::SecretBytes::CopyFrom(kTestSecret));
  auto it = r.headers.find("x-breakglass-signature");
  return signer.ok() && it != r.headers.end() && it->second == signer->Sign(r.body);
}

// Distinct alert ids among the requests answered 2xx.
inline std::set<std::string> AcceptedIds(const std::vector<ReceivedRequest>& rs) {
  std::set<std::string> ids;
  for (const auto& r : rs) {
    if (r.replied >= 200 && r.replied < 300) ids.insert(r.headers.at("x-breakglass-idempotency-key"));
  }
  return ids;
}

class AlertsWorld {
 public:
  explicit AlertsWorld(std::string state_file = "") : clock_(absl::FromUnixSeconds(1'800'000'000)) {
    path_ = state_file.empty() ? dir_.File("state.db") : state_file;
    auto runner = store::TransactionRunner::Open(path_, AlertsWorldMigrations());
    REQUIRE(runner.ok());
    runner_ = *std::move(runner);
    auto log = audit::AuditLog::Create(runner_.get(), &clock_);
    REQUIRE(log.ok());
    log_ = *std::move(log);
    audit_events_ = std::make_unique<core::AuditEventLog>(log_.get());
    auto pki = TestPki::Create();
    REQUIRE(pki.ok());
    pki_ = *pki;
    WriteFile(dir_.File("ca.pem"), pki_.ca_cert_pem);
    WriteFile(dir_.File("secret"), std::string(kTestSecret) + "\n");
    auto receiver = HttpsReceiver::Start(pki_);
    REQUIRE(receiver.ok());
    receiver_ = *std::move(receiver);
  }

  // A webhook sink named `name` posting to the receiver's /alerts.
  std::unique_ptr<WebhookSink> Webhook(const std::string& name = "hook") {
    WebhookOptions o;
    o.name = name;
    o.target.url = receiver_->Url("/alerts");
    o.target.ca_file = dir_.File("ca.pem");
    o.target.connect_timeout = absl::Seconds(5);
    o.target.total_timeout = absl::Seconds(10);
    o.secret_file = dir_.File("secret");
    auto sink = WebhookSink::Create(o);
    REQUIRE(sink.ok());
    return *std::move(sink);
  }

  // An event of `type` about request `request`.
  core::VaultEvent Event(std::string type, std::string request = "req-1") {
    core::VaultEvent e;
    e.type = std::move(type);
    e.actor = "alice";
    e.subject = std::move(request);
    e.incident = "INC-4711";
    e.reason = "db down";
    e.time = clock_.Now();
    e.fields.Set("credential", "db-root").Set("credential_version", int64_t{1});
    return e;
  }

  // Appends `e` through `log` in its own unit.
  void Append(core::EventLog& log, const core::VaultEvent& e) {
    REQUIRE(runner_->Run([&](store::Txn& txn) { return log.Append(txn, e); }).ok());
  }

  int64_t Count(DeliveryState state) {
    int64_t n = -1;
    REQUIRE(runner_->Read([&](store::Txn& txn) -> absl::Status {
      auto c = CountDeliveries(txn, state);
      if (c.ok()) n = *c;
      return c.status();
    }).ok());
    return n;
  }

  // The leaves of type alert_delivery, parsed.
  std::vector<nlohmann::json> DeliveryEvents() {
    auto size = log_->Size();
    REQUIRE(size.ok());
    auto leaves = log_->Leaves(0, *size);
    REQUIRE(leaves.ok());
    std::vector<nlohmann::json> out;
    for (const std::string& l : *leaves) {
      auto j = nlohmann::json::parse(l);
      if (j["type"] == "alert_delivery") out.push_back(j);
    }
    return out;
  }

  store::testing::TempDir dir_;
  std::string path_;
  base::FakeClock clock_;
  base::SystemRandom random_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<core::AuditEventLog> audit_events_;
  TestPki pki_;
  std::unique_ptr<HttpsReceiver> receiver_;
};

}  // namespace breakglass::alerts::testing

#endif  // BREAKGLASS_VAULT_ALERTS_ALERTS_TEST_WORLD_H_
