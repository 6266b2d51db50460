#include "api/cli/profile.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace breakglass::cli {
namespace {

namespace fs = std::filesystem;

// A config file in a fresh temp dir, removed afterwards.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    std::string templ = (fs::temp_directory_path() / "bg-cli-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    dir_ = templ;
    std::ofstream(path()) << text;
  }
  ~ConfigFile() { fs::remove_all(dir_); }
  fs::path path() const { return dir_ / "cli.toml"; }

 private:
  fs::path dir_;
};

constexpr char kTwoProfiles[] = R"(
default_profile = "alice"
[profiles.alice]
server = "127.0.0.1:9000"
cert = "/a.crt"
key = "/a.key"
ca = "/ca.crt"
signing_key = "pkcs11:token=alice"
[profiles.erin]
server = "127.0.0.1:9000"
cert = "/e.crt"
signing_key_file = "/e.sign.pem"
)";

TEST_CASE("ANamedProfileIsLoaded", "[profile]") {
  ConfigFile file(kTwoProfiles);
  absl::StatusOr<Settings> s = LoadProfile(file.path(), "erin");
  REQUIRE(s.ok());
  CHECK(s->cert == "/e.crt");
  CHECK(s->key.empty());
  CHECK(s->signing_key_file == "/e.sign.pem");
}

TEST_CASE("TheDefaultProfileIsUsedWhenNoneIsNamed", "[profile]") {
  ConfigFile file(kTwoProfiles);
  absl::StatusOr<Settings> s = LoadProfile(file.path(), "");
  REQUIRE(s.ok());
  CHECK(s->signing_key == "pkcs11:token=alice");
  CHECK(s->CheckConnectable().ok());
}

TEST_CASE("FlagsOverrideTheProfile", "[profile]") {
  ConfigFile file(kTwoProfiles);
  Settings flags;
  flags.server = "127.0.0.1:1";
  const Settings s = LoadProfile(file.path(), "alice")->OverriddenBy(flags);
  CHECK(s.server == "127.0.0.1:1");
  CHECK(s.cert == "/a.crt");
}

TEST_CASE("AMissingProfileIsNotFoundListingTheProfiles", "[profile]") {
  ConfigFile file(kTwoProfiles);
  absl::StatusOr<Settings> s = LoadProfile(file.path(), "bob");
  REQUIRE(absl::IsNotFound(s.status()));
  CHECK(std::string(s.status().message()).find("profiles there: alice, erin") !=
        std::string::npos);
}

TEST_CASE("AnUnknownProfileKeyIsNamed", "[profile]") {
  ConfigFile file("[profiles.x]\nsevrer = \"a\"\n");
  absl::StatusOr<Settings> s = LoadProfile(file.path(), "x");
  REQUIRE(absl::IsInvalidArgument(s.status()));
  CHECK(std::string(s.status().message()).find(":2: unknown key 'profiles.x.sevrer'") !=
        std::string::npos);
}

TEST_CASE("NoFileAndNoProfileIsFineButNamingAProfileIsNot", "[profile]") {
  CHECK(LoadProfile("/nonexistent/cli.toml", "").ok());
  CHECK(absl::IsNotFound(LoadProfile("/nonexistent/cli.toml", "alice").status()));
}

TEST_CASE("AMissingConnectionSettingIsNamedWithWhereToSetIt", "[profile]") {
  Settings s;
  s.server = "127.0.0.1:1";
  absl::Status status = s.CheckConnectable();
  REQUIRE(absl::IsInvalidArgument(status));
  CHECK(std::string(status.message()).find("no cert: pass --cert or --profile") !=
        std::string::npos);
}

}  // namespace
}  // namespace breakglass::cli
