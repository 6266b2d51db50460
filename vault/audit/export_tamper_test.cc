// Tampering with a bundle exported from a real log: every kind of change at
// every position is caught, and the first bad leaf or checkpoint is named.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "vault/audit/canonical_json.h"
#include "vault/audit/export_test_util.h"
#include "vault/verify/bundle.h"
#include "vault/verify/verifier.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;
using testing::CopyBundle;
using testing::Lines;
using testing::WriteLines;
using verify::Finding;
using verify::Where;

constexpr uint64_t kN = testing::kBuiltLeaves;

// One built and exported log per test case; trials work on copies.
struct World {
  testing::ExportFixture fx;
  fs::path pristine;

  World() {
    fx.Build();
    pristine = fx.Export("pristine");
  }
  fs::path Copy() { return CopyBundle(pristine, "trial"); }
};

verify::VerifyOptions Options() {
  verify::VerifyOptions o;
  o.threads = 1;
  return o;
}

std::optional<Finding> FirstBad(const fs::path& dir) {
  const absl::StatusOr<verify::Summary> s = verify::VerifyBundle(dir, Options());
  if (s.ok()) return std::nullopt;
  INFO(s.status().ToString());
  CHECK(s.status().code() == absl::StatusCode::kDataLoss);
  return verify::FindingOf(s.status());
}

// The same event with another actor: still canonical, same seq.
std::string Altered(const std::string& leaf) {
  nlohmann::json j = *ParseCanonicalJson(leaf);
  j["actor"] = j["actor"].get<std::string>() + "mallory";
  return *CanonicalJson(j);
}

// A forged event claiming sequence number `seq`.
std::string Forged(uint64_t seq) {
  nlohmann::json j = {{"actor", "mallory"}, {"incident", ""}, {"reason", "cover-up"},
                      {"seq", seq},         {"subject", ""},  {"time", 1},
                      {"type", "request"}};
  return *CanonicalJson(j);
}

TEST_CASE("Changing any one leaf of a real log names it", "[export]") {
  World w;
  REQUIRE_FALSE(FirstBad(w.pristine).has_value());
  for (uint64_t i = 0; i < kN; ++i) {
    const fs::path dir = w.Copy();
    auto lines = Lines(dir / verify::kLeavesFile);
    lines[i] = Altered(lines[i]);
    WriteLines(dir / verify::kLeavesFile, lines);
    INFO("changed leaf " << i);
    CHECK(FirstBad(dir) == Finding{Where::kLeaf, i});
  }
}

TEST_CASE("Deleting, reordering or inserting at any position names the first bad index",
          "[export]") {
  World w;
  for (uint64_t i = 0; i <= kN; ++i) {
    INFO("position " << i);
    if (i < kN) {
      const fs::path dir = w.Copy();
      auto lines = Lines(dir / verify::kLeavesFile);
      lines.erase(lines.begin() + static_cast<long>(i));
      WriteLines(dir / verify::kLeavesFile, lines);
      CHECK(FirstBad(dir) == Finding{Where::kLeaf, i});
    }
    if (i + 1 < kN) {
      const fs::path dir = w.Copy();
      auto lines = Lines(dir / verify::kLeavesFile);
      std::swap(lines[i], lines[i + 1]);
      WriteLines(dir / verify::kLeavesFile, lines);
      CHECK(FirstBad(dir) == Finding{Where::kLeaf, i});
    }
    {
      // Inserted with the right seq, the leaves after it keeping theirs.
      const fs::path dir = w.Copy();
      auto lines = Lines(dir / verify::kLeavesFile);
      lines.insert(lines.begin() + static_cast<long>(i), Forged(i));
      WriteLines(dir / verify::kLeavesFile, lines);
      if (i < kN) {
        CHECK(FirstBad(dir) == Finding{Where::kLeaf, i});
      } else {
        // Appended after the last checkpoint: nothing vouches for it, and the
        // verifier says so.
        const auto s = verify::VerifyBundle(dir, Options());
        REQUIRE(s.ok());
        CHECK(s->unanchored_leaves == 1);
      }
    }
    if (i < kN) {
      // Inserted and every later seq renumbered, so only the roots disagree.
      const fs::path dir = w.Copy();
      auto lines = Lines(dir / verify::kLeavesFile);
      lines.insert(lines.begin() + static_cast<long>(i), Forged(i));
      for (size_t k = i + 1; k < lines.size(); ++k) {
        nlohmann::json j = *ParseCanonicalJson(lines[k]);
        j["seq"] = k;
        lines[k] = *CanonicalJson(j);
      }
      WriteLines(dir / verify::kLeavesFile, lines);
      CHECK(FirstBad(dir) == Finding{Where::kLeaf, i});
    }
  }
}

TEST_CASE("Flipping any one byte of a real leaves.jsonl names that leaf", "[export]") {
  World w;
  const fs::path dir = w.Copy();
  const std::string original = testing::Slurp(w.pristine / verify::kLeavesFile);
  uint64_t leaf = 0;
  for (size_t at = 0; at < original.size(); ++at) {
    std::string bytes = original;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
    testing::Spit(dir / verify::kLeavesFile, bytes);
    INFO("byte " << at << " (leaf " << leaf << ")");
    REQUIRE(FirstBad(dir) == Finding{Where::kLeaf, leaf});
    if (original[at] == '\n') ++leaf;
  }
}

TEST_CASE("A flipped checkpoint signature names that checkpoint", "[export]") {
  World w;
  for (uint64_t size : {2, 7, 12, 17, 21}) {
    const fs::path dir = w.Copy();
    const fs::path file = dir / verify::CheckpointFile(size);
    std::string note = testing::Slurp(file);
    note[note.size() - 20] = note[note.size() - 20] == 'A' ? 'B' : 'A';
    testing::Spit(file, note);
    INFO("checkpoint " << size);
    CHECK(FirstBad(dir) == Finding{Where::kCheckpoint, size});
  }
}

TEST_CASE("A rolled-back bundle is reported", "[export]") {
  World w;
  {
    // An older checkpoint presented as the latest, the newer ones still there.
    const fs::path dir = w.Copy();
    testing::Spit(dir / verify::kLatestCheckpointFile,
                  testing::Slurp(dir / verify::CheckpointFile(12)));
    CHECK(FirstBad(dir) == Finding{Where::kCheckpoint, 12});
  }
  {
    // ... and with the newer checkpoints and their TPM evidence removed: the
    // anchor at leaf 16 is followed by another, so it was completed, and its
    // checkpoint is missing — withheld.
    const fs::path dir = w.Copy();
    testing::Spit(dir / verify::kLatestCheckpointFile,
                  testing::Slurp(dir / verify::CheckpointFile(12)));
    for (uint64_t size : {17, 21}) {
      fs::remove(dir / verify::CheckpointFile(size));
      fs::remove(dir / verify::EvidenceAttestFile(size, "checkpoint"));
      fs::remove(dir / verify::EvidenceSignatureFile(size, "checkpoint"));
    }
    const auto s = verify::VerifyBundle(dir, Options());
    INFO(s.status().ToString());
    CHECK(verify::FindingOf(s.status()) == Finding{Where::kLeaf, 16});
    CHECK(std::string(s.status().message()).find("withheld") != std::string::npos);

    // Without the TPM checks the leaves after 12 are still reported as
    // vouched for by nothing.
    verify::VerifyOptions tree_only = Options();
    tree_only.check_tpm = false;
    const auto t = verify::VerifyBundle(dir, tree_only);
    REQUIRE(t.ok());
    CHECK(t->unanchored_leaves == kN - 12);
    tree_only.strict = true;
    CHECK_FALSE(verify::VerifyBundle(dir, tree_only).ok());
  }
}

}  // namespace
}  // namespace breakglass::audit
