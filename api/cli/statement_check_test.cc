#include "api/cli/statement_check.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "api/cli/exit_codes.h"
#include "api/cli/output.h"
#include "api/testing/test_env.h"

namespace breakglass::cli {
namespace {

using api::testing::RunCommand;
using api::testing::TempDir;

constexpr char kReason[] = "primary database is down, need root to fail over";

ShownDecision Shown() {
  ShownDecision shown;
  shown.request_id = "req-7f3a";
  shown.custodian = "alice";
  shown.decision = pb::DECISION_APPROVE;
  pb::Request& r = shown.request;
  r.set_id("req-7f3a");
  r.set_credential_id("db-root");
  r.set_credential_version(3);
  r.set_requester("erin");
  r.set_incident("INC-4711");
  r.set_reason(kReason);
  r.set_approval_expires_unix(1767225600);
  r.set_release_public_key(std::string(32, '\x5a'));
  return shown;
}

// The statement an honest appliance sends for Shown().
core::ApprovalStatement Honest() {
  core::ApprovalStatement s;
  s.request_id = "req-7f3a";
  s.credential_id = "db-root";
  s.credential_version = 3;
  s.requester = "erin";
  s.custodian = "alice";
  s.incident = "INC-4711";
  s.reason_sha256 = core::ReasonSha256Hex(kReason);
  s.expires_unix = 1767225600;
  for (int i = 0; i < 32; ++i) s.release_key += "5a";
  s.decision = core::Decision::kApprove;
  return s;
}

std::string Bytes(const core::ApprovalStatement& s) {
  absl::StatusOr<std::string> bytes = s.SignedBytes();
  REQUIRE(bytes.ok());
  return *bytes;
}

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

void RequireRefused(const absl::Status& status, const std::string& names) {
  INFO(status.message());
  REQUIRE(!status.ok());
  CHECK(status.code() == absl::StatusCode::kDataLoss);
  CHECK(ExitCodeFor(status) == kExitStatementMismatch);
  CHECK(Contains(status.message(), "refusing to sign"));
  CHECK(Contains(status.message(), names));
  CHECK(Contains(status.message(), "nothing was signed or sent"));
}

TEST_CASE("AcceptsTheStatementOfTheRequestShown", "[statement_check]") {
  absl::StatusOr<core::ApprovalStatement> checked = CheckStatementToSign(Shown(), Bytes(Honest()));
  INFO(checked.status().message());
  REQUIRE(checked.ok());
  CHECK(*checked == Honest());

  ShownDecision deny = Shown();
  deny.decision = pb::DECISION_DENY;
  core::ApprovalStatement denial = Honest();
  denial.decision = core::Decision::kDeny;
  CHECK(CheckStatementToSign(deny, Bytes(denial)).ok());
}

TEST_CASE("RefusesAStatementWithAnyMemberAltered", "[statement_check]") {
  struct Alteration {
    const char* member;
    std::function<void(core::ApprovalStatement&)> alter;
  };
  const Alteration alterations[] = {
      {"request 'req-0000'", [](auto& s) { s.request_id = "req-0000"; }},
      {"custodian 'bob'", [](auto& s) { s.custodian = "bob"; }},
      {"decision 'deny'", [](auto& s) { s.decision = core::Decision::kDeny; }},
      {"credential 'prod-root'", [](auto& s) { s.credential_id = "prod-root"; }},
      {"credential_version 4", [](auto& s) { s.credential_version = 4; }},
      {"requester 'mallory'", [](auto& s) { s.requester = "mallory"; }},
      {"incident 'INC-1'", [](auto& s) { s.incident = "INC-1"; }},
      {"reason_sha256", [](auto& s) { s.reason_sha256 = core::ReasonSha256Hex("other"); }},
      {"expires 1767225601", [](auto& s) { s.expires_unix += 1; }},
      {"release_key", [](auto& s) { s.release_key[0] = '6'; }},
  };
  for (const Alteration& a : alterations) {
    SECTION(a.member) {
      core::ApprovalStatement lie = Honest();
      a.alter(lie);
      RequireRefused(CheckStatementToSign(Shown(), Bytes(lie)).status(),
                     std::string("has ") + a.member);
    }
  }
}

TEST_CASE("RefusesWhenTheRequestShownIsNotTheOneAskedFor", "[statement_check]") {
  ShownDecision shown = Shown();
  shown.request.set_id("req-0000");
  RequireRefused(CheckStatementToSign(shown, Bytes(Honest())).status(),
                 "described request 'req-0000' but you asked for 'req-7f3a'");
}

TEST_CASE("RefusesWhenTheShownRequestDiffersFromTheStatement", "[statement_check]") {
  ShownDecision shown = Shown();
  shown.request.set_reason("routine maintenance");
  RequireRefused(CheckStatementToSign(shown, Bytes(Honest())).status(),
                 "reason_sha256 " + core::ReasonSha256Hex(kReason) +
                     " but the reason shown hashes to " +
                     core::ReasonSha256Hex("routine maintenance"));
  shown = Shown();
  shown.request.set_release_public_key(std::string(32, '\x01'));
  RequireRefused(CheckStatementToSign(shown, Bytes(Honest())).status(),
                 "release_key " + Honest().release_key + " but the request shown has 0101");
}

TEST_CASE("RefusesBytesThatAreNotACanonicalApprovalStatement", "[statement_check]") {
  const std::string honest = Bytes(Honest());
  RequireRefused(CheckStatementToSign(Shown(), honest.substr(1)).status(),
                 "not an approval statement");
  RequireRefused(CheckStatementToSign(Shown(), honest + " ").status(), "not an approval statement");
  RequireRefused(CheckStatementToSign(Shown(), "").status(), "not an approval statement");
  RequireRefused(CheckStatementToSign(Shown(), "breakglass-review-v1\n{}").status(),
                 "not an approval statement");
}

ShownReview ShownForReview() {
  ShownReview shown;
  shown.request_id = "req-7f3a";
  shown.reviewer = "rita";
  shown.request = Shown().request;
  shown.input = core::ReviewInput{
      true, "failed over db-1", "access was needed", {"rotate db-root", "add a runbook"}};
  shown.request.mutable_review()->set_release_log_index(42);
  shown.request.mutable_review()->set_rotated_to_version(4);
  return shown;
}

// The review statement an honest appliance sends for ShownForReview().
core::ReviewStatement HonestReview() {
  core::ReviewStatement s;
  s.request_id = "req-7f3a";
  s.credential_id = "db-root";
  s.credential_version = 3;
  s.requester = "erin";
  s.incident = "INC-4711";
  s.reason_sha256 = core::ReasonSha256Hex(kReason);
  s.release_log_index = 42;
  s.rotated_to_version = 4;
  s.reviewer = "rita";
  s.input = *ShownForReview().input;
  return s;
}

std::string ReviewBytes(const core::ReviewStatement& s) {
  absl::StatusOr<std::string> bytes = s.SignedBytes();
  INFO(bytes.status().message());
  REQUIRE(bytes.ok());
  return *bytes;
}

TEST_CASE("AcceptsTheReviewStatementOfTheRequestShown", "[statement_check]") {
  auto checked = CheckReviewStatementToSign(ShownForReview(), ReviewBytes(HonestReview()));
  INFO(checked.status().message());
  REQUIRE(checked.ok());
  CHECK(*checked == HonestReview());
  // Without the reviewer's input (the API's summary-only form) the input is
  // not compared, only shown.
  ShownReview summary_only = ShownForReview();
  summary_only.input.reset();
  core::ReviewStatement other_input = HonestReview();
  other_input.input.findings = "something else";
  CHECK(CheckReviewStatementToSign(summary_only, ReviewBytes(other_input)).ok());
}

TEST_CASE("RefusesAReviewStatementWithAnyMemberAltered", "[statement_check]") {
  struct Alteration {
    const char* member;
    std::function<void(core::ReviewStatement&)> alter;
  };
  const Alteration alterations[] = {
      {"request 'req-0000'", [](auto& s) { s.request_id = "req-0000"; }},
      {"reviewer 'ann'", [](auto& s) { s.reviewer = "ann"; }},
      {"credential 'prod-root'", [](auto& s) { s.credential_id = "prod-root"; }},
      {"credential_version 2", [](auto& s) { s.credential_version = 2; }},
      {"requester 'mallory'", [](auto& s) { s.requester = "mallory"; }},
      {"incident 'INC-1'", [](auto& s) { s.incident = "INC-1"; }},
      {"reason_sha256", [](auto& s) { s.reason_sha256 = core::ReasonSha256Hex("other"); }},
      {"release_log_index 41", [](auto& s) { s.release_log_index = 41; }},
      {"rotated_to_version 0", [](auto& s) { s.rotated_to_version = 0; }},
      {"justified no", [](auto& s) { s.input.justified = false; }},
      {"actions 'nothing'", [](auto& s) { s.input.actions = "nothing"; }},
      {"findings 'all fine'", [](auto& s) { s.input.findings = "all fine"; }},
      {"follow_ups 1", [](auto& s) { s.input.follow_ups.pop_back(); }},
      {"follow_up.1 'none'", [](auto& s) { s.input.follow_ups[1] = "none"; }},
  };
  for (const Alteration& a : alterations) {
    SECTION(a.member) {
      core::ReviewStatement lie = HonestReview();
      a.alter(lie);
      RequireRefused(CheckReviewStatementToSign(ShownForReview(), ReviewBytes(lie)).status(),
                     std::string("has ") + a.member);
    }
  }
}

TEST_CASE("ReviewSigningRefusesAnApprovalOrNoStatement", "[statement_check]") {
  RequireRefused(CheckReviewStatementToSign(ShownForReview(), Bytes(Honest())).status(),
                 "sent an approval statement as the review to sign");
  RequireRefused(CheckReviewStatementToSign(ShownForReview(), "breakglass-review-v1\n{}").status(),
                 "not a review statement");
  ShownReview other = ShownForReview();
  other.request.set_id("req-0000");
  RequireRefused(CheckReviewStatementToSign(other, ReviewBytes(HonestReview())).status(),
                 "described request 'req-0000' but you asked for 'req-7f3a'");
  ShownReview unreleased = ShownForReview();
  unreleased.request.clear_review();
  RequireRefused(CheckReviewStatementToSign(unreleased, ReviewBytes(HonestReview())).status(),
                 "without a release to review");
}

TEST_CASE("PrintableTextEscapesControlAndBidiCharacters", "[statement_check]") {
  CHECK(PrintableText("plain text, ünïcode") == "plain text, ünïcode");
  CHECK(PrintableText("a\x1b[2Kb\nc\x7f") == "a\\x1b[2Kb\\x0ac\\x7f");
  CHECK(PrintableText("x\xc2\x9by") == "x\\xc2\\x9by");           // C1 CSI
  CHECK(PrintableText("x\xe2\x80\xaey") == "x\\xe2\\x80\\xaey");  // U+202E
  CHECK(PrintableText("x\xe2\x81\xa6y") == "x\\xe2\\x81\\xa6y");  // U+2066
  CHECK(PrintableText("x\xe2\x80\x94y") == "x\xe2\x80\x94y");     // an em dash stays
}

TEST_CASE("CertificateIdentityIsTheSingleSubjectCn", "[statement_check]") {
  TempDir dir;
  const auto make = [&](const std::string& name, const std::string& subject) {
    const std::string cert = (dir.path() / (name + ".crt")).string();
    const auto r = RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                               "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", subject,
                               "-keyout", (dir.path() / (name + ".key")).string(), "-out", cert});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return cert;
  };
  absl::StatusOr<std::string> alice = CertificateIdentity(make("alice", "/O=dev/CN=alice"));
  INFO(alice.status().message());
  REQUIRE(alice.ok());
  CHECK(*alice == "alice");
  const absl::Status two = CertificateIdentity(make("two", "/CN=alice/CN=bob")).status();
  CHECK(two.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Contains(two.message(), "exactly one subject CN"));
  const absl::Status none = CertificateIdentity((dir.path() / "missing.crt").string()).status();
  CHECK(none.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Contains(none.message(), "--cert"));
}

}  // namespace
}  // namespace breakglass::cli
