// Anchored appends per second with 1, 8 and 64 concurrent writers, and NV
// writes per 1,000 events (DESIGN.md "Anchoring in the TPM": group commit).
//
// Each writer loops: AuditLog::Append of one approval event (its own unit, so
// concurrent writers share the store's group commit), then
// Anchorer::AnchorNow(routine), which returns once a checkpoint covering the
// event is signed by the log key and anchored in the TPM. An "anchored append"
// is one such iteration. Each writer count runs on a fresh, provisioned state
// for at least --seconds; the figure is events / wall time.
//
//   anchor_bench [--hw=real|files] [--seconds=S] [--min-interval-ms=M]
//                [--writers=1,8,64]
// --hw=real (default): swtpm (tpm/tss) + SoftHSM2 (hsm/pkcs11), started here
// through tests/harness; --hw=files: file-backed stand-ins (no devices), which
// shows the cost of the protocol and the store alone.
//
// Prints one JSON object: per writer count the rate, anchors, NV writes and
// NV writes per 1,000 events, then the 64-vs-1 speed-up (target >= 20).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/integration/anchor_hardware.h"
#include "vault/audit/anchor.h"
#include "vault/base/clock.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::audit {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Flags {
  bool real = true;
  double seconds = 3.0;
  int64_t min_interval_ms = 0;
  std::vector<int> writers = {1, 8, 64};
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--hw=files") f.real = false;
    if (a.rfind("--seconds=", 0) == 0) (void)absl::SimpleAtod(a.substr(10), &f.seconds);
    if (a.rfind("--min-interval-ms=", 0) == 0) (void)absl::SimpleAtoi(a.substr(18), &f.min_interval_ms);
    if (a.rfind("--writers=", 0) == 0) {
      f.writers.clear();
      for (absl::string_view w : absl::StrSplit(a.substr(10), ',')) {
        int n = 0;
        if (absl::SimpleAtoi(w, &n) && n > 0) f.writers.push_back(n);
      }
    }
  }
  return f;
}

struct Result {
  int writers = 0;
  uint64_t events = 0;
  double seconds = 0;
  uint64_t anchors = 0;
  uint64_t nv_writes = 0;
  uint64_t errors = 0;
};

[[noreturn]] void Die(const absl::Status& s) {
  fprintf(stderr, "anchor_bench: %s\n", s.ToString().c_str());
  exit(1);
}

Result RunOne(const Flags& flags, int writers) {
  store::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<testing::Devices>> devices =
      flags.real ? testing::Devices::StartReal(dir.File("hw"))
                 : testing::Devices::CreateFiles(dir.File("hw"), 1000, 0);
  if (!devices.ok()) Die(devices.status());
  AnchorOptions options;
  options.origin = testing::kAnchorTestOrigin;
  options.min_interval = absl::Milliseconds(flags.min_interval_ms);
  absl::StatusOr<std::unique_ptr<testing::AnchoredState>> state =
      testing::AnchoredState::Open((*devices)->config(), dir.File("state.db"), options);
  if (!state.ok()) Die(state.status());
  if (absl::Status s = (*state)->anchorer().Provision((*state)->provision()).status(); !s.ok()) Die(s);
  const uint64_t nv_before = (*state)->anchorer().nv_writes().by_this_process;
  std::atomic<uint64_t> events{0}, errors{0};
  std::atomic<bool> stop{false};
  const auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        Event e(EventType::kApproval);
        e.set_actor(absl::StrCat("custodian-", w)).set_subject(absl::StrCat("req-", w, "-", i));
        const bool ok = (*state)->log().Append(std::move(e)).ok() &&
                        (*state)->anchorer().AnchorNow(AnchorKind::kRoutine).ok();
        (ok ? events : errors).fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  Result r;
  r.writers = writers;
  r.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  r.events = events.load();
  r.errors = errors.load();
  r.anchors = (*state)->anchorer().anchors_completed();
  r.nv_writes = (*state)->anchorer().nv_writes().by_this_process - nv_before;
  return r;
}

std::string ToJson(const Result& r) {
  const double rate = r.events / r.seconds;
  return absl::StrFormat(
      "{\"writers\": %d, \"events\": %u, \"seconds\": %.3f, \"anchored_appends_per_s\": %.1f, "
      "\"anchors\": %u, \"events_per_anchor\": %.2f, \"nv_writes\": %u, "
      "\"nv_writes_per_1000_events\": %.1f, \"errors\": %u}",
      r.writers, r.events, r.seconds, rate, r.anchors,
      r.anchors ? static_cast<double>(r.events) / r.anchors : 0.0, r.nv_writes,
      r.events ? 1000.0 * r.nv_writes / r.events : 0.0, r.errors);
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  // tpm2-tss logs expected TPM errors (a never-written counter read at
  // provisioning) to stderr; keep the JSON output clean.
  setenv("TSS2_LOG", "all+none", /*overwrite=*/0);
  std::vector<Result> results;
  std::vector<std::string> json;
  for (int w : flags.writers) {
    results.push_back(RunOne(flags, w));
    json.push_back(ToJson(results.back()));
  }
  double speedup = 0;
  const auto one = std::find_if(results.begin(), results.end(), [](const Result& r) { return r.writers == 1; });
  const auto many = std::find_if(results.begin(), results.end(), [](const Result& r) { return r.writers == 64; });
  if (one != results.end() && many != results.end() && one->events > 0) {
    speedup = (many->events / many->seconds) / (one->events / one->seconds);
  }
  printf("{\"bench\": \"anchor\", \"hardware\": \"%s\", \"min_interval_ms\": %lld,\n \"results\": [\n  %s\n ],\n"
         " \"speedup_64_vs_1\": %.1f, \"target_speedup\": 20}\n",
         flags.real ? testing::kRealDevicesDescription : "files", static_cast<long long>(flags.min_interval_ms),
         absl::StrJoin(json, ",\n  ").c_str(), speedup);
  return 0;
}

}  // namespace
}  // namespace breakglass::audit

int main(int argc, char** argv) { return breakglass::audit::Main(argc, argv); }
