// The TPM side of offline verification against bundles of a real log: altered
// evidence, counters that do not advance as stated, a TPM clock that goes
// back — including what a root holding the HSM log key and the TPM could sign.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "vault/audit/anchor_event.h"
#include "vault/audit/export_test_util.h"
#include "vault/base/status.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/note.h"
#include "vault/verify/bundle.h"
#include "vault/verify/verifier.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;
using testing::CopyBundle;
using testing::Slurp;
using testing::Spit;
using verify::Finding;
using verify::Where;

std::optional<Finding> FirstBad(const fs::path& dir, std::string* message = nullptr) {
  verify::VerifyOptions o;
  o.threads = 1;
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(dir, o);
  if (s.ok()) return std::nullopt;
  if (message != nullptr) *message = std::string(s.status().message());
  return verify::FindingOf(s.status());
}

struct World {
  testing::ExportFixture fx;
  fs::path pristine;
  World() {
    fx.Build();
    pristine = fx.Export("pristine");
  }
  fs::path Copy() { return CopyBundle(pristine, "trial"); }
};

TEST_CASE("Flipping any byte of TPM evidence names its checkpoint", "[export]") {
  World w;
  const fs::path dir = w.Copy();
  for (const std::string& file :
       {verify::EvidenceAttestFile(12, "release"), verify::EvidenceSignatureFile(12, "release")}) {
    const std::string original = Slurp(w.pristine / file);
    for (size_t at = 0; at < original.size(); ++at) {
      std::string bytes = original;
      bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
      Spit(dir / file, bytes);
      INFO(file << " byte " << at);
      REQUIRE(FirstBad(dir) == Finding{Where::kCheckpoint, 12});
    }
    Spit(dir / file, original);
  }
  CHECK_FALSE(FirstBad(dir).has_value());
}

TEST_CASE("Evidence moved, removed or added is caught", "[export]") {
  World w;
  std::string why;
  {
    // Authentic evidence of another anchor: its qualifying data is another checkpoint's.
    const fs::path dir = w.Copy();
    for (const auto& f : {&verify::EvidenceAttestFile, &verify::EvidenceSignatureFile}) {
      Spit(dir / f(7, "checkpoint"), Slurp(w.pristine / f(17, "checkpoint")));
    }
    CHECK(FirstBad(dir, &why) == Finding{Where::kCheckpoint, 7});
    CHECK(why.find("another checkpoint") != std::string::npos);
  }
  {
    const fs::path dir = w.Copy();
    fs::remove(dir / verify::EvidenceAttestFile(12, "release"));
    CHECK(FirstBad(dir) == Finding{Where::kCheckpoint, 12});
  }
  {
    // A routine anchor does not move the release counter.
    const fs::path dir = w.Copy();
    for (const auto& f : {&verify::EvidenceAttestFile, &verify::EvidenceSignatureFile}) {
      Spit(dir / f(7, "release"), Slurp(w.pristine / f(12, "release")));
    }
    CHECK(FirstBad(dir) == Finding{Where::kCheckpoint, 7});
  }
  {
    // Evidence for a tree size that has no anchor checkpoint.
    const fs::path dir = w.Copy();
    Spit(dir / verify::EvidenceAttestFile(5, "checkpoint"), "x");
    CHECK(FirstBad(dir) == Finding{Where::kBundle, 0});
  }
  {
    const fs::path dir = w.Copy();
    Spit(dir / verify::kProvisioningFile, "{}\n");
    CHECK(FirstBad(dir) == Finding{Where::kLeaf, 0});
  }
}

// What a root holding the log key and the TPM could do: append an anchor
// leaf of its choosing, sign the checkpoint covering it and certify the
// counter — everything the appliance itself would do, but with other numbers.
void ForgeAnchor(testing::ExportFixture& fx, const AnchorStatement& stated, bool increment) {
  REQUIRE(fx.log().Append(*AnchorEvent(stated)).ok());
  const uint64_t size = *fx.log().Size();
  if (increment) REQUIRE(fx.checkpoint_counter().Increment().ok());
  const merkle::NoteSigner signer =
      *merkle::NoteSigner::FromLogSigner(testing::kExportOrigin, fx.signer());
  const merkle::Checkpoint cp{testing::kExportOrigin, size, *fx.log().Root(size)};
  const std::string note = *merkle::SignCheckpoint(cp, signer);
  const tpm::CounterEvidence ev =
      *fx.checkpoint_counter().Certify(CheckpointQualifyingData(*merkle::FormatCheckpoint(cp)));
  REQUIRE(fx.runner()
              .Run([&](store::Txn& txn) -> absl::Status {
                BG_RETURN_IF_ERROR(fx.log().StoreCheckpoint(txn, size, note));
                return fx.log().StoreAnchorEvidence(
                    txn, {size, "checkpoint", *fx.checkpoint_counter().Read(), ev.attest,
                          ev.signature});
              })
              .ok());
}

TEST_CASE("Anchor counters that go backwards or skip are refused", "[export]") {
  const uint64_t last_c = testing::kCheckpointStart + 5, last_r = testing::kReleaseStart + 2;
  for (uint64_t stated : {last_c - 1, last_c, last_c + 2}) {
    World w;
    ForgeAnchor(w.fx, {AnchorKind::kRoutine, stated, last_r}, /*increment=*/false);
    std::string why;
    INFO("stated " << stated);
    CHECK(FirstBad(w.fx.Export("forged"), &why) == Finding{Where::kLeaf, testing::kBuiltLeaves});
    CHECK(why.find("out of sequence") != std::string::npos);
  }
  {
    World w;  // a release counter that goes back on a routine anchor
    ForgeAnchor(w.fx, {AnchorKind::kRoutine, last_c + 1, last_r - 1}, /*increment=*/true);
    CHECK(FirstBad(w.fx.Export("forged")) == Finding{Where::kLeaf, testing::kBuiltLeaves});
  }
}

TEST_CASE("A stated counter value the TPM did not reach is refused", "[export]") {
  World w;
  const uint64_t last_c = testing::kCheckpointStart + 5, last_r = testing::kReleaseStart + 2;
  // In sequence, but the TPM counter was never incremented: it certifies last_c.
  ForgeAnchor(w.fx, {AnchorKind::kRoutine, last_c + 1, last_r}, /*increment=*/false);
  std::string why;
  CHECK(FirstBad(w.fx.Export("forged"), &why) ==
        Finding{Where::kCheckpoint, testing::kBuiltLeaves + 1});
  CHECK(why.find("certifies value " + std::to_string(last_c)) != std::string::npos);
}

TEST_CASE("A TPM clock, resetCount or restartCount going backwards is refused", "[export]") {
  struct Case {
    tpm::ClockInfo clock;
    bool fails;
  };
  // The fake TPM starts at clock 1000, resetCount 3, restartCount 0.
  for (const Case& c : {Case{{.clock = 10, .reset_count = 3, .restart_count = 0, .safe = true}, true},
                        Case{{.clock = 99999, .reset_count = 2, .restart_count = 5, .safe = true}, true},
                        Case{{.clock = 10, .reset_count = 4, .restart_count = 0, .safe = true}, true},
                        Case{{.clock = 10, .reset_count = 4, .restart_count = 0, .safe = false}, false},
                        Case{{.clock = 99999, .reset_count = 4, .restart_count = 0, .safe = true}, false}}) {
    World w;
    w.fx.SetTpmClock(c.clock);
    w.fx.Events(1);
    w.fx.Anchor(AnchorKind::kRoutine);
    const fs::path dir = w.fx.Export("later");
    std::string why;
    INFO("clock " << c.clock.clock << " reset " << c.clock.reset_count << " safe " << c.clock.safe);
    if (c.fails) {
      CHECK(FirstBad(dir, &why) == Finding{Where::kCheckpoint, testing::kBuiltLeaves + 2});
      CHECK(why.find("went backwards") != std::string::npos);
    } else {
      CHECK_FALSE(FirstBad(dir, &why).has_value());
    }
  }
}

}  // namespace
}  // namespace breakglass::audit
