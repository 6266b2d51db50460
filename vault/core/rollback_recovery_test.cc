// RollbackRecovery over a real Anchorer (tpm/fake counters, a software log
// key) and a SQLite store holding the custodians: one approval is not
// enough, the second clears, refusals change nothing.
#include "vault/core/rollback_recovery.h"

#include <catch2/catch.hpp>

#include "vault/audit/anchor_test_util.h"
#include "vault/core/repository.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {
namespace {

using audit::testing::TestSigner;
using audit::testing::TestTpm;

std::vector<store::sqlite::Migration> AllMigrations() {
  std::vector<store::sqlite::Migration> steps = audit::AuditLog::Migrations();
  for (const auto& m : repo::Migrations()) steps.push_back(m);
  return steps;
}

struct Signer {
  std::string name;
  crypto::SigningKey key;
};

// Provisioned, then the release counter moved outside breakglass: the
// Anchorer refuses after Start. Custodians alice, bob, carol; erin requests.
class World {
 public:
  World() {
    runner_ = *store::TransactionRunner::Open(dir_.File("state.db"), AllMigrations());
    log_ = *audit::AuditLog::Create(runner_.get(), &clock_);
    REQUIRE(Open().ok());
    REQUIRE(anchorer_->Provision(tpm_.Provision()).ok());
    for (const char* who : {"alice", "bob", "carol"}) AddCustodian(who);
    REQUIRE(tpm_.raw_release().Increment().ok());
    REQUIRE(Open().ok());
    REQUIRE(anchorer_->Start().status().code() == absl::StatusCode::kFailedPrecondition);
  }

  absl::Status Open() {
    anchorer_.reset();
    audit::AnchorOptions o;
    o.origin = "breakglass.test/recovery";
    o.min_interval = absl::ZeroDuration();
    o.tick = absl::Milliseconds(5);
    audit::AnchorDeps deps{runner_.get(),      log_.get(),      &signer_,
                           &tpm_.checkpoint(), &tpm_.release(), nullptr};
    absl::StatusOr<std::unique_ptr<audit::Anchorer>> a = audit::Anchorer::Create(deps, &clock_, o);
    if (!a.ok()) return a.status();
    anchorer_ = *std::move(a);
    return absl::OkStatus();
  }

  void AddCustodian(const std::string& name, bool active = true) {
    signers_.push_back({name, *crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519)});
    Identity id{name, {Role::kCustodian}, signers_.back().key.public_key().ToPem(), active};
    REQUIRE(runner_->Run([&](store::Txn& txn) { return repo::PutIdentity(txn, id, 1); }).ok());
  }

  std::unique_ptr<RollbackRecovery> Recovery(uint32_t required = 2) {
    RollbackRecoveryDeps deps{runner_.get(), anchorer_.get(), required, [this] {
                                ++cleared_calls;
                                return absl::OkStatus();
                              }};
    absl::StatusOr<std::unique_ptr<RollbackRecovery>> r = RollbackRecovery::Create(deps);
    INFO(r.status());
    REQUIRE(r.ok());
    return *std::move(r);
  }

  const crypto::SigningKey& KeyOf(const std::string& name) const {
    for (const Signer& s : signers_) {
      if (s.name == name) return s.key;
    }
    FAIL("no key for " << name);
    return signers_.front().key;
  }

  absl::StatusOr<RollbackRecoveryStatus> Approve(RollbackRecovery& r, const std::string& who,
                                                 const std::string& key_of = "") {
    const std::string statement = r.Status()->statement;
    return r.Approve(who, statement, *KeyOf(key_of.empty() ? who : key_of).Sign(statement));
  }

  uint64_t LogSize() { return *log_->Size(); }
  audit::Anchorer& anchorer() { return *anchorer_; }
  store::TransactionRunner& runner() { return *runner_; }
  audit::AuditLog& log() { return *log_; }
  int cleared_calls = 0;

 private:
  store::testing::TempDir dir_;
  base::FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  TestTpm tpm_{41, 7};
  TestSigner signer_;
  std::vector<Signer> signers_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<audit::Anchorer> anchorer_;
};

TEST_CASE("One approval is not enough; the second clears and anchoring resumes",
          "[rollback_recovery]") {
  World w;
  std::unique_ptr<RollbackRecovery> r = w.Recovery();
  const RollbackRecoveryStatus before = *r->Status();
  CHECK(before.required == 2);
  REQUIRE(before.counters.size() == 2);
  CHECK(before.counters[0].counter == "release");
  CHECK(before.counters[0].log_value == 8);
  CHECK(before.counters[0].tpm_value == 9);

  absl::StatusOr<RollbackRecoveryStatus> one = w.Approve(*r, "alice");
  REQUIRE(one.ok());
  CHECK_FALSE(one->cleared);
  CHECK(one->approved_by == std::vector<std::string>{"alice"});
  CHECK(w.anchorer().refusal().has_value());
  CHECK(w.cleared_calls == 0);

  const uint64_t clear_seq = w.LogSize();
  absl::StatusOr<RollbackRecoveryStatus> two = w.Approve(*r, "bob");
  INFO(two.status());
  REQUIRE(two.ok());
  CHECK(two->cleared);
  CHECK(two->approved_by == std::vector<std::string>{"alice", "bob"});
  CHECK(w.cleared_calls == 1);
  CHECK_FALSE(w.anchorer().refusal().has_value());
  CHECK(w.anchorer().Ready(audit::AnchorKind::kRelease).ok());
  const audit::Event clear = *audit::Event::Parse(*w.log().Leaf(clear_seq));
  CHECK(clear.type() == audit::EventType::kRollbackCleared);
  CHECK(clear.fields().at("approvals").size() == 2);
  CHECK(clear.fields().at("statement") == before.statement);
  CHECK(r->Approve("carol", before.statement, "x").status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Refused approvals change nothing", "[rollback_recovery]") {
  World w;
  w.AddCustodian("dave", /*active=*/false);
  std::unique_ptr<RollbackRecovery> r = w.Recovery();
  REQUIRE(w.Approve(*r, "alice").ok());
  const uint64_t size = w.LogSize();
  // Same custodian twice, a wrong key, a removed custodian, an unknown name.
  CHECK(w.Approve(*r, "alice").status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(w.Approve(*r, "bob", "carol").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(w.Approve(*r, "dave").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(r->Approve("mallory", r->Status()->statement, "sig").status().code() ==
        absl::StatusCode::kPermissionDenied);
  // A statement for other numbers, validly signed.
  std::string other = r->Status()->statement;
  other.replace(other.find("TPM holds 9"), 11, "TPM holds 8");
  CHECK(r->Approve("bob", other, *w.KeyOf("bob").Sign(other)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(r->Status()->approved_by == std::vector<std::string>{"alice"});
  CHECK(w.LogSize() == size);
  CHECK(w.anchorer().refusal().has_value());
  CHECK(w.cleared_calls == 0);
}

TEST_CASE("A quorum larger than the active custodians is refused at creation",
          "[rollback_recovery]") {
  World w;
  RollbackRecoveryDeps deps{&w.runner(), &w.anchorer(), 4, nullptr};
  const absl::Status s = RollbackRecovery::Create(deps).status();
  INFO(s);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("needs 4 custodian approvals") != std::string::npos);
  CHECK(std::string(s.message()).find("holds 3 active custodians") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::core
