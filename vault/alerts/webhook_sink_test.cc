#include "vault/alerts/webhook_sink.h"

#include <catch2/catch.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;

Alert SomeAlert(AlertsWorld& w) {
  auto a = BuildAlert(w.Event("release"), std::string(32, 'b'));
  REQUIRE(a.ok());
  return *a;
}

TEST_CASE("WebhookPostsTheBodyWithValidHmacAndIdempotencyKey", "[alerts]") {
  AlertsWorld w;
  auto sink = w.Webhook();
  const Alert alert = SomeAlert(w);
  REQUIRE(sink->Deliver(alert).ok());
  const auto rs = w.receiver_->Requests();
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].method == "POST");
  CHECK(rs[0].path == "/alerts");
  CHECK(rs[0].body == alert.body);
  CHECK(rs[0].headers.at("content-type") == "application/json");
  CHECK(rs[0].headers.at("x-breakglass-idempotency-key") == alert.id);
  CHECK(rs[0].headers.at("x-breakglass-event") == "release");
  CHECK(testing::SignatureValid(rs[0]));
}

TEST_CASE("WebhookReportsErrorStatusesAndOutagesWithoutTheSecret", "[alerts]") {
  AlertsWorld w;
  auto sink = w.Webhook();
  w.receiver_->SetStatus(503);
  absl::Status s = sink->Deliver(SomeAlert(w));
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK(s.message().find("HTTP 503") != absl::string_view::npos);
  w.receiver_->GoDown();
  s = sink->Deliver(SomeAlert(w));
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK(s.message().find("webhook hook") != absl::string_view::npos);
  CHECK(std::string(s.message()).find(testing::kTestSecret) == std::string::npos);
}

TEST_CASE("WebhookVerifiesTheServerAgainstTheConfiguredCa", "[alerts]") {
  AlertsWorld w;
  auto other = testing::TestPki::Create();
  REQUIRE(other.ok());
  testing::WriteFile(w.dir_.File("other-ca.pem"), other->ca_cert_pem);
  WebhookOptions o{"hook", {w.receiver_->Url("/alerts"), w.dir_.File("other-ca.pem")},
                   w.dir_.File("secret")};
  auto sink = WebhookSink::Create(o);
  REQUIRE(sink.ok());
  CHECK((*sink)->Deliver(SomeAlert(w)).code() == absl::StatusCode::kUnavailable);
  CHECK(w.receiver_->Requests().empty());
}

TEST_CASE("WebhookRefusesPlainHttpBadNamesAndMissingSecrets", "[alerts]") {
  AlertsWorld w;
  WebhookOptions o{"hook", {"http://127.0.0.1:1/x?token=abc", ""}, w.dir_.File("secret")};
  auto s = WebhookSink::Create(o);
  CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.status().message().find("token") == absl::string_view::npos);
  o = WebhookOptions{"Bad Name", {w.receiver_->Url("/a"), ""}, w.dir_.File("secret")};
  CHECK(WebhookSink::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
  o = WebhookOptions{"hook", {w.receiver_->Url("/a"), ""}, w.dir_.File("missing")};
  CHECK(WebhookSink::Create(o).status().code() == absl::StatusCode::kFailedPrecondition);
  testing::WriteFile(w.dir_.File("short"), "short\n");
  o.secret_file = w.dir_.File("short");
  CHECK(WebhookSink::Create(o).status().code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace breakglass::alerts
