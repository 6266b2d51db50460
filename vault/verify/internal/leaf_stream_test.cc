#include "vault/verify/internal/leaf_stream.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "vault/merkle/tree.h"
#include "vault/verify/internal/streaming_tree.h"
#include "vault/verify/testing/synthetic_bundle.h"
#include "vault/verify/testing/temp_dir.h"

namespace breakglass::verify::internal {
namespace {

struct Seen {
  std::string bytes;
  merkle::Hash hash;
  bool ok;
  uint64_t seq;
  bool unterminated;
};

std::vector<Seen> ReadAll(const std::filesystem::path& file, int threads) {
  auto stream = LeafStream::Open(file, threads);
  REQUIRE(stream.ok());
  std::vector<Seen> out;
  while (true) {
    absl::StatusOr<const LeafBatch*> batch = (*stream)->Next();
    REQUIRE(batch.ok());
    if (*batch == nullptr) break;
    REQUIRE((*batch)->first_index == out.size());
    for (const PreparedLeaf& leaf : (*batch)->leaves) {
      out.push_back({std::string((*batch)->Bytes(leaf)), leaf.hash, leaf.status.ok(),
                     leaf.fields.seq, (*batch)->unterminated && &leaf == &(*batch)->leaves.back()});
    }
  }
  return out;
}

TEST_CASE("LeafStream delivers every line in order, the same on any thread count", "[verify]") {
  testing::TempDir dir;
  const auto file = dir.path() / "leaves.jsonl";
  std::vector<std::string> lines;
  {
    std::ofstream out(file, std::ios::binary);
    for (uint64_t i = 0; i < 20000; ++i) {
      // Some leaves far longer than a batch, one with a wrong seq, one garbage.
      std::string leaf = testing::SyntheticLeaf(i == 777 ? 778 : i, i % 5000 == 3 ? (3 << 20) : 150);
      if (i == 999) leaf = "not json";
      lines.push_back(leaf);
      out << leaf << (i + 1 == 20000 ? "" : "\n");  // the last line unterminated
    }
  }
  for (int threads : {1, 2, 3}) {
    INFO("threads " << threads);
    const std::vector<Seen> seen = ReadAll(file, threads);
    REQUIRE(seen.size() == lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      REQUIRE(seen[i].bytes == lines[i]);
      REQUIRE(seen[i].hash == merkle::HashLeaf(lines[i]));
      REQUIRE(seen[i].ok == (i != 777 && i != 999));
      REQUIRE(seen[i].unterminated == (i + 1 == lines.size()));
    }
  }
}

TEST_CASE("LeafStream's blocks are the roots of their leaves", "[verify]") {
  testing::TempDir dir;
  const auto file = dir.path() / "leaves.jsonl";
  {
    std::ofstream out(file, std::ios::binary);
    for (uint64_t i = 0; i < 20000; ++i) out << testing::SyntheticLeaf(i, 130) << "\n";
  }
  for (int threads : {1, 2}) {
    auto stream = LeafStream::Open(file, threads);
    REQUIRE(stream.ok());
    size_t blocks = 0, batches = 0;
    while (true) {
      absl::StatusOr<const LeafBatch*> batch = (*stream)->Next();
      REQUIRE(batch.ok());
      if (*batch == nullptr) break;
      ++batches;
      for (size_t b = 0; (*batch)->HasBlock(b); ++b, ++blocks) {
        StreamingTree tree;
        for (size_t j = b * kBlockLeaves; j < (b + 1) * kBlockLeaves; ++j) {
          tree.Append((*batch)->leaves[j].hash);
        }
        REQUIRE((*batch)->blocks[b] == tree.Root());
      }
    }
    CHECK(batches > 1);
    CHECK(blocks >= 20000 / kBlockLeaves - batches);  // batches are cut at block boundaries
  }
}

TEST_CASE("LeafStream reports empty lines as leaves and a missing file as NOT_FOUND", "[verify]") {
  testing::TempDir dir;
  const auto file = dir.path() / "leaves.jsonl";
  std::ofstream(file, std::ios::binary) << "\n\n";
  const std::vector<Seen> seen = ReadAll(file, 2);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].bytes.empty());
  CHECK_FALSE(seen[0].ok);
  CHECK(LeafStream::Open(dir.path() / "absent", 1).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace breakglass::verify::internal
