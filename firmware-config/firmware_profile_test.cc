#include "firmware-config/firmware_profile.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tpm/evidence/attest.h"

namespace breakglass::firmware {
namespace {

std::filesystem::path Dir() {
  const char* root = std::getenv("BREAKGLASS_SOURCE_DIR");
  REQUIRE(root != nullptr);
  return std::filesystem::path(root) / "firmware-config";
}

std::string DevText() {
  std::ifstream in(Dir() / "dev.toml");
  std::stringstream s;
  s << in.rdbuf();
  REQUIRE(!s.str().empty());
  return s.str();
}

// dev.toml with the first occurrence of `from` replaced by `to`.
std::string Mutated(const std::string& from, const std::string& to) {
  std::string text = DevText();
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string ErrorFor(const std::string& text) {
  auto p = ParseFirmwareProfile(text, "dev.toml");
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(p.status().message());
}

constexpr uint32_t kAuthWriteCounter =
    tpm::kTpmaNvCounter | tpm::kTpmaNvNoDa | tpm::kTpmaNvOwnerRead | tpm::kTpmaNvAuthWrite;

TEST_CASE("ShippedApplianceProfileLoads", "[firmware_config]") {
  auto p = LoadFirmwareProfile(Dir() / "appliance.toml");
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  CHECK(p->name == "appliance");
  CHECK(p->tpm.pcr_policy.bank == "sha256");
  CHECK(p->tpm.pcr_policy.pcrs == std::vector<uint32_t>{0, 2, 4, 7});
  CHECK(p->tpm.release_counter.nv_index == 0x01500010);
  CHECK(p->tpm.checkpoint_counter.nv_index == 0x01500011);
  CHECK(p->tpm.release_counter.attribute_bits == kAuthWriteCounter);
  CHECK_FALSE(p->tpm.release_counter.pcr_bound_writes);
  CHECK(p->tpm.ak_handle == 0x81010002);
  CHECK(p->tpm.srk_handle == 0x81000001);
  CHECK(p->tpm.srk_algorithm == "ecc-p256");
  CHECK(p->hsm.token_label == "breakglass");
  CHECK(p->hsm.share_seal_key_label == "share-seal");
  CHECK(p->hsm.log_signer_key_label == "log-signer");
}

TEST_CASE("ShippedDevProfileLoads", "[firmware_config]") {
  auto p = LoadFirmwareProfile(Dir() / "dev.toml");
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  CHECK(p->name == "dev");
  CHECK(p->tpm.pcr_policy.pcrs == std::vector<uint32_t>{16});
  CHECK(p->hsm.module_path == "/usr/lib/softhsm/libsofthsm2.so");
}

TEST_CASE("PolicywriteMarksPcrBoundWrites", "[firmware_config]") {
  auto p = ParseFirmwareProfile(Mutated(R"(["counter", "no_da", "ownerread", "authwrite"])",
                                        R"(["counter", "no_da", "ownerread", "policywrite"])"),
                                "dev.toml");
  REQUIRE(p.ok());
  CHECK(p->tpm.release_counter.pcr_bound_writes);
  CHECK(p->tpm.release_counter.attribute_bits ==
        (tpm::kTpmaNvCounter | tpm::kTpmaNvNoDa | tpm::kTpmaNvOwnerRead | tpm::kTpmaNvPolicyWrite));
}

TEST_CASE("UnknownKeysAreRefusedNamingFileKeyAndAllowed", "[firmware_config]") {
  std::string e = ErrorFor(Mutated("name = \"dev\"", "name = \"dev\"\ncolour = 1"));
  CHECK_THAT(e, Catch::StartsWith("dev.toml:"));
  CHECK_THAT(e, Catch::Contains("colour: unknown key; allowed in []: name, tpm, hsm"));

  e = ErrorFor(Mutated("nv_index = 0x01500010", "nv_idx = 0x01500010"));
  CHECK_THAT(e, Catch::Contains("tpm.counters.release.nv_idx: unknown key; allowed in "
                                "[tpm.counters.release]: nv_index, attributes, auth_file"));

  e = ErrorFor(Mutated("[tpm.srk]", "[tpm.sr]"));
  CHECK_THAT(e, Catch::Contains("tpm.sr: unknown key"));
}

TEST_CASE("UnknownKeyErrorCarriesItsLine", "[firmware_config]") {
  std::string text = DevText();
  const size_t at = text.find("handle = 0x81010002");
  const size_t line = 1 + std::count(text.begin(), text.begin() + at, '\n');
  text.replace(at, 6, "handel");
  CHECK_THAT(ErrorFor(text), Catch::StartsWith("dev.toml:" + std::to_string(line) +
                                               ": tpm.attestation_key.handel: unknown key"));
}

TEST_CASE("MissingKeysAreRefused", "[firmware_config]") {
  CHECK_THAT(ErrorFor(Mutated("handle = 0x81010002", "")),
             Catch::Contains("tpm.attestation_key.handle: missing; [tpm.attestation_key] needs: "
                             "handle"));
  CHECK_THAT(ErrorFor(Mutated("log_signer = \"log-signer\"", "")),
             Catch::Contains("hsm.keys.log_signer: missing"));
}

TEST_CASE("CounterAttributesAreValidated", "[firmware_config]") {
  const std::string kGood = R"(["counter", "no_da", "ownerread", "authwrite"])";
  std::string e =
      ErrorFor(Mutated(kGood, R"(["counter", "no_da", "ownerread", "authwrite", "orderly"])"));
  CHECK_THAT(e, Catch::Contains("tpm.counters.release.attributes: 'orderly' is not allowed (an "
                                "ORDERLY counter can lose increments on power loss); allowed: "
                                "counter, no_da, ownerread, authwrite, policywrite"));
  CHECK_THAT(ErrorFor(Mutated(kGood, R"(["counter", "ownerread", "authwrite"])")),
             Catch::Contains("must be counter, no_da, ownerread and exactly one of authwrite"));
  CHECK_THAT(
      ErrorFor(Mutated(kGood, R"(["counter", "no_da", "ownerread", "authwrite", "policywrite"])")),
      Catch::Contains("exactly one of"));
  CHECK_THAT(ErrorFor(Mutated(kGood, R"(["counter", "no_da", "no_da", "ownerread", "authwrite"])")),
             Catch::Contains("'no_da' twice"));
  CHECK_THAT(ErrorFor(Mutated(kGood, "[]")), Catch::Contains("expected a non-empty array"));
}

TEST_CASE("BadValuesAreRefusedSayingWhatIsAllowed", "[firmware_config]") {
  CHECK_THAT(ErrorFor(Mutated("nv_index = 0x01500010", "nv_index = 0x81000000")),
             Catch::Contains("tpm.counters.release.nv_index: expected an integer in "
                             "0x1000000..0x1ffffff"));
  CHECK_THAT(ErrorFor(Mutated("nv_index = 0x01500010", "nv_index = \"0x01500010\"")),
             Catch::Contains("expected an integer"));
  CHECK_THAT(ErrorFor(Mutated("nv_index = 0x01500010", "nv_index = 0x01500011")),
             Catch::Contains("release and checkpoint need distinct nv_index"));
  CHECK_THAT(ErrorFor(Mutated("bank = \"sha256\"", "bank = \"md5\"")),
             Catch::Contains("tpm.pcr_policy.bank: 'md5' is not allowed; allowed: sha1, sha256, "
                             "sha384"));
  CHECK_THAT(ErrorFor(Mutated("pcrs = [16]", "pcrs = [24]")),
             Catch::Contains("tpm.pcr_policy.pcrs: expected an integer in 0x0..0x17 (0..23)"));
  CHECK_THAT(ErrorFor(Mutated("pcrs = [16]", "pcrs = [16, 7]")), Catch::Contains("ascending"));
  CHECK_THAT(ErrorFor(Mutated("algorithm = \"ecc-p256\"", "algorithm = \"ecc-p384\"")),
             Catch::Contains("'ecc-p384' is not allowed; allowed: ecc-p256, rsa-2048"));
  CHECK_THAT(ErrorFor(Mutated("handle = 0x81000001", "handle = 0x81010002")),
             Catch::Contains("tpm.srk.handle: must differ"));
  CHECK_THAT(ErrorFor(Mutated("handle = 0x81010002", "handle = 0x01010002")),
             Catch::Contains("tpm.attestation_key.handle: expected an integer in 0x81000000"));
  CHECK_THAT(ErrorFor(Mutated("auth_file = \"/var", "auth_file = \"var")),
             Catch::Contains("auth_file: expected an absolute path"));
  CHECK_THAT(ErrorFor(Mutated("token_label = \"breakglass\"",
                              "token_label = \"" + std::string(33, 't') + "\"")),
             Catch::Contains("hsm.token_label: expected 1..32 bytes"));
  CHECK_THAT(ErrorFor(Mutated("log_signer = \"log-signer\"", "log_signer = \"share-seal\"")),
             Catch::Contains("distinct labels"));
  CHECK_THAT(ErrorFor(Mutated("[hsm.keys]", "keys = 3\n[hsm.other]")), Catch::Contains("hsm"));
}

TEST_CASE("InvalidTomlNamesFileAndLine", "[firmware_config]") {
  CHECK_THAT(ErrorFor("name = \"dev\"\n[tpm\n"), Catch::StartsWith("dev.toml:2: not valid TOML"));
}

TEST_CASE("MissingFileIsNotFoundNamingThePath", "[firmware_config]") {
  auto p = LoadFirmwareProfile("/nonexistent/firmware.toml");
  CHECK(p.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(p.status().message()), Catch::Contains("/nonexistent/firmware.toml"));
}

}  // namespace
}  // namespace breakglass::firmware
