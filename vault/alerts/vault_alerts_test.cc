// The alerts layer wired to a real Vault (VaultHarness: SQLite store, audit
// log, FakeClock): alerts queued with their events, alert before release, and
// the incident check on request creation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vault/alerts/alerting_event_log.h"
#include "vault/alerts/alerts_test_world.h"
#include "vault/alerts/incident_checker.h"
#include "vault/alerts/release_gate.h"
#include "vault/base/status.h"
#include "vault/core/testing/fake_anchor.h"
#include "vault/core/testing/test_keystore.h"
#include "vault/core/testing/vault_harness.h"

namespace breakglass::alerts {
namespace {

using core::testing::VaultHarness;
using testing::ReceivedRequest;
using testing::Reply;

struct Rig {
  core::testing::TestKeystore keystore;
  core::testing::FakeAnchor anchor;
  base::SystemRandom random;
  store::testing::TempDir dir;
  std::unique_ptr<testing::HttpsReceiver> receiver;
  std::unique_ptr<WebhookSink> hook;
  std::unique_ptr<Routing> routing;
  std::unique_ptr<AlertingEventLog> events;
  std::unique_ptr<AlertReleaseGate> gate;
  std::unique_ptr<WebhookIncidentChecker> checker;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<VaultHarness> h;
  std::string incident_status = "open";

  Rig() {
    auto pki = testing::TestPki::Create();
    REQUIRE(pki.ok());
    testing::WriteFile(dir.File("ca.pem"), pki->ca_cert_pem);
    testing::WriteFile(dir.File("secret"), testing::kTestSecret);
    receiver = *testing::HttpsReceiver::Start(*pki);
    receiver->SetHandler([this](const ReceivedRequest& r) { return Answer(r); });
    hook = *WebhookSink::Create({"hook", Target("/alerts"), dir.File("secret")});
    routing = std::make_unique<Routing>(*Routing::AllTo({"hook"}));
    checker = *WebhookIncidentChecker::Create("incidents", Target("/check"),
                                              *HmacSigner::FromFile(dir.File("secret")), &random);
    VaultHarness::Extras extras;
    extras.migrations = OutboxMigrations();
    extras.configure = [this](store::TransactionRunner& runner, core::EventLog& audit_log,
                              core::EventLog& vault_events, core::VaultDeps& deps) {
      return Wire(runner, audit_log, vault_events, deps);
    };
    auto made = VaultHarness::Create(&keystore, [this](auto&, auto&) {
      return absl::StatusOr<core::Anchor*>(&anchor);
    }, std::move(extras));
    REQUIRE(made.ok());
    h = *std::move(made);
    REQUIRE(h->Provision().ok());
  }

  absl::Status Wire(store::TransactionRunner& runner, core::EventLog& audit_log,
                    core::EventLog& vault_events, core::VaultDeps& deps) {
    events = std::make_unique<AlertingEventLog>(&vault_events, routing.get(), &random);
    BG_ASSIGN_OR_RETURN(gate, AlertReleaseGate::Create(
        {&runner, &audit_log, routing.get(), deps.clock, &random}, {hook.get()},
        GatePolicy{absl::Seconds(30), 2, absl::Milliseconds(1), false}));
    BG_ASSIGN_OR_RETURN(dispatcher, Dispatcher::Create(
        {&runner, &audit_log, deps.clock, &random}, {{hook.get(), RetryPolicy{}}}));
    deps.events = events.get();
    deps.release_gate = gate.get();
    deps.incident_checker = checker.get();
    return absl::OkStatus();
  }

  HttpTarget Target(const std::string& path) {
    return {receiver->Url(path), dir.File("ca.pem"), absl::Seconds(5), absl::Seconds(10)};
  }

  Reply Answer(const ReceivedRequest& r) {
    if (r.path == "/alerts") return {alerts_status, "{}"};
    const auto q = nlohmann::json::parse(r.body);
    return {200, nlohmann::json{{"incident", q["incident"]}, {"status", incident_status}}.dump()};
  }

  std::vector<std::string> AlertTypes() {
    std::vector<std::string> types;
    for (const auto& r : receiver->Requests()) {
      if (r.path == "/alerts" && r.replied == 200) types.push_back(r.headers.at("x-breakglass-event"));
    }
    return types;
  }

  int alerts_status = 200;
};

TEST_CASE("ReleaseIsAlertedBeforeItIsCommittedAndEveryStepIsAlerted", "[alerts]") {
  Rig rig;
  auto r = rig.h->File();
  REQUIRE(r.ok());
  REQUIRE(rig.h->Decide("ann", r->id).ok());
  REQUIRE(rig.h->Decide("bob", r->id).ok());
  auto released = rig.h->Decide("sam", r->id);
  REQUIRE(released.ok());
  CHECK(released->state == core::RequestState::kReleased);
  CHECK(rig.AlertTypes() == std::vector<std::string>{"release_pending"});
  REQUIRE(*rig.dispatcher->RunOnce("hook") == 5);
  CHECK(rig.AlertTypes() == std::vector<std::string>{"release_pending", "request", "approval",
                                                     "approval", "approval", "release"});
  for (const auto& req : rig.receiver->Requests()) {
    if (req.path == "/alerts") CHECK(testing::SignatureValid(req));
  }
}

TEST_CASE("ReleaseIsRefusedWithNoStateChangeWhenNoSinkAcceptsItsAlert", "[alerts]") {
  Rig rig;
  auto r = rig.h->File();
  REQUIRE(r.ok());
  REQUIRE(rig.h->Decide("ann", r->id).ok());
  REQUIRE(rig.h->Decide("bob", r->id).ok());
  auto before = rig.h->Snap();
  REQUIRE(before.ok());
  rig.alerts_status = 503;
  auto refused = rig.h->Decide("sam", r->id);
  REQUIRE(refused.status().code() == absl::StatusCode::kUnavailable);
  const std::string msg(refused.status().message());
  CHECK(msg.find("hook: webhook hook: HTTP 503") != std::string::npos);
  CHECK(msg.find("NOT recorded") != std::string::npos);
  CHECK(*rig.h->Snap() == *before);
  rig.alerts_status = 200;
  auto released = rig.h->Decide("sam", r->id);
  REQUIRE(released.ok());
  CHECK(released->state == core::RequestState::kReleased);
  CHECK(rig.h->FetchAndOpen("alice", r->id).ok());
}

TEST_CASE("RequestsNeedAnOpenIncidentAndAreRefusedWhenTheCheckerIsDown", "[alerts]") {
  Rig rig;
  CHECK(rig.h->File().ok());
  auto before = rig.h->Snap();
  REQUIRE(before.ok());
  for (const char* status : {"closed", "unknown"}) {
    rig.incident_status = status;
    auto refused = rig.h->File();
    CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(std::string(refused.status().message()).find(std::string("is ") + status) !=
          std::string::npos);
  }
  rig.incident_status = "open";
  rig.receiver->GoDown();
  auto down = rig.h->File();
  CHECK(down.status().code() == absl::StatusCode::kUnavailable);
  CHECK(down.status().message().find("incident checker incidents") != absl::string_view::npos);
  CHECK(*rig.h->Snap() == *before);
}

}  // namespace
}  // namespace breakglass::alerts
