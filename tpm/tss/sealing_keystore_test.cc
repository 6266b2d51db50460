// TpmSealingKeystore against a real swtpm.
#include "tpm/tss/sealing_keystore.h"

#include <catch2/catch.hpp>

#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::tpm::tss {
namespace {

using testing::TssTestEnv;

constexpr std::string_view kAad = "credential=db-root;version=3;custodian=alice;share=1";

struct Fixture {
  Fixture() {
    auto started = TssTestEnv::Start();
    INFO(started.status().ToString());
    REQUIRE(started.ok());
    env = *std::move(started);
    auto created = TpmSealingKeystore::Create(
        &env->context(),
        {.srk_handle = testing::kTestSrkHandle, .pcrs = {.bank = "sha256", .pcrs = {7, 16}}});
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    keystore = *std::move(created);
  }
  std::unique_ptr<TssTestEnv> env;
  std::unique_ptr<TpmSealingKeystore> keystore;
};

base::SecretBytes Share() {
  return base::SecretBytes::CopyFrom(std::string_view("share-bytes-01"));
}

TEST_CASE("SealThenUnsealReturnsThePlaintext", "[tpm]") {
  Fixture f;
  auto envelope = f.keystore->Seal(Share(), kAad);
  INFO(envelope.status().ToString());
  REQUIRE(envelope.ok());
  CHECK(envelope->find("share-bytes-01") == std::string::npos);
  auto opened = f.keystore->Unseal(*envelope, kAad);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(*opened == Share());
}

TEST_CASE("UnsealWithOtherAadIsDataLoss", "[tpm]") {
  Fixture f;
  auto envelope = f.keystore->Seal(Share(), kAad);
  REQUIRE(envelope.ok());
  auto opened = f.keystore->Unseal(*envelope, "credential=db-root;version=3;custodian=bob;share=2");
  CHECK(opened.status().code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(opened.status().message()), Catch::Contains("associated data"));
}

TEST_CASE("UnsealAfterPcrExtendIsFailedPreconditionNamingThePolicy", "[tpm]") {
  Fixture f;
  auto envelope = f.keystore->Seal(Share(), kAad);
  REQUIRE(envelope.ok());
  REQUIRE(f.env->ExtendPcr(16).ok());
  auto opened = f.keystore->Unseal(*envelope, kAad);
  CHECK(opened.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(opened.status().message()), Catch::Contains("PCR policy sha256:7,16"));
  // Sealing again binds the new PCR values.
  auto resealed = f.keystore->Seal(Share(), kAad);
  REQUIRE(resealed.ok());
  CHECK(f.keystore->Unseal(*resealed, kAad).ok());
}

TEST_CASE("EveryFlippedEnvelopeByteFails", "[tpm]") {
  Fixture f;
  const std::string envelope = *f.keystore->Seal(Share(), kAad);
  for (size_t i = 0; i < envelope.size(); ++i) {
    std::string bad = envelope;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto opened = f.keystore->Unseal(bad, kAad);
    INFO("byte " << i << ": " << opened.status().ToString());
    REQUIRE_FALSE(opened.ok());
    const auto code = opened.status().code();
    CHECK((code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kDataLoss));
  }
  CHECK(f.keystore->Unseal(envelope, kAad).ok());
}

TEST_CASE("EnvelopeNamingAnotherSrkIsInvalidArgument", "[tpm]") {
  Fixture f;
  auto other =
      TpmSealingKeystore::Create(&f.env->context(), {.srk_handle = 0x81000002,
                                                     .srk_algorithm = SrkAlgorithm::kRsa2048,
                                                     .pcrs = {.bank = "sha256", .pcrs = {7, 16}}});
  REQUIRE(other.ok());
  auto envelope = (*other)->Seal(Share(), kAad);
  REQUIRE(envelope.ok());
  CHECK(*(*other)->Unseal(*envelope, kAad) == Share());  // the RSA SRK works too
  auto opened = f.keystore->Unseal(*envelope, kAad);
  CHECK(opened.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(opened.status().message()), Catch::Contains("another key"));
}

TEST_CASE("SealsEmptyAndLargeSharesAndRejectsOver1MiB", "[tpm]") {
  Fixture f;
  for (size_t size : {size_t{0}, size_t{4096}, size_t{1} << 20}) {
    auto envelope = f.keystore->Seal(base::SecretBytes(size), kAad);
    INFO(size << ": " << envelope.status().ToString());
    REQUIRE(envelope.ok());
    CHECK(f.keystore->Unseal(*envelope, kAad)->size() == size);
  }
  CHECK(f.keystore->Seal(base::SecretBytes((size_t{1} << 20) + 1), kAad).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("MissingSrkIsFailedPreconditionWhenNotCreating", "[tpm]") {
  Fixture f;
  auto ks = TpmSealingKeystore::Create(&f.env->context(), {.srk_handle = 0x81000005,
                                                           .pcrs = {.bank = "sha256", .pcrs = {7}},
                                                           .create_srk_if_absent = false});
  CHECK(ks.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(ks.status().message()), Catch::Contains("0x81000005"));
}

TEST_CASE("SealedShareSurvivesSwtpmPowerLoss", "[tpm]") {
  Fixture f;
  auto envelope = f.keystore->Seal(Share(), kAad);
  REQUIRE(envelope.ok());
  f.env->swtpm().KillHard();
  CHECK(f.keystore->Unseal(*envelope, kAad).status().code() == absl::StatusCode::kUnavailable);
  REQUIRE(f.env->swtpm().Restart().ok());
  // PCR 16 is reset by the restart (TPM2_Startup(CLEAR)), as at sealing time.
  auto opened = f.keystore->Unseal(*envelope, kAad);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(*opened == Share());
}

TEST_CASE("EnvelopeFromAnotherTpmWithTheSameSrkHandleIsDataLoss", "[tpm]") {
  Fixture a;
  Fixture b;  // another swtpm: another SRK at the same handle
  auto envelope = a.keystore->Seal(Share(), kAad);
  REQUIRE(envelope.ok());
  auto opened = b.keystore->Unseal(*envelope, kAad);
  CHECK(opened.status().code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(opened.status().message()), Catch::Contains("another SRK"));
}

TEST_CASE("DescribeNamesSrkAndPcrPolicy", "[tpm]") {
  Fixture f;
  CHECK(f.keystore->Describe() == "tpm:srk=0x81000001;pcr=sha256:7,16");
}

}  // namespace
}  // namespace breakglass::tpm::tss
