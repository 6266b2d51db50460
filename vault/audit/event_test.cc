#include "vault/audit/event.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace breakglass::audit {
namespace {

using nlohmann::json;

constexpr int kLastType = static_cast<int>(EventType::kVerificationFailure);

TEST_CASE("Event type names are stable and round-trip", "[event]") {
  REQUIRE(EventTypeName(EventType::kRequest) == "request");
  REQUIRE(EventTypeName(EventType::kFetchRefused) == "fetch_refused");
  REQUIRE(EventTypeName(EventType::kIdentityAdd) == "identity_add");
  REQUIRE(EventTypeName(EventType::kAlertDelivery) == "alert_delivery");
  REQUIRE(EventTypeName(EventType::kVerificationFailure) == "verification_failure");
  std::set<std::string_view> names;
  for (int i = 0; i <= kLastType; ++i) {
    const auto type = static_cast<EventType>(i);
    const std::string_view name = EventTypeName(type);
    REQUIRE(names.insert(name).second);
    REQUIRE(*ParseEventType(name) == type);
  }
  REQUIRE(ParseEventType("Request").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("State-changing events are told apart from routine ones", "[event]") {
  REQUIRE(IsStateChanging(EventType::kRelease));
  REQUIRE(IsStateChanging(EventType::kApproval));
  REQUIRE(IsStateChanging(EventType::kPolicyChange));
  REQUIRE_FALSE(IsStateChanging(EventType::kFetch));
  REQUIRE_FALSE(IsStateChanging(EventType::kLoginFailed));
  REQUIRE_FALSE(IsStateChanging(EventType::kAnchor));
}

TEST_CASE("HashForLog is sha256: and lower-case hex", "[event]") {
  REQUIRE(HashForLog("abc") ==
          "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(HashForLog(base::SecretBytes::CopyFrom(std::string_view("abc"))) == HashForLog("abc"));
}

Event Sample() {
  Event e(EventType::kApproval);
  e.set_seq(41)
      .set_time(absl::FromUnixMillis(1764334370123) + absl::Microseconds(999))
      .set_actor("custodian:alice")
      .set_subject("request:7f3a")
      .set_incident("INC-2031")
      .set_reason("db primary down\n\"urgent\"")
      .Set("credential_version", 3)
      .Set("approvers", json::array({"alice", "bob"}))
      .SetHash("release_key", "raw key bytes");
  return e;
}

TEST_CASE("An event's leaf is exactly its canonical JSON", "[event]") {
  const auto leaf = Sample().Canonical();
  REQUIRE(leaf.ok());
  REQUIRE(*leaf ==
          R"({"actor":"custodian:alice","approvers":["alice","bob"],"credential_version":3,)"
          R"("incident":"INC-2031","reason":"db primary down\n\"urgent\"",)"
          R"("release_key":")" + HashForLog("raw key bytes") +
          R"(","seq":41,"subject":"request:7f3a","time":1764334370123,"type":"approval"})");
}

TEST_CASE("Every common field is present even when empty", "[event]") {
  const auto leaf = Event(EventType::kLoginFailed).Canonical();
  REQUIRE(*leaf ==
          R"({"actor":"","incident":"","reason":"","seq":0,"subject":"","time":0,)"
          R"("type":"login_failed"})");
}

TEST_CASE("Parse gives back the event that produced the leaf", "[event]") {
  const std::string leaf = *Sample().Canonical();
  const auto parsed = Event::Parse(leaf);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->type() == EventType::kApproval);
  REQUIRE(parsed->seq() == 41);
  REQUIRE(parsed->time() == absl::FromUnixMillis(1764334370123));
  REQUIRE(parsed->reason() == "db primary down\n\"urgent\"");
  REQUIRE(parsed->fields().at("credential_version") == 3);
  REQUIRE(*parsed->Canonical() == leaf);
}

TEST_CASE("Reserved, malformed or unrepresentable fields are refused", "[event]") {
  for (const char* key : {"seq", "type", "reason", "Bad", "1st", "with-dash", ""}) {
    INFO(key);
    REQUIRE(Event(EventType::kRequest).Set(key, 1).Canonical().status().code() ==
            absl::StatusCode::kInvalidArgument);
  }
  REQUIRE_FALSE(Event(EventType::kRequest).Set("ratio", 0.5).Canonical().ok());
  REQUIRE_FALSE(Event(EventType::kRequest).set_actor("\xff").Canonical().ok());
  REQUIRE_FALSE(Event(EventType::kRequest).set_seq(uint64_t{1} << 53).Canonical().ok());
}

TEST_CASE("Parse refuses leaves that lack or mistype a common field", "[event]") {
  const std::string ok =
      R"({"actor":"","incident":"","reason":"","seq":0,"subject":"","time":0,"type":"fetch"})";
  REQUIRE(Event::Parse(ok).ok());
  for (const char* bad : {
           R"({"actor":"","incident":"","reason":"","seq":0,"subject":"","time":0})",
           R"({"actor":"","incident":"","reason":"","seq":"0","subject":"","time":0,"type":"fetch"})",
           R"({"actor":1,"incident":"","reason":"","seq":0,"subject":"","time":0,"type":"fetch"})",
           R"({"actor":"","incident":"","reason":"","seq":-1,"subject":"","time":0,"type":"fetch"})",
           R"({"actor":"","incident":"","reason":"","seq":0,"subject":"","time":0,"type":"nope"})",
           R"({"Extra":1,"actor":"","incident":"","reason":"","seq":0,"subject":"","time":0,"type":"fetch"})",
           R"(["not","an","object"])",
       }) {
    INFO(bad);
    REQUIRE(Event::Parse(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace breakglass::audit
