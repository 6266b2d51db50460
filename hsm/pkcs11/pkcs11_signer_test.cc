// Pkcs11Signer (custodian keys) and Pkcs11LogSigner against SoftHSM2. The
// LogSigner conformance suite is in tests/conformance.
#include "hsm/pkcs11/pkcs11_signer.h"

#include <catch2/catch.hpp>
#include <string>

#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using crypto::SignatureAlgorithm;
using testing::SoftHsmAppliance;

SoftHsmAppliance MakeAppliance(std::vector<std::string> extra_tokens = {}) {
  absl::StatusOr<SoftHsmAppliance> a = SoftHsmAppliance::Create(true, std::move(extra_tokens));
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  return *std::move(a);
}

TEST_CASE("Custodian ECDSA P-256 key on its own token signs through a PKCS#11 URI",
          "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance({"alice"});
  const std::string module = a.hsm->module_path();
  absl::StatusOr<base::SecretBytes> pin = ReadPinFile(a.hsm->pin_file().string());
  REQUIRE(pin.ok());
  absl::StatusOr<std::shared_ptr<Token>> alice =
      Token::Open({.module_path = module, .uri = "pkcs11:token=alice"}, pin->Clone());
  REQUIRE(alice.ok());
  absl::StatusOr<crypto::PublicKey> enrolled =
      CreateSigningKeyPair(*alice, "approve", SignatureAlgorithm::kEcdsaP256Sha256);
  INFO(enrolled.status().ToString());
  REQUIRE(enrolled.ok());
  alice->reset();  // the CLI opens the key by URI alone

  absl::StatusOr<std::unique_ptr<Pkcs11Signer>> signer =
      Pkcs11Signer::Open(module, "pkcs11:token=alice;object=approve", *std::move(pin));
  INFO(signer.status().ToString());
  REQUIRE(signer.ok());
  CHECK((*signer)->algorithm() == SignatureAlgorithm::kEcdsaP256Sha256);
  CHECK((*signer)->public_key() == *enrolled);
  const std::string statement = "approve request 42";
  absl::StatusOr<std::string> sig = (*signer)->Sign(statement);
  REQUIRE(sig.ok());
  CHECK(sig->size() == 64);  // raw r || s
  CHECK(enrolled->Verify(statement, *sig).ok());
  CHECK(enrolled->Verify("approve request 43", *sig).code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("Custodian Ed25519 key signs and verifies", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  absl::StatusOr<crypto::PublicKey> enrolled =
      CreateSigningKeyPair(a.token, "bob", SignatureAlgorithm::kEd25519);
  REQUIRE(enrolled.ok());
  absl::StatusOr<std::unique_ptr<Pkcs11Signer>> signer =
      Pkcs11Signer::Open(a.token, "pkcs11:object=bob");
  REQUIRE(signer.ok());
  absl::StatusOr<std::string> sig = (*signer)->Sign("m");
  REQUIRE(sig.ok());
  CHECK(enrolled->Verify("m", *sig).ok());
}

TEST_CASE("Log signer refuses a P-256 key", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  REQUIRE(CreateSigningKeyPair(a.token, "p256", SignatureAlgorithm::kEcdsaP256Sha256).ok());
  absl::StatusOr<std::unique_ptr<Pkcs11LogSigner>> log =
      Pkcs11LogSigner::Open(a.token, "pkcs11:object=p256");
  CHECK(log.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(log.status().message()).find("must be Ed25519") != std::string::npos);
}

TEST_CASE("Log signer public key is the provisioned one", "[hsm][pkcs11]") {
  absl::StatusOr<SoftHsmAppliance> a = SoftHsmAppliance::Create(/*provision=*/false);
  REQUIRE(a.ok());
  absl::StatusOr<crypto::PublicKey> provisioned = ProvisionApplianceKeys(a->token, a->labels);
  REQUIRE(provisioned.ok());
  absl::StatusOr<std::unique_ptr<Pkcs11LogSigner>> log =
      Pkcs11LogSigner::Open(a->token, a->log_uri());
  REQUIRE(log.ok());
  absl::StatusOr<std::string> raw = (*log)->PublicKey();
  REQUIRE(raw.ok());
  CHECK(*raw == provisioned->RawPublicKey());
  CHECK(raw->size() == 32);
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11
