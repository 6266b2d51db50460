#include "vault/core/statement.h"

#include <catch2/catch.hpp>
#include <functional>

namespace breakglass::core {
namespace {

ApprovalStatement Example() {
  ApprovalStatement s;
  s.request_id = "req-0123456789abcdef";
  s.credential_id = "db-root";
  s.credential_version = 3;
  s.requester = "alice";
  s.custodian = "bob";
  s.incident = "INC-1234";
  s.reason_sha256 = ReasonSha256Hex("primary database is down");
  s.expires_unix = 1700003600;
  s.release_key = std::string(64, 'a');
  s.decision = Decision::kApprove;
  return s;
}

TEST_CASE("The statement has one exact byte form (known answer)", "[statement]") {
  auto bytes = Example().SignedBytes();
  REQUIRE(bytes.ok());
  const std::string expected =
      "breakglass-approval-v1\n"
      "{\"credential\":\"db-root\",\"credential_version\":3,\"custodian\":\"bob\","
      "\"decision\":\"approve\",\"expires\":1700003600,\"incident\":\"INC-1234\","
      "\"reason_sha256\":\"" + ReasonSha256Hex("primary database is down") + "\","
      "\"release_key\":\"" + std::string(64, 'a') + "\",\"request\":\"req-0123456789abcdef\","
      "\"requester\":\"alice\"}";
  CHECK(*bytes == expected);
  // SHA-256("abc") as a sanity check that the reason digest is plain SHA-256 hex.
  CHECK(ReasonSha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Every field changes the signed bytes", "[statement]") {
  const std::string base = *Example().SignedBytes();
  std::vector<std::function<void(ApprovalStatement&)>> edits = {
      [](auto& s) { s.request_id = "req-other"; },
      [](auto& s) { s.credential_id = "db-admin"; },
      [](auto& s) { s.credential_version = 4; },
      [](auto& s) { s.requester = "alicia"; },
      [](auto& s) { s.custodian = "carol"; },
      [](auto& s) { s.incident = "INC-1235"; },
      [](auto& s) { s.reason_sha256 = ReasonSha256Hex("other"); },
      [](auto& s) { s.expires_unix += 1; },
      [](auto& s) { s.release_key = std::string(64, 'b'); },
      [](auto& s) { s.decision = Decision::kDeny; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    ApprovalStatement s = Example();
    edits[i](s);
    INFO("edit " << i);
    CHECK(*s.SignedBytes() != base);
    CHECK_FALSE(CompareStatements(Example(), s).ok());
  }
}

TEST_CASE("Statements round-trip and parsing is strict", "[statement]") {
  auto bytes = Example().SignedBytes();
  REQUIRE(bytes.ok());
  auto parsed = ApprovalStatement::FromSignedBytes(*bytes);
  REQUIRE(parsed.ok());
  CHECK(*parsed == Example());
  CHECK_FALSE(ApprovalStatement::FromSignedBytes(bytes->substr(1)).ok());
  CHECK_FALSE(ApprovalStatement::FromJson(R"({"credential":"x"})").ok());
  std::string extra = bytes->substr(kApprovalDomain.size());
  extra.insert(1, "\"aaa\":1,");
  CHECK_FALSE(ApprovalStatement::FromJson(extra).ok());
}

TEST_CASE("Invalid statement fields are named", "[statement]") {
  auto field_of = [](const std::function<void(ApprovalStatement&)>& edit) {
    ApprovalStatement s = Example();
    edit(s);
    auto r = s.ToJson();
    REQUIRE_FALSE(r.ok());
    return std::string(r.status().message());
  };
  CHECK(field_of([](auto& s) { s.requester = "a b"; }).rfind("statement.requester", 0) == 0);
  CHECK(field_of([](auto& s) { s.release_key = "AA"; }).rfind("statement.release_key", 0) == 0);
  CHECK(field_of([](auto& s) { s.reason_sha256 = std::string(64, 'A'); })
            .rfind("statement.reason_sha256", 0) == 0);
  CHECK(field_of([](auto& s) { s.incident = "INC 1"; }).rfind("statement.incident", 0) == 0);
  CHECK(field_of([](auto& s) { s.credential_version = 0; })
            .rfind("statement.credential_version", 0) == 0);
}

TEST_CASE("CompareStatements names the first differing member and both values", "[statement]") {
  ApprovalStatement claimed = Example();
  claimed.incident = "INC-9999";
  auto s = CompareStatements(Example(), claimed);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  const std::string msg(s.message());
  CHECK(msg.find("incident is 'INC-9999'") != std::string::npos);
  CHECK(msg.find("'INC-1234'") != std::string::npos);
  CHECK(CompareStatements(Example(), Example()).ok());
}

}  // namespace
}  // namespace breakglass::core

namespace breakglass::core {
namespace {

TEST_CASE("Signed statements verify only under the signer's key, for both algorithms",
          "[statement]") {
  for (auto alg : {crypto::SignatureAlgorithm::kEd25519, crypto::SignatureAlgorithm::kEcdsaP256Sha256}) {
    auto bob = crypto::SigningKey::Generate(alg);
    auto carol = crypto::SigningKey::Generate(alg);
    REQUIRE(bob.ok());
    REQUIRE(carol.ok());
    const ApprovalStatement st = Example();
    auto sig = bob->Sign(*st.SignedBytes());
    REQUIRE(sig.ok());
    CHECK(VerifySignedStatement(st, st, *sig, bob->public_key()).ok());
    // Another custodian's key.
    auto wrong = VerifySignedStatement(st, st, *sig, carol->public_key());
    CHECK(wrong.code() == absl::StatusCode::kPermissionDenied);
    CHECK(std::string(wrong.message()).find("custodian bob") != std::string::npos);
    // A signature over a different statement (another request).
    ApprovalStatement other = st;
    other.request_id = "req-other";
    auto other_sig = bob->Sign(*other.SignedBytes());
    REQUIRE(other_sig.ok());
    CHECK_FALSE(VerifySignedStatement(st, st, *other_sig, bob->public_key()).ok());
    CHECK(VerifySignedStatement(st, other, *other_sig, bob->public_key()).code() ==
          absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace breakglass::core
