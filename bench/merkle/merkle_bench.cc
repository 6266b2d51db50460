// Proof generation from an in-memory subtree store of 10^6 leaves (target:
// < 100 µs per proof), verification, appends, and the SHA-256 baseline: the
// same number of 65-byte node hashes done directly with crypto::Sha256Hasher.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "vault/merkle/frontier.h"
#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/proof.h"
#include "vault/merkle/verify.h"

namespace breakglass::merkle {
namespace {

constexpr uint64_t kLeaves = 1'000'000;
constexpr size_t kQueries = 4096;

struct Log {
  InMemorySubtreeStore store;
  std::vector<Hash> leaves;
  std::vector<Hash> roots_sampled;  // root at each size in `sizes`
  std::vector<uint64_t> indexes;    // random leaf indexes
  std::vector<uint64_t> sizes;      // random old sizes in [1, kLeaves)
  Hash root{};
};

void Die(const absl::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "merkle_bench setup: %s\n", s.ToString().c_str());
    std::abort();
  }
}

// Built once per process and shared by the benchmarks below.
Log& TheLog() {
  static Log* log = [] {
    auto* l = new Log;
    Frontier frontier;
    std::vector<Subtree> completed;
    for (uint64_t i = 0; i < kLeaves; ++i) {
      l->leaves.push_back(HashLeaf("event " + std::to_string(i)));
      completed.clear();
      Die(frontier.Append(l->leaves.back(), &completed));
      Die(l->store.PutAll(completed));
    }
    l->root = frontier.Root();
    std::mt19937_64 rng(42);
    for (size_t q = 0; q < kQueries; ++q) {
      l->indexes.push_back(rng() % kLeaves);
      l->sizes.push_back(1 + rng() % (kLeaves - 1));
      absl::StatusOr<Hash> r = RootAt(l->sizes.back(), l->store);
      Die(r.status());
      l->roots_sampled.push_back(*r);
    }
    return l;
  }();
  return *log;
}

void BM_InclusionProof(benchmark::State& state) {
  Log& log = TheLog();
  size_t q = 0, elements = 0, n = 0;
  for (auto _ : state) {
    absl::StatusOr<Proof> p = InclusionProof(log.indexes[q++ % kQueries], kLeaves, log.store);
    elements += p->size();
    ++n;
    benchmark::DoNotOptimize(p);
  }
  state.counters["proof_hashes"] = static_cast<double>(elements) / static_cast<double>(n);
}

void BM_ConsistencyProof(benchmark::State& state) {
  Log& log = TheLog();
  size_t q = 0, elements = 0, n = 0;
  for (auto _ : state) {
    absl::StatusOr<Proof> p = ConsistencyProof(log.sizes[q++ % kQueries], kLeaves, log.store);
    elements += p->size();
    ++n;
    benchmark::DoNotOptimize(p);
  }
  state.counters["proof_hashes"] = static_cast<double>(elements) / static_cast<double>(n);
}

void BM_RootAt(benchmark::State& state) {
  Log& log = TheLog();
  size_t q = 0;
  for (auto _ : state) benchmark::DoNotOptimize(RootAt(log.sizes[q++ % kQueries], log.store));
}

void BM_VerifyInclusion(benchmark::State& state) {
  Log& log = TheLog();
  std::vector<Proof> proofs;
  for (size_t q = 0; q < kQueries; ++q) {
    proofs.push_back(*InclusionProof(log.indexes[q], kLeaves, log.store));
  }
  size_t q = 0;
  for (auto _ : state) {
    const size_t i = q++ % kQueries;
    const uint64_t index = log.indexes[i];
    if (!VerifyInclusion(index, kLeaves, log.leaves[index], proofs[i], log.root).ok()) {
      state.SkipWithError("inclusion proof did not verify");
    }
  }
}

void BM_VerifyConsistency(benchmark::State& state) {
  Log& log = TheLog();
  std::vector<Proof> proofs;
  for (size_t q = 0; q < kQueries; ++q) {
    proofs.push_back(*ConsistencyProof(log.sizes[q], kLeaves, log.store));
  }
  size_t q = 0;
  for (auto _ : state) {
    const size_t i = q++ % kQueries;
    if (!VerifyConsistency(log.sizes[i], kLeaves, log.roots_sampled[i], log.root, proofs[i]).ok()) {
      state.SkipWithError("consistency proof did not verify");
    }
  }
}

// Baseline: `range(0)` node hashes (0x01 || 32 || 32 bytes) with one reused
// SHA-256 context — the hashing a proof of that length costs to verify.
void BM_Sha256NodeHashes(benchmark::State& state) {
  crypto::Sha256Hasher sha;
  std::string block(65, '\x01');
  for (auto _ : state) {
    for (int64_t i = 0; i < state.range(0); ++i) {
      const crypto::Sha256Digest d = sha.Update(block).Finish();
      block[1] = static_cast<char>(d[0]);
    }
    benchmark::DoNotOptimize(block);
  }
}

void BM_FrontierAppend(benchmark::State& state) {
  Frontier frontier;
  std::vector<Subtree> completed;
  const Hash leaf = HashLeaf("x");
  for (auto _ : state) {
    completed.clear();
    benchmark::DoNotOptimize(frontier.Append(leaf, &completed));
  }
}

BENCHMARK(BM_InclusionProof);
BENCHMARK(BM_ConsistencyProof);
BENCHMARK(BM_RootAt);
BENCHMARK(BM_VerifyInclusion);
BENCHMARK(BM_VerifyConsistency);
BENCHMARK(BM_Sha256NodeHashes)->Arg(1)->Arg(2)->Arg(20);
BENCHMARK(BM_FrontierAppend);

}  // namespace
}  // namespace breakglass::merkle

BENCHMARK_MAIN();
