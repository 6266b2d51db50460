#include "vault/core/review_statement.h"

#include <catch2/catch.hpp>
#include <functional>

#include "vault/core/statement.h"

namespace breakglass::core {
namespace {

ReviewStatement Example() {
  ReviewStatement s;
  s.request_id = "req-0123456789abcdef";
  s.credential_id = "db-root";
  s.credential_version = 3;
  s.requester = "alice";
  s.incident = "INC-1234";
  s.reason_sha256 = ReasonSha256Hex("primary database is down");
  s.release_log_index = 41;
  s.rotated_to_version = 4;
  s.reviewer = "rita";
  s.input.justified = true;
  s.input.actions = "failed over db-1 to db-2";
  s.input.findings = "replication lag alert was missing";
  s.input.follow_ups = {"add lag alert", "drill fail-over\nquarterly"};
  return s;
}

std::string Error(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("The review statement has one exact byte form (known answer)", "[review]") {
  auto bytes = Example().SignedBytes();
  REQUIRE(bytes.ok());
  const std::string expected =
      "breakglass-review-v1\n"
      "{\"actions\":\"failed over db-1 to db-2\",\"credential\":\"db-root\","
      "\"credential_version\":3,\"findings\":\"replication lag alert was missing\","
      "\"follow_up.0\":\"add lag alert\",\"follow_up.1\":\"drill fail-over\\nquarterly\","
      "\"follow_ups\":2,\"incident\":\"INC-1234\",\"justified\":\"yes\","
      "\"reason_sha256\":\"" +
      ReasonSha256Hex("primary database is down") +
      "\","
      "\"release_log_index\":41,\"request\":\"req-0123456789abcdef\",\"requester\":\"alice\","
      "\"reviewer\":\"rita\",\"rotated_to_version\":4}";
  CHECK(*bytes == expected);
  ReviewStatement no = Example();
  no.input.justified = false;
  no.rotated_to_version = 0;
  no.input.follow_ups.clear();
  auto no_bytes = no.SignedBytes();
  REQUIRE(no_bytes.ok());
  CHECK(no_bytes->find("\"justified\":\"no\"") != std::string::npos);
  CHECK(no_bytes->find("\"rotated_to_version\":0") != std::string::npos);
  CHECK(no_bytes->find("follow_up.") == std::string::npos);
}

TEST_CASE("Review statements round-trip and every member changes the bytes", "[review]") {
  const std::string base = *Example().SignedBytes();
  auto back = ReviewStatement::FromSignedBytes(base);
  REQUIRE(back.ok());
  CHECK(*back == Example());
  const std::vector<std::function<void(ReviewStatement&)>> changes = {
      [](auto& s) { s.request_id = "req-x"; },
      [](auto& s) { s.credential_id = "db-2"; },
      [](auto& s) { s.credential_version = 2; },
      [](auto& s) { s.requester = "erin"; },
      [](auto& s) { s.incident = "INC-9"; },
      [](auto& s) { s.reason_sha256[0] = 'f'; },
      [](auto& s) { s.release_log_index = 42; },
      [](auto& s) { s.rotated_to_version = 0; },
      [](auto& s) { s.reviewer = "rex"; },
      [](auto& s) { s.input.justified = false; },
      [](auto& s) { s.input.actions += "."; },
      [](auto& s) { s.input.findings += "."; },
      [](auto& s) { s.input.follow_ups.pop_back(); },
  };
  for (const auto& change : changes) {
    ReviewStatement s = Example();
    change(s);
    auto bytes = s.SignedBytes();
    REQUIRE(bytes.ok());
    CHECK(*bytes != base);
  }
  // An approval statement never parses as a review and vice versa.
  CHECK_FALSE(ApprovalStatement::FromSignedBytes(base).ok());
  CHECK(Error(ReviewStatement::FromSignedBytes("breakglass-approval-v1\n{}").status())
            .find("breakglass-review-v1") != std::string::npos);
}

TEST_CASE("Review statements refuse unknown members and follow-ups beyond their count",
          "[review]") {
  const std::string json = *Example().ToJson();
  std::string extra = json;
  extra.insert(1, "\"a\":\"b\",");
  CHECK(Error(ReviewStatement::FromJson(extra).status()).find("unknown member 'a'") !=
        std::string::npos);
  std::string third = json;
  third.insert(third.find("\"follow_ups\""), "\"follow_up.2\":\"x\",");
  CHECK(Error(ReviewStatement::FromJson(third).status()).find("follow_up.2") != std::string::npos);
  std::string missing = json;
  missing.erase(missing.find("\"follow_up.1\""),
                missing.find("\"follow_ups\"") - missing.find("\"follow_up.1\""));
  CHECK_FALSE(ReviewStatement::FromJson(missing).ok());
}

TEST_CASE("Review input errors name the field", "[review]") {
  auto field_of = [](const std::function<void(ReviewInput&)>& change) {
    ReviewInput in = Example().input;
    change(in);
    absl::Status s = ValidateReviewInput(in);
    REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
    return Error(s);
  };
  CHECK(field_of([](auto& in) { in.actions.clear(); }).rfind("review.actions", 0) == 0);
  CHECK(field_of([](auto& in) {
          in.findings = std::string(4097, 'x');
        }).rfind("review.findings", 0) == 0);
  CHECK(field_of([](auto& in) { in.findings = "bad \x01 byte"; }).rfind("review.findings", 0) == 0);
  CHECK(field_of([](auto& in) { in.actions = "\xff"; }).rfind("review.actions", 0) == 0);
  CHECK(field_of([](auto& in) { in.follow_ups[1].clear(); }).rfind("review.follow_ups[1]", 0) == 0);
  CHECK(field_of([](auto& in) { in.follow_ups.assign(17, "x"); }).rfind("review.follow_ups", 0) ==
        0);
  ReviewStatement s = Example();
  s.rotated_to_version = 3;  // not later than the released version
  CHECK(Error(s.ToJson().status()).rfind("statement.rotated_to_version", 0) == 0);
  s = Example();
  s.reviewer = "a b";
  CHECK(Error(s.ToJson().status()).rfind("statement.reviewer", 0) == 0);
}

TEST_CASE("CompareReviewStatements names the first differing member", "[review]") {
  ReviewStatement claimed = Example();
  claimed.rotated_to_version = 0;
  claimed.incident = "INC-9";
  const std::string msg = Error(CompareReviewStatements(Example(), claimed));
  CHECK(msg.find("rotated_to_version is 0") != std::string::npos);
  CHECK(msg.find("has 4") != std::string::npos);
  claimed = Example();
  claimed.input.findings = "something else";  // the reviewer's to choose
  CHECK(CompareReviewStatements(Example(), claimed).ok());
}

TEST_CASE("Signed reviews verify only under the reviewer's key, for both algorithms", "[review]") {
  for (auto alg :
       {crypto::SignatureAlgorithm::kEd25519, crypto::SignatureAlgorithm::kEcdsaP256Sha256}) {
    auto rita = crypto::SigningKey::Generate(alg);
    auto rex = crypto::SigningKey::Generate(alg);
    REQUIRE(rita.ok());
    REQUIRE(rex.ok());
    const ReviewStatement st = Example();
    auto sig = rita->Sign(*st.SignedBytes());
    REQUIRE(sig.ok());
    CHECK(VerifySignedReview(st, st, *sig, rita->public_key()).ok());
    auto wrong = VerifySignedReview(st, st, *sig, rex->public_key());
    CHECK(wrong.code() == absl::StatusCode::kPermissionDenied);
    CHECK(Error(wrong).find("review signature of rita") != std::string::npos);
    // Findings changed after signing: the signature no longer covers them.
    ReviewStatement changed = st;
    changed.input.findings = "nothing";
    CHECK(VerifySignedReview(changed, changed, *sig, rita->public_key()).code() ==
          absl::StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace breakglass::core
