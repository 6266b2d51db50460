// Pkcs11Keystore and provisioning against a private SoftHSM2 token. The
// interface-level checks (round trip, wrong AAD, tampering, threads) are in
// tests/conformance; these pin what is specific to PKCS#11.
#include "hsm/pkcs11/pkcs11_keystore.h"

#include <catch2/catch.hpp>
#include <string>

#include "hsm/envelope/keystore_envelope.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using testing::SoftHsmAppliance;

SoftHsmAppliance MakeAppliance(bool provision = true) {
  absl::StatusOr<SoftHsmAppliance> a = SoftHsmAppliance::Create(provision);
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  return *std::move(a);
}

std::unique_ptr<Pkcs11Keystore> OpenKeystore(const SoftHsmAppliance& a, const std::string& uri) {
  absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> ks = Pkcs11Keystore::Open(a.token, uri);
  INFO(ks.status().ToString());
  REQUIRE(ks.ok());
  return *std::move(ks);
}

base::SecretBytes Secret(std::string_view s) { return base::SecretBytes::CopyFrom(s); }

TEST_CASE("Pkcs11Keystore envelope names the key label and AES-256-GCM", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  auto ks = OpenKeystore(a, a.seal_uri());
  absl::StatusOr<std::string> env = ks->Seal(Secret("share"), "aad");
  REQUIRE(env.ok());
  absl::StatusOr<EnvelopeView> view = ParseEnvelope(*env);
  REQUIRE(view.ok());
  CHECK(view->key_label == "share-seal");
  CHECK(view->mechanism == SealMechanism::kAes256Gcm);
  CHECK(view->ciphertext.size() == 5);
  CHECK(view->ciphertext != "share");
  CHECK(ks->Describe().find("token=breakglass") != std::string::npos);
  CHECK(ks->Describe().find(";object=share-seal") != std::string::npos);
}

TEST_CASE("Pkcs11Keystore accepts a URI that names its token and refuses another",
          "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  OpenKeystore(a, "pkcs11:token=breakglass;object=share-seal");
  absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> other =
      Pkcs11Keystore::Open(a.token, "pkcs11:token=elsewhere;object=share-seal");
  CHECK(other.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Pkcs11Keystore::Open(a.token, "pkcs11:token=breakglass").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Pkcs11Keystore refuses an envelope that names another key", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  REQUIRE(CreateSealingKey(a.token, "second-seal").ok());
  auto first = OpenKeystore(a, a.seal_uri());
  auto second = OpenKeystore(a, "pkcs11:object=second-seal");
  absl::StatusOr<std::string> env = first->Seal(Secret("s"), "aad");
  REQUIRE(env.ok());
  absl::StatusOr<base::SecretBytes> out = second->Unseal(*env, "aad");
  CHECK(out.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(out.status().message()).find("share-seal") != std::string::npos);
}

TEST_CASE("Provisioning twice is ALREADY_EXISTS naming the label", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  absl::StatusOr<crypto::PublicKey> again = ProvisionApplianceKeys(a.token, a.labels);
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(std::string(again.status().message()).find("'share-seal'") != std::string::npos);
  absl::Status seal_again = CreateSealingKey(a.token, "log-signing");
  CHECK(seal_again.code() == absl::StatusCode::kAlreadyExists);
  CHECK(std::string(seal_again.message()).find("'log-signing'") != std::string::npos);
  // Still exactly one key: the keystore opens (two would be ambiguous).
  OpenKeystore(a, a.seal_uri());
}

TEST_CASE("Provisioned sealing key is sensitive, non-extractable, encrypt/decrypt only",
          "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance();
  internal::TokenCore& core = a.token->core();
  absl::Status checked = core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
    absl::StatusOr<CK_OBJECT_HANDLE> key =
        core.FindOne(s, {CKO_SECRET_KEY, "share-seal", std::nullopt});
    REQUIRE(key.ok());
    for (auto [type, want] :
         std::vector<std::pair<CK_ATTRIBUTE_TYPE, bool>>{{CKA_TOKEN, true},
                                                         {CKA_PRIVATE, true},
                                                         {CKA_SENSITIVE, true},
                                                         {CKA_EXTRACTABLE, false},
                                                         {CKA_ENCRYPT, true},
                                                         {CKA_DECRYPT, true},
                                                         {CKA_WRAP, false},
                                                         {CKA_UNWRAP, false},
                                                         {CKA_SIGN, false},
                                                         {CKA_DERIVE, false}}) {
      INFO("attribute 0x" << std::hex << type);
      CHECK(*core.GetBool(s, *key, type, "key") == want);
    }
    CHECK(*core.GetUlong(s, *key, CKA_VALUE_LEN, "key") == 32);
    absl::StatusOr<std::string> value = core.GetAttribute(s, *key, CKA_VALUE, "key");
    CHECK(value.status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(std::string(value.status().message()).find("CKR_ATTRIBUTE_SENSITIVE") !=
          std::string::npos);
    return absl::OkStatus();
  });
  CHECK(checked.ok());
}

TEST_CASE("Pkcs11Keystore refuses an extractable key", "[hsm][pkcs11]") {
  SoftHsmAppliance a = MakeAppliance(/*provision=*/false);
  internal::TokenCore& core = a.token->core();
  REQUIRE(core.Run([&](CK_SESSION_HANDLE s) {
                CK_ULONG len = 32;
                CK_BBOOL yes = CK_TRUE;
                const char label[] = "weak";
                CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof(len)},
                                    {CKA_TOKEN, &yes, 1},
                                    {CKA_EXTRACTABLE, &yes, 1},
                                    {CKA_ENCRYPT, &yes, 1},
                                    {CKA_DECRYPT, &yes, 1},
                                    {CKA_LABEL, const_cast<char*>(label), 4}};
                CK_MECHANISM mech{CKM_AES_KEY_GEN, nullptr, 0};
                CK_OBJECT_HANDLE key;
                return internal::CkCheck(core.fns()->C_GenerateKey(s, &mech, t, std::size(t), &key),
                                         "gen", "test");
              })
              .ok());
  absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> ks =
      Pkcs11Keystore::Open(a.token, "pkcs11:object=weak");
  CHECK(ks.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(ks.status().message()).find("extractable") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11
