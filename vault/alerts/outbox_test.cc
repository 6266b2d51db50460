#include "vault/alerts/outbox.h"

#include <catch2/catch.hpp>

#include "vault/alerts/alerting_event_log.h"
#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;

TEST_CASE("AlertIsQueuedInTheSameTransactionAsItsEvent", "[alerts]") {
  AlertsWorld w;
  auto routing = Routing::AllTo({"hook"});
  REQUIRE(routing.ok());
  AlertingEventLog events(w.audit_events_.get(), &*routing, &w.random_);
  int woken = 0;
  events.set_wake([&] { ++woken; });
  // A unit that fails after appending stores neither the event nor the alert.
  absl::Status failed = w.runner_->Run([&](store::Txn& txn) -> absl::Status {
    if (absl::Status s = events.Append(txn, w.Event("release")); !s.ok()) return s;
    return absl::AbortedError("the state change failed");
  });
  CHECK(failed.code() == absl::StatusCode::kAborted);
  CHECK(w.Count(DeliveryState::kPending) == 0);
  CHECK(*w.log_->Size() == 0);
  w.Append(events, w.Event("release"));
  CHECK(w.Count(DeliveryState::kPending) == 1);
  CHECK(*w.log_->Size() == 1);
  CHECK(woken == 2);
}

TEST_CASE("UnroutedEventsQueueNoAlert", "[alerts]") {
  AlertsWorld w;
  auto routing = Routing::Create({{"release", {"hook", "pager"}}}, {"hook", "pager"});
  REQUIRE(routing.ok());
  AlertingEventLog events(w.audit_events_.get(), &*routing, &w.random_);
  w.Append(events, w.Event("approval"));
  CHECK(w.Count(DeliveryState::kPending) == 0);
  w.Append(events, w.Event("release"));
  CHECK(w.Count(DeliveryState::kPending) == 2);  // one per sink
}

TEST_CASE("DeliveredRowsNeverGoBackToPendingAndIdsAreUnique", "[alerts]") {
  AlertsWorld w;
  auto alert = BuildAlert(w.Event("release"), std::string(32, 'a'));
  REQUIRE(alert.ok());
  const std::vector<std::string> sinks = {"hook"};
  REQUIRE(w.runner_->Run([&](store::Txn& t) { return Enqueue(t, *alert, sinks, 5); }).ok());
  CHECK(w.runner_->Run([&](store::Txn& t) { return Enqueue(t, *alert, sinks, 5); }).code() ==
        absl::StatusCode::kAlreadyExists);
  std::vector<PendingDelivery> due;
  REQUIRE(w.runner_->Read([&](store::Txn& t) -> absl::Status {
    auto d = LoadDue(t, "hook", 5, 10);
    if (d.ok()) due = *d;
    return d.status();
  }).ok());
  REQUIRE(due.size() == 1);
  CHECK(due[0].alert.body == alert->body);
  auto record = [&](DeliveryState s) {
    return w.runner_->Run([&](store::Txn& t) {
      return RecordAttempt(t, due[0].seq, "hook", s, 1, 5, "");
    });
  };
  REQUIRE(record(DeliveryState::kDelivered).ok());
  CHECK(record(DeliveryState::kPending).code() == absl::StatusCode::kNotFound);
  CHECK(w.Count(DeliveryState::kDelivered) == 1);
}

}  // namespace
}  // namespace breakglass::alerts
