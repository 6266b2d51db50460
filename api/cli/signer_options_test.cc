// Which key approve/deny/review sign with: --key (pkcs11: URI) or --key-file
// (PEM), else the profile's signing_key / signing_key_file. No token needed.
#include <catch2/catch.hpp>
#include <string>

#include "api/cli/signer.h"

namespace breakglass::cli {
namespace {

constexpr char kUri[] = "pkcs11:token=alice;object=approval";

std::string Refusal(const std::string& key, const std::string& key_file,
                    const std::string& profile_key = "", const std::string& profile_file = "") {
  const absl::Status s = ResolveSigningKey(key, key_file, profile_key, profile_file).status();
  INFO(s.ToString());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  return std::string(s.message());
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("FlagsChooseTheSigningKeyBeforeTheProfile", "[signer]") {
  auto uri = ResolveSigningKey(kUri, "", "", "/profile/sign.pem");
  REQUIRE(uri.ok());
  CHECK(uri->pkcs11_uri == kUri);
  CHECK(uri->pem_file.empty());
  auto file = ResolveSigningKey("", "bob.sign.pem", kUri, "");
  REQUIRE(file.ok());
  CHECK(file->pem_file == "bob.sign.pem");
  CHECK(file->pkcs11_uri.empty());
}

TEST_CASE("WithoutFlagsTheProfileKeyIsUsed", "[signer]") {
  auto uri = ResolveSigningKey("", "", kUri, "");
  REQUIRE(uri.ok());
  CHECK(uri->pkcs11_uri == kUri);
  auto file = ResolveSigningKey("", "", "", "/home/bob/sign.pem");
  REQUIRE(file.ok());
  CHECK(file->pem_file == "/home/bob/sign.pem");
}

TEST_CASE("APemPathGivenToKeyIsRefusedPointingToKeyFile", "[signer]") {
  const std::string flag = Refusal("bob.sign.pem", "");
  CHECK(Contains(flag, "--key takes a pkcs11: URI"));
  CHECK(Contains(flag, "use --key-file bob.sign.pem"));
  CHECK(Contains(flag, "TLS client key is the global --key"));
  const std::string profile = Refusal("", "", "/home/bob/sign.pem");
  CHECK(Contains(profile, "the profile's signing_key takes a pkcs11: URI"));
  CHECK(Contains(profile, "use signing_key_file /home/bob/sign.pem"));
}

TEST_CASE("BothKindsOfKeyOrNoneIsRefused", "[signer]") {
  CHECK(Contains(Refusal(kUri, "bob.sign.pem"), "--key and --key-file are both set"));
  CHECK(Contains(Refusal("", "", kUri, "x.pem"), "signing_key and signing_key_file are both set"));
  CHECK(Contains(Refusal("", ""), "no signing key: pass --key pkcs11:URI or --key-file PEM"));
}

}  // namespace
}  // namespace breakglass::cli
