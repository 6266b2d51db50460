// Offline verification of rollback clears against bundles of a real log: a
// counter jump is a finding unless a `rollback_cleared` leaf between the
// anchors states exactly those numbers for exactly this log and carries
// enough valid signatures of active custodians (keys as the log records
// them); an accepted clear is listed in the summary, never silent. The
// forged clears are written as a root holding the log key and the TPM could.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "vault/audit/export_test_util.h"
#include "vault/audit/rollback_clear.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"
#include "vault/verify/verifier.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using verify::Finding;
using verify::Where;

struct Person {
  std::string name;
  crypto::SigningKey key = *crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  ClearApproval Sign(const std::string& statement) const {
    return {name, key.public_key().ToPem(), key.public_key().FingerprintHex(),
            *key.Sign(statement)};
  }
};

// The standard log, custodians alice, bob and carol (removed), reviewer rita,
// an anchor; then the TPM moved past the log: 3 checkpoint and 2 release
// increments the log never saw (as after restoring an older copy).
struct World {
  testing::ExportFixture fx;
  Person alice{"alice"}, bob{"bob"}, carol{"carol"}, rita{"rita"}, mallory{"mallory"};
  uint64_t clear_leaf = 0;

  World() {
    fx.Build();
    for (const Person* p : {&alice, &bob, &carol}) Register(*p, "custodian");
    Register(rita, "reviewer");
    Event removed(EventType::kIdentityRemove);
    removed.set_actor("operator").set_subject("carol");
    REQUIRE(fx.log().Append(std::move(removed)).ok());
    fx.Anchor(AnchorKind::kRoutine);
    for (int i = 0; i < 3; ++i) REQUIRE(fx.checkpoint_counter().Increment().ok());
    for (int i = 0; i < 2; ++i) REQUIRE(fx.release_counter().Increment().ok());
    // tpm/fake ticks a clock per counter; one TPM has one clock, ahead of both.
    fx.SetTpmClock({.clock = 100'000, .reset_count = 3, .restart_count = 0, .safe = true});
  }

  void Register(const Person& p, const std::string& roles) {
    Event e(EventType::kIdentityAdd);
    e.set_actor("operator").set_subject(p.name);
    e.Set("roles", roles).Set("key_fingerprint", p.key.public_key().FingerprintHex());
    REQUIRE(fx.log().Append(std::move(e)).ok());
  }

  RollbackFacts Facts() {
    absl::StatusOr<RollbackFacts> facts = absl::InternalError("unread");
    REQUIRE(fx.runner()
                .Read([&](store::Txn& txn) {
                  facts = ReadRollbackFacts(fx.log(), txn, testing::kExportOrigin,
                                            fx.checkpoint_counter(), fx.release_counter());
                  return facts.status();
                })
                .ok());
    return *facts;
  }

  // Appends a clear of the (possibly edited) facts signed by `signers`, the
  // event edited by `edit`; then the appliance's next start anchors it.
  void Clear(const std::vector<const Person*>& signers, uint32_t required = 2,
             const std::function<void(RollbackFacts&)>& facts_edit = {},
             const std::function<void(Event&)>& edit = {}) {
    RollbackFacts facts = Facts();
    REQUIRE(facts.disagrees());
    if (facts_edit) facts_edit(facts);
    RollbackClearRecord record{facts.Statement(), required, {}};
    for (const Person* p : signers) record.approvals.push_back(p->Sign(record.statement));
    while (record.approvals.size() < required) record.approvals.push_back(record.approvals[0]);
    Event e = *RollbackClearedEvent(facts, record);
    if (edit) edit(e);
    absl::StatusOr<uint64_t> seq = fx.log().Append(std::move(e));
    REQUIRE(seq.ok());
    clear_leaf = *seq;
    (void)fx.Recover();  // anchors it when the baseline is the TPM's
  }

  absl::StatusOr<verify::Summary> Verify(uint32_t min_approvals = 1) {
    verify::VerifyOptions o;
    o.threads = 1;
    o.min_rollback_clear_approvals = min_approvals;
    return verify::VerifyBundle(fx.Export("bundle-" + std::to_string(++exports_)), o);
  }

  // The verification fails at the clear, saying `why`.
  void RequireRefused(const std::string& why) {
    const absl::StatusOr<verify::Summary> s = Verify();
    INFO(s.status());
    REQUIRE_FALSE(s.ok());
    CHECK(verify::FindingOf(s.status()) == Finding{Where::kLeaf, clear_leaf});
    CHECK(std::string(s.status().message()).find(why) != std::string::npos);
  }

 private:
  int exports_ = 0;
};

// The approvals of a clear event, edited.
void EditApprovals(Event& e, const std::function<void(json&)>& f) {
  json approvals = e.fields().at("approvals");
  f(approvals);
  e.Set("approvals", approvals);
}

TEST_CASE("A quorum-approved clear explains the jump and is listed in the summary",
          "[export][rollback]") {
  World w;
  w.Clear({&w.alice, &w.bob});
  w.fx.Events(2);
  w.fx.Anchor(AnchorKind::kRelease);
  const absl::StatusOr<verify::Summary> s = w.Verify();
  INFO(s.status());
  REQUIRE(s.ok());
  REQUIRE(s->rollback_clears.size() == 1);
  const verify::RollbackClearSummary& c = s->rollback_clears[0];
  CHECK(c.leaf == w.clear_leaf);
  CHECK(c.required == 2);
  CHECK(c.approvers == std::vector<std::string>{"alice", "bob"});
  const uint64_t last_c = testing::kCheckpointStart + 6, last_r = testing::kReleaseStart + 2;
  REQUIRE(c.counters.size() == 2);
  CHECK((c.counters[0].label == "release" && c.counters[0].log_value == last_r &&
         c.counters[0].tpm_value == last_r + 2));
  CHECK((c.counters[1].label == "checkpoint" && c.counters[1].log_value == last_c &&
         c.counters[1].tpm_value == last_c + 3));
  const std::string text = s->ToText();
  INFO(text);
  CHECK(text.rfind("audit log of", 0) == 0);
  CHECK(text.find("ROLLBACK CLEARED at leaf " + std::to_string(w.clear_leaf) + " by alice, bob") !=
        std::string::npos);
  CHECK(text.find("3 increments are not in this log") != std::string::npos);
  CHECK(s->ToJson().find("\"rollback_clears\":[{") != std::string::npos);
  // An auditor who demands more approvals than the appliance did refuses it.
  const absl::StatusOr<verify::Summary> strict = w.Verify(/*min_approvals=*/3);
  REQUIRE_FALSE(strict.ok());
  CHECK(verify::FindingOf(strict.status()) == Finding{Where::kLeaf, w.clear_leaf});
}

TEST_CASE("A jump without a clear stays a finding", "[export][rollback]") {
  World w;
  // What the appliance would anchor next if it ignored the rollback.
  const RollbackFacts facts = w.Facts();
  const AnchorStatement next = NextStatement(facts.Baseline(), AnchorKind::kRoutine);
  REQUIRE(w.fx.log().Append(*AnchorEvent(next)).ok());
  const absl::StatusOr<verify::Summary> s = w.Verify();
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.status().message()).find("out of sequence") != std::string::npos);
}

TEST_CASE("Too few approvals, or one custodian twice, are refused", "[export][rollback]") {
  {
    World w;
    w.Clear({&w.alice, &w.bob}, 2, {},
            [](Event& e) { EditApprovals(e, [](json& a) { a.erase(a.size() - 1); }); });
    w.RequireRefused("1 valid approvals, but 2 required");
  }
  {
    World w;
    w.Clear({&w.alice}, 2);  // alice's approval twice
    w.RequireRefused("'alice' approved twice");
  }
  {
    World w;
    w.Clear({&w.alice, &w.bob}, 2, {}, [](Event& e) { e.Set("required_approvals", 0); });
    w.RequireRefused("required (at least 1)");
  }
}

TEST_CASE("Approvals by removed custodians, other roles or strangers are refused",
          "[export][rollback]") {
  for (const std::string who : {"carol", "rita", "mallory"}) {
    World w;
    const Person* p = who == "carol" ? &w.carol : who == "rita" ? &w.rita : &w.mallory;
    INFO(who);
    w.Clear({&w.alice, p});
    w.RequireRefused("approval by '" + who + "', who is not an active custodian");
  }
}

TEST_CASE("A signature by another key, or a key the log does not record, is refused",
          "[export][rollback]") {
  {
    World w;  // bob's approval, signed by mallory
    w.Clear({&w.alice, &w.bob}, 2, {}, [&](Event& e) {
      const std::string statement = e.fields().at("statement");
      EditApprovals(e, [&](json& a) {
        a[1]["signature"] = base::Base64Encode(*w.mallory.key.Sign(statement));
      });
    });
    w.RequireRefused("the signature of 'bob' does not verify");
  }
  {
    World w;  // bob's approval with mallory's key and signature
    w.Clear({&w.alice, &w.bob}, 2, {}, [&](Event& e) {
      const ClearApproval m = w.mallory.Sign(e.fields().at("statement"));
      EditApprovals(e, [&](json& a) {
        a[1]["key_pem"] = m.key_pem;
        a[1]["key_fingerprint"] = m.key_fingerprint;
        a[1]["signature"] = base::Base64Encode(m.signature);
      });
    });
    w.RequireRefused("is not the key");
  }
}

TEST_CASE("A clear for other numbers or another log is refused", "[export][rollback]") {
  {
    World w;  // signed: "the log stated one release less"
    w.Clear({&w.alice, &w.bob}, 2, [](RollbackFacts& f) { --f.counters[0].log_value; });
    w.RequireRefused("line 5");
  }
  {
    World w;  // signed for another log
    w.Clear({&w.alice, &w.bob}, 2, [](RollbackFacts& f) { f.log_root_hex[0] ^= 1; });
    w.RequireRefused("line 3");
  }
  {
    World w;  // a baseline that is not the signed TPM value
    w.Clear({&w.alice, &w.bob}, 2, {}, [](Event& e) {
      e.Set("checkpoint_counter", e.fields().at("checkpoint_counter").get<uint64_t>() + 1);
    });
    w.RequireRefused("baseline is not the TPM value");
  }
}

}  // namespace
}  // namespace breakglass::audit
