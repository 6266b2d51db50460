// A real audit log for export and verification tests (for tests only): SQLite
// through the TransactionRunner, AuditLog, and the anchoring protocol
// (AnchorProtocol) with a software Ed25519 log key, over counters given by
// the test. Build() writes the standard small log:
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
#include "tpm/monotonic_counter.h"
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

class ExportFixture final {
 public:
  // `checkpoint` and `release` are the TPM counters (borrowed); `ak_pem` the
  // public key their evidence is signed with (recorded at provisioning).
  ExportFixture(tpm::MonotonicCounter* checkpoint, tpm::MonotonicCounter* release,
                std::string ak_pem)
      : checkpoint_(checkpoint), release_(release), ak_pem_(std::move(ak_pem)) {
    auto runner = store::TransactionRunner::Open(dir_.File("state.db"), AuditLog::Migrations());
    REQUIRE(runner.ok());
    runner_ = *std::move(runner);
    auto log = AuditLog::Create(runner_.get(), &clock_);
    REQUIRE(log.ok());
    log_ = *std::move(log);
    AnchorDeps deps{runner_.get(), log_.get(), &signer_, checkpoint_, release_, nullptr};
    auto protocol = AnchorProtocol::Create(std::move(deps), kExportOrigin);
    REQUIRE(protocol.ok());
    protocol_ = *std::move(protocol);
  }

  void Provision() {
    ProvisionRequest request = TestProvisionRequest();
    request.ak_public_key_pem = ak_pem_;
    REQUIRE(protocol_->Provision(request).ok());
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
    REQUIRE(r.ok());
    REQUIRE_FALSE(r->rollback.has_value());
  }

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
  AnchorProtocol& protocol() { return *protocol_; }
  TestSigner& signer() { return signer_; }
  std::string log_key() const { return protocol_->verifier().ToString(); }

 private:
  store::testing::TempDir dir_;
  tpm::MonotonicCounter* checkpoint_;
  tpm::MonotonicCounter* release_;
  std::string ak_pem_;
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
