#include "vault/audit/event.h"

#include "vault/audit/canonical_json.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>

namespace breakglass::audit {
namespace {

using nlohmann::json;

constexpr int kLastType = static_cast<int>(EventType::kClosed);

TEST_CASE("Event type names are stable and round-trip", "[event]") {
  REQUIRE(EventTypeName(EventType::kRequest) == "request");
  REQUIRE(EventTypeName(EventType::kFetchRefused) == "fetch_refused");
  REQUIRE(EventTypeName(EventType::kIdentityAdd) == "identity_add");
  REQUIRE(EventTypeName(EventType::kAlertDelivery) == "alert_delivery");
  REQUIRE(EventTypeName(EventType::kVerificationFailure) == "verification_failure");
  REQUIRE(EventTypeName(EventType::kReviewOverdue) == "review_overdue");
  REQUIRE(EventTypeName(EventType::kClosed) == "closed");
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

// A string of random bytes drawn to hit every escaping rule and UTF-8 shape.
std::string RandomText(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", std::string("\0", 1),
      "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8", "\xef\xbf\xbf", "\xf0\x9f\x94\x91",
      "\xf4\x8f\xbf\xbf", "\\u0041", "}", "{", ",", ":"};
  std::string s;
  const size_t n = rng() % 12;
  for (size_t i = 0; i < n; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

TEST_CASE("The direct writer produces nlohmann's canonical bytes", "[event]") {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 2000; ++round) {
    Event e(static_cast<EventType>(rng() % (kLastType + 1)));
    e.set_seq(rng() % 100000).set_time(absl::FromUnixMillis(static_cast<int64_t>(rng() % (1ull << 42))));
    e.set_actor(RandomText(rng)).set_subject(RandomText(rng)).set_incident(RandomText(rng));
    e.set_reason(RandomText(rng));
    json reference = {{"seq", e.seq()},           {"time", absl::ToUnixMillis(e.time())},
                      {"type", EventTypeName(e.type())}, {"actor", e.actor()},
                      {"subject", e.subject()},    {"incident", e.incident()},
                      {"reason", e.reason()}};
    for (const char* key : {"a", "approvers", "credential", "n", "zz_last", "r2"}) {
      if (rng() % 2 == 0) continue;
      json value;
      switch (rng() % 4) {
        case 0: value = RandomText(rng); break;
        case 1: value = static_cast<int64_t>(rng() % (1ull << 53)) - (int64_t{1} << 52); break;
        case 2: value = json::array({RandomText(rng), 7, true, nullptr}); break;
        default: value = {{"k", RandomText(rng)}, {"B", -1}}; break;
      }
      e.Set(key, value);
      reference[key] = value;
    }
    const auto fast = e.Canonical();
    const auto slow = CanonicalJson(reference);
    REQUIRE(fast.ok());
    REQUIRE(slow.ok());
    REQUIRE(*fast == *slow);
    REQUIRE(Event::Parse(*fast).ok());
  }
}

TEST_CASE("Invalid UTF-8 in any string field is refused, naming it", "[event]") {
  Event e(EventType::kRequest);
  e.set_incident("INC-\xc0\xaf");
  REQUIRE_THAT(std::string(e.Canonical().status().message()), Catch::Contains("'incident'"));
  Event f(EventType::kRequest);
  f.Set("note", "ok\xed\xa0\x80");
  REQUIRE_THAT(std::string(f.Canonical().status().message()), Catch::Contains("'note'"));
}

TEST_CASE("Reserved, malformed or unrepresentable fields are refused", "[event]") {
  for (const char* key : {"seq", "type", "reason", "Bad", "1st", "with-dash", "", "\xffz"}) {
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
