// The real devices of anchor_hardware.h: swtpm through tpm/tss and the
// Ed25519 log key on SoftHSM2 through hsm/pkcs11.
#include <signal.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"
#include "hsm/pkcs11/token.h"
#include "tests/integration/anchor_hardware.h"
#include "tpm/evidence/attest.h"
#include "tpm/tss/attestation_key.h"
#include "tpm/tss/nv_counter.h"
#include "tpm/tss/testing/tss_test_env.h"
#include "tpm/tss/tss_context.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::audit::testing {
namespace {

namespace tss = ::breakglass::tpm::tss;

// Owns the TPM and HSM handles the counters and signer borrow; destroyed
// after them (Hardware::owner is its first member).
struct RealOwner {
  std::unique_ptr<tss::TssContext> context;
  std::unique_ptr<tss::AttestationKey> ak;
  std::shared_ptr<hsm::pkcs11::Token> token;
};

absl::StatusOr<std::string> WrittenNameHex(tss::TssNvCounter& counter) {
  BG_ASSIGN_OR_RETURN(tpm::NvPublic pub, counter.ReadPublic());
  pub.attributes |= tpm::kTpmaNvWritten;
  BG_ASSIGN_OR_RETURN(const std::string name, tpm::NvIndexName(pub));
  return base::HexEncode(name);
}

absl::StatusOr<std::unique_ptr<tss::TssNvCounter>> OpenCounter(RealOwner& o, std::string label,
                                                               uint32_t index) {
  tss::NvCounterSpec spec;
  spec.label = std::move(label);
  spec.nv_index = index;
  return tss::TssNvCounter::Open(o.context.get(), std::move(spec),
                                 tss::testing::TssTestEnv::CounterAuth(), o.ak.get());
}

}  // namespace

absl::StatusOr<Hardware> OpenRealHardware(const HardwareConfig& config) {
  signal(SIGPIPE, SIG_IGN);  // a killed swtpm is an error, not a signal
  auto owner = std::make_shared<RealOwner>();
  BG_ASSIGN_OR_RETURN(owner->context, tss::TssContext::Open(config.tcti));
  BG_ASSIGN_OR_RETURN(owner->ak, tss::AttestationKey::Open(owner->context.get(), config.ak_handle));
  BG_ASSIGN_OR_RETURN(base::SecretBytes pin, hsm::pkcs11::ReadPinFile(config.pin_file));
  BG_ASSIGN_OR_RETURN(owner->token,
                      hsm::pkcs11::Token::Open({.module_path = config.module_path,
                                                .uri = config.token_uri},
                                               std::move(pin)));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> checkpoint,
                      OpenCounter(*owner, "checkpoint", config.checkpoint_index));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> release,
                      OpenCounter(*owner, "release", config.release_index));
  Hardware hw;
  hw.owner = owner;
  BG_ASSIGN_OR_RETURN(hw.provision.checkpoint_nv_name_hex, WrittenNameHex(*checkpoint));
  BG_ASSIGN_OR_RETURN(hw.provision.release_nv_name_hex, WrittenNameHex(*release));
  hw.provision.ak_public_key_pem = owner->ak->public_key_pem();
  hw.provision.checkpoint_nv_index = config.checkpoint_index;
  hw.provision.release_nv_index = config.release_index;
  BG_ASSIGN_OR_RETURN(hw.signer,
                      hsm::pkcs11::Pkcs11LogSigner::Open(owner->token, config.log_key_uri));
  hw.checkpoint = std::move(checkpoint);
  hw.release = std::move(release);
  return hw;
}

struct Devices::Real {
  std::unique_ptr<tss::testing::TssTestEnv> tpm;
  std::unique_ptr<breakglass::testing::SoftHsmToken> hsm;
};

absl::StatusOr<std::unique_ptr<Devices>> Devices::StartReal(const std::string& dir) {
  auto real = std::make_shared<Real>();
  BG_ASSIGN_OR_RETURN(real->tpm, tss::testing::TssTestEnv::Start());
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> checkpoint,
                      real->tpm->NewCounter("checkpoint"));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> release, real->tpm->NewCounter("release"));
  BG_ASSIGN_OR_RETURN(hsm::pkcs11::testing::SoftHsmAppliance appliance,
                      hsm::pkcs11::testing::SoftHsmAppliance::Create());
  HardwareConfig config;
  config.dir = dir;
  config.kind = HardwareConfig::Kind::kReal;
  config.tcti = real->tpm->swtpm().Tcti();
  config.ak_handle = real->tpm->ak().handle();
  config.checkpoint_index = checkpoint->nv_index();
  config.release_index = release->nv_index();
  config.module_path = appliance.hsm->module_path();
  config.token_uri = appliance.hsm->uri();
  config.pin_file = appliance.hsm->pin_file().string();
  config.log_key_uri = appliance.log_uri();
  appliance.token.reset();  // every user opens its own Token, as the child does
  real->hsm = std::move(appliance.hsm);
  auto devices = std::unique_ptr<Devices>(new Devices(std::move(config)));
  devices->real_ = std::move(real);
  return devices;
}

breakglass::testing::SwtpmProcess* Devices::swtpm() {
  return real_ == nullptr ? nullptr : &real_->tpm->swtpm();
}

}  // namespace breakglass::audit::testing
