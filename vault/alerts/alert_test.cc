#include "vault/alerts/alert.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vault/alerts/routing.h"

namespace breakglass::alerts {
namespace {

constexpr char kId[] = "0123456789abcdef0123456789abcdef";

core::VaultEvent ReleaseEvent() {
  core::VaultEvent e;
  e.type = "release";
  e.actor = "breakglassd";
  e.subject = "req-42";
  e.incident = "INC-4711";
  e.reason = "db down";
  e.time = absl::FromUnixMillis(1'800'000'000'123);
  e.fields.Set("credential", "db-root")
      .Set("credential_version", int64_t{3})
      .Set("approvers", "ann,bob")
      .Set("requester", "alice")
      .Set("box_sha256", "feedface")
      .Set("signature", "c2lnbmF0dXJl")
      .Set("statement", "{\"secret\":1}")
      .Set("release_key", "abcd");
  return e;
}

TEST_CASE("AlertCarriesTheVersionedSchemaAndEveryMember", "[alerts]") {
  auto alert = BuildAlert(ReleaseEvent(), kId);
  REQUIRE(alert.ok());
  const auto j = nlohmann::json::parse(alert->body);
  CHECK(j["schema"] == "breakglass.alert.v1");
  CHECK(j["id"] == kId);
  CHECK(j["event_type"] == "release");
  CHECK(j["severity"] == "critical");
  CHECK(j["time"] == "2027-01-15T08:00:00Z");
  CHECK(j["time_unix_ms"] == 1'800'000'000'123);
  CHECK(j["request"] == "req-42");
  CHECK(j["incident"] == "INC-4711");
  CHECK(j["credential"] == "db-root");
  CHECK(j["credential_version"] == 3);
  CHECK(j["details"]["approvers"] == "ann,bob");
  CHECK(j["summary"].get<std::string>().find("INC-4711") != std::string::npos);
  for (const char* k : {"actor", "subject", "reason"}) CHECK(j.contains(k));
  CHECK(alert->body == j.dump());  // sorted keys, compact
}

TEST_CASE("AlertCopiesOnlyAllowListedFields", "[alerts]") {
  auto alert = BuildAlert(ReleaseEvent(), kId);
  REQUIRE(alert.ok());
  for (const char* never : {"box_sha256", "signature", "statement", "release_key", "feedface"}) {
    CHECK(alert->body.find(never) == std::string::npos);
  }
}

TEST_CASE("AlertRefusesMalformedIdsAndNonUtf8", "[alerts]") {
  CHECK(BuildAlert(ReleaseEvent(), "XYZ").status().code() == absl::StatusCode::kInvalidArgument);
  core::VaultEvent e = ReleaseEvent();
  e.reason = "\xff";
  CHECK(BuildAlert(e, kId).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("AlertSeverityFollowsTheEventType", "[alerts]") {
  CHECK(SeverityFor("rollback_alarm") == Severity::kCritical);
  CHECK(SeverityFor("fetch_refused") == Severity::kWarning);
  CHECK(SeverityFor("approval") == Severity::kInfo);
}

TEST_CASE("RoutingRejectsUnknownTypesSinksAndDeliveryLoops", "[alerts]") {
  const std::set<std::string> sinks = {"hook", "syslog"};
  CHECK(Routing::Create({{"releas", {"hook"}}}, sinks).status().message().find("releas") !=
        absl::string_view::npos);
  CHECK(!Routing::Create({{"release", {"pager"}}}, sinks).ok());
  CHECK(!Routing::Create({{"release", {}}}, sinks).ok());
  CHECK(!Routing::Create({{"alert_delivery", {"hook"}}}, sinks).ok());
  auto r = Routing::Create({{"release", {"syslog", "hook", "hook"}}}, sinks);
  REQUIRE(r.ok());
  CHECK(std::vector<std::string>(r->SinksFor("release").begin(), r->SinksFor("release").end()) ==
        std::vector<std::string>{"hook", "syslog"});
  CHECK(r->SinksFor("approval").empty());
}

TEST_CASE("RoutingAllToCoversTheDefaultTypes", "[alerts]") {
  auto r = Routing::AllTo({"hook"});
  REQUIRE(r.ok());
  for (const std::string& t : DefaultAlertingTypes()) CHECK(r->SinksFor(t).size() == 1);
  CHECK(r->SinksFor("alert_delivery").empty());
  CHECK(r->SinksFor("review_overdue").size() == 1);
}

}  // namespace
}  // namespace breakglass::alerts
