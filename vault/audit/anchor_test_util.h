// Test doubles for the anchoring tests (for tests only): a fake TPM with both
// counters (tpm/fake, real-format evidence) behind fault injectors, and a
// fixture that opens a store, a log and an Anchorer over them, reopenable on
// the same file. The log key is hsm/fake's FakeLogSigner behind its
// FaultInjectingLogSigner.
//
// Thread-safety: TestTpm's counters are safe from many threads.
#ifndef BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_UTIL_H_
#define BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "hsm/fake/fake_log_signer.h"
#include "hsm/fake/fault_injection.h"
#include "hsm/log_signer.h"
#include "tpm/fake/fake_counter.h"
#include "tpm/fake/fault_injecting_counter.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/base/encoding.h"
#include "vault/store/testing/temp_dir.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit::testing {

// The two breakglass counters of one fake TPM (tpm/fake: real-format
// evidence signed by one attestation key), each behind a fault injector.
class TestTpm final {
 public:
  TestTpm(uint64_t checkpoint_start, uint64_t release_start)
      : ak_(*tpm::FakeAttestationKey::Generate()),
        checkpoint_raw_(MakeCounter("checkpoint", 0x01500010, checkpoint_start)),
        release_raw_(MakeCounter("release", 0x01500011, release_start)),
        checkpoint_(checkpoint_raw_.get()),
        release_(release_raw_.get()) {}

  // A counter with the TPM's semantics: `written` false models an index
  // never written, whose first increment yields start + 1.
  std::unique_ptr<tpm::FakeCounter> MakeCounter(std::string label, uint32_t index, uint64_t start,
                                                bool written = true) const {
    tpm::FakeCounterOptions o;
    o.label = std::move(label);
    o.nv_index = index;
    o.initial_value = start;
    o.written = written;
    return *tpm::FakeCounter::Create(o, ak_);
  }

  tpm::FaultInjectingCounter& checkpoint() { return checkpoint_; }
  tpm::FaultInjectingCounter& release() { return release_; }
  // The counters themselves, for moves "outside breakglass".
  tpm::FakeCounter& raw_checkpoint() { return *checkpoint_raw_; }
  tpm::FakeCounter& raw_release() { return *release_raw_; }
  uint64_t checkpoint_value() { return *checkpoint_raw_->Read(); }
  uint64_t release_value() { return *release_raw_->Read(); }

  ProvisionRequest Provision() const {
    return {ak_->PublicKeyPem(), checkpoint_raw_->nv_index(),
            base::HexEncode(checkpoint_raw_->WrittenIndexName()), release_raw_->nv_index(),
            base::HexEncode(release_raw_->WrittenIndexName())};
  }
  const std::shared_ptr<const tpm::FakeAttestationKey>& ak() const { return ak_; }

 private:
  std::shared_ptr<const tpm::FakeAttestationKey> ak_;
  std::unique_ptr<tpm::FakeCounter> checkpoint_raw_;
  std::unique_ptr<tpm::FakeCounter> release_raw_;
  tpm::FaultInjectingCounter checkpoint_;
  tpm::FaultInjectingCounter release_;
};

// A default-constructible log key: hsm/fake's FakeLogSigner with a fresh key.
class TestSigner final : public hsm::LogSigner {
 public:
  TestSigner() : key_(*hsm::FakeLogSigner::Create()) {}
  absl::StatusOr<std::string> Sign(std::string_view message) override { return key_->Sign(message); }
  absl::StatusOr<std::string> PublicKey() override { return key_->PublicKey(); }

 private:
  std::unique_ptr<hsm::FakeLogSigner> key_;
};

inline constexpr char kTestOrigin[] = "breakglass.test/anchor";

// A store + log (reopenable over the same file) and an Anchorer over the
// given counters and signer.
class AnchorFixture final {
 public:
  AnchorFixture(tpm::MonotonicCounter* checkpoint, tpm::MonotonicCounter* release,
                hsm::LogSigner* signer, base::Clock* clock)
      : checkpoint_(checkpoint), release_(release), signer_(signer), clock_(clock) {}

  // Counters for the next Open (a replaced TPM or NV index).
  void SetCounters(tpm::MonotonicCounter* checkpoint, tpm::MonotonicCounter* release) {
    checkpoint_ = checkpoint;
    release_ = release;
  }

  std::string db_path() const { return dir_.File("state.db"); }
  const store::testing::TempDir& dir() const { return dir_; }

  // (Re)opens the store and log, and a new Anchorer with `options` and `hook`.
  absl::Status Open(AnchorOptions options, AnchorStepHook hook = nullptr) {
    Close();
    auto runner = store::TransactionRunner::Open(db_path(), AuditLog::Migrations());
    if (!runner.ok()) return runner.status();
    runner_ = *std::move(runner);
    auto log = AuditLog::Create(runner_.get(), clock_);
    if (!log.ok()) return log.status();
    log_ = *std::move(log);
    if (options.origin.empty()) options.origin = kTestOrigin;
    AnchorDeps deps{runner_.get(), log_.get(), signer_, checkpoint_, release_, std::move(hook)};
    auto anchorer = Anchorer::Create(std::move(deps), clock_, std::move(options));
    if (!anchorer.ok()) return anchorer.status();
    anchorer_ = *std::move(anchorer);
    return absl::OkStatus();
  }
  void Close() {
    anchorer_.reset();
    log_.reset();
    runner_.reset();
  }

  Anchorer& anchorer() { return *anchorer_; }
  AuditLog& log() { return *log_; }
  store::TransactionRunner& runner() { return *runner_; }

 private:
  store::testing::TempDir dir_;
  tpm::MonotonicCounter* checkpoint_;
  tpm::MonotonicCounter* release_;
  hsm::LogSigner* signer_;
  base::Clock* clock_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<Anchorer> anchorer_;
};

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_UTIL_H_
