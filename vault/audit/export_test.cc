// ExportBundle over a real SQLite log anchored by the real protocol, and the
// exported bundle checked by the offline verifier (vault/verify).
#include "vault/audit/export.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "vault/audit/export_test_util.h"
#include "vault/base/encoding.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/note.h"
#include "vault/merkle/tree.h"
#include "vault/verify/bundle.h"
#include "vault/verify/verifier.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;
using testing::ExportFixture;
using testing::Lines;
using testing::Slurp;

struct World {
  ExportFixture fx;
};

verify::VerifyOptions TreeOnly() {
  verify::VerifyOptions o;
  o.check_tpm = false;
  return o;
}

TEST_CASE("Export writes every leaf, checkpoint and evidence record byte for byte", "[export]") {
  World w;
  w.fx.Build();
  const fs::path dir = w.fx.Export();

  const std::vector<std::string> leaves = *w.fx.log().Leaves(0, testing::kBuiltLeaves);
  CHECK(Lines(dir / verify::kLeavesFile) == leaves);
  const std::string hashes = Slurp(dir / verify::kLeafHashesFile);
  REQUIRE(hashes.size() == 32 * leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    CHECK(hashes.substr(32 * i, 32) == merkle::HashBytes(merkle::HashLeaf(leaves[i])));
  }
  const auto checkpoints = *w.fx.log().Checkpoints();
  REQUIRE(checkpoints.size() == 5);
  for (const StoredCheckpoint& cp : checkpoints) {
    CHECK(Slurp(dir / verify::CheckpointFile(cp.size)) == cp.note);
    const absl::StatusOr<std::vector<AnchorEvidence>> evidence =
        w.fx.log().AnchorEvidenceAt(cp.size);
    REQUIRE(evidence.ok());
    for (const AnchorEvidence& e : *evidence) {
      CHECK(Slurp(dir / verify::EvidenceAttestFile(cp.size, e.counter)) == e.attest);
      CHECK(Slurp(dir / verify::EvidenceSignatureFile(cp.size, e.counter)) == e.signature);
    }
  }
  CHECK(Slurp(dir / verify::kLatestCheckpointFile) == checkpoints.back().note);
  CHECK(Slurp(dir / verify::kVerifierKeyFile) == w.fx.log_key() + "\n");
  CHECK(Slurp(dir / verify::kProvisioningFile) == leaves[0] + "\n");
  CHECK(fs::exists(dir / verify::kAkFile));
  CHECK(Slurp(dir / verify::kReadmeFile) == verify::BundleReadme());
  // genesis and release anchors certify two counters, routine ones one.
  CHECK(fs::exists(dir / verify::EvidenceAttestFile(2, "release")));
  CHECK(fs::exists(dir / verify::EvidenceAttestFile(12, "release")));
  CHECK_FALSE(fs::exists(dir / verify::EvidenceAttestFile(7, "release")));
  CHECK(fs::exists(dir / verify::EvidenceAttestFile(7, "checkpoint")));
}

TEST_CASE("Export never overwrites and never leaves a partial bundle", "[export]") {
  World w;
  const fs::path dir = w.fx.tmp() / "bundle";
  // An empty log has no checkpoint: nothing to export.
  CHECK(ExportBundle(w.fx.runner(), dir).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  w.fx.Build();
  REQUIRE(ExportBundle(w.fx.runner(), dir).ok());
  CHECK(ExportBundle(w.fx.runner(), dir).status().code() == absl::StatusCode::kAlreadyExists);
  for (const auto& entry : fs::directory_iterator(w.fx.tmp())) {
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
  }
}

TEST_CASE("An exported bundle verifies offline: tree, notes, consistency", "[export]") {
  World w;
  w.fx.Build();
  verify::VerifyOptions o = TreeOnly();
  o.trusted_log_key = w.fx.log_key();
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(w.fx.Export(), o);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  CHECK(s->leaves == testing::kBuiltLeaves);
  CHECK(s->checkpoints == 5);
  CHECK(s->consistency_proofs == 4);
  CHECK(s->latest_size == testing::kBuiltLeaves);
  CHECK(s->unanchored_leaves == 0);
  CHECK(s->origin == testing::kExportOrigin);
}

TEST_CASE("An exported bundle's TPM anchoring verifies offline", "[export]") {
  World w;
  w.fx.Build();
  verify::VerifyOptions o;
  o.trusted_log_key = w.fx.log_key();
  o.trusted_ak_fingerprint = w.fx.ak_fingerprint();
  o.strict = true;  // no warning at all
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(w.fx.Export(), o);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  CHECK(s->anchors == 5);
  CHECK(s->sealed_anchors == 5);
  CHECK(s->evidence == 7);  // genesis and release anchors certify both counters
  CHECK(s->ak_fingerprint == w.fx.ak_fingerprint());
  REQUIRE(s->counters.size() == 2);
  const verify::CounterSummary& c = s->counters[0];
  CHECK(c.label == "checkpoint");
  CHECK(c.start_value == testing::kCheckpointStart);
  CHECK(c.first_certified == testing::kCheckpointStart + 1);
  CHECK(c.last_certified == testing::kCheckpointStart + 5);
  const verify::CounterSummary& r = s->counters[1];
  CHECK(r.label == "release");
  CHECK(r.first_certified == testing::kReleaseStart + 1);
  CHECK(r.last_certified == testing::kReleaseStart + 2);
  CHECK(s->tpm_clock_last > s->tpm_clock_first);
}

TEST_CASE("An attestation key other than the trusted one is refused", "[export]") {
  World w;
  w.fx.Build();
  verify::VerifyOptions o;
  o.trusted_ak_fingerprint = "SHA256:" + std::string(64, '0');
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(w.fx.Export(), o);
  CHECK(verify::FindingOf(s.status()) == verify::Finding{verify::Where::kLeaf, 0});
}

TEST_CASE("Leaves after the last anchor are reported as an unanchored tail", "[export]") {
  World w;
  w.fx.Build();
  w.fx.Events(2);
  const fs::path dir = w.fx.Export();
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(dir, TreeOnly());
  REQUIRE(s.ok());
  CHECK(s->unanchored_leaves == 2);
  CHECK(s->ToText().find("leaves [21, 23) are after the latest checkpoint") != std::string::npos);
  verify::VerifyOptions strict = TreeOnly();
  strict.strict = true;
  CHECK_FALSE(verify::VerifyBundle(dir, strict).ok());
}

TEST_CASE("A bundle that does not extend the auditor's known checkpoint fails", "[export]") {
  World w;
  w.fx.Build();
  const fs::path old_bundle = w.fx.Export("old");
  w.fx.Events(2);
  w.fx.Anchor(AnchorKind::kRoutine);
  const fs::path new_bundle = w.fx.Export("new");
  verify::VerifyOptions o;
  o.known_checkpoint = Slurp(old_bundle / verify::kLatestCheckpointFile);
  CHECK(verify::VerifyBundle(new_bundle, o).ok());

  // The older bundle, presented after the newer one was seen: a rollback.
  o.known_checkpoint = Slurp(new_bundle / verify::kLatestCheckpointFile);
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(old_bundle, o);
  CHECK(verify::FindingOf(s.status()) ==
        verify::Finding{verify::Where::kCheckpoint, testing::kBuiltLeaves});

  // A known checkpoint of a size the bundle has no file for is checked too.
  o = TreeOnly();
  o.known_checkpoint = Slurp(old_bundle / verify::kLatestCheckpointFile);
  fs::remove(new_bundle / verify::CheckpointFile(testing::kBuiltLeaves));
  const absl::StatusOr<verify::Summary> t = verify::VerifyBundle(new_bundle, o);
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  CHECK(t->checkpoints == 6);

  o.known_checkpoint = "not a note";
  CHECK(verify::VerifyBundle(new_bundle, o).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("A log that does not start at provisioning is exported and refused", "[export]") {
  World w;
  w.fx.Events(3);
  const merkle::NoteSigner signer =
      *merkle::NoteSigner::FromLogSigner(testing::kExportOrigin, w.fx.signer());
  const std::string note =
      *merkle::SignCheckpoint({testing::kExportOrigin, 3, *w.fx.log().Root(3)}, signer);
  REQUIRE(w.fx.runner()
              .Run([&](store::Txn& txn) { return w.fx.log().StoreCheckpoint(txn, 3, note); })
              .ok());
  const fs::path dir = w.fx.tmp() / "unprovisioned";
  CHECK(ExportBundle(w.fx.runner(), dir).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(ExportBundle(w.fx.runner(), dir, {signer.verifier().ToString()}).ok());
  CHECK_FALSE(fs::exists(dir / verify::kAkFile));
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(dir);
  CHECK(verify::FindingOf(s.status()) == verify::Finding{verify::Where::kLeaf, 0});
  CHECK(verify::VerifyBundle(dir, TreeOnly()).ok());
}

// The README tells auditors how to recompute a root by hand; make sure it works.
TEST_CASE("The README's by-hand root computation matches the checkpoints", "[export]") {
  World w;
  w.fx.Build();
  const fs::path dir = w.fx.Export();
  const std::string readme = Slurp(dir / verify::kReadmeFile);
  const size_t begin = readme.find("cat > mth.py <<'EOF'\n");
  REQUIRE(begin != std::string::npos);
  std::string script;
  for (size_t at = readme.find('\n', begin) + 1;;) {
    const size_t end = readme.find('\n', at);
    const std::string line = readme.substr(at, end - at);
    if (line.find("EOF") != std::string::npos) break;
    script += line.substr(std::min<size_t>(5, line.size())) + "\n";
    at = end + 1;
  }
  testing::Spit(dir / "mth.py", script);
  for (uint64_t size : {2, 7, 12, 21}) {
    const std::string cmd = "cd '" + dir.string() + "' && python3 mth.py leaves.jsonl " +
                            std::to_string(size);
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[128] = {};
    const size_t n = fread(buf, 1, sizeof buf - 1, p);
    REQUIRE(pclose(p) == 0);
    const std::string root_b64(buf, n > 0 && buf[n - 1] == '\n' ? n - 1 : n);
    CHECK(root_b64 == base::Base64Encode(merkle::HashBytes(*w.fx.log().Root(size))));
  }
}

}  // namespace
}  // namespace breakglass::audit
