#include "api/testing/fake_backend.h"

#include <vector>

#include "hsm/fake/fake_keystore.h"
#include "hsm/fake/fake_log_signer.h"
#include "tpm/evidence/attest.h"
#include "tpm/fake/fake_counter.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/base/status.h"
#include "vault/core/audit_adapters.h"
#include "vault/core/repository.h"
#include "vault/core/vault.h"
#include "vault/crypto/signature.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api::testing {
namespace {

constexpr uint32_t kReleaseIndex = 0x01500010;
constexpr uint32_t kCheckpointIndex = 0x01500011;

// One TPM clock, shared by both counters (each tpm::FakeCounter keeps its
// own, which an auditor would see go backwards between the two).
struct SharedClock {
  absl::Mutex mu;
  tpm::ClockInfo info ABSL_GUARDED_BY(mu) = {.clock = 1000, .reset_count = 1, .restart_count = 0,
                                             .safe = true};
  tpm::ClockInfo Tick() {
    absl::MutexLock lock(&mu);
    ++info.clock;
    return info;
  }
};

// A tpm::FakeCounter whose NV_Certify evidence carries the shared clock.
class SharedClockCounter final : public tpm::MonotonicCounter {
 public:
  static absl::StatusOr<std::unique_ptr<SharedClockCounter>> Create(
      std::string label, uint32_t index, std::shared_ptr<const tpm::FakeAttestationKey> ak,
      std::shared_ptr<SharedClock> clock) {
    tpm::FakeCounterOptions options;
    options.label = std::move(label);
    options.nv_index = index;
    options.initial_value = 41;  // a new TPM counter starts anywhere
    BG_ASSIGN_OR_RETURN(auto counter, tpm::FakeCounter::Create(options, ak));
    return std::unique_ptr<SharedClockCounter>(
        new SharedClockCounter(std::move(counter), std::move(ak), std::move(clock)));
  }
  absl::StatusOr<uint64_t> Read() override { return counter_->Read(); }
  absl::StatusOr<uint64_t> Increment() override { return counter_->Increment(); }
  std::string Label() const override { return counter_->Label(); }
  std::string WrittenIndexName() const { return counter_->WrittenIndexName(); }

  absl::StatusOr<tpm::CounterEvidence> Certify(std::string_view qualifying_data) override {
    BG_ASSIGN_OR_RETURN(uint64_t value, counter_->Read());
    tpm::NvCertifyAttest attest;
    attest.qualified_signer = ak_->QualifiedName();
    attest.extra_data = std::string(qualifying_data);
    attest.clock_info = clock_->Tick();
    attest.firmware_version = 0x2019012700000000;
    attest.index_name = counter_->WrittenIndexName();
    for (int shift = 56; shift >= 0; shift -= 8) {
      attest.nv_contents.push_back(static_cast<char>((value >> shift) & 0xff));
    }
    return ak_->Sign(attest);
  }

 private:
  SharedClockCounter(std::unique_ptr<tpm::FakeCounter> counter,
                     std::shared_ptr<const tpm::FakeAttestationKey> ak,
                     std::shared_ptr<SharedClock> clock)
      : counter_(std::move(counter)), ak_(std::move(ak)), clock_(std::move(clock)) {}
  std::unique_ptr<tpm::FakeCounter> counter_;
  std::shared_ptr<const tpm::FakeAttestationKey> ak_;
  std::shared_ptr<SharedClock> clock_;
};

}  // namespace

// Destroyed in reverse order: vault first, store last.
struct FakeBackend::Parts {
  base::SystemClock clock;
  base::SystemRandom random;
  std::unique_ptr<hsm::FakeKeystore> keystore;
  std::unique_ptr<hsm::FakeLogSigner> signer;
  std::shared_ptr<const tpm::FakeAttestationKey> ak;
  std::shared_ptr<SharedClock> tpm_clock = std::make_shared<SharedClock>();
  std::unique_ptr<SharedClockCounter> release;
  std::unique_ptr<SharedClockCounter> checkpoint;
  std::unique_ptr<store::TransactionRunner> runner;
  std::unique_ptr<audit::AuditLog> log;
  std::unique_ptr<audit::Anchorer> anchorer;
  std::unique_ptr<core::AuditEventLog> events;
  std::unique_ptr<core::AuditAnchor> anchor;
  std::unique_ptr<core::Vault> vault;
};

absl::StatusOr<std::unique_ptr<FakeBackend>> FakeBackend::Create(const std::filesystem::path& dir) {
  auto p = std::make_unique<Parts>();
  BG_ASSIGN_OR_RETURN(p->keystore, hsm::FakeKeystore::Create());
  BG_ASSIGN_OR_RETURN(p->signer, hsm::FakeLogSigner::Create());
  BG_ASSIGN_OR_RETURN(p->ak, tpm::FakeAttestationKey::Generate());
  BG_ASSIGN_OR_RETURN(p->release,
                      SharedClockCounter::Create("release", kReleaseIndex, p->ak, p->tpm_clock));
  BG_ASSIGN_OR_RETURN(p->checkpoint, SharedClockCounter::Create("checkpoint", kCheckpointIndex,
                                                                p->ak, p->tpm_clock));
  std::vector<store::sqlite::Migration> steps = audit::AuditLog::Migrations();
  for (const auto& m : core::repo::Migrations()) steps.push_back(m);
  BG_ASSIGN_OR_RETURN(p->runner, store::TransactionRunner::Open((dir / "state.db").string(), steps));
  BG_ASSIGN_OR_RETURN(p->log, audit::AuditLog::Create(p->runner.get(), &p->clock));
  return std::unique_ptr<FakeBackend>(new FakeBackend(dir, std::move(p)));
}

FakeBackend::FakeBackend(std::filesystem::path dir, std::unique_ptr<Parts> parts)
    : dir_(std::move(dir)), parts_(std::move(parts)) {}

FakeBackend::~FakeBackend() {
  if (parts_->anchorer != nullptr) parts_->anchorer->Stop();
}

absl::StatusOr<ProvisionResult> FakeBackend::Provision(const std::string& log_origin) {
  absl::MutexLock lock(&mu_);
  Parts& p = *parts_;
  if (p.vault != nullptr) return absl::FailedPreconditionError("already initialised");
  audit::AnchorDeps deps{p.runner.get(), p.log.get(), p.signer.get(), p.checkpoint.get(),
                         p.release.get(), {}};
  audit::AnchorOptions options;
  options.origin = log_origin;
  options.min_interval = absl::ZeroDuration();
  BG_ASSIGN_OR_RETURN(p.anchorer, audit::Anchorer::Create(deps, &p.clock, options));
  audit::ProvisionRequest request;
  request.ak_public_key_pem = p.ak->PublicKeyPem();
  request.checkpoint_nv_index = kCheckpointIndex;
  request.checkpoint_nv_name_hex = base::HexEncode(p.checkpoint->WrittenIndexName());
  request.release_nv_index = kReleaseIndex;
  request.release_nv_name_hex = base::HexEncode(p.release->WrittenIndexName());
  BG_ASSIGN_OR_RETURN(audit::StartupReport report, p.anchorer->Provision(request));
  p.events = std::make_unique<core::AuditEventLog>(p.log.get());
  p.anchor = std::make_unique<core::AuditAnchor>(p.anchorer.get());
  core::VaultDeps vault_deps{p.runner.get(), p.events.get(), p.keystore.get(), p.anchor.get(),
                             &p.clock, &p.random};
  BG_ASSIGN_OR_RETURN(p.vault, core::Vault::Create(vault_deps));

  ProvisionResult result;
  result.log_verifier_key = p.anchorer->verifier().ToString();
  result.ak_public_key_pem = request.ak_public_key_pem;
  BG_ASSIGN_OR_RETURN(crypto::PublicKey ak, crypto::PublicKey::FromPem(request.ak_public_key_pem));
  result.ak_fingerprint = ak.FingerprintHex();
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint genesis, p.log->LatestCheckpoint());
  result.genesis_checkpoint = genesis.note;
  for (const audit::CounterCheck& check : report.checks) {
    (check.counter == "release" ? result.release_counter_start : result.checkpoint_counter_start) =
        check.tpm_value;
  }
  return result;
}

core::Vault* FakeBackend::vault() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault.get();
}
audit::Anchorer* FakeBackend::anchorer() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault != nullptr ? parts_->anchorer.get() : nullptr;
}
audit::AuditLog* FakeBackend::log() const { return parts_->log.get(); }
store::TransactionRunner* FakeBackend::runner() const { return parts_->runner.get(); }
std::string FakeBackend::log_verifier_key() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault != nullptr ? parts_->anchorer->verifier().ToString() : "";
}
std::string FakeBackend::ak_public_key_pem() const { return parts_->ak->PublicKeyPem(); }
std::string FakeBackend::scratch_dir() const { return (dir_ / "exports").string(); }

}  // namespace breakglass::api::testing
