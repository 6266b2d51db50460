#include "vault/merkle/verify.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vault/merkle/frontier.h"
#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/proof.h"

namespace breakglass::merkle {
namespace {

using Catch::Matchers::Contains;

struct Log {
  std::vector<Hash> leaves;
  std::vector<Hash> roots;
  InMemorySubtreeStore store;
};

Log Build(uint64_t n) {
  Log log;
  Frontier f;
  std::vector<Subtree> done;
  log.roots.push_back(f.Root());
  for (uint64_t i = 0; i < n; ++i) {
    log.leaves.push_back(HashLeaf(std::to_string(i)));
    REQUIRE(f.Append(log.leaves.back(), &done).ok());
    log.roots.push_back(f.Root());
  }
  REQUIRE(log.store.PutAll(done).ok());
  return log;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

std::vector<std::string> AsBytes(const Proof& p) {
  std::vector<std::string> out;
  for (const Hash& h : p) out.emplace_back(HashBytes(h));
  return out;
}

TEST_CASE("Inclusion rejects an index outside the tree", "[merkle][verify]") {
  Log log = Build(4);
  absl::Status s = VerifyInclusion(4, 4, log.leaves[0], Proof{}, log.roots[4]);
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_THAT(Message(s), Contains("leaf index 4 is not below tree size 4"));
  REQUIRE_FALSE(VerifyInclusion(0, 0, log.leaves[0], Proof{}, log.roots[0]).ok());
}

TEST_CASE("Inclusion says when a proof is too long or too short", "[merkle][verify]") {
  Log log = Build(6);
  absl::StatusOr<Proof> proof = InclusionProof(2, 6, log.store);
  REQUIRE(proof.ok());
  REQUIRE(proof->size() == 3);
  Proof longer = *proof;
  longer.push_back(log.leaves[0]);
  REQUIRE_THAT(Message(VerifyInclusion(2, 6, log.leaves[2], longer, log.roots[6])),
               Contains("inclusion proof has 4 hashes; leaf 2 of size 6 needs 3"));
  Proof shorter(proof->begin(), proof->end() - 1);
  REQUIRE_THAT(Message(VerifyInclusion(2, 6, log.leaves[2], shorter, log.roots[6])),
               Contains("inclusion proof has 2 hashes; leaf 2 of size 6 needs 3"));
}

TEST_CASE("Inclusion names the root it computed when it does not match", "[merkle][verify]") {
  Log log = Build(6);
  absl::StatusOr<Proof> proof = InclusionProof(5, 6, log.store);
  REQUIRE(proof.ok());
  REQUIRE(VerifyInclusion(5, 6, log.leaves[5], *proof, log.roots[6]).ok());
  absl::Status s = VerifyInclusion(5, 6, log.leaves[4], *proof, log.roots[6]);
  REQUIRE_THAT(Message(s), Contains("proof does not verify: it leads to root (size 6)"));
  absl::StatusOr<Hash> root = RootFromInclusionProof(5, 6, log.leaves[5], *proof);
  REQUIRE(root.ok());
  REQUIRE(*root == log.roots[6]);
}

TEST_CASE("Inclusion over raw bytes checks every length", "[merkle][verify]") {
  Log log = Build(5);
  absl::StatusOr<Proof> proof = InclusionProof(1, 5, log.store);
  REQUIRE(proof.ok());
  const std::string leaf(HashBytes(log.leaves[1]));
  const std::string root(HashBytes(log.roots[5]));
  std::vector<std::string> raw = AsBytes(*proof);
  REQUIRE(VerifyInclusion(1, 5, leaf, raw, root).ok());
  REQUIRE_THAT(Message(VerifyInclusion(1, 5, leaf.substr(1), raw, root)),
               Contains("leaf hash is 31 bytes"));
  REQUIRE_THAT(Message(VerifyInclusion(1, 5, leaf, raw, root + "x")), Contains("root is 33 bytes"));
  raw[1].pop_back();
  REQUIRE_THAT(Message(VerifyInclusion(1, 5, leaf, raw, root)), Contains("proof[1] is 31 bytes"));
}

TEST_CASE("Consistency size rules: order, empty tree, equal sizes", "[merkle][verify]") {
  Log log = Build(8);
  REQUIRE_THAT(Message(VerifyConsistency(5, 4, log.roots[5], log.roots[4], Proof{})),
               Contains("old size 5 is larger than new size 4"));
  REQUIRE_THAT(Message(VerifyConsistency(0, 4, log.roots[0], log.roots[4], Proof{})),
               Contains("no proof from the empty tree"));
  REQUIRE_FALSE(VerifyConsistency(0, 0, log.roots[0], log.roots[0], Proof{}).ok());
  REQUIRE(VerifyConsistency(5, 5, log.roots[5], log.roots[5], Proof{}).ok());
  REQUIRE_THAT(Message(VerifyConsistency(5, 5, log.roots[5], log.roots[6], Proof{})),
               Contains("two different roots for the same tree size 5"));
  REQUIRE_THAT(Message(VerifyConsistency(5, 5, log.roots[5], log.roots[5], Proof{log.roots[5]})),
               Contains("sizes are equal (5) so the proof must be empty; it has 1 hashes"));
}

TEST_CASE("Consistency from a power-of-two size uses the old root as the seed",
          "[merkle][verify]") {
  Log log = Build(8);
  absl::StatusOr<Proof> proof = ConsistencyProof(4, 8, log.store);
  REQUIRE(proof.ok());
  REQUIRE(proof->size() == 1);  // only MTH(D[4:8]); MTH(D[0:4]) is the old root
  REQUIRE(VerifyConsistency(4, 8, log.roots[4], log.roots[8], *proof).ok());
  // The old root seeds both chains, so a wrong one shows in the new root.
  REQUIRE_THAT(Message(VerifyConsistency(4, 8, log.roots[3], log.roots[8], *proof)),
               Contains("leads to new root (size 8)"));
  REQUIRE_THAT(Message(VerifyConsistency(4, 8, log.roots[4], log.roots[7], *proof)),
               Contains("leads to new root (size 8)"));
}

TEST_CASE("Consistency says when a proof is empty, too long or too short", "[merkle][verify]") {
  Log log = Build(7);
  absl::StatusOr<Proof> proof = ConsistencyProof(3, 7, log.store);
  REQUIRE(proof.ok());
  REQUIRE(proof->size() == 4);
  REQUIRE_THAT(Message(VerifyConsistency(3, 7, log.roots[3], log.roots[7], Proof{})),
               Contains("consistency proof has 0 hashes; size 3 to 7 needs 4"));
  REQUIRE_THAT(Message(VerifyConsistency(3, 7, log.roots[2], log.roots[7], *proof)),
               Contains("leads to old root (size 3)"));
  Proof longer = *proof;
  longer.push_back(log.leaves[0]);
  REQUIRE_THAT(Message(VerifyConsistency(3, 7, log.roots[3], log.roots[7], longer)),
               Contains("has 5 hashes; size 3 to 7 needs 4"));
  Proof shorter(proof->begin(), proof->end() - 1);
  REQUIRE_THAT(Message(VerifyConsistency(3, 7, log.roots[3], log.roots[7], shorter)),
               Contains("has 3 hashes; size 3 to 7 needs 4"));
}

TEST_CASE("Consistency over raw bytes compares equal-size roots as given", "[merkle][verify]") {
  Log log = Build(7);
  absl::StatusOr<Proof> proof = ConsistencyProof(3, 7, log.store);
  REQUIRE(proof.ok());
  const std::string r3(HashBytes(log.roots[3]));
  const std::string r7(HashBytes(log.roots[7]));
  REQUIRE(VerifyConsistency(3, 7, r3, r7, AsBytes(*proof)).ok());
  REQUIRE_THAT(Message(VerifyConsistency(3, 7, r3.substr(2), r7, AsBytes(*proof))),
               Contains("old root is 30 bytes"));
  std::vector<std::string> none;
  REQUIRE(VerifyConsistency(1, 1, std::string("same"), std::string("same"), none).ok());
  REQUIRE_FALSE(VerifyConsistency(1, 1, std::string("same"), std::string("diff"), none).ok());
}

}  // namespace
}  // namespace breakglass::merkle
