// The harness proof (issue 2): a private SoftHSM2 token reached through p11-kit,
// and a sensitive, non-extractable AES-256 key whose value the token refuses.
// Also pins the harness's own promises (0600 PIN file, cleanup, one per process).
#include "tests/harness/softhsm_token.h"

#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace breakglass::testing {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<SoftHsmToken> MakeToken(std::string_view label = "proof") {
  absl::StatusOr<std::unique_ptr<SoftHsmToken>> token = SoftHsmToken::Create(label);
  INFO(token.status().ToString());
  REQUIRE(token.ok());
  return *std::move(token);
}

// The module loaded through p11-kit, initialised, finalised on scope exit.
class LoadedModule {
 public:
  explicit LoadedModule(const std::string& path) : fns_(p11_kit_module_load(path.c_str(), 0)) {
    INFO("p11_kit_module_load: " << (p11_kit_message() ? p11_kit_message() : "?"));
    REQUIRE(fns_ != nullptr);
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    REQUIRE(fns_->C_Initialize(&args) == CKR_OK);
  }
  ~LoadedModule() {
    fns_->C_Finalize(nullptr);
    p11_kit_module_release(fns_);
  }
  CK_FUNCTION_LIST* operator->() const { return fns_; }

 private:
  CK_FUNCTION_LIST* fns_;
};

CK_SLOT_ID SlotOf(const LoadedModule& m, std::string_view label) {
  CK_ULONG count = 0;
  REQUIRE(m->C_GetSlotList(CK_TRUE, nullptr, &count) == CKR_OK);
  std::vector<CK_SLOT_ID> slots(count);
  REQUIRE(m->C_GetSlotList(CK_TRUE, slots.data(), &count) == CKR_OK);
  for (CK_ULONG i = 0; i < count; ++i) {
    CK_TOKEN_INFO info;
    REQUIRE(m->C_GetTokenInfo(slots[i], &info) == CKR_OK);
    std::string padded(reinterpret_cast<const char*>(info.label), sizeof(info.label));
    if (padded.substr(0, padded.find_last_not_of(' ') + 1) == label) return slots[i];
  }
  FAIL("no token labelled " << label);
  return 0;
}

CK_OBJECT_HANDLE GenerateAes256(const LoadedModule& m, CK_SESSION_HANDLE session,
                                CK_BBOOL sensitive, CK_BBOOL extractable) {
  CK_MECHANISM mech{CKM_AES_KEY_GEN, nullptr, 0};
  CK_ULONG len = 32;
  CK_BBOOL yes = CK_TRUE;
  CK_ATTRIBUTE tmpl[] = {
      {CKA_VALUE_LEN, &len, sizeof(len)},
      {CKA_TOKEN, &yes, sizeof(yes)},
      {CKA_PRIVATE, &yes, sizeof(yes)},
      {CKA_SENSITIVE, &sensitive, sizeof(sensitive)},
      {CKA_EXTRACTABLE, &extractable, sizeof(extractable)},
      {CKA_ENCRYPT, &yes, sizeof(yes)},
  };
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  REQUIRE(m->C_GenerateKey(session, &mech, tmpl, std::size(tmpl), &key) == CKR_OK);
  return key;
}

TEST_CASE("SoftHSM2 token through p11-kit refuses the value of a sensitive AES-256 key",
          "[hsm][harness]") {
  auto token = MakeToken();
  LoadedModule m(token->module_path());
  const CK_SLOT_ID slot = SlotOf(m, token->label());
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  REQUIRE(m->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session) ==
          CKR_OK);
  base::SecretBytes pin = token->user_pin();
  auto* pin_bytes = const_cast<CK_UTF8CHAR*>(pin.data(base::InsecureSecretAccess::Get()));
  REQUIRE(m->C_Login(session, CKU_USER, pin_bytes, pin.size()) == CKR_OK);

  const CK_OBJECT_HANDLE key = GenerateAes256(m, session, CK_TRUE, CK_FALSE);
  unsigned char value[64];
  CK_ATTRIBUTE get{CKA_VALUE, value, sizeof(value)};
  CHECK(m->C_GetAttributeValue(session, key, &get, 1) == CKR_ATTRIBUTE_SENSITIVE);
  CHECK(get.ulValueLen == CK_UNAVAILABLE_INFORMATION);

  CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE;
  CK_ULONG value_len = 0;
  CK_ATTRIBUTE attrs[] = {{CKA_SENSITIVE, &sensitive, sizeof(sensitive)},
                          {CKA_EXTRACTABLE, &extractable, sizeof(extractable)},
                          {CKA_VALUE_LEN, &value_len, sizeof(value_len)}};
  REQUIRE(m->C_GetAttributeValue(session, key, attrs, 3) == CKR_OK);
  CHECK(sensitive == CK_TRUE);
  CHECK(extractable == CK_FALSE);
  CHECK(value_len == 32);

  // Control: the same call on a non-sensitive key does return 32 bytes, so the
  // refusal above is the token's doing and not a broken call.
  const CK_OBJECT_HANDLE open_key = GenerateAes256(m, session, CK_FALSE, CK_TRUE);
  CK_ATTRIBUTE get_open{CKA_VALUE, value, sizeof(value)};
  CHECK(m->C_GetAttributeValue(session, open_key, &get_open, 1) == CKR_OK);
  CHECK(get_open.ulValueLen == 32);
  CHECK(m->C_CloseSession(session) == CKR_OK);
}

TEST_CASE("SoftHsmToken writes a 0600 PIN file and its own configuration", "[hsm][harness]") {
  auto token = MakeToken();
  struct stat st;
  REQUIRE(stat(token->pin_file().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(static_cast<size_t>(st.st_size) == token->user_pin().size());
  const char* conf = std::getenv("SOFTHSM2_CONF");
  REQUIRE(conf != nullptr);
  CHECK(fs::path(conf) == token->conf_path());
  CHECK(token->uri() == "pkcs11:token=proof");
  CHECK(token->object_uri("k") == "pkcs11:token=proof;object=k");
}

TEST_CASE("SoftHsmToken removes its directory and restores SOFTHSM2_CONF", "[hsm][harness]") {
  setenv("SOFTHSM2_CONF", "/nonexistent/previous.conf", 1);
  fs::path dir;
  {
    auto token = MakeToken();
    dir = token->dir();
    REQUIRE(fs::exists(dir / "tokens"));
    // A second token in the same process is refused while the first lives.
    CHECK(SoftHsmToken::Create("other").status().code() == absl::StatusCode::kFailedPrecondition);
  }
  CHECK_FALSE(fs::exists(dir));
  CHECK(std::string(std::getenv("SOFTHSM2_CONF")) == "/nonexistent/previous.conf");
  unsetenv("SOFTHSM2_CONF");
}

TEST_CASE("SoftHsmToken cleans up when the test fails", "[hsm][harness]") {
  fs::path dir;
  try {
    auto token = MakeToken();
    dir = token->dir();
    throw std::runtime_error("simulated REQUIRE failure");
  } catch (const std::runtime_error&) {
  }
  REQUIRE_FALSE(dir.empty());
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("SoftHsmToken adds a second token to the same directory", "[hsm][harness]") {
  auto token = MakeToken();
  REQUIRE(token->AddToken("second").ok());
  LoadedModule m(token->module_path());
  CHECK(SlotOf(m, "proof") != SlotOf(m, "second"));
}

}  // namespace
}  // namespace breakglass::testing
