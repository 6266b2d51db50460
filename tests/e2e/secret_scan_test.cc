// The scanner of the e2e story must be able to fail: every form of a secret
// planted in a file is found and the file named.
#include "tests/e2e/secret_scan.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "api/testing/test_env.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::TempDir;
using api::testing::WriteFile;

std::string Secret() {
  base::SystemRandom random;
  auto bytes = random.Bytes(32);
  REQUIRE(bytes.ok());
  return *bytes;
}

TEST_CASE("SecretScanFindsEveryPlantedFormAndNamesTheFile", "[secret_scan]") {
  TempDir dir;
  const std::string secret = Secret();
  fs::create_directories(dir.path() / "state" / "deep");
  WriteFile(dir.path() / "clean.log", "nothing to see\n" + base::HexEncode(Secret()));
  WriteFile(dir.path() / "state" / "raw.db", "header\x01" + secret + "trailer");
  WriteFile(dir.path() / "state" / "deep" / "hex.log", "key=" + base::HexEncode(secret) + "\n");
  for (int offset = 0; offset < 3; ++offset) {
    // As inside a longer base64 blob (a proto's bytes field in JSON, say).
    WriteFile(
        dir.path() / ("b64-" + std::to_string(offset) + ".json"),
        "{\"box\":\"" + base::Base64Encode(std::string(offset, 'p') + secret + "suffix") + "\"}");
  }
  const fs::path allowed = dir.path() / "out.secret";
  WriteFile(allowed, secret);

  const std::vector<std::string> found = FilesContainingSecret({dir.path()}, secret, {allowed});
  INFO([&] {
    std::string all;
    for (const auto& f : found) all += f + "\n";
    return all;
  }());
  const auto has = [&](const std::string& file, const std::string& form) {
    return std::find(found.begin(), found.end(), (dir.path() / file).string() + ": " + form) !=
           found.end();
  };
  CHECK(has("state/raw.db", "raw"));
  CHECK(has("state/deep/hex.log", "hex"));
  CHECK(has("b64-0.json", "base64+0"));
  CHECK(has("b64-1.json", "base64+1"));
  CHECK(has("b64-2.json", "base64+2"));
  for (const auto& f : found) {
    CHECK(f.find("clean.log") == std::string::npos);
    CHECK(f.find("out.secret") == std::string::npos);
  }
  CHECK(FilesContainingSecret({dir.path() / "missing"}, secret).empty());
}

TEST_CASE("SecretFormsIncludeUpperCaseHexAndUrlSafeBase64", "[secret_scan]") {
  const std::string secret(32, '\xfb');  // base64 "+/+/..." and hex "fbfb..."
  std::map<std::string, std::string> forms;
  for (const auto& [name, bytes] : SecretForms(secret)) forms[name] = bytes;
  CHECK(forms.at("hex").substr(0, 4) == "fbfb");
  CHECK(forms.at("HEX").substr(0, 4) == "FBFB");
  CHECK(forms.at("base64+0").find_first_of("+/") != std::string::npos);
  CHECK(forms.at("base64url+0").find_first_of("+/") == std::string::npos);
  CHECK(forms.at("base64+0").size() >= 40);
}

}  // namespace
}  // namespace breakglass::e2e
