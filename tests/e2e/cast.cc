#include "tests/e2e/cast.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/testing/test_env.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::CommandResult;
using api::testing::RunCommand;

constexpr const char* kCustodians[] = {"alice", "bob", "carol"};

// An Ed25519 private key dir/<name>.sign.pem and its public half <name>.pub.pem.
void MakeSigningKey(const fs::path& dir, const std::string& name) {
  const fs::path key = dir / (name + ".sign.pem");
  REQUIRE(
      RunCommand({"openssl", "genpkey", "-algorithm", "ed25519", "-out", key.string()}).exit_code ==
      0);
  REQUIRE(RunCommand({"openssl", "pkey", "-in", key.string(), "-pubout", "-out",
                      (dir / (name + ".pub.pem")).string()})
              .exit_code == 0);
}

}  // namespace

const std::vector<std::string>& CastNames() {
  static const std::vector<std::string> kNames = {"operator", "alice", "bob",
                                                  "carol",    "erin",  "audrey"};
  return kNames;
}

std::string Ok(const DaemonDir& dir, const std::string& who, const std::vector<std::string>& args,
               const std::string& input) {
  const CommandResult r = dir.Cli(who, args, input);
  INFO(who << " " << (args.empty() ? "" : args[0]) << ": " << r.output);
  REQUIRE(r.exit_code == 0);
  return r.output;
}

void ProvisionCast(const DaemonDir& dir, const std::string& credential, const std::string& secret,
                   const std::vector<std::string>& credential_flags) {
  Ok(dir, "operator", {"init", "--log-origin", "breakglass.test/e2e"});
  for (const char* who : kCustodians) {
    MakeSigningKey(dir.root(), who);
    Ok(dir, "operator",
       {"identity", "add", who, "--role", "custodian", "--signing-key-file",
        (dir.root() / (std::string(who) + ".pub.pem")).string()});
  }
  Ok(dir, "operator", {"identity", "add", "erin", "--role", "requester"});
  Ok(dir, "operator", {"identity", "add", "audrey", "--role", "auditor"});
  std::vector<std::string> add = {
      "credential",         "add",       credential, "--factor", "dba:2:alice,bob,carol",
      "--incident-pattern", "INC-[0-9]+"};
  add.insert(add.end(), credential_flags.begin(), credential_flags.end());
  Ok(dir, "operator", add, secret);
}

std::string Request(const DaemonDir& dir, const std::string& credential) {
  const std::string out = Ok(dir, "erin",
                             {"request", credential, "--incident", "INC-1", "--reason",
                              "the primary is down and needs root to fail over"});
  const std::string id = out.substr(0, out.find('\n'));
  REQUIRE(!id.empty());
  return id;
}

std::string Approve(const DaemonDir& dir, const std::string& who, const std::string& id) {
  return Ok(dir, who,
            {"approve", id, "--yes", "--key-file", (dir.root() / (who + ".sign.pem")).string()});
}

std::string Leaves(const DaemonDir& dir) {
  return Ok(dir, "audrey", {"audit", "entries", "0", "1000"});
}

std::string NonAnchorLeaves(const DaemonDir& dir) {
  std::istringstream in(Leaves(dir));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const size_t space = line.find(' ');  // "INDEX LEAF"
    REQUIRE(space != std::string::npos);
    if (nlohmann::json::parse(line.substr(space + 1)).at("type") != "anchor") out += line + "\n";
  }
  return out;
}

}  // namespace breakglass::e2e
