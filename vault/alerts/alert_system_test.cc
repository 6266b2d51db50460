#include "vault/alerts/alert_system.h"

#include <catch2/catch.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;

AlertSystemDeps Deps(AlertsWorld& w) {
  return {w.runner_.get(), w.audit_events_.get(), &w.clock_, &w.random_};
}

AlertSystemConfig WebhookConfig(AlertsWorld& w) {
  AlertSystemConfig c;
  c.webhook.url = w.receiver_->Url("/alerts");
  c.webhook.secret_file = w.dir_.File("secret");
  c.webhook.ca_file = w.dir_.File("ca.pem");
  return c;
}

TEST_CASE("AlertSystemWiresWebhookRoutingGateAndDispatcher", "[alerts]") {
  AlertsWorld w;
  AlertSystemConfig c = WebhookConfig(w);
  c.webhook.events = {"release"};
  auto s = AlertSystem::Create(c, Deps(w));
  REQUIRE(s.ok());
  REQUIRE((*s)->release_gate() != nullptr);
  CHECK((*s)->incident_checker() == nullptr);
  CHECK((*s)->sink_names() == std::vector<std::string>{"webhook"});
  (*s)->Start();
  w.Append(*(*s)->events(), w.Event("approval"));  // not routed
  w.Append(*(*s)->events(), w.Event("release"));
  REQUIRE(w.receiver_->WaitUntil(
      [](const auto& rs) { return testing::AcceptedIds(rs).size() == 1; }, absl::Seconds(60)));
  (*s)->Stop();
  CHECK(w.receiver_->Requests().at(0).headers.at("x-breakglass-event") == "release");
}

TEST_CASE("AlertSystemRefusesAGateWithoutSinksAndNamesBadKeys", "[alerts]") {
  AlertsWorld w;
  auto none = AlertSystem::Create({}, Deps(w));
  CHECK(none.status().message().find("alerts.release_gate") != absl::string_view::npos);
  AlertSystemConfig off;
  off.gate = GateMode::kOff;
  auto quiet = AlertSystem::Create(off, Deps(w));
  REQUIRE(quiet.ok());
  CHECK((*quiet)->release_gate() == nullptr);
  AlertSystemConfig bad = WebhookConfig(w);
  bad.webhook.events = {"relase"};
  CHECK(AlertSystem::Create(bad, Deps(w)).status().message().find("alerts.webhook_events") !=
        absl::string_view::npos);
  bad = WebhookConfig(w);
  bad.webhook.secret_file = w.dir_.File("nope");
  CHECK(AlertSystem::Create(bad, Deps(w)).status().message().find("alerts.webhook_secret_file") !=
        absl::string_view::npos);
  bad = WebhookConfig(w);
  bad.incident_check.url = w.receiver_->Url("/check");
  bad.incident_check.secret_file = w.dir_.File("nope");
  CHECK(AlertSystem::Create(bad, Deps(w)).status().message().find("incident_check.secret_file") !=
        absl::string_view::npos);
  bad.incident_check.secret_file = w.dir_.File("secret");
  auto with_check = AlertSystem::Create(bad, Deps(w));
  REQUIRE(with_check.ok());
  CHECK((*with_check)->incident_checker() != nullptr);
}

TEST_CASE("AlertSystemAlertsRollbackAlarmsAndTheNvBudget", "[alerts]") {
  AlertsWorld w;
  auto s = AlertSystem::Create(WebhookConfig(w), Deps(w));
  REQUIRE(s.ok());
  (*s)->RollbackAlarmHook()({"release", 7, 9, audit::RollbackProblem::kStoreBehindTpm});
  (*s)->BudgetWarningHook()({1, 81, 100, 100});
  CHECK(w.Count(DeliveryState::kPending) == 2);
  (*s)->Start();
  REQUIRE(w.receiver_->WaitUntil(
      [](const auto& rs) { return testing::AcceptedIds(rs).size() == 2; }, absl::Seconds(60)));
  (*s)->Stop();
  std::set<std::string> types;
  for (const auto& r : w.receiver_->Requests()) types.insert(r.headers.at("x-breakglass-event"));
  CHECK(types == std::set<std::string>{"rollback_alarm", "nv_budget_low"});
}

}  // namespace
}  // namespace breakglass::alerts
