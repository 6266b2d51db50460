// The real TPM of anchor_hardware.h: swtpm through tpm/tss. The log key is
// the seed-file signer of anchor_hardware.cc until hsm/pkcs11 is wired here.
#include <signal.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
  BG_ASSIGN_OR_RETURN(hw.signer, OpenSeedSigner(config.dir));
  hw.checkpoint = std::move(checkpoint);
  hw.release = std::move(release);
  return hw;
}

struct Devices::Real {
  std::unique_ptr<tss::testing::TssTestEnv> tpm;
};

absl::StatusOr<std::unique_ptr<Devices>> Devices::StartReal(const std::string& dir) {
  auto real = std::make_shared<Real>();
  BG_ASSIGN_OR_RETURN(real->tpm, tss::testing::TssTestEnv::Start());
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> checkpoint,
                      real->tpm->NewCounter("checkpoint"));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<tss::TssNvCounter> release, real->tpm->NewCounter("release"));
  BG_ASSIGN_OR_RETURN(HardwareConfig config, CreateFileHardware(dir, 0, 0));  // the log key
  config.kind = HardwareConfig::Kind::kReal;
  config.tcti = real->tpm->swtpm().Tcti();
  config.ak_handle = real->tpm->ak().handle();
  config.checkpoint_index = checkpoint->nv_index();
  config.release_index = release->nv_index();
  auto devices = std::unique_ptr<Devices>(new Devices(std::move(config)));
  devices->real_ = std::move(real);
  return devices;
}

breakglass::testing::SwtpmProcess* Devices::swtpm() {
  return real_ == nullptr ? nullptr : &real_->tpm->swtpm();
}

}  // namespace breakglass::audit::testing
