// SignWith on a real SoftHSM2 token (label hsm) and on PEM files.
#include "api/cli/signer.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/token.h"
#include "tests/harness/softhsm_token.h"
#include "vault/crypto/signature.h"

namespace breakglass::cli {
namespace {

constexpr char kStatement[] = "breakglass-approval-v1\n{\"request\":\"r1\"}";

std::string KeyUri(const testing::SoftHsmToken& token, const std::string& query_pin) {
  return absl::StrCat("pkcs11:token=", token.label(), ";object=approval?module-path=",
                      token.module_path(), "&pin-source=", query_pin);
}

TEST_CASE("SignsWithAKeyOnTheCustodiansTokenNamedByAUri", "[signer]") {
  auto token = testing::SoftHsmToken::Create("alice");
  REQUIRE(token.ok());
  auto open = hsm::pkcs11::Token::Open({(*token)->module_path(), (*token)->uri()},
                                       (*token)->user_pin());
  REQUIRE(open.ok());
  auto public_key = hsm::pkcs11::CreateSigningKeyPair(*open, "approval",
                                                      crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  REQUIRE(public_key.ok());

  const std::string uri = KeyUri(**token, "file:" + (*token)->pin_file().string());
  absl::StatusOr<std::string> signature = SignWith({uri, ""}, kStatement);
  REQUIRE(signature.ok());
  CHECK(public_key->Verify(kStatement, *signature).ok());
  CHECK_FALSE(public_key->Verify("another statement", *signature).ok());
}

TEST_CASE("APinInTheUriOrAMissingPinIsRefused", "[signer]") {
  auto token = testing::SoftHsmToken::Create("bob");
  REQUIRE(token.ok());
  const std::string base = absl::StrCat("pkcs11:token=bob;object=approval?module-path=",
                                        (*token)->module_path());
  absl::StatusOr<std::string> s = SignWith({base + "&pin-value=1234", ""}, kStatement);
  REQUIRE(absl::IsInvalidArgument(s.status()));
  CHECK(std::string(s.status().message()).find("pin-value") != std::string::npos);
  s = SignWith({base + "&pin-source=file:/nonexistent/pin", ""}, kStatement);
  CHECK(absl::IsNotFound(s.status()));
}

TEST_CASE("ANonExistentKeyOnTheTokenIsNotFoundNamingTheUri", "[signer]") {
  auto token = testing::SoftHsmToken::Create("carol");
  REQUIRE(token.ok());
  const std::string uri = absl::StrCat("pkcs11:token=carol;object=nope?module-path=",
                                       (*token)->module_path(),
                                       "&pin-source=file:", (*token)->pin_file().string());
  absl::StatusOr<std::string> s = SignWith({uri, ""}, kStatement);
  REQUIRE(absl::IsNotFound(s.status()));
  CHECK(std::string(s.status().message()).find("pkcs11:token=carol;object=nope") !=
        std::string::npos);
}

TEST_CASE("SignsWithAPemKeyFile", "[signer]") {
  auto key = crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  REQUIRE(key.ok());
  auto pem = key->ToPem();
  REQUIRE(pem.ok());
  char path[] = "/tmp/bg-signer-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string_view bytes = pem->view(base::InsecureSecretAccess::Get());
  REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  close(fd);
  absl::StatusOr<std::string> signature = SignWith({"", path}, kStatement);
  unlink(path);
  REQUIRE(signature.ok());
  CHECK(key->public_key().Verify(kStatement, *signature).ok());
  const absl::Status missing = SignWith({"", "/nonexistent.pem"}, kStatement).status();
  CHECK(absl::IsInvalidArgument(missing));
  CHECK(std::string(missing.message()).rfind("--key-file: cannot read", 0) == 0);
  CHECK(absl::IsInvalidArgument(SignWith({"", ""}, kStatement).status()));
}

}  // namespace
}  // namespace breakglass::cli
