#include "vault/alerts/dispatcher.h"

#include <catch2/catch.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AcceptedIds;
using testing::AlertsWorld;
using testing::ReceivedRequest;

constexpr absl::Duration kPatience = absl::Seconds(60);  // a bound, not a measurement

struct Rig {
  explicit Rig(AlertsWorld& w, RetryPolicy retry = {}) : sink(w.Webhook()) {
    auto r = Routing::AllTo({"hook"});
    REQUIRE(r.ok());
    routing = std::make_unique<Routing>(*r);
    events = std::make_unique<AlertingEventLog>(w.audit_events_.get(), routing.get(), &w.random_);
    auto d = Dispatcher::Create({w.runner_.get(), w.audit_events_.get(), &w.clock_, &w.random_},
                                {{sink.get(), retry}}, {absl::Milliseconds(20), 8});
    REQUIRE(d.ok());
    dispatcher = *std::move(d);
    events->set_wake([p = dispatcher.get()] { p->Wake(); });
  }
  std::unique_ptr<WebhookSink> sink;
  std::unique_ptr<Routing> routing;
  std::unique_ptr<AlertingEventLog> events;
  std::unique_ptr<Dispatcher> dispatcher;
};

bool HasAll(size_t n, const std::vector<ReceivedRequest>& rs) { return AcceptedIds(rs).size() == n; }

TEST_CASE("DispatcherDeliversEveryAlertWithAValidSignature", "[alerts]") {
  AlertsWorld w;
  Rig rig(w);
  rig.dispatcher->Start();
  for (const char* t : {"request", "approval", "release", "fetch_refused", "rotation"}) {
    w.Append(*rig.events, w.Event(t));
  }
  REQUIRE(w.receiver_->WaitUntil([](const auto& rs) { return HasAll(5, rs); }, kPatience));
  rig.dispatcher->Stop();
  for (const ReceivedRequest& r : w.receiver_->Requests()) CHECK(testing::SignatureValid(r));
  CHECK(w.Count(DeliveryState::kDelivered) == 5);
  CHECK(w.Count(DeliveryState::kPending) == 0);
  const auto outcomes = w.DeliveryEvents();
  REQUIRE(outcomes.size() == 5);
  for (const auto& e : outcomes) CHECK(e["outcome"] == "delivered");
}

TEST_CASE("DispatcherRetriesWhileTheReceiverIsDownAndThenDeliversAll", "[alerts]") {
  AlertsWorld w;
  Rig rig(w, RetryPolicy{absl::Seconds(1), absl::Seconds(30), 0, absl::Hours(1)});
  w.receiver_->GoDown();
  for (int i = 0; i < 4; ++i) w.Append(*rig.events, w.Event("release", "req-" + std::to_string(i)));
  REQUIRE(*rig.dispatcher->RunOnce("hook") == 4);  // all fail
  CHECK(w.Count(DeliveryState::kPending) == 4);
  CHECK(*rig.dispatcher->RunOnce("hook") == 0);  // backing off (the clock did not move)
  w.receiver_->SetStatus(503);
  REQUIRE(w.receiver_->ComeUp().ok());
  w.clock_.Advance(absl::Seconds(2));
  CHECK(*rig.dispatcher->RunOnce("hook") == 4);  // 503: still failing
  w.receiver_->SetStatus(200);
  w.clock_.Advance(absl::Seconds(60));
  rig.dispatcher->Start();
  REQUIRE(w.receiver_->WaitUntil([](const auto& rs) { return HasAll(4, rs); }, kPatience));
  rig.dispatcher->Stop();
  CHECK(w.Count(DeliveryState::kDelivered) == 4);
  int failed = 0, delivered = 0;
  for (const auto& e : w.DeliveryEvents()) {
    (e["outcome"] == "failed" ? failed : delivered) += 1;
    if (e["outcome"] == "failed") CHECK(!e["error"].get<std::string>().empty());
  }
  CHECK(failed == 8);
  CHECK(delivered == 4);
}

TEST_CASE("DispatcherGivesUpAfterMaxAttemptsAndLogsIt", "[alerts]") {
  AlertsWorld w;
  Rig rig(w, RetryPolicy{absl::Seconds(1), absl::Seconds(1), 2, absl::Hours(1)});
  w.receiver_->SetStatus(500);
  w.Append(*rig.events, w.Event("release"));
  CHECK(*rig.dispatcher->RunOnce("hook") == 1);
  w.clock_.Advance(absl::Seconds(5));
  CHECK(*rig.dispatcher->RunOnce("hook") == 1);
  w.clock_.Advance(absl::Seconds(5));
  CHECK(*rig.dispatcher->RunOnce("hook") == 0);
  CHECK(w.Count(DeliveryState::kGaveUp) == 1);
  const auto outcomes = w.DeliveryEvents();
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[1]["outcome"] == "gave_up");
  CHECK(outcomes[1]["sink"] == "hook");
  CHECK(outcomes[1]["incident"] == "INC-4711");
  CHECK(outcomes[1]["subject"] == "req-1");
}

TEST_CASE("PendingAlertsSurviveARestart", "[alerts]") {
  AlertsWorld w;
  {
    Rig rig(w);
    w.receiver_->GoDown();
    for (int i = 0; i < 3; ++i) w.Append(*rig.events, w.Event("request", "req-" + std::to_string(i)));
    CHECK(*rig.dispatcher->RunOnce("hook") == 3);
  }
  w.log_.reset();
  w.runner_.reset();  // the process "stops"
  auto reopened = store::TransactionRunner::Open(w.path_, testing::AlertsWorldMigrations());
  REQUIRE(reopened.ok());
  w.runner_ = *std::move(reopened);
  w.log_ = *audit::AuditLog::Create(w.runner_.get(), &w.clock_);
  w.audit_events_ = std::make_unique<core::AuditEventLog>(w.log_.get());
  REQUIRE(w.receiver_->ComeUp().ok());
  w.clock_.Advance(absl::Hours(1));
  Rig rig(w);
  rig.dispatcher->Start();
  REQUIRE(w.receiver_->WaitUntil([](const auto& rs) { return HasAll(3, rs); }, kPatience));
  rig.dispatcher->Stop();
  CHECK(w.Count(DeliveryState::kPending) == 0);
}

TEST_CASE("BackoffIsFullJitterUnderACappedExponential", "[alerts]") {
  const RetryPolicy p{absl::Seconds(1), absl::Seconds(10), 0, absl::Hours(1)};
  CHECK(BackoffDelay(p, 1, 1.0) == absl::Seconds(1));
  CHECK(BackoffDelay(p, 3, 1.0) == absl::Seconds(4));
  CHECK(BackoffDelay(p, 30, 1.0) == absl::Seconds(10));
  CHECK(BackoffDelay(p, 3, 0.5) == absl::Seconds(2));
  CHECK(BackoffDelay(p, 3, 0.0) == absl::ZeroDuration());
}

}  // namespace
}  // namespace breakglass::alerts
