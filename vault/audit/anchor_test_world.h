// Helpers shared by the Anchorer unit tests (anchor_test.cc,
// anchor_recovery_test.cc): a world of fakes (tpm/fake counters, hsm/fake log
// key, a fake clock) around a reopenable store, and checks with Catch2.
#ifndef BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_WORLD_H_
#define BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_WORLD_H_

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "tpm/evidence/verifier.h"
#include "vault/audit/anchor.h"
#include "vault/audit/anchor_test_util.h"
#include "vault/merkle/checkpoint.h"

namespace breakglass::audit::testing {

struct World {
  base::FakeClock clock{absl::FromUnixSeconds(1'800'000'000)};
  TestTpm tpm{41, 7};
  std::unique_ptr<hsm::FakeLogSigner> log_key = *hsm::FakeLogSigner::Create();
  hsm::FaultInjectingLogSigner signer{log_key.get()};
  AnchorFixture fx{&tpm.checkpoint(), &tpm.release(), &signer, &clock};
};

inline AnchorOptions Fast() {
  AnchorOptions o;
  o.min_interval = absl::ZeroDuration();
  o.tick = absl::Milliseconds(5);
  return o;
}

inline uint64_t AppendRequest(AuditLog& log, std::string subject = "req-1") {
  Event e(EventType::kRequest);
  e.set_actor("alice").set_subject(std::move(subject));
  absl::StatusOr<uint64_t> seq = log.Append(std::move(e));
  REQUIRE(seq.ok());
  return *seq;
}

inline void Provision(World& w, AnchorOptions options = Fast()) {
  REQUIRE(w.fx.Open(std::move(options)).ok());
  absl::StatusOr<StartupReport> report = w.fx.anchorer().Provision(w.tpm.Provision());
  INFO(report.status());
  REQUIRE(report.ok());
}

inline LocatedAnchor LastAnchor(World& w) {
  std::optional<LocatedAnchor> last;
  REQUIRE(w.fx.runner()
              .Read([&](store::Txn& txn) -> absl::Status {
                auto found = FindLastAnchor(w.fx.log(), txn);
                if (!found.ok()) return found.status();
                last = *found;
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(last.has_value());
  return *last;
}

// The last anchor is complete: its checkpoint is the latest, verifies, and
// each counter it moves is certified at the stated value over SHA-256(body).
inline LocatedAnchor RequireLastAnchorComplete(World& w) {
  const LocatedAnchor a = LastAnchor(w);
  absl::StatusOr<StoredCheckpoint> cp = w.fx.log().LatestCheckpoint();
  REQUIRE(cp.ok());
  REQUIRE(cp->size == a.checkpoint_size());
  absl::StatusOr<merkle::Checkpoint> opened =
      merkle::OpenCheckpoint(cp->note, w.fx.anchorer().verifier());
  REQUIRE(opened.ok());
  REQUIRE(*opened->root.data() == *w.fx.log().Root(cp->size)->data());
  const std::string qd = CheckpointQualifyingData(*CheckpointBodyOfNote(cp->note));
  absl::StatusOr<std::vector<AnchorEvidence>> ev = w.fx.log().AnchorEvidenceAt(cp->size);
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == (a.statement.moves_release() ? 2u : 1u));
  absl::StatusOr<tpm::EvidenceVerifier> verifier =
      tpm::EvidenceVerifier::Create(w.tpm.ak()->PublicKeyPem());
  REQUIRE(verifier.ok());
  for (const AnchorEvidence& e : *ev) {
    REQUIRE(e.value == a.statement.ValueOf(e.counter));
    const std::string name = e.counter == "release" ? w.tpm.raw_release().WrittenIndexName()
                                                    : w.tpm.raw_checkpoint().WrittenIndexName();
    absl::StatusOr<tpm::CertifiedCounter> c = verifier->Verify({e.attest, e.signature}, name);
    REQUIRE(c.ok());
    REQUIRE(c->value == e.value);
    REQUIRE(c->qualifying_data == qd);
  }
  REQUIRE(w.tpm.checkpoint_value() == a.statement.checkpoint_counter);
  REQUIRE(w.tpm.release_value() == a.statement.release_counter);
  return a;
}

inline std::string Message(const absl::Status& s) { return std::string(s.message()); }

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_TEST_WORLD_H_
