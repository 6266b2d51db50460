#include "vault/alerts/release_gate.h"

#include <catch2/catch.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;

core::ReleaseNotice Notice() {
  return {"req-9", "db-root", 2, "alice", "INC-4711", "db down", "ann,sam", "sam",
          absl::FromUnixSeconds(1'800'000'000)};
}

struct GateRig {
  GateRig(AlertsWorld& w, GatePolicy policy) : hook(w.Webhook("hook")), pager(w.Webhook("pager")) {
    routing = std::make_unique<Routing>(*Routing::AllTo({"hook", "pager"}));
    auto g = AlertReleaseGate::Create(
        {w.runner_.get(), w.audit_events_.get(), routing.get(), &w.clock_, &w.random_},
        {hook.get(), pager.get()}, policy);
    REQUIRE(g.ok());
    gate = *std::move(g);
  }
  std::unique_ptr<WebhookSink> hook, pager;
  std::unique_ptr<Routing> routing;
  std::unique_ptr<AlertReleaseGate> gate;
};

const GatePolicy kQuick{absl::Seconds(30), 2, absl::Milliseconds(1), false};

TEST_CASE("GatePassesOnceOneSinkAcceptsAndLogsTheDelivery", "[alerts]") {
  AlertsWorld w;
  GateRig rig(w, kQuick);
  REQUIRE(rig.gate->BeforeRelease(Notice()).ok());
  const auto rs = w.receiver_->Requests();
  REQUIRE(rs.size() == 1);
  CHECK(testing::SignatureValid(rs[0]));
  CHECK(rs[0].headers.at("x-breakglass-event") == "release_pending");
  const auto logged = w.DeliveryEvents();
  REQUIRE(logged.size() == 1);
  CHECK(logged[0]["outcome"] == "delivered");
  CHECK(logged[0]["stage"] == "before_release");
  CHECK(logged[0]["subject"] == "req-9");
}

TEST_CASE("GateRefusesNamingEverySinkWhenAllFailAndStoresNothing", "[alerts]") {
  AlertsWorld w;
  GateRig rig(w, kQuick);
  w.receiver_->SetStatus(503);
  absl::Status s = rig.gate->BeforeRelease(Notice());
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  const std::string msg(s.message());
  CHECK(msg.find("hook: webhook hook: HTTP 503") != std::string::npos);
  CHECK(msg.find("pager: webhook pager: HTTP 503") != std::string::npos);
  CHECK(msg.find(testing::kTestSecret) == std::string::npos);
  CHECK(w.receiver_->Requests().size() == 4);  // 2 rounds x 2 sinks
  CHECK(*w.log_->Size() == 0);
  CHECK(w.Count(DeliveryState::kPending) == 0);
}

TEST_CASE("GateContinuesAfterTimeoutWhenPolicySaysAndLogsAndAlertsIt", "[alerts]") {
  AlertsWorld w;
  GatePolicy policy = kQuick;
  policy.continue_after_timeout = true;
  GateRig rig(w, policy);
  w.receiver_->GoDown();
  REQUIRE(rig.gate->BeforeRelease(Notice()).ok());
  const auto logged = w.DeliveryEvents();
  REQUIRE(logged.size() == 1);
  CHECK(logged[0]["outcome"] == "release_without_alert");
  CHECK(logged[0]["error"].get<std::string>().find("hook") != std::string::npos);
  CHECK(w.Count(DeliveryState::kPending) == 2);  // release_gate_bypassed to hook and pager
}

// A sink that is down, and whose every attempt takes ten (fake) seconds.
class SlowDeadSink final : public Sink {
 public:
  explicit SlowDeadSink(base::FakeClock* clock) : clock_(clock) {}
  const std::string& name() const override { return name_; }
  absl::Status Deliver(const Alert&) override {
    ++attempts;
    clock_->Advance(absl::Seconds(10));
    return absl::UnavailableError("connection refused");
  }
  int attempts = 0;

 private:
  base::FakeClock* clock_;
  std::string name_ = "slow";
};

TEST_CASE("GateStopsTryingOnceTheTimeoutHasPassedOnItsClock", "[alerts]") {
  AlertsWorld w;
  SlowDeadSink sink(&w.clock_);
  Routing routing = *Routing::AllTo({"slow"});
  auto gate = AlertReleaseGate::Create(
      {w.runner_.get(), w.audit_events_.get(), &routing, &w.clock_, &w.random_}, {&sink},
      GatePolicy{absl::Seconds(30), 1000, absl::Milliseconds(1), false});
  REQUIRE(gate.ok());
  absl::Status s = (*gate)->BeforeRelease(Notice());
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK(s.message().find("slow: connection refused") != absl::string_view::npos);
  CHECK(sink.attempts == 3);  // 10 s, 20 s, 30 s: the deadline
}

}  // namespace
}  // namespace breakglass::alerts
