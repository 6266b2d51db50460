#include "tests/integration/core_world.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/internal/module.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "tpm/evidence/attest.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::core::integration {
namespace {

namespace tss = ::breakglass::tpm::tss;

constexpr char kOrigin[] = "breakglass.test/core-integration";
constexpr char kChangedPin[] = "changed-pin-0000";

absl::StatusOr<std::string> WrittenNameHex(tss::TssNvCounter& counter) {
  BG_ASSIGN_OR_RETURN(tpm::NvPublic pub, counter.ReadPublic());
  pub.attributes |= tpm::kTpmaNvWritten;  // the name after the genesis increment
  BG_ASSIGN_OR_RETURN(const std::string name, tpm::NvIndexName(pub));
  return base::HexEncode(name);
}

absl::Status Ck(CK_RV rv, std::string_view what) {
  if (rv == CKR_OK) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("test PKCS#11 client: ", std::string(what),
                                          " returned 0x", absl::Hex(rv)));
}

}  // namespace

// Another client of the module in this process (as an operator's tool would
// be), used to log the token out and change its PIN behind the appliance.
struct RealWorld::Outside {
  std::unique_ptr<hsm::pkcs11::internal::Module> module;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  base::SecretBytes pin;
  ~Outside() {
    if (module && session != CK_INVALID_HANDLE) module->fns()->C_CloseSession(session);
  }
  absl::Status SetPin(const uint8_t* from, size_t from_len, const uint8_t* to, size_t to_len) {
    return Ck(module->fns()->C_SetPIN(session, const_cast<CK_UTF8CHAR*>(from), from_len,
                                      const_cast<CK_UTF8CHAR*>(to), to_len),
              "C_SetPIN");
  }
};

absl::StatusOr<std::unique_ptr<RealWorld>> RealWorld::Start(RealWorldOptions options) {
  std::unique_ptr<RealWorld> w(new RealWorld());
  BG_RETURN_IF_ERROR(w->Open(options));
  return w;
}

absl::Status RealWorld::Open(RealWorldOptions options) {
  signal(SIGPIPE, SIG_IGN);  // a killed swtpm is an error, not a signal
  BG_ASSIGN_OR_RETURN(hsm_, hsm::pkcs11::testing::SoftHsmAppliance::Create());
  BG_ASSIGN_OR_RETURN(keystore_, hsm::pkcs11::Pkcs11Keystore::Open(hsm_.token, hsm_.seal_uri()));
  BG_ASSIGN_OR_RETURN(signer_, hsm::pkcs11::Pkcs11LogSigner::Open(hsm_.token, hsm_.log_uri()));
  BG_ASSIGN_OR_RETURN(tpm_, tss::testing::TssTestEnv::Start());
  BG_ASSIGN_OR_RETURN(checkpoint_, tpm_->NewCounter("checkpoint"));
  BG_ASSIGN_OR_RETURN(release_, tpm_->NewCounter("release"));
  if (options.tpm_keystore) {
    tss::SealingKeystoreOptions seal;
    seal.srk_handle = tss::testing::kTestSrkHandle;
    seal.pcrs = {.bank = "sha256", .pcrs = {16}};
    BG_ASSIGN_OR_RETURN(tpm_keystore_, tss::TpmSealingKeystore::Create(&tpm_->context(), seal));
  }
  audit::ProvisionRequest provision;
  provision.ak_public_key_pem = tpm_->ak().public_key_pem();
  provision.checkpoint_nv_index = checkpoint_->nv_index();
  provision.release_nv_index = release_->nv_index();
  BG_ASSIGN_OR_RETURN(provision.checkpoint_nv_name_hex, WrittenNameHex(*checkpoint_));
  BG_ASSIGN_OR_RETURN(provision.release_nv_name_hex, WrittenNameHex(*release_));
  auto make_anchor = [&](store::TransactionRunner& runner,
                         audit::AuditLog& log) -> absl::StatusOr<Anchor*> {
    audit::AnchorDeps deps{&runner, &log, signer_.get(), checkpoint_.get(), release_.get(), {}};
    audit::AnchorOptions opts;
    opts.origin = kOrigin;
    opts.min_interval = options.min_interval;
    opts.max_routine_age = absl::Hours(1);
    BG_ASSIGN_OR_RETURN(anchorer_, audit::Anchorer::Create(deps, &anchor_clock_, opts));
    BG_RETURN_IF_ERROR(anchorer_->Provision(provision).status());
    anchor_ = std::make_unique<AuditAnchor>(anchorer_.get());
    return anchor_.get();
  };
  BG_ASSIGN_OR_RETURN(harness_, testing::VaultHarness::Create(&share_keystore(), make_anchor));
  return harness_->Provision();
}

RealWorld::~RealWorld() {
  outside_.reset();
  if (anchorer_) anchorer_->Stop();
  anchor_.reset();
  anchorer_.reset();
  harness_.reset();
}

hsm::Keystore& RealWorld::share_keystore() {
  if (tpm_keystore_ != nullptr) return *tpm_keystore_;
  return *keystore_;
}

void RealWorld::TpmDown() { tpm_->swtpm().KillHard(); }

absl::Status RealWorld::TpmUp() { return tpm_->swtpm().Restart(); }

absl::Status RealWorld::HsmLogout() {
  outside_ = std::make_unique<Outside>();
  BG_ASSIGN_OR_RETURN(outside_->module,
                      hsm::pkcs11::internal::Module::Load(hsm_.hsm->module_path()));
  CK_FUNCTION_LIST* f = outside_->module->fns();
  BG_RETURN_IF_ERROR(Ck(f->C_OpenSession(hsm_.token->core().slot(),
                                         CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                         &outside_->session),
                        "C_OpenSession"));
  outside_->pin = hsm_.hsm->user_pin();
  const uint8_t* old_pin = outside_->pin.data(base::InsecureSecretAccess::Get());
  BG_RETURN_IF_ERROR(outside_->SetPin(old_pin, outside_->pin.size(),
                                      reinterpret_cast<const uint8_t*>(kChangedPin),
                                      sizeof(kChangedPin) - 1));
  return Ck(f->C_Logout(outside_->session), "C_Logout");
}

absl::Status RealWorld::HsmLogin() {
  CK_FUNCTION_LIST* f = outside_->module->fns();
  BG_RETURN_IF_ERROR(Ck(f->C_Login(outside_->session, CKU_USER,
                                   reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kChangedPin)),
                                   sizeof(kChangedPin) - 1),
                        "C_Login"));
  const uint8_t* old_pin = outside_->pin.data(base::InsecureSecretAccess::Get());
  return outside_->SetPin(reinterpret_cast<const uint8_t*>(kChangedPin), sizeof(kChangedPin) - 1,
                          old_pin, outside_->pin.size());
}

}  // namespace breakglass::core::integration
