// A real audit log for export and verification tests (for tests only): SQLite
// through the TransactionRunner, AuditLog, and the anchoring protocol
// (AnchorProtocol) with a software Ed25519 log key, over tpm/fake counters
// whose NV_Certify evidence is real TPM format, signed by an in-memory P-256
// attestation key. Build() writes the standard small log:
//
//   leaf 0 provision, leaf 1 genesis anchor          -> checkpoint 2
//   leaves 2..5 events, leaf 6 routine anchor         -> checkpoint 7
//   leaves 7..10 events, leaf 11 release anchor       -> checkpoint 12
//   leaves 12..15 events, leaf 16 routine anchor      -> checkpoint 17
//   leaves 17..19 events, leaf 20 routine anchor      -> checkpoint 21
//
// Thread-safety: one test thread.
#ifndef BREAKGLASS_VAULT_AUDIT_EXPORT_TEST_UTIL_H_
#define BREAKGLASS_VAULT_AUDIT_EXPORT_TEST_UTIL_H_

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tpm/fake/fake_counter.h"
#include "tpm/monotonic_counter.h"
#include "vault/base/encoding.h"
#include "vault/audit/anchor_protocol.h"
#include "vault/audit/anchor_test_util.h"
#include "vault/audit/export.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/crypto/signature.h"
#include "vault/store/testing/temp_dir.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit::testing {

inline constexpr uint64_t kBuiltLeaves = 21;
inline constexpr char kExportOrigin[] = "breakglass.test/export";
inline constexpr uint64_t kCheckpointStart = 1000;
inline constexpr uint64_t kReleaseStart = 40;

// Forwards to a counter that can be replaced: the same NV index on a TPM whose
// state (clock, reset count) the test rewrites.
class SwitchableCounter final : public tpm::MonotonicCounter {
 public:
  explicit SwitchableCounter(tpm::MonotonicCounter* target) : target_(target) {}
  void Switch(tpm::MonotonicCounter* target) { target_ = target; }
  absl::StatusOr<uint64_t> Read() override { return target_->Read(); }
  absl::StatusOr<uint64_t> Increment() override { return target_->Increment(); }
  absl::StatusOr<tpm::CounterEvidence> Certify(std::string_view q) override {
    return target_->Certify(q);
  }
  std::string Label() const override { return target_->Label(); }

 private:
  tpm::MonotonicCounter* target_;
};

class ExportFixture final {
 public:
  ExportFixture() : ak_(*tpm::FakeAttestationKey::Generate()) {
    checkpoint_raw_ = MakeCounter("checkpoint", 0x01500010, kCheckpointStart, {});
    release_raw_ = MakeCounter("release", 0x01500011, kReleaseStart, {});
    checkpoint_.Switch(checkpoint_raw_.get());
    release_.Switch(release_raw_.get());
    auto runner = store::TransactionRunner::Open(dir_.File("state.db"), AuditLog::Migrations());
    REQUIRE(runner.ok());
    runner_ = *std::move(runner);
    auto log = AuditLog::Create(runner_.get(), &clock_);
    REQUIRE(log.ok());
    log_ = *std::move(log);
    AnchorDeps deps{runner_.get(), log_.get(), &signer_, &checkpoint_, &release_, nullptr};
    auto protocol = AnchorProtocol::Create(std::move(deps), kExportOrigin);
    REQUIRE(protocol.ok());
    protocol_ = *std::move(protocol);
  }

  void Provision() {
    const ProvisionRequest request{ak_->PublicKeyPem(), checkpoint_raw_->nv_index(),
                                   base::HexEncode(checkpoint_raw_->WrittenIndexName()),
                                   release_raw_->nv_index(),
                                   base::HexEncode(release_raw_->WrittenIndexName())};
    absl::StatusOr<AnchorResult> r = protocol_->Provision(request);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }

  void Events(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.Advance(absl::Seconds(1));
      Event e(EventType::kRequest);
      e.set_actor("alice").set_subject("request-" + std::to_string(events_++)).set_reason("db down");
      e.set_incident("INC-7").Set("ttl_seconds", 3600);
      REQUIRE(log_->Append(std::move(e)).ok());
    }
  }

  void Anchor(AnchorKind kind) {
    absl::StatusOr<AnchorResult> r = protocol_->Anchor(kind);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    REQUIRE_FALSE(r->rollback.has_value());
  }

  // The start-up check and its finishing (after a rollback clear: the anchor
  // continuing from it). The result may report a rollback.
  absl::StatusOr<AnchorResult> Recover() { return protocol_->Recover(); }

  // The standard small log (file comment).
  void Build() {
    Provision();
    Events(4);
    Anchor(AnchorKind::kRoutine);
    Events(4);
    Anchor(AnchorKind::kRelease);
    Events(4);
    Anchor(AnchorKind::kRoutine);
    Events(3);
    Anchor(AnchorKind::kRoutine);
    REQUIRE(*log_->Size() == kBuiltLeaves);
  }

  // From now on the TPM reports `clock` (then ticks on from it): the same AK,
  // NV indices and counter values, as after a reset or a clock change.
  void SetTpmClock(const tpm::ClockInfo& clock) {
    replaced_.push_back(
        MakeCounter("checkpoint", 0x01500010, *checkpoint_raw_->Read(), clock));
    checkpoint_.Switch(replaced_.back().get());
    replaced_.push_back(MakeCounter("release", 0x01500011, *release_raw_->Read(), clock));
    release_.Switch(replaced_.back().get());
  }

  // Exports into a new directory `name` of the fixture's temp dir.
  std::filesystem::path Export(const std::string& name = "bundle") {
    const std::filesystem::path dir = dir_.path() / name;
    absl::StatusOr<ExportResult> r = ExportBundle(*runner_, dir);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return dir;
  }

  const std::filesystem::path& tmp() const { return dir_.path(); }
  store::TransactionRunner& runner() { return *runner_; }
  AuditLog& log() { return *log_; }
  TestSigner& signer() { return signer_; }
  tpm::MonotonicCounter& checkpoint_counter() { return checkpoint_; }
  tpm::MonotonicCounter& release_counter() { return release_; }
  std::string log_key() const { return protocol_->verifier().ToString(); }
  const merkle::NoteVerifier& verifier() const { return protocol_->verifier(); }
  std::string ak_fingerprint() const {
    return crypto::PublicKey::FromPem(ak_->PublicKeyPem())->FingerprintHex();
  }

 private:
  std::unique_ptr<tpm::FakeCounter> MakeCounter(std::string label, uint32_t index, uint64_t value,
                                                std::optional<tpm::ClockInfo> clock) {
    tpm::FakeCounterOptions o;
    o.label = std::move(label);
    o.nv_index = index;
    o.initial_value = value;
    o.written = true;
    if (clock.has_value()) o.clock_info = *clock;
    return *tpm::FakeCounter::Create(o, ak_);
  }

  store::testing::TempDir dir_;
  std::shared_ptr<const tpm::FakeAttestationKey> ak_;
  std::unique_ptr<tpm::FakeCounter> checkpoint_raw_;
  std::unique_ptr<tpm::FakeCounter> release_raw_;
  std::vector<std::unique_ptr<tpm::FakeCounter>> replaced_;
  SwitchableCounter checkpoint_{nullptr};
  SwitchableCounter release_{nullptr};
  base::FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  TestSigner signer_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<AnchorProtocol> protocol_;
  int events_ = 0;
};

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void Spit(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::vector<std::string> Lines(const std::filesystem::path& p) {
  std::vector<std::string> out;
  std::istringstream in(Slurp(p));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline void WriteLines(const std::filesystem::path& p, const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  Spit(p, all);
}

// A fresh copy of `bundle` to tamper with.
inline std::filesystem::path CopyBundle(const std::filesystem::path& bundle,
                                        const std::string& name) {
  const std::filesystem::path copy = bundle.parent_path() / name;
  std::filesystem::remove_all(copy);
  std::filesystem::copy(bundle, copy, std::filesystem::copy_options::recursive);
  return copy;
}

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_VAULT_AUDIT_EXPORT_TEST_UTIL_H_
