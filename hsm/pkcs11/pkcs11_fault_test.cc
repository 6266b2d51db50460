// Faults against the real component (issue 3 "Conformance and faults"): each
// must be a clear error naming its cause, or be recovered from.
#include <catch2/catch.hpp>
#include <string>

#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/module.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/internal/uri.h"
#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_keystore.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/pkcs11_signer.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using testing::SoftHsmAppliance;

SoftHsmAppliance MakeAppliance() {
  absl::StatusOr<SoftHsmAppliance> a = SoftHsmAppliance::Create();
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  return *std::move(a);
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

base::SecretBytes Secret(std::string_view s) { return base::SecretBytes::CopyFrom(s); }

// Another client of the same module in this process: a separate p11-kit load
// with its own session, as a second library or an operator's tool would be.
class OutsideClient {
 public:
  explicit OutsideClient(const SoftHsmAppliance& a) {
    absl::StatusOr<std::unique_ptr<internal::Module>> m =
        internal::Module::Load(a.hsm->module_path());
    REQUIRE(m.ok());
    module_ = *std::move(m);
    slot_ = a.token->core().slot();
    REQUIRE(fns()->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                 &session_) == CKR_OK);
  }
  ~OutsideClient() { fns()->C_CloseSession(session_); }
  CK_FUNCTION_LIST* fns() const { return module_->fns(); }
  CK_SESSION_HANDLE session() const { return session_; }
  CK_SLOT_ID slot() const { return slot_; }

 private:
  std::unique_ptr<internal::Module> module_;
  CK_SLOT_ID slot_ = 0;
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

bool OutsideSeesLoggedIn(const OutsideClient& outside) {
  CK_SESSION_INFO info;
  REQUIRE(outside.fns()->C_GetSessionInfo(outside.session(), &info) == CKR_OK);
  return info.state == CKS_RW_USER_FUNCTIONS;
}

TEST_CASE("Fault: URI names a token the module does not have", "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  absl::StatusOr<base::SecretBytes> pin = ReadPinFile(a.hsm->pin_file().string());
  REQUIRE(pin.ok());
  absl::StatusOr<std::shared_ptr<Token>> t = Token::Open(
      {.module_path = a.hsm->module_path(), .uri = "pkcs11:token=no-such-token"}, *std::move(pin));
  CHECK(t.status().code() == absl::StatusCode::kNotFound);
  CHECK(Message(t.status()).find("no token matches pkcs11:token=no-such-token") !=
        std::string::npos);
  CHECK(Message(t.status()).find("'breakglass'") != std::string::npos);  // tokens present
}

TEST_CASE("Fault: module path missing or not a PKCS#11 module", "[hsm][pkcs11][fault]") {
  absl::StatusOr<std::shared_ptr<Token>> missing = Token::Open(
      {.module_path = "/nonexistent/libnone.so", .uri = "pkcs11:token=x"}, Secret("1234"));
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(Message(missing.status()).find("/nonexistent/libnone.so") != std::string::npos);
  absl::StatusOr<std::shared_ptr<Token>> not_module =
      Token::Open({.module_path = "/etc/hostname", .uri = "pkcs11:token=x"}, Secret("1234"));
  CHECK(not_module.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Message(not_module.status()).find("p11-kit cannot load") != std::string::npos);
}

TEST_CASE("Fault: wrong PIN is PERMISSION_DENIED naming C_Login and CKR_PIN_INCORRECT",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  // Login state is per application (PKCS#11 v2.40 §5.6): close the logged-in
  // token first, or the module would not ask for the PIN again.
  a.token.reset();
  const std::string wrong = "wrong-pin-31337";
  absl::StatusOr<std::shared_ptr<Token>> t = Token::Open(a.options(), Secret(wrong));
  CHECK(t.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(Message(t.status()).find("C_Login on token 'breakglass': CKR_PIN_INCORRECT") !=
        std::string::npos);
  CHECK(Message(t.status()).find(wrong) == std::string::npos);
}

TEST_CASE("Fault: key label missing is NOT_FOUND naming label and token", "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> ks =
      Pkcs11Keystore::Open(a.token, "pkcs11:object=no-such-key");
  CHECK(ks.status().code() == absl::StatusCode::kNotFound);
  CHECK(Message(ks.status()).find("no secret key 'no-such-key' on token 'breakglass'") !=
        std::string::npos);
  absl::StatusOr<std::unique_ptr<Pkcs11LogSigner>> log =
      Pkcs11LogSigner::Open(a.token, "pkcs11:object=no-such-key");
  CHECK(log.status().code() == absl::StatusCode::kNotFound);
  CHECK(Message(log.status()).find("private key 'no-such-key'") != std::string::npos);
}

TEST_CASE("Fault: key deleted while in use is FAILED_PRECONDITION", "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> ks = Pkcs11Keystore::Open(a.token, a.seal_uri());
  REQUIRE(ks.ok());
  REQUIRE((*ks)->Seal(Secret("s"), "aad").ok());
  internal::TokenCore& core = a.token->core();
  REQUIRE(core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
                absl::StatusOr<CK_OBJECT_HANDLE> key =
                    core.FindOne(s, {CKO_SECRET_KEY, "share-seal", std::nullopt});
                if (!key.ok()) return key.status();
                return internal::CkCheck(core.fns()->C_DestroyObject(s, *key), "C_DestroyObject",
                                         "test");
              })
              .ok());
  absl::StatusOr<std::string> sealed = (*ks)->Seal(Secret("s"), "aad");
  CHECK(sealed.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Message(sealed.status())
            .find("secret key 'share-seal' on token 'breakglass' is no "
                  "longer there") != std::string::npos);
}

TEST_CASE("Fault: mechanism the token lacks is FAILED_PRECONDITION naming it",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  internal::TokenCore& core = a.token->core();
  // SoftHSM2 2.6 has CKM_AES_GCM but not CKM_AES_CCM.
  absl::Status lacking = core.RequireMechanism(CKM_AES_CCM, CKF_ENCRYPT, "seal with AES-CCM");
  CHECK(lacking.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Message(lacking).find("does not support CKM_AES_CCM, needed to seal with AES-CCM") !=
        std::string::npos);
  CHECK(core.RequireMechanism(CKM_AES_GCM, CKF_ENCRYPT | CKF_DECRYPT, "seal").ok());
  // Asking the token itself: C_EncryptInit with CKM_AES_CCM on the sealing key.
  absl::Status init = core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
    absl::StatusOr<CK_OBJECT_HANDLE> key =
        core.FindOne(s, {CKO_SECRET_KEY, "share-seal", std::nullopt});
    if (!key.ok()) return key.status();
    CK_MECHANISM mech{CKM_AES_CCM, nullptr, 0};
    return internal::CkCheck(core.fns()->C_EncryptInit(s, &mech, *key), "C_EncryptInit",
                             "key 'share-seal'");
  });
  CHECK(init.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Message(init).find("C_EncryptInit on key 'share-seal': CKR_MECHANISM_INVALID") !=
        std::string::npos);
}

TEST_CASE("Fault: signing key of an unsupported curve is refused naming it",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  internal::TokenCore& core = a.token->core();
  REQUIRE(core.Run([&](CK_SESSION_HANDLE s) {
                static const char kP384[] = "\x06\x05\x2b\x81\x04\x00\x22";
                CK_BBOOL yes = CK_TRUE;
                const char label[] = "p384";
                CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, const_cast<char*>(kP384), 7},
                                      {CKA_LABEL, const_cast<char*>(label), 4}};
                CK_ATTRIBUTE priv[] = {{CKA_SIGN, &yes, 1},
                                       {CKA_SENSITIVE, &yes, 1},
                                       {CKA_LABEL, const_cast<char*>(label), 4}};
                CK_MECHANISM mech{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
                CK_OBJECT_HANDLE pk, sk;
                return internal::CkCheck(
                    core.fns()->C_GenerateKeyPair(s, &mech, pub, 2, priv, 3, &pk, &sk), "gen",
                    "test");
              })
              .ok());
  absl::StatusOr<std::unique_ptr<Pkcs11Signer>> signer =
      Pkcs11Signer::Open(a.token, "pkcs11:object=p384");
  CHECK(signer.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Message(signer.status()).find("neither an Ed25519 nor an ECDSA P-256 key") !=
        std::string::npos);
}

TEST_CASE("Fault: logged out from outside mid-use, the next call logs in again",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  auto ks = Pkcs11Keystore::Open(a.token, a.seal_uri());
  auto log = Pkcs11LogSigner::Open(a.token, a.log_uri());
  REQUIRE((ks.ok() && log.ok()));
  absl::StatusOr<std::string> env = (*ks)->Seal(Secret("share"), "aad");
  REQUIRE(env.ok());
  const uint64_t logins = a.token->core().logins();
  OutsideClient outside(a);
  REQUIRE(OutsideSeesLoggedIn(outside));
  REQUIRE(outside.fns()->C_Logout(outside.session()) == CKR_OK);
  REQUIRE_FALSE(OutsideSeesLoggedIn(outside));  // the whole token is logged out

  absl::StatusOr<base::SecretBytes> out = (*ks)->Unseal(*env, "aad");
  INFO(out.status().ToString());
  REQUIRE(out.ok());
  CHECK(out->view(base::InsecureSecretAccess::Get()) == "share");
  CHECK(a.token->core().logins() == logins + 1);
  CHECK(OutsideSeesLoggedIn(outside));
  CHECK((*log)->Sign("checkpoint").ok());
  CHECK((*ks)->Seal(Secret("again"), "aad").ok());
}

TEST_CASE("Fault: all sessions closed mid-use, new sessions are opened and logged in",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  auto ks = Pkcs11Keystore::Open(a.token, a.seal_uri());
  REQUIRE(ks.ok());
  absl::StatusOr<std::string> env = (*ks)->Seal(Secret("share"), "aad");
  REQUIRE(env.ok());
  internal::TokenCore& core = a.token->core();
  const uint64_t generation = core.generation();
  const uint64_t logins = core.logins();
  // Through the keystore's own module handle: every session it holds is gone.
  REQUIRE(core.fns()->C_CloseAllSessions(core.slot()) == CKR_OK);

  absl::StatusOr<base::SecretBytes> out = (*ks)->Unseal(*env, "aad");
  INFO(out.status().ToString());
  REQUIRE(out.ok());
  CHECK(out->view(base::InsecureSecretAccess::Get()) == "share");
  CHECK(core.generation() > generation);
  CHECK(core.logins() == logins + 1);
}

TEST_CASE("Fault: logged out and the PIN changed, the error names C_Login",
          "[hsm][pkcs11][fault]") {
  SoftHsmAppliance a = MakeAppliance();
  auto ks = Pkcs11Keystore::Open(a.token, a.seal_uri());
  REQUIRE(ks.ok());
  OutsideClient outside(a);
  base::SecretBytes pin = a.hsm->user_pin();
  auto* old_pin = const_cast<CK_UTF8CHAR*>(pin.data(base::InsecureSecretAccess::Get()));
  CK_UTF8CHAR new_pin[] = "changed-pin-0000";
  REQUIRE(outside.fns()->C_SetPIN(outside.session(), old_pin, pin.size(), new_pin,
                                  sizeof(new_pin) - 1) == CKR_OK);
  REQUIRE(outside.fns()->C_Logout(outside.session()) == CKR_OK);

  absl::StatusOr<std::string> sealed = (*ks)->Seal(Secret("s"), "aad");
  CHECK(sealed.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(Message(sealed.status()).find("C_Login on token 'breakglass': CKR_PIN_INCORRECT") !=
        std::string::npos);
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11
