#include "vault/merkle/frontier.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/proof.h"

namespace breakglass::merkle {
namespace {

Hash Leaf(uint64_t i) { return HashLeaf("leaf " + std::to_string(i)); }

TEST_CASE("Append reports the leaf and every subtree it completes", "[merkle][frontier]") {
  Frontier frontier;
  std::vector<Subtree> completed;
  for (uint64_t i = 0; i < 7; ++i) REQUIRE(frontier.Append(Leaf(i), &completed).ok());
  completed.clear();
  // Leaf 7 completes (1,3), (2,1) and (3,0).
  REQUIRE(frontier.Append(Leaf(7), &completed).ok());
  REQUIRE(completed.size() == 4);
  REQUIRE(completed[0].id == NodeId{0, 7});
  REQUIRE(completed[0].hash == Leaf(7));
  REQUIRE(completed[1].id == NodeId{1, 3});
  REQUIRE(completed[1].hash == HashChildren(Leaf(6), Leaf(7)));
  REQUIRE(completed[2].id == NodeId{2, 1});
  REQUIRE(completed[3].id == NodeId{3, 0});
  REQUIRE(completed[3].hash == frontier.Root());
  REQUIRE(frontier.size() == 8);
  REQUIRE(frontier.peaks().size() == 1);
  completed.clear();
  REQUIRE(frontier.Append(Leaf(8), &completed).ok());
  REQUIRE(completed.size() == 1);
  REQUIRE(completed[0].id == NodeId{0, 8});
}

TEST_CASE("Every complete subtree is reported exactly once", "[merkle][frontier]") {
  Frontier frontier;
  std::vector<Subtree> completed;
  const uint64_t n = 1000;
  for (uint64_t i = 0; i < n; ++i) REQUIRE(frontier.Append(Leaf(i), &completed).ok());
  // A tree of n leaves has floor(n / 2^l) complete subtrees at level l.
  uint64_t want = 0;
  for (uint64_t w = n; w > 0; w /= 2) want += w;
  REQUIRE(completed.size() == want);
  InMemorySubtreeStore store;
  REQUIRE(store.PutAll(completed).ok());  // would fail on a gap or a rewrite
}

TEST_CASE("Restore from stored subtrees continues the same tree", "[merkle][frontier]") {
  InMemorySubtreeStore store;
  Frontier original;
  std::vector<Subtree> completed;
  for (uint64_t i = 0; i < 77; ++i) {
    completed.clear();
    REQUIRE(original.Append(Leaf(i), &completed).ok());
    REQUIRE(store.PutAll(completed).ok());
  }
  store.ResetReads();
  absl::StatusOr<Frontier> restored = Frontier::Restore(77, store);
  REQUIRE(restored.ok());
  REQUIRE(store.reads() == 4);  // 77 = 64 + 8 + 4 + 1
  REQUIRE(restored->size() == 77);
  REQUIRE(restored->Root() == original.Root());
  for (uint64_t i = 77; i < 130; ++i) {
    completed.clear();
    REQUIRE(original.Append(Leaf(i), &completed).ok());
    std::vector<Subtree> again;
    REQUIRE(restored->Append(Leaf(i), &again).ok());
    REQUIRE(again.size() == completed.size());
    REQUIRE(restored->Root() == original.Root());
    REQUIRE(store.PutAll(completed).ok());
  }
  absl::StatusOr<Hash> root = RootAt(130, store);
  REQUIRE(root.ok());
  REQUIRE(*root == original.Root());
}

TEST_CASE("Restore fails when the store lacks the tree", "[merkle][frontier]") {
  InMemorySubtreeStore store;
  absl::StatusOr<Frontier> restored = Frontier::Restore(5, store);
  REQUIRE(restored.status().code() == absl::StatusCode::kNotFound);
  REQUIRE(std::string(restored.status().message()).find("restoring frontier of size 5") !=
          std::string::npos);
}

TEST_CASE("FromPeaks checks the peak count and PeakIds follows the bits", "[merkle][frontier]") {
  REQUIRE(Frontier::FromPeaks(5, {Leaf(0)}).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(Frontier::PeakIds(13) == std::vector<NodeId>{{3, 0}, {2, 2}, {0, 12}});
  REQUIRE(Frontier::PeakIds(0).empty());
  absl::StatusOr<Frontier> empty = Frontier::FromPeaks(0, {});
  REQUIRE(empty.ok());
  REQUIRE(empty->Root() == EmptyRoot());
}

TEST_CASE("InMemorySubtreeStore refuses gaps and rewrites", "[merkle][frontier]") {
  InMemorySubtreeStore store;
  REQUIRE(store.Put({{0, 1}, Leaf(1)}).code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(store.Put({{0, 0}, Leaf(0)}).ok());
  REQUIRE(store.Put({{0, 0}, Leaf(0)}).ok());
  REQUIRE(store.Put({{0, 0}, Leaf(1)}).code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(store.Get({0, 1}).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace breakglass::merkle
