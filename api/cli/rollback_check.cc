#include "api/cli/rollback_check.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/cli/exit_codes.h"
#include "api/cli/output.h"

namespace breakglass::cli {
namespace {

constexpr std::string_view kHeader = "breakglass-rollback-clear-v1";

absl::Status Refuse(std::string_view why) {
  return WithExitCode(
      absl::DataLossError(absl::StrCat(
          "refusing to sign the rollback clear: ", std::string(why),
          "; nothing was signed or sent. The appliance may be compromised: report it to your "
          "security team")),
      kExitStatementMismatch);
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  out.push_back(text.substr(start));
  return out;
}

bool Printable(std::string_view line) {
  for (char c : line) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string CounterLine(const ::breakglass::v1::RollbackCounter& c) {
  return absl::StrCat("counter ", c.counter(), ": log states ", c.log_value(), ", TPM holds ",
                      c.tpm_value(), "; re-baseline counter ", c.counter(), " to ", c.tpm_value());
}

absl::Status CheckShape(const std::vector<std::string_view>& lines) {
  static constexpr std::string_view kPrefixes[] = {"origin: ", "log: size ", "latest checkpoint: "};
  // Header, three fact lines, two counter lines, and the empty rest after
  // the final newline.
  if (lines.size() != 7 || lines[0] != kHeader || !lines[6].empty()) {
    return Refuse(absl::StrCat("the bytes are not a rollback-clear statement (header \"",
                               std::string(kHeader), "\", six lines, a final newline)"));
  }
  for (size_t i = 0; i < 3; ++i) {
    if (lines[i + 1].substr(0, kPrefixes[i].size()) != kPrefixes[i]) {
      return Refuse(
          absl::StrCat("line ", i + 2, " does not start with \"", std::string(kPrefixes[i]), "\""));
    }
  }
  for (std::string_view line : lines) {
    if (!Printable(line)) return Refuse("the statement holds characters that are not printable");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRollbackClearToSign(const ::breakglass::v1::RollbackRecovery& shown,
                                      std::string_view statement_bytes) {
  if (statement_bytes != shown.statement()) {
    return Refuse("the bytes to sign are not the statement displayed");
  }
  const std::vector<std::string_view> lines = Lines(statement_bytes);
  if (absl::Status shape = CheckShape(lines); !shape.ok()) return shape;
  if (shown.counters_size() != 2 || shown.counters(0).counter() != "release" ||
      shown.counters(1).counter() != "checkpoint") {
    return Refuse("the appliance did not report the release and checkpoint counters");
  }
  for (int i = 0; i < 2; ++i) {
    const std::string want = CounterLine(shown.counters(i));
    if (lines[4 + i] != want) {
      return Refuse(absl::StrCat("line ", 5 + i, " is '", PrintableText(lines[4 + i]),
                                 "' but the counters displayed say '", want, "'"));
    }
  }
  if (shown.counters(0).log_value() == shown.counters(0).tpm_value() &&
      shown.counters(1).log_value() == shown.counters(1).tpm_value()) {
    return Refuse("every counter agrees with the log: there is nothing to clear");
  }
  return absl::OkStatus();
}

}  // namespace breakglass::cli
