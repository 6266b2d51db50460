// Runs the built breakglass-audit on synthetic bundles: exit codes and output.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "vault/verify/bundle.h"
#include "vault/verify/testing/synthetic_bundle.h"
#include "vault/verify/testing/temp_dir.h"

namespace breakglass::verify {
namespace {

struct Run {
  int exit_code;
  std::string out;
};

Run Audit(const std::string& args) {
  const std::string cmd = std::string(BREAKGLASS_AUDIT_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  Run r{0, ""};
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_CASE("breakglass-audit verify exits 0, 1, 2 or 3 with the reason", "[verify]") {
  testing::TempDir tmp;
  const auto dir = tmp.path() / "bundle";
  auto bundle = testing::WriteSyntheticBundle(dir, {12, 4, 150, "breakglass.test/tool"});
  REQUIRE(bundle.ok());

  Run ok = Audit("verify " + dir.string() + " --no-tpm --log-key " + bundle->log_key);
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("12 leaves") != std::string::npos);

  Run json = Audit("verify --json --no-tpm " + dir.string());
  CHECK(json.exit_code == 0);
  CHECK(json.out.rfind("{\"ok\":true", 0) == 0);

  Run strict = Audit("verify --strict --no-tpm " + dir.string());
  CHECK(strict.exit_code == 1);  // the log key was not pinned, TPM not checked

  std::ofstream(dir / kLeavesFile, std::ios::app) << "garbage\n";
  Run bad = Audit("verify --json --no-tpm " + dir.string());
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("\"finding\":{\"position\":12,\"where\":\"leaf\"}") != std::string::npos);

  CHECK(Audit("verify").exit_code == 2);
  CHECK(Audit("verify " + dir.string() + " --bogus").exit_code == 2);
  CHECK(Audit("frobnicate " + dir.string()).exit_code == 2);
  CHECK(Audit("verify " + dir.string() + " --known-checkpoint /nonexistent").exit_code == 2);
  // A known checkpoint that is the bundle's own latest: fine.
  Run known = Audit("verify --no-tpm " + dir.string() + " --known-checkpoint " +
                    (dir / kLatestCheckpointFile).string());
  CHECK(known.exit_code == 1);  // leaves.jsonl was damaged above
  CHECK(known.out.find("leaf 12") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::verify
