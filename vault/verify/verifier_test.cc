// VerifyBundle on synthetic bundles (no TPM): the tree, note and leaf checks,
// and that each kind of tampering names the first bad item. The same checks
// on bundles exported from a real SQLite log, with TPM anchoring, are in
// vault/audit/export_tamper_test.cc.
#include "vault/verify/verifier.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vault/verify/bundle.h"
#include "vault/verify/testing/synthetic_bundle.h"
#include "vault/verify/testing/temp_dir.h"

namespace breakglass::verify {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kLeaves = 23;  // checkpoints at 5, 10, 15, 20, 23

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Spit(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<std::string> Lines(const fs::path& p) {
  std::vector<std::string> out;
  std::istringstream in(Slurp(p));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void WriteLines(const fs::path& p, const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  Spit(p, all);
}

VerifyOptions NoTpm(int threads = 2) {
  VerifyOptions o;
  o.check_tpm = false;
  o.threads = threads;
  return o;
}

struct Bundle {
  testing::TempDir tmp;
  fs::path dir = tmp.path() / "bundle";
  testing::SyntheticBundle info;
  Bundle() {
    auto b = testing::WriteSyntheticBundle(dir, {kLeaves, 5, 120, "breakglass.test/synthetic"});
    REQUIRE(b.ok());
    info = *b;
  }
  fs::path file(const char* name) const { return dir / name; }
};

std::optional<Finding> FindingAfter(const Bundle& b, const VerifyOptions& o = NoTpm()) {
  const absl::StatusOr<Summary> s = VerifyBundle(b.dir, o);
  if (s.ok()) return std::nullopt;
  INFO(s.status().ToString());
  CHECK(s.status().code() == absl::StatusCode::kDataLoss);
  return FindingOf(s.status());
}

TEST_CASE("A synthetic bundle verifies, whatever the thread count", "[verify]") {
  Bundle b;
  for (int threads : {1, 2, 4}) {
    VerifyOptions o = NoTpm(threads);
    o.trusted_log_key = b.info.log_key;
    const absl::StatusOr<Summary> s = VerifyBundle(b.dir, o);
    REQUIRE(s.ok());
    CHECK(s->leaves == kLeaves);
    CHECK(s->leaf_bytes == b.info.leaf_bytes);
    CHECK(s->checkpoints == 5);
    CHECK(s->consistency_proofs == 4);
    CHECK(s->latest_size == kLeaves);
    CHECK(s->unanchored_leaves == 0);
    CHECK(s->warnings.size() == 1);  // TPM not checked
    CHECK(VerdictJson(s).find("\"ok\":true") != std::string::npos);
  }
}

TEST_CASE("A bundle of several batches verifies and names altered leaves inside blocks",
          "[verify]") {
  testing::TempDir tmp;
  const fs::path dir = tmp.path() / "big";
  // ~1.5 MB: two batches; checkpoints every 777 leaves, mostly inside blocks.
  REQUIRE(testing::WriteSyntheticBundle(dir, {10000, 777, 150, "breakglass.test/big"}).ok());
  for (int threads : {1, 2}) {
    const absl::StatusOr<Summary> s = VerifyBundle(dir, NoTpm(threads));
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    CHECK(s->leaves == 10000);
    CHECK(s->checkpoints == 13);
    CHECK(s->consistency_proofs == 12);
  }
  const std::string original = Slurp(dir / kLeavesFile);
  for (uint64_t i : {0, 255, 256, 777, 4000, 7000, 9999}) {
    auto lines = Lines(dir / kLeavesFile);
    lines[i].replace(lines[i].find("custodian-"), 10, "custodiaN-");
    WriteLines(dir / kLeavesFile, lines);
    INFO("leaf " << i);
    const absl::StatusOr<Summary> s = VerifyBundle(dir, NoTpm(2));
    CHECK(FindingOf(s.status()) == Finding{Where::kLeaf, i});
    Spit(dir / kLeavesFile, original);
  }
}

TEST_CASE("An untrusted log key is refused", "[verify]") {
  Bundle b;
  VerifyOptions o = NoTpm();
  o.trusted_log_key = "breakglass.test/synthetic+01020304+AQ==";
  CHECK(FindingAfter(b, o) == Finding{Where::kBundle, 0});
}

TEST_CASE("Changing any one leaf names it", "[verify]") {
  for (uint64_t i = 0; i < kLeaves; ++i) {
    Bundle b;
    auto lines = Lines(b.file(kLeavesFile));
    lines[i].replace(lines[i].find("custodian-"), 10, "custodiaN-");
    WriteLines(b.file(kLeavesFile), lines);
    INFO("leaf " << i);
    CHECK(FindingAfter(b) == Finding{Where::kLeaf, i});
  }
}

TEST_CASE("Without leaf_hashes a changed leaf is caught at its checkpoint", "[verify]") {
  Bundle b;
  fs::remove(b.file(kLeafHashesFile));
  auto lines = Lines(b.file(kLeavesFile));
  lines[7].replace(lines[7].find("custodian-"), 10, "custodiaN-");
  WriteLines(b.file(kLeavesFile), lines);
  CHECK(FindingAfter(b) == Finding{Where::kCheckpoint, 10});
}

TEST_CASE("Deleting, inserting or swapping leaves names the first bad index", "[verify]") {
  for (uint64_t i = 0; i < kLeaves; ++i) {
    INFO("position " << i);
    {
      Bundle b;
      auto lines = Lines(b.file(kLeavesFile));
      lines.erase(lines.begin() + static_cast<long>(i));
      WriteLines(b.file(kLeavesFile), lines);
      CHECK(FindingAfter(b) == Finding{Where::kLeaf, i});
    }
    {
      Bundle b;
      auto lines = Lines(b.file(kLeavesFile));
      lines.insert(lines.begin() + static_cast<long>(i), testing::SyntheticLeaf(i, 300));
      WriteLines(b.file(kLeavesFile), lines);
      CHECK(FindingAfter(b) == Finding{Where::kLeaf, i});
    }
    if (i + 1 < kLeaves) {
      Bundle b;
      auto lines = Lines(b.file(kLeavesFile));
      std::swap(lines[i], lines[i + 1]);
      WriteLines(b.file(kLeavesFile), lines);
      CHECK(FindingAfter(b) == Finding{Where::kLeaf, i});
    }
  }
}

TEST_CASE("Flipping any byte of leaves.jsonl names its leaf", "[verify]") {
  Bundle b;
  const std::string original = Slurp(b.file(kLeavesFile));
  uint64_t leaf = 0;
  for (size_t at = 0; at < original.size(); ++at) {
    std::string bytes = original;
    bytes[at] ^= 0x01;
    Spit(b.file(kLeavesFile), bytes);
    INFO("byte " << at << " of leaf " << leaf);
    REQUIRE(FindingAfter(b, NoTpm(1)) == Finding{Where::kLeaf, leaf});
    if (original[at] == '\n') ++leaf;
  }
}

TEST_CASE("A checkpoint signature byte flipped names the checkpoint", "[verify]") {
  Bundle b;
  const fs::path file = b.dir / CheckpointFile(10);
  std::string note = Slurp(file);
  const size_t sig = note.rfind(' ') + 10;  // inside the base64 signature
  note[sig] = note[sig] == 'A' ? 'B' : 'A';
  Spit(file, note);
  CHECK(FindingAfter(b) == Finding{Where::kCheckpoint, 10});
}

TEST_CASE("An older checkpoint presented as the latest is a rollback", "[verify]") {
  Bundle b;
  Spit(b.file(kLatestCheckpointFile), Slurp(b.dir / CheckpointFile(15)));
  CHECK(FindingAfter(b) == Finding{Where::kCheckpoint, 15});

  // With the newer checkpoints removed too, the leaves after 15 are reported.
  fs::remove(b.dir / CheckpointFile(20));
  fs::remove(b.dir / CheckpointFile(23));
  const absl::StatusOr<Summary> s = VerifyBundle(b.dir, NoTpm());
  REQUIRE(s.ok());
  CHECK(s->unanchored_leaves == 8);
  CHECK(s->ToText().find("leaves [15, 23) are after the latest checkpoint") != std::string::npos);
  VerifyOptions strict = NoTpm();
  strict.strict = true;
  CHECK(FindingAfter(b, strict) == Finding{Where::kBundle, 0});
}

TEST_CASE("Truncated leaves name the first missing index", "[verify]") {
  Bundle b;
  auto lines = Lines(b.file(kLeavesFile));
  lines.resize(18);
  WriteLines(b.file(kLeavesFile), lines);
  CHECK(FindingAfter(b) == Finding{Where::kLeaf, 18});
}

TEST_CASE("A damaged leaf_hashes file is only a warning", "[verify]") {
  Bundle b;
  std::string hints = Slurp(b.file(kLeafHashesFile));
  hints[32 * 4] ^= 1;
  Spit(b.file(kLeafHashesFile), hints);
  const absl::StatusOr<Summary> s = VerifyBundle(b.dir, NoTpm());
  REQUIRE(s.ok());
  CHECK(s->ToText().find("leaf_hashes disagrees with leaf 4") != std::string::npos);
}

TEST_CASE("Missing bundle files are named", "[verify]") {
  for (const char* name : {kLeavesFile, kVerifierKeyFile, kLatestCheckpointFile}) {
    Bundle b;
    fs::remove(b.file(name));
    const absl::StatusOr<Summary> s = VerifyBundle(b.dir, NoTpm());
    INFO(name);
    REQUIRE_FALSE(s.ok());
    CHECK(std::string(s.status().message()).find(name) != std::string::npos);
  }
}

}  // namespace
}  // namespace breakglass::verify
