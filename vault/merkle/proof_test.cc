// Property tests: roots and proofs generated from stored subtrees equal a
// naive recursive implementation of RFC 9162 §2.1 (MTH, PATH, PROOF) written
// from the RFC text below, and they verify; any flipped proof byte fails.
#include "vault/merkle/proof.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vault/merkle/frontier.h"
#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/verify.h"

namespace breakglass::merkle {
namespace {

constexpr uint64_t kMaxSize = 3000;
constexpr uint64_t kSeed = 0x9162;

// ---- Reference implementation (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1) ----
// Works on the leaf hashes D[begin:end) and recomputes everything every call,
// exactly as the RFC's recursive definitions read.
using Leaves = std::vector<Hash>;

uint64_t LargestPowerOfTwoBelow(uint64_t n) { return std::bit_floor(n - 1); }

class Reference {
 public:
  explicit Reference(const Leaves& d) : d_(d) {}

  // MTH(D[begin:end]).
  Hash Mth(uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n == 0) return EmptyRoot();
    if (n == 1) return d_[begin];
    const uint64_t k = LargestPowerOfTwoBelow(n);
    return hasher_.Children(Mth(begin, begin + k), Mth(begin + k, end));
  }

  // PATH(m, D[begin:end]).
  Proof Path(uint64_t m, uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n == 1) return {};
    const uint64_t k = LargestPowerOfTwoBelow(n);
    Proof p;
    if (m < k) {
      p = Path(m, begin, begin + k);
      p.push_back(Mth(begin + k, end));
    } else {
      p = Path(m - k, begin + k, end);
      p.push_back(Mth(begin, begin + k));
    }
    return p;
  }

  // PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).
  Proof Consistency(uint64_t m, uint64_t n) { return Subproof(m, 0, n, true); }

 private:
  // SUBPROOF(m, D[begin:end], b).
  Proof Subproof(uint64_t m, uint64_t begin, uint64_t end, bool b) {
    const uint64_t n = end - begin;
    if (m == n) return b ? Proof{} : Proof{Mth(begin, end)};
    const uint64_t k = LargestPowerOfTwoBelow(n);
    Proof p;
    if (m <= k) {
      p = Subproof(m, begin, begin + k, b);
      p.push_back(Mth(begin + k, end));
    } else {
      p = Subproof(m - k, begin + k, end, false);
      p.push_back(Mth(begin, begin + k));
    }
    return p;
  }

  const Leaves& d_;
  TreeHasher hasher_;
};

// ---- A log of kMaxSize leaves, built through the Frontier ----
struct TestLog {
  Leaves leaves;
  InMemorySubtreeStore store;
  std::vector<Hash> roots;  // roots[n]: the frontier's root at size n
};

TestLog BuildLog(uint64_t size) {
  TestLog log;
  Frontier frontier;
  std::vector<Subtree> completed;
  log.roots.push_back(frontier.Root());
  for (uint64_t i = 0; i < size; ++i) {
    const Hash leaf = HashLeaf("entry " + std::to_string(i));
    log.leaves.push_back(leaf);
    completed.clear();
    REQUIRE(frontier.Append(leaf, &completed).ok());
    REQUIRE(log.store.PutAll(completed).ok());
    log.roots.push_back(frontier.Root());
  }
  return log;
}

// Sizes to test: every size up to 70, the edges around powers of two, and a
// few random ones (fixed seed, so a failure reproduces).
std::vector<uint64_t> SampleSizes() {
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 70; ++n) sizes.push_back(n);
  for (uint64_t p = 128; p <= 2048; p *= 2) {
    sizes.insert(sizes.end(), {p - 1, p, p + 1});
  }
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 8; ++i) sizes.push_back(1 + rng() % kMaxSize);
  sizes.push_back(kMaxSize);
  return sizes;
}

// Leaf indexes to test in a tree of `size`: all for small trees, else the
// first, last, middle and some random ones.
std::vector<uint64_t> SampleIndexes(uint64_t size, std::mt19937_64& rng) {
  std::vector<uint64_t> idx;
  if (size <= 40) {
    for (uint64_t i = 0; i < size; ++i) idx.push_back(i);
    return idx;
  }
  idx = {0, size - 1, size / 2, std::bit_floor(size) - 1};
  for (int i = 0; i < 3; ++i) idx.push_back(rng() % size);
  return idx;
}

uint64_t CeilLog2(uint64_t n) { return n <= 1 ? 0 : std::bit_width(n - 1); }

TEST_CASE("RootAt from stored subtrees equals MTH at every size", "[merkle][property]") {
  TestLog log = BuildLog(kMaxSize);
  for (uint64_t n = 0; n <= kMaxSize; ++n) {
    absl::StatusOr<Hash> root = RootAt(n, log.store);
    REQUIRE(root.ok());
    REQUIRE(*root == log.roots[n]);
  }
  Reference ref(log.leaves);
  for (uint64_t n : SampleSizes()) {
    INFO("size " << n);
    REQUIRE(log.roots[n] == ref.Mth(0, n));
  }
}

TEST_CASE("Inclusion proofs equal PATH and verify", "[merkle][property]") {
  TestLog log = BuildLog(kMaxSize);
  Reference ref(log.leaves);
  std::mt19937_64 rng(kSeed);
  for (uint64_t n : SampleSizes()) {
    for (uint64_t i : SampleIndexes(n, rng)) {
      INFO("leaf " << i << " size " << n);
      absl::StatusOr<Proof> proof = InclusionProof(i, n, log.store);
      REQUIRE(proof.ok());
      REQUIRE(*proof == ref.Path(i, 0, n));
      REQUIRE(proof->size() == InclusionProofSize(i, n));
      REQUIRE(VerifyInclusion(i, n, log.leaves[i], *proof, log.roots[n]).ok());
    }
  }
}

TEST_CASE("Consistency proofs equal PROOF and verify", "[merkle][property]") {
  TestLog log = BuildLog(kMaxSize);
  Reference ref(log.leaves);
  auto check = [&](uint64_t m, uint64_t n) {
    INFO("old " << m << " new " << n);
    absl::StatusOr<Proof> proof = ConsistencyProof(m, n, log.store);
    REQUIRE(proof.ok());
    REQUIRE(*proof == (m == n ? Proof{} : ref.Consistency(m, n)));
    REQUIRE(proof->size() == ConsistencyProofSize(m, n));
    REQUIRE(VerifyConsistency(m, n, log.roots[m], log.roots[n], *proof).ok());
  };
  for (uint64_t n = 1; n <= 40; ++n) {
    for (uint64_t m = 1; m <= n; ++m) check(m, n);
  }
  std::mt19937_64 rng(kSeed);
  for (uint64_t n : SampleSizes()) {
    for (uint64_t m : SampleIndexes(n, rng)) check(m + 1, n);
  }
}

// A change to any byte of any proof element must make the proof fail. The
// flipped bit walks through all eight positions as the byte index advances.
template <typename VerifyFn>
void RequireEveryByteFlipFails(Proof proof, VerifyFn verify) {
  for (size_t e = 0; e < proof.size(); ++e) {
    for (size_t b = 0; b < kHashSize; ++b) {
      const auto mask = static_cast<uint8_t>(1u << ((b + e) % 8));
      proof[e][b] ^= mask;
      INFO("element " << e << " byte " << b);
      REQUIRE_FALSE(verify(proof).ok());
      proof[e][b] ^= mask;
    }
  }
  REQUIRE(verify(proof).ok());
}

TEST_CASE("Flipping any proof byte fails verification", "[merkle][property]") {
  TestLog log = BuildLog(kMaxSize);
  std::mt19937_64 rng(kSeed + 1);
  for (int trial = 0; trial < 40; ++trial) {
    const uint64_t n = 2 + rng() % (kMaxSize - 1);
    const uint64_t i = rng() % n;
    const uint64_t m = 1 + rng() % (n - 1);
    INFO("leaf " << i << " old " << m << " size " << n);
    absl::StatusOr<Proof> incl = InclusionProof(i, n, log.store);
    REQUIRE(incl.ok());
    RequireEveryByteFlipFails(*incl, [&](const Proof& p) {
      return VerifyInclusion(i, n, log.leaves[i], p, log.roots[n]);
    });
    absl::StatusOr<Proof> cons = ConsistencyProof(m, n, log.store);
    REQUIRE(cons.ok());
    RequireEveryByteFlipFails(*cons, [&](const Proof& p) {
      return VerifyConsistency(m, n, log.roots[m], log.roots[n], p);
    });
  }
}

TEST_CASE("Proofs read O(log n) subtrees, never the whole tree", "[merkle]") {
  TestLog log = BuildLog(kMaxSize);
  std::mt19937_64 rng(kSeed + 2);
  for (uint64_t n : SampleSizes()) {
    const uint64_t h = CeilLog2(n);
    for (uint64_t i : SampleIndexes(n, rng)) {
      log.store.ResetReads();
      REQUIRE(InclusionProof(i, n, log.store).ok());
      REQUIRE(log.store.reads() <= 2 * h);
      log.store.ResetReads();
      REQUIRE(ConsistencyProof(i + 1, n, log.store).ok());
      REQUIRE(log.store.reads() <= 2 * h + 1);
    }
    log.store.ResetReads();
    REQUIRE(RootAt(n, log.store).ok());
    REQUIRE(log.store.reads() == static_cast<uint64_t>(std::popcount(n)));
  }
}

TEST_CASE("Proof arguments outside RFC 9162's domain are rejected", "[merkle]") {
  TestLog log = BuildLog(8);
  REQUIRE(InclusionProof(8, 8, log.store).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(InclusionProof(0, 0, log.store).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(ConsistencyProof(5, 4, log.store).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(ConsistencyProof(0, 4, log.store).status().code() == absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Proof> same = ConsistencyProof(5, 5, log.store);
  REQUIRE(same.ok());
  REQUIRE(same->empty());
}

TEST_CASE("A store that lacks the tree surfaces NOT_FOUND with context", "[merkle]") {
  TestLog log = BuildLog(8);
  absl::StatusOr<Proof> proof = InclusionProof(3, 9, log.store);
  REQUIRE(proof.status().code() == absl::StatusCode::kNotFound);
  REQUIRE(std::string(proof.status().message()).find("leaf 3 in tree size 9") != std::string::npos);
  REQUIRE(RootAt(9, log.store).status().code() == absl::StatusCode::kNotFound);
  REQUIRE(ConsistencyProof(3, 9, log.store).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace breakglass::merkle
