// Test doubles for the anchoring tests (for tests only): a scripted TPM
// counter with fault injection and a software Ed25519 log signer with fault
// injection, plus a fixture that opens a store, a log and an Anchorer over
// them. The counter's "evidence" is a readable stand-in (tpm/fake produces
// real-format evidence); these doubles exist to script failures, foreign
// increments and rollbacks step by step.
//
// Thread-safety: TestCounter and TestSigner are safe from many threads.
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
#include "hsm/log_signer.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/base/encoding.h"
#include "vault/crypto/signature.h"
#include "vault/store/testing/temp_dir.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit::testing {

class TestCounter final : public tpm::MonotonicCounter {
 public:
  // A counter at `value`; `written` false models a never-written NV index.
  TestCounter(std::string label, uint64_t value, bool written = true)
      : label_(std::move(label)), value_(value), written_(written) {}

  absl::StatusOr<uint64_t> Read() override {
    absl::MutexLock lock(&mu_);
    if (!down_.ok()) return down_;
    if (!written_) return absl::FailedPreconditionError("counter never written");
    return value_;
  }
  absl::StatusOr<uint64_t> Increment() override {
    absl::MutexLock lock(&mu_);
    if (!down_.ok()) return down_;
    if (fail_increments_ > 0) {
      --fail_increments_;
      if (apply_failed_increment_) ++value_;  // the write happened, the answer was lost
      return absl::UnavailableError("test counter: increment failed");
    }
    written_ = true;
    ++increments_;
    return ++value_;
  }
  absl::StatusOr<tpm::CounterEvidence> Certify(std::string_view qualifying_data) override {
    absl::MutexLock lock(&mu_);
    if (!down_.ok()) return down_;
    certified_.push_back(std::string(qualifying_data));
    return tpm::CounterEvidence{
        absl::StrCat("attest:", label_, ":", value_, ":", base::HexEncode(qualifying_data)),
        "signature"};
  }
  std::string Label() const override { return label_; }

  // Fault injection and inspection.
  void SetDown(absl::Status status) {
    absl::MutexLock lock(&mu_);
    down_ = std::move(status);
  }
  // The next `n` increments fail; `applied` says whether they still moved it.
  void FailIncrements(int n, bool applied) {
    absl::MutexLock lock(&mu_);
    fail_increments_ = n;
    apply_failed_increment_ = applied;
  }
  void ForeignIncrement() {
    absl::MutexLock lock(&mu_);
    ++value_;
  }
  void Set(uint64_t v) {
    absl::MutexLock lock(&mu_);
    value_ = v;
  }
  uint64_t value() const {
    absl::MutexLock lock(&mu_);
    return value_;
  }
  uint64_t increments() const {
    absl::MutexLock lock(&mu_);
    return increments_;
  }
  std::vector<std::string> certified() const {
    absl::MutexLock lock(&mu_);
    return certified_;
  }

 private:
  const std::string label_;
  mutable absl::Mutex mu_;
  uint64_t value_ ABSL_GUARDED_BY(mu_);
  bool written_ ABSL_GUARDED_BY(mu_);
  absl::Status down_ ABSL_GUARDED_BY(mu_);
  int fail_increments_ ABSL_GUARDED_BY(mu_) = 0;
  bool apply_failed_increment_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t increments_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> certified_ ABSL_GUARDED_BY(mu_);
};

class TestSigner final : public hsm::LogSigner {
 public:
  TestSigner() : key_(*crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519)) {}

  absl::StatusOr<std::string> Sign(std::string_view message) override {
    absl::MutexLock lock(&mu_);
    if (!down_.ok()) return down_;
    ++signatures_;
    return key_.Sign(message);
  }
  absl::StatusOr<std::string> PublicKey() override {
    absl::MutexLock lock(&mu_);
    if (!down_.ok()) return down_;
    return key_.public_key().RawPublicKey();
  }
  void SetDown(absl::Status status) {
    absl::MutexLock lock(&mu_);
    down_ = std::move(status);
  }
  uint64_t signatures() const {
    absl::MutexLock lock(&mu_);
    return signatures_;
  }

 private:
  crypto::SigningKey key_;
  mutable absl::Mutex mu_;
  absl::Status down_ ABSL_GUARDED_BY(mu_);
  uint64_t signatures_ ABSL_GUARDED_BY(mu_) = 0;
};

inline constexpr char kTestOrigin[] = "breakglass.test/anchor";

inline ProvisionRequest TestProvisionRequest() {
  return {"-----BEGIN PUBLIC KEY-----\ntest\n-----END PUBLIC KEY-----\n", 0x01500010, "000b01",
          0x01500011, "000b02"};
}

// A store + log (reopenable over the same file) and an Anchorer over the
// given counters and signer.
class AnchorFixture final {
 public:
  AnchorFixture(TestCounter* checkpoint, TestCounter* release, TestSigner* signer,
                base::Clock* clock)
      : checkpoint_(checkpoint), release_(release), signer_(signer), clock_(clock) {}

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
  TestCounter* checkpoint_;
  TestCounter* release_;
  TestSigner* signer_;
  base::Clock* clock_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<Anchorer> anchorer_;
};

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_UTIL_H_
