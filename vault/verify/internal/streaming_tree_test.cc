#include "vault/verify/internal/streaming_tree.h"

#include <catch2/catch.hpp>
#include <string>

#include "vault/merkle/frontier.h"
#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/proof.h"
#include "vault/merkle/verify.h"

namespace breakglass::verify::internal {
namespace {

merkle::Hash LeafHash(uint64_t i) { return merkle::HashLeaf("leaf " + std::to_string(i)); }

TEST_CASE("TreeHasher hashes exactly as merkle does", "[verify]") {
  TreeHasher h;
  for (const std::string& leaf : {std::string(), std::string("a"), std::string(1000, 'x')}) {
    CHECK(h.Leaf(leaf) == merkle::HashLeaf(leaf));
  }
  const merkle::Hash a = merkle::HashLeaf("a"), b = merkle::HashLeaf("b");
  CHECK(h.Children(a, b) == merkle::HashChildren(a, b));
}

TEST_CASE("StreamingTree has merkle::Frontier's root at every size", "[verify]") {
  StreamingTree tree;
  merkle::Frontier frontier;
  std::vector<merkle::Subtree> completed;
  CHECK(tree.Root() == merkle::EmptyRoot());
  for (uint64_t i = 0; i < 300; ++i) {
    tree.Append(LeafHash(i));
    REQUIRE(frontier.Append(LeafHash(i), &completed).ok());
    REQUIRE(tree.Root() == frontier.Root());
  }
  StreamingTree resumed(tree.ToFrontier());
  resumed.Append(LeafHash(300));
  tree.Append(LeafHash(300));
  CHECK(resumed.Root() == tree.Root());
}

TEST_CASE("StreamingTree::AppendSubtree equals appending the leaves", "[verify]") {
  StreamingTree by_leaf, by_block;
  for (uint64_t block = 0; block < 11; ++block) {
    StreamingTree sub;
    for (uint64_t i = block * 8; i < block * 8 + 8; ++i) {
      by_leaf.Append(LeafHash(i));
      sub.Append(LeafHash(i));
    }
    REQUIRE(by_block.CanAppendSubtree(3));
    by_block.AppendSubtree(3, sub.Root());
    REQUIRE(by_block.size() == by_leaf.size());
    REQUIRE(by_block.Root() == by_leaf.Root());
  }
  by_block.Append(LeafHash(88));
  CHECK_FALSE(by_block.CanAppendSubtree(3));  // not aligned
}

TEST_CASE("StreamingTree keeps what a consistency proof needs", "[verify]") {
  merkle::InMemorySubtreeStore store;
  merkle::Frontier frontier;
  std::vector<merkle::Subtree> completed;
  std::vector<merkle::Hash> roots{merkle::EmptyRoot()};
  for (uint64_t i = 0; i < 200; ++i) {
    completed.clear();
    REQUIRE(frontier.Append(LeafHash(i), &completed).ok());
    REQUIRE(store.PutAll(completed).ok());
    roots.push_back(frontier.Root());
  }
  for (uint64_t m = 1; m < 70; m += 3) {
    for (uint64_t n : {m + 1, m + 2, m + 7, uint64_t{64}, uint64_t{128}, uint64_t{199}}) {
      if (n <= m) continue;
      StreamingTree tree;
      for (uint64_t i = 0; i < m; ++i) tree.Append(LeafHash(i));
      RecordingReader recorder;
      (void)merkle::ConsistencyProof(m, n, recorder);
      tree.Watch(recorder.ids());
      for (uint64_t i = m; i < n; ++i) tree.Append(LeafHash(i));
      absl::StatusOr<merkle::Proof> proof = merkle::ConsistencyProof(m, n, tree.watched());
      INFO("m=" << m << " n=" << n);
      REQUIRE(proof.ok());
      CHECK(*proof == *merkle::ConsistencyProof(m, n, store));
      CHECK(merkle::VerifyConsistency(m, n, roots[m], roots[n], *proof).ok());
    }
  }
}

}  // namespace
}  // namespace breakglass::verify::internal
