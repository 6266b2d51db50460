// breakglass-audit: verify an audit bundle offline (vault/verify/verifier.h).
//
//   breakglass-audit verify DIR [--json] [--strict] [--threads N]
//                    [--log-key KEY] [--ak-fingerprint SHA256:HEX]
//                    [--known-checkpoint FILE] [--no-tpm]
//
// Exit status: 0 the bundle verifies; 1 it does not (the message names the
// first bad leaf or checkpoint); 2 usage error; 3 the check could not run
// (a file could not be read).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "vault/verify/bundle.h"
#include "vault/verify/verifier.h"

namespace {

using breakglass::verify::VerifyOptions;

constexpr char kUsage[] =
    "usage: breakglass-audit verify DIR [--json] [--strict] [--threads N]\n"
    "                        [--log-key KEY] [--ak-fingerprint SHA256:HEX]\n"
    "                        [--known-checkpoint FILE] [--no-tpm]\n"
    "Checks an audit bundle (written by `breakglass audit export`) offline.\n"
    "  --log-key KEY            the log verifier key recorded at provisioning\n"
    "  --ak-fingerprint FP      the TPM attestation key's SHA256 fingerprint, likewise\n"
    "  --known-checkpoint FILE  a signed checkpoint you hold (e.g. from the last audit):\n"
    "                           the bundle must extend it (no rollback, no fork)\n"
    "  --strict                 treat warnings (unanchored tail, unpinned keys) as failures\n"
    "  --threads N              hashing threads (default: up to 4)\n"
    "  --no-tpm                 skip the TPM anchoring checks (never for a real audit)\n"
    "  --json                   print one JSON object instead of text\n"
    "Exit: 0 verified, 1 does not verify, 2 usage, 3 could not read the bundle.\n";

int Usage(const std::string& why) {
  std::fprintf(stderr, "breakglass-audit: %s\n%s", why.c_str(), kUsage);
  return 2;
}

struct Args {
  std::string dir;
  bool json = false;
  VerifyOptions options;
};

// Parses argv after "verify"; returns an error message or "".
std::string Parse(const std::vector<std::string_view>& a, Args* out) {
  for (size_t i = 0; i < a.size(); ++i) {
    const auto value = [&](std::string* into) {
      if (i + 1 >= a.size()) return false;
      *into = std::string(a[++i]);
      return true;
    };
    std::string threads, known;
    if (a[i] == "--json") {
      out->json = true;
    } else if (a[i] == "--strict") {
      out->options.strict = true;
    } else if (a[i] == "--no-tpm") {
      out->options.check_tpm = false;
    } else if (a[i] == "--log-key") {
      if (!value(&out->options.trusted_log_key)) return "--log-key needs a value";
    } else if (a[i] == "--ak-fingerprint") {
      if (!value(&out->options.trusted_ak_fingerprint)) return "--ak-fingerprint needs a value";
    } else if (a[i] == "--known-checkpoint") {
      if (!value(&known)) return "--known-checkpoint needs a file";
      std::ifstream in(known, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      if (!in.good() && !in.eof()) return "cannot read " + known;
      out->options.known_checkpoint = bytes.str();
      if (out->options.known_checkpoint.empty()) return "cannot read " + known;
    } else if (a[i] == "--threads") {
      const auto n = value(&threads) ? breakglass::verify::ParseDecimal(threads) : std::nullopt;
      if (!n.has_value() || *n < 1 || *n > 64) return "--threads needs a number from 1 to 64";
      out->options.threads = static_cast<int>(*n);
    } else if (!a[i].empty() && a[i][0] == '-') {
      return "unknown option " + std::string(a[i]);
    } else if (out->dir.empty()) {
      out->dir = std::string(a[i]);
    } else {
      return "more than one bundle directory given";
    }
  }
  return out->dir.empty() ? "no bundle directory given" : "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") return Usage("a command is needed");
  if (args[0] != "verify") return Usage("unknown command " + std::string(args[0]));
  Args parsed;
  if (const std::string why = Parse({args.begin() + 1, args.end()}, &parsed); !why.empty()) {
    return Usage(why);
  }
  const absl::StatusOr<breakglass::verify::Summary> verdict =
      breakglass::verify::VerifyBundle(parsed.dir, parsed.options);
  const bool is_verdict =
      verdict.ok() || breakglass::verify::FindingOf(verdict.status()).has_value();
  if (parsed.json) {
    std::printf("%s\n", breakglass::verify::VerdictJson(verdict).c_str());
  } else if (verdict.ok()) {
    std::printf("%s", verdict->ToText().c_str());
  } else {
    std::fprintf(stderr, "breakglass-audit: %s: %s\n",
                 is_verdict ? "the bundle does NOT verify" : "cannot verify",
                 std::string(verdict.status().message()).c_str());
  }
  if (verdict.ok()) return 0;
  return is_verdict ? 1 : 3;
}
