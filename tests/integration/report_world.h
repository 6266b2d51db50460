// ReportWorld: a whole break-glass incident on the real store, audit log and
// anchoring protocol, for the incident report's tests (vault/report): a
// VaultHarness (vault/core/testing) whose anchor is a real audit::Anchorer
// over tpm/fake counters (real-format NV_Certify evidence signed by an
// in-memory attestation key) and a software Ed25519 log key, so its exported
// bundle verifies exactly as an appliance's does.
//
// RunStory() plays the incident of request Id():
//   alice files it (incident INC-4711, the given reason) → ann, bob (dba)
//   and sam (security) approve → released → an alert delivery is logged →
//   alice fetches → a second fetch is refused → oscar rotates db-root →
//   sue (reviewer) logs a signed review (Review()).
// The last events are routine (not anchored by themselves); AnchorAll()
// anchors them.
//
// Thread-safety: one test thread.
#ifndef BREAKGLASS_TESTS_INTEGRATION_REPORT_WORLD_H_
#define BREAKGLASS_TESTS_INTEGRATION_REPORT_WORLD_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vault/audit/anchor.h"
#include "vault/audit/anchor_test_util.h"
#include "vault/base/clock.h"
#include "vault/core/audit_adapters.h"
#include "vault/core/testing/test_keystore.h"
#include "vault/core/testing/vault_harness.h"
#include "vault/verify/verifier.h"

namespace breakglass::report::integration {

inline constexpr char kReportOrigin[] = "breakglass.test/report";

// A TPM has one clock; tpm/fake counters tick their own per command. This
// forwards to one counter and ticks its sibling too (a Read), so both certify
// the same clock, as the verifier demands across anchors.
class OneClockCounter final : public tpm::MonotonicCounter {
 public:
  OneClockCounter(tpm::MonotonicCounter* target, tpm::MonotonicCounter* sibling)
      : target_(target), sibling_(sibling) {}
  absl::StatusOr<uint64_t> Read() override { return Tick(target_->Read()); }
  absl::StatusOr<uint64_t> Increment() override { return Tick(target_->Increment()); }
  absl::StatusOr<tpm::CounterEvidence> Certify(std::string_view q) override {
    return Tick(target_->Certify(q));
  }
  std::string Label() const override { return target_->Label(); }

 private:
  template <typename T>
  T Tick(T result) {
    (void)sibling_->Read();
    return result;
  }
  tpm::MonotonicCounter* target_;
  tpm::MonotonicCounter* sibling_;
};

class ReportWorld final {
 public:
  // Provisions the log (genesis anchor) and the harness's cast.
  static absl::StatusOr<std::unique_ptr<ReportWorld>> Create();
  ~ReportWorld();

  // The story of the file comment, with `reason` as the request's reason.
  absl::Status RunStory(const std::string& reason);
  // Anchors every leaf logged so far (a routine anchor).
  absl::Status AnchorAll();
  // Logs an event about the request as the appliance would, in one store
  // transaction: a compromised appliance could write anything here.
  absl::Status Log(core::VaultEvent event);
  // Logs sue's signed review of the request's release, as vault/core's
  // review flow does (statement format of vault/core/review_statement.h),
  // naming the release's leaf index plus `index_offset`.
  absl::Status Review(int64_t index_offset = 0);
  // Exports the audit bundle into a new directory `name` under the harness dir.
  absl::StatusOr<std::filesystem::path> Export(const std::string& name);

  // The auditor's trust inputs: the log key and AK recorded at provisioning.
  verify::VerifyOptions Pinned() const;
  const std::string& id() const { return id_; }
  core::testing::VaultHarness& harness() { return *harness_; }

 private:
  absl::StatusOr<int64_t> ReleaseIndex();

  ReportWorld()
      : tpm_(1000, 40),
        checkpoint_(&tpm_.raw_checkpoint(), &tpm_.raw_release()),
        release_(&tpm_.raw_release(), &tpm_.raw_checkpoint()) {}
  core::testing::TestKeystore keystore_;
  audit::testing::TestTpm tpm_;
  OneClockCounter checkpoint_;
  OneClockCounter release_;
  audit::testing::TestSigner signer_;
  base::SystemClock anchor_clock_;
  std::unique_ptr<audit::Anchorer> anchorer_;
  std::unique_ptr<core::AuditAnchor> anchor_;
  std::unique_ptr<core::testing::VaultHarness> harness_;
  std::string id_;
  std::string reason_;
};

}  // namespace breakglass::report::integration

#endif  // BREAKGLASS_TESTS_INTEGRATION_REPORT_WORLD_H_
