// Offline verification (vault/verify) of a synthetic bundle — 10^6 leaves of
// ~200 bytes of canonical JSON, a checkpoint signed with a software Ed25519
// key every 10^4 leaves — in MB/s of leaves.jsonl, beside plain SHA-256 over
// the same file read the same way, in the same run. Target: verification at
// >= 50% of SHA-256's throughput. Prints one JSON object.
//
// The bundle has no TPM evidence (check_tpm off): the anchors' NV_Certify
// checks are two ECDSA verifications per anchor, independent of log size.
//
// "ratio_to_sha256" compares wall-clock throughput (the verifier may use
// several threads: tree hashing parallelises, a single SHA-256 stream does
// not); "cpu_ratio_to_sha256" compares CPU time, i.e. work per byte. Both
// read the file the same way (1 MiB reads from the page cache).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "vault/crypto/sha256.h"
#include "vault/verify/bundle.h"
#include "vault/verify/testing/synthetic_bundle.h"
#include "vault/verify/testing/temp_dir.h"
#include "vault/verify/verifier.h"

namespace {

using breakglass::verify::VerifyBundle;
using breakglass::verify::VerifyOptions;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds used by the whole process (all threads) so far.
double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Wall and CPU seconds of one run.
struct Timing {
  double wall = 1e9;
  double cpu = 1e9;
  void Keep(const Timing& t) {
    wall = std::min(wall, t.wall);
    cpu = std::min(cpu, t.cpu);
  }
};

// Streams `file` through SHA-256 in 1 MiB reads: the verifier's own I/O path.
Timing Sha256Run(const std::string& file, uint64_t* bytes) {
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) std::abort();
  std::vector<char> buf(1 << 20);
  breakglass::crypto::Sha256Hasher h;
  *bytes = 0;
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) {
    h.Update(std::string_view(buf.data(), n));
    *bytes += n;
  }
  std::fclose(f);
  volatile uint8_t sink = h.Finish()[0];
  (void)sink;
  return {Seconds(start, Clock::now()), CpuSeconds() - cpu0};
}

Timing VerifyRun(const std::filesystem::path& dir, int threads, uint64_t leaves) {
  VerifyOptions o;
  o.check_tpm = false;
  o.threads = threads;
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  const auto s = VerifyBundle(dir, o);
  const Timing t{Seconds(start, Clock::now()), CpuSeconds() - cpu0};
  if (!s.ok() || s->leaves != leaves) {
    std::fprintf(stderr, "verify_bench: %s\n", s.status().ToString().c_str());
    std::abort();
  }
  return t;
}

uint64_t Flag(int argc, char** argv, const std::string& name, uint64_t def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  breakglass::verify::testing::SyntheticOptions opt;
  opt.leaves = Flag(argc, argv, "--leaves", 1'000'000);
  opt.checkpoint_every = Flag(argc, argv, "--every", 10'000);
  opt.leaf_bytes = Flag(argc, argv, "--leaf-bytes", 200);
  const int repeat = static_cast<int>(Flag(argc, argv, "--repeat", 3));
  breakglass::verify::testing::TempDir tmp;
  const auto dir = tmp.path() / "bundle";
  const auto made = breakglass::verify::testing::WriteSyntheticBundle(dir, opt);
  if (!made.ok()) {
    std::fprintf(stderr, "verify_bench: %s\n", made.status().ToString().c_str());
    return 1;
  }
  const std::string leaves_file = (dir / breakglass::verify::kLeavesFile).string();
  uint64_t bytes = 0;
  Sha256Run(leaves_file, &bytes);  // warm the page cache

  // Best of `repeat`, interleaved so both see the same machine state.
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<int> thread_counts = {1};
  if (hw > 1) thread_counts.push_back(std::min(hw, 4));
  Timing sha;
  std::vector<Timing> verify(thread_counts.size());
  for (int r = 0; r < repeat; ++r) {
    sha.Keep(Sha256Run(leaves_file, &bytes));
    for (size_t i = 0; i < thread_counts.size(); ++i) {
      verify[i].Keep(VerifyRun(dir, thread_counts[i], opt.leaves));
    }
  }
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf("{\"leaves\":%llu,\"checkpoints\":%llu,\"leaves_jsonl_bytes\":%llu,"
              "\"avg_leaf_bytes\":%.1f,\"hardware_threads\":%d,\"repeat\":%d,"
              "\"sha256\":{\"mb_per_s\":%.1f,\"mb_per_cpu_s\":%.1f},\"verify\":[",
              static_cast<unsigned long long>(opt.leaves),
              static_cast<unsigned long long>((opt.leaves + opt.checkpoint_every - 1) /
                                              opt.checkpoint_every),
              static_cast<unsigned long long>(bytes),
              static_cast<double>(bytes) / static_cast<double>(opt.leaves) - 1, hw, repeat,
              mb / sha.wall, mb / sha.cpu);
  for (size_t i = 0; i < thread_counts.size(); ++i) {
    const Timing& v = verify[i];
    std::printf("%s{\"threads\":%d,\"mb_per_s\":%.1f,\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
                "\"ratio_to_sha256\":%.3f,\"cpu_ratio_to_sha256\":%.3f}",
                i == 0 ? "" : ",", thread_counts[i], mb / v.wall, v.wall, v.cpu, sha.wall / v.wall,
                sha.cpu / v.cpu);
  }
  std::printf("],\"target_ratio\":0.5}\n");
  return 0;
}
