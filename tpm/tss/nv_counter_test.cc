// TssNvCounter and AttestationKey against a real swtpm.
#include "tpm/tss/nv_counter.h"

#include <catch2/catch.hpp>

#include "tpm/evidence/verifier.h"
#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::tpm::tss {
namespace {

using testing::TssTestEnv;

std::unique_ptr<TssTestEnv> StartEnv() {
  auto env = TssTestEnv::Start();
  INFO(env.status().ToString());
  REQUIRE(env.ok());
  return *std::move(env);
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("DefinedCounterIsUnwrittenUntilFirstIncrement", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("release");
  REQUIRE(counter.ok());
  auto read = (*counter)->Read();
  CHECK(read.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(Message(read.status()), Catch::Contains("never written"));
  CHECK_THAT(Message(read.status()), Catch::Contains("TPM counter 'release' (NV 0x01500100)"));
  auto first = (*counter)->Increment();
  REQUIRE(first.ok());
  CHECK(*(*counter)->Read() == *first);
  CHECK(*(*counter)->Increment() == *first + 1);
}

TEST_CASE("DefiningTwiceIsAlreadyExists", "[tpm]") {
  auto env = StartEnv();
  REQUIRE(env->NewCounter("release").ok());
  absl::Status again =
      TssNvCounter::Define(env->context(), env->LastSpec(), TssTestEnv::CounterAuth());
  CHECK(again.code() == absl::StatusCode::kAlreadyExists);
  CHECK_THAT(Message(again), Catch::Contains("NV 0x01500100"));
}

TEST_CASE("MissingNvIndexIsNotFoundNamingIt", "[tpm]") {
  auto env = StartEnv();
  NvCounterSpec spec;
  spec.label = "checkpoint";
  spec.nv_index = 0x01500999;
  auto counter = TssNvCounter::Open(&env->context(), spec, TssTestEnv::CounterAuth(), &env->ak());
  CHECK(counter.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(Message(counter.status()), Catch::Contains("0x01500999"));
  CHECK_THAT(Message(counter.status()), Catch::Contains("not defined"));
}

TEST_CASE("UndefinedAfterOpenIsNotFound", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("checkpoint");
  REQUIRE(counter.ok());
  REQUIRE((*counter)->Increment().ok());
  REQUIRE(TssNvCounter::Undefine(env->context(), (*counter)->nv_index()).ok());
  CHECK((*counter)->Read().status().code() == absl::StatusCode::kNotFound);
  CHECK((*counter)->Increment().status().code() == absl::StatusCode::kNotFound);
  CHECK((*counter)->Certify("q").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("OpenRefusesAnIndexWithOtherAttributes", "[tpm]") {
  auto env = StartEnv();
  REQUIRE(env->NewCounter("release").ok());
  NvCounterSpec spec = env->LastSpec();
  spec.write_policy = NvWritePolicy::kAuthValueAndPcr;
  spec.pcrs = {.bank = "sha256", .pcrs = {16}};
  auto counter = TssNvCounter::Open(&env->context(), spec, TssTestEnv::CounterAuth(), &env->ak());
  CHECK(counter.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(Message(counter.status()), Catch::Contains("attributes"));
}

TEST_CASE("WrongWriteSecretIsPermissionDeniedAndReadNeedsNoSecret", "[tpm]") {
  auto env = StartEnv();
  auto owner = env->NewCounter("release");
  REQUIRE(owner.ok());
  const uint64_t value = *(*owner)->Increment();
  auto intruder =
      TssNvCounter::Open(&env->context(), env->LastSpec(),
                         base::SecretBytes::CopyFrom(std::string_view("guess")), &env->ak());
  REQUIRE(intruder.ok());
  auto inc = (*intruder)->Increment();
  CHECK(inc.status().code() == absl::StatusCode::kPermissionDenied);
  auto reader =
      TssNvCounter::Open(&env->context(), env->LastSpec(), base::SecretBytes(), &env->ak());
  REQUIRE(reader.ok());
  CHECK(*(*reader)->Read() == value);
  CHECK((*reader)->Certify("q").ok());
}

TEST_CASE("PcrBoundCounterRefusesWritesAfterPcrExtend", "[tpm]") {
  auto env = StartEnv();
  auto counter =
      env->NewCounter("release", NvWritePolicy::kAuthValueAndPcr, {.bank = "sha256", .pcrs = {16}});
  INFO(counter.status().ToString());
  REQUIRE(counter.ok());
  const uint64_t value = *(*counter)->Increment();
  REQUIRE(env->ExtendPcr(16).ok());
  auto inc = (*counter)->Increment();
  CHECK(inc.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(Message(inc.status()), Catch::Contains("PCR sha256:16"));
  CHECK(*(*counter)->Read() == value);
}

TEST_CASE("EvidenceFromSwtpmVerifiesOfflineWithTheExpectedName", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("checkpoint");
  REQUIRE(counter.ok());
  const uint64_t value = *(*counter)->Increment();
  const std::string qualifying(32, '\xab');
  auto ev = (*counter)->Certify(qualifying);
  INFO(ev.status().ToString());
  REQUIRE(ev.ok());

  // The expected Name is computable offline from the provisioning record.
  auto expected =
      NvIndexName({.nv_index = (*counter)->nv_index(),
                   .name_alg = kTpmAlgSha256,
                   .attributes = NvCounterAttributes(NvWritePolicy::kAuthValue) | kTpmaNvWritten,
                   .auth_policy = "",
                   .data_size = 8});
  REQUIRE(expected.ok());
  CHECK(*expected == *NvIndexName(*(*counter)->ReadPublic()));

  auto verifier = EvidenceVerifier::Create(env->ak().public_key_pem());
  REQUIRE(verifier.ok());
  auto certified = verifier->Verify(*ev, *expected);
  INFO(certified.status().ToString());
  REQUIRE(certified.ok());
  CHECK(certified->value == value);
  CHECK(certified->qualifying_data == qualifying);
  CHECK(certified->clock_info.clock > 0);
  CHECK(certified->qualified_signer.size() == 34);

  auto second = verifier->Verify(*(*counter)->Certify(qualifying), *expected);
  REQUIRE(second.ok());
  CHECK(second->clock_info.clock >= certified->clock_info.clock);
  CHECK(second->clock_info.reset_count == certified->clock_info.reset_count);
}

TEST_CASE("SwtpmEvidenceWithAnyFlippedByteFails", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("checkpoint");
  REQUIRE(counter.ok());
  REQUIRE((*counter)->Increment().ok());
  const CounterEvidence ev = *(*counter)->Certify(std::string(32, 'q'));
  const std::string name = *NvIndexName(*(*counter)->ReadPublic());
  auto verifier = *EvidenceVerifier::Create(env->ak().public_key_pem());
  REQUIRE(verifier.Verify(ev, name).ok());
  for (size_t i = 0; i < ev.attest.size(); ++i) {
    CounterEvidence bad = ev;
    bad.attest[i] = static_cast<char>(bad.attest[i] ^ 0x01);
    INFO("attest byte " << i);
    CHECK_FALSE(verifier.Verify(bad, name).ok());
  }
  for (size_t i = 0; i < ev.signature.size(); ++i) {
    CounterEvidence bad = ev;
    bad.signature[i] = static_cast<char>(bad.signature[i] ^ 0x01);
    INFO("signature byte " << i);
    CHECK_FALSE(verifier.Verify(bad, name).ok());
  }
}

TEST_CASE("AttestationKeyIsReusedFromItsPersistentHandle", "[tpm]") {
  auto env = StartEnv();
  auto again = AttestationKey::Provision(&env->context(), testing::kTestAkHandle);
  REQUIRE(again.ok());
  CHECK((*again)->public_key_pem() == env->ak().public_key_pem());
  CHECK((*again)->name() == env->ak().name());
  auto opened = AttestationKey::Open(&env->context(), testing::kTestAkHandle);
  REQUIRE(opened.ok());
  CHECK((*opened)->public_key_pem() == env->ak().public_key_pem());
  CHECK_THAT((*opened)->public_key_pem(), Catch::StartsWith("-----BEGIN PUBLIC KEY-----"));
  CHECK(AttestationKey::Open(&env->context(), 0x81010009).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("CertifyRefusesQualifyingDataOver32Bytes", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("checkpoint");
  REQUIRE(counter.ok());
  REQUIRE((*counter)->Increment().ok());
  CHECK((*counter)->Certify(std::string(33, 'x')).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace breakglass::tpm::tss
