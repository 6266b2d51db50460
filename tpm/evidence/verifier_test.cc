#include "tpm/evidence/verifier.h"

#include <catch2/catch.hpp>
#include <memory>

#include "tpm/fake/fake_counter.h"

namespace breakglass::tpm {
namespace {

struct Fixture {
  Fixture() {
    ak = *FakeAttestationKey::Generate();
    counter = *FakeCounter::Create({.label = "checkpoint", .initial_value = 41}, ak);
    REQUIRE(counter->Increment().ok());
    verifier = std::make_unique<EvidenceVerifier>(*EvidenceVerifier::Create(ak->PublicKeyPem()));
  }
  std::shared_ptr<const FakeAttestationKey> ak;
  std::unique_ptr<FakeCounter> counter;
  std::unique_ptr<EvidenceVerifier> verifier;
};

const std::string kQualifying(32, '\x5a');

TEST_CASE("VerifiesEvidenceAndReturnsWhatItCertifies", "[tpm_evidence]") {
  Fixture f;
  auto ev = f.counter->Certify(kQualifying);
  REQUIRE(ev.ok());
  auto c = f.verifier->Verify(*ev, f.counter->WrittenIndexName());
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->value == 42);
  CHECK(c->qualifying_data == kQualifying);
  CHECK(c->clock_info.reset_count == 3);
  CHECK(c->clock_info.clock > 1000);
  CHECK(c->qualified_signer == f.ak->QualifiedName());
}

TEST_CASE("EveryFlippedByteOfAttestFails", "[tpm_evidence]") {
  Fixture f;
  const CounterEvidence ev = *f.counter->Certify(kQualifying);
  for (size_t i = 0; i < ev.attest.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      CounterEvidence bad = ev;
      bad.attest[i] = static_cast<char>(bad.attest[i] ^ mask);
      INFO("attest byte " << i << " ^ " << int(mask));
      auto c = f.verifier->Verify(bad, f.counter->WrittenIndexName());
      REQUIRE_FALSE(c.ok());
      CHECK(c.status().code() == absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST_CASE("EveryFlippedByteOfSignatureFails", "[tpm_evidence]") {
  Fixture f;
  const CounterEvidence ev = *f.counter->Certify(kQualifying);
  for (size_t i = 0; i < ev.signature.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      CounterEvidence bad = ev;
      bad.signature[i] = static_cast<char>(bad.signature[i] ^ mask);
      INFO("signature byte " << i << " ^ " << int(mask));
      auto c = f.verifier->Verify(bad, f.counter->WrittenIndexName());
      REQUIRE_FALSE(c.ok());
      CHECK_THAT(std::string(c.status().message()), Catch::StartsWith("TPMT_SIGNATURE"));
    }
  }
}

TEST_CASE("EvidenceForAnotherIndexIsRefusedNamingIndexName", "[tpm_evidence]") {
  Fixture f;
  auto other = *FakeCounter::Create({.label = "release", .nv_index = 0x01500010}, f.ak);
  REQUIRE(other->Increment().ok());
  auto c = f.verifier->Verify(*other->Certify(kQualifying), f.counter->WrittenIndexName());
  CHECK(c.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(c.status().message()), Catch::Contains("indexName"));
}

TEST_CASE("EvidenceFromAnotherKeyIsPermissionDenied", "[tpm_evidence]") {
  Fixture f;
  auto other_ak = *FakeAttestationKey::Generate();
  auto c = EvidenceVerifier::Create(other_ak->PublicKeyPem())
               ->Verify(*f.counter->Certify(kQualifying), f.counter->WrittenIndexName());
  CHECK(c.status().code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("SignedButMalformedAttestNamesTheField", "[tpm_evidence]") {
  Fixture f;
  NvCertifyAttest a;
  a.index_name = f.counter->WrittenIndexName();
  a.nv_contents = std::string(8, '\0');
  std::string bytes = MarshalNvCertifyAttest(a);

  std::string bad_magic = bytes;
  bad_magic[3] = 'X';
  auto c = f.verifier->Verify(*f.ak->SignBytes(bad_magic), a.index_name);
  CHECK(c.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(c.status().message()), Catch::Contains("TPMS_ATTEST.magic"));

  std::string quote = bytes;
  quote[5] = 0x18;  // TPM_ST_ATTEST_QUOTE
  c = f.verifier->Verify(*f.ak->SignBytes(quote), a.index_name);
  CHECK_THAT(std::string(c.status().message()), Catch::Contains("TPMS_ATTEST.type"));

  NvCertifyAttest partial = a;
  partial.offset = 4;
  partial.nv_contents = "abcd";
  c = f.verifier->Verify(*f.ak->Sign(partial), a.index_name);
  CHECK(c.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(c.status().message()), Catch::Contains("attested.nv.offset"));

  NvCertifyAttest short_contents = a;
  short_contents.nv_contents = "abcd";
  c = f.verifier->Verify(*f.ak->Sign(short_contents), a.index_name);
  CHECK_THAT(std::string(c.status().message()), Catch::Contains("nvContents: 4 bytes"));
}

TEST_CASE("CreateRefusesKeysThatAreNotP256", "[tpm_evidence]") {
  auto ed = crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  REQUIRE(ed.ok());
  CHECK(EvidenceVerifier::Create(ed->public_key().ToPem()).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(EvidenceVerifier::Create("not a pem").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace breakglass::tpm
