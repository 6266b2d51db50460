// CheckRollbackClearToSign: what a custodian's CLI refuses to sign as a
// rollback clear.
#include "api/cli/rollback_check.h"

#include <catch2/catch.hpp>

#include "api/cli/exit_codes.h"

namespace breakglass::cli {
namespace {

namespace pb = ::breakglass::v1;

constexpr char kStatement[] =
    "breakglass-rollback-clear-v1\n"
    "origin: breakglass.test/story\n"
    "log: size 57, root 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "latest checkpoint: size 52, note sha256 "
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
    "counter release: log states 8, TPM holds 9; re-baseline counter release to 9\n"
    "counter checkpoint: log states 42, TPM holds 47; re-baseline counter checkpoint to 47\n";

pb::RollbackRecovery Shown(const std::string& statement = kStatement) {
  pb::RollbackRecovery r;
  r.set_statement(statement);
  for (auto [label, a, t] : {std::tuple{"release", 8, 9}, {"checkpoint", 42, 47}}) {
    pb::RollbackCounter* c = r.add_counters();
    c->set_counter(label);
    c->set_log_value(a);
    c->set_tpm_value(t);
  }
  r.set_required_approvals(2);
  return r;
}

void RequireRefused(const pb::RollbackRecovery& shown, const std::string& bytes,
                    const std::string& why) {
  const absl::Status s = CheckRollbackClearToSign(shown, bytes);
  INFO(s);
  REQUIRE(absl::IsDataLoss(s));
  CHECK(ExitCodeFor(s) == kExitStatementMismatch);
  CHECK(std::string(s.message()).find(why) != std::string::npos);
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST_CASE("TheDisplayedRollbackClearStatementIsSigned", "[rollback_check]") {
  CHECK(CheckRollbackClearToSign(Shown(), kStatement).ok());
}

TEST_CASE("BytesOtherThanTheDisplayedStatementAreRefused", "[rollback_check]") {
  RequireRefused(Shown(), Replace(kStatement, "TPM holds 47", "TPM holds 48"),
                 "not the statement displayed");
}

TEST_CASE("AnApprovalOrOtherBytesAreNotSignedAsAClear", "[rollback_check]") {
  const std::string approval = "breakglass-approval-v1\n{\"request\":\"r\"}";
  RequireRefused(Shown(approval), approval, "not a rollback-clear statement");
  const std::string extra = std::string(kStatement) + "action: also release db-root\n";
  RequireRefused(Shown(extra), extra, "not a rollback-clear statement");
  const std::string bell = Replace(kStatement, "story", "st\aory");
  RequireRefused(Shown(bell), bell, "not printable");
}

TEST_CASE("CounterLinesMustStateTheDisplayedCounters", "[rollback_check]") {
  const std::string other =
      Replace(kStatement, "log states 8, TPM holds 9; re-baseline counter release to 9",
              "log states 7, TPM holds 9; re-baseline counter release to 9");
  RequireRefused(Shown(other), other, "line 5");
  pb::RollbackRecovery agree = Shown();
  agree.mutable_counters(0)->set_tpm_value(8);
  agree.mutable_counters(1)->set_tpm_value(42);
  const std::string same =
      Replace(Replace(kStatement, "TPM holds 9; re-baseline counter release to 9",
                      "TPM holds 8; re-baseline counter release to 8"),
              "TPM holds 47; re-baseline counter checkpoint to 47",
              "TPM holds 42; re-baseline counter checkpoint to 42");
  agree.set_statement(same);
  RequireRefused(agree, same, "nothing to clear");
}

}  // namespace
}  // namespace breakglass::cli
