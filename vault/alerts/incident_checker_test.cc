#include "vault/alerts/incident_checker.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;
using testing::ReceivedRequest;
using testing::Reply;

// An incident service: INC-1 open, INC-2 closed, everything else unknown.
Reply Answer(const ReceivedRequest& r) {
  if (!testing::SignatureValid(r)) return {401, "{}"};
  const auto q = nlohmann::json::parse(r.body);
  const std::string id = q["incident"];
  const char* status = id == "INC-1" ? "open" : id == "INC-2" ? "closed" : "unknown";
  return {200, nlohmann::json{{"incident", id}, {"status", status}}.dump()};
}

std::unique_ptr<WebhookIncidentChecker> Checker(AlertsWorld& w) {
  auto signer = HmacSigner::FromFile(w.dir_.File("secret"));
  REQUIRE(signer.ok());
  auto c = WebhookIncidentChecker::Create(
      "incidents", {w.receiver_->Url("/check"), w.dir_.File("ca.pem")}, *std::move(signer), &w.random_);
  REQUIRE(c.ok());
  return *std::move(c);
}

core::IncidentQuery Query(std::string incident) {
  return {std::move(incident), "db-root", "alice", absl::FromUnixSeconds(1'800'000'000)};
}

TEST_CASE("IncidentCheckAcceptsOpenAndRefusesClosedOrUnknown", "[alerts]") {
  AlertsWorld w;
  w.receiver_->SetHandler(Answer);
  auto checker = Checker(w);
  CHECK(checker->CheckIncident(Query("INC-1")).ok());
  absl::Status closed = checker->CheckIncident(Query("INC-2"));
  CHECK(closed.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(closed.message().find("INC-2 is closed") != absl::string_view::npos);
  absl::Status unknown = checker->CheckIncident(Query("INC-3"));
  CHECK(unknown.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(unknown.message().find("INC-3 is unknown") != absl::string_view::npos);
  CHECK(unknown.message().find("incidents") != absl::string_view::npos);
  const auto q = nlohmann::json::parse(w.receiver_->Requests().at(0).body);
  CHECK(q["schema"] == "breakglass.incident_check.v1");
  CHECK(q["credential"] == "db-root");
  CHECK(q["requester"] == "alice");
}

TEST_CASE("IncidentCheckFailsClosedWhenTheCheckerIsDownOrConfused", "[alerts]") {
  AlertsWorld w;
  auto checker = Checker(w);
  auto expect_down = [&](const char* why) {
    absl::Status s = checker->CheckIncident(Query("INC-1"));
    INFO(why << ": " << s);
    CHECK(s.code() == absl::StatusCode::kUnavailable);
    CHECK(s.message().find("incident checker incidents") != absl::string_view::npos);
  };
  w.receiver_->SetStatus(500);
  expect_down("HTTP 500");
  w.receiver_->SetHandler([](const ReceivedRequest&) { return Reply{200, "not json"}; });
  expect_down("malformed");
  w.receiver_->SetHandler([](const ReceivedRequest&) {
    return Reply{200, R"({"incident":"INC-9","status":"open"})"};
  });
  expect_down("another incident");
  w.receiver_->GoDown();
  expect_down("connection refused");
}

}  // namespace
}  // namespace breakglass::alerts
