// anchor_crash_child: the process the crash tests kill. It opens the state
// file and the devices (anchor_hardware.h), runs the start-up check (or
// provisions an empty log with --provision), then appends events and anchors
// them from several threads, reporting on stdout, one line per fact, written
// only once the fact is durable:
//   ready
//   committed <seq> <subject>     the event's unit has committed
//   anchored <seq>                AnchorNow returned OK after that event
//   anchor-error <message>        AnchorNow failed (the test decides)
//   dying <step>                  about to raise(SIGKILL) at the crash point
//   done
//
// Flags: --db=PATH --rounds=N --threads=N --kind=routine|release|mixed
//        [--crash=<AnchorStepName>:<occurrence>] [--provision] + hardware flags.
// Exit: 0 done, 2 bad flags or devices, 3 start-up check failed.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/anchor_hardware.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit::testing {
namespace {

void Emit(const std::string& line) {
  const std::string out = line + "\n";
  // One write: lines under PIPE_BUF arrive whole, even from many threads.
  if (write(STDOUT_FILENO, out.data(), out.size()) < 0) _exit(4);
}

[[noreturn]] void Fail(int code, const std::string& what) {
  fprintf(stderr, "anchor_crash_child: %s\n", what.c_str());
  _exit(code);
}

struct Flags {
  std::string db;
  int rounds = 1;
  int threads = 1;
  std::string kind = "routine";
  std::string crash_step;
  int crash_occurrence = 0;
  bool provision = false;
};

std::string Value(const std::string& arg, const std::string& name) {
  return arg.rfind(name, 0) == 0 ? arg.substr(name.size()) : std::string();
}

Flags ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  for (const std::string& a : args) {
    if (!Value(a, "--db=").empty()) f.db = Value(a, "--db=");
    if (!Value(a, "--rounds=").empty() && !absl::SimpleAtoi(Value(a, "--rounds="), &f.rounds)) {
      Fail(2, "bad --rounds");
    }
    if (!Value(a, "--threads=").empty() && !absl::SimpleAtoi(Value(a, "--threads="), &f.threads)) {
      Fail(2, "bad --threads");
    }
    if (!Value(a, "--kind=").empty()) f.kind = Value(a, "--kind=");
    if (a == "--provision") f.provision = true;
    const std::string crash = Value(a, "--crash=");
    const size_t colon = crash.find(':');
    if (colon != std::string::npos) {
      f.crash_step = crash.substr(0, colon);
      if (!absl::SimpleAtoi(crash.substr(colon + 1), &f.crash_occurrence)) Fail(2, "bad --crash");
    }
  }
  if (f.db.empty()) Fail(2, "--db is required");
  return f;
}

AnchorStepHook CrashHook(const Flags& f) {
  if (f.crash_step.empty()) return nullptr;
  auto seen = std::make_shared<std::atomic<int>>(0);
  return [step = f.crash_step, n = f.crash_occurrence, seen](AnchorStep s) {
    if (AnchorStepName(s) == step && ++*seen == n) {
      Emit(absl::StrCat("dying ", step));
      raise(SIGKILL);
    }
    return absl::OkStatus();
  };
}

void Work(AuditLog& log, Anchorer& anchorer, const Flags& f, int thread) {
  const bool release = f.kind == "release" || (f.kind == "mixed" && thread == 0);
  for (int r = 0; r < f.rounds; ++r) {
    const std::string subject = absl::StrCat("p", getpid(), "-t", thread, "-r", r);
    Event e(release ? EventType::kRelease : EventType::kApproval);
    e.set_actor("crash-child").set_subject(subject);
    absl::StatusOr<uint64_t> seq = log.Append(std::move(e));
    if (!seq.ok()) Fail(2, absl::StrCat("append: ", seq.status().ToString()));
    Emit(absl::StrCat("committed ", *seq, " ", subject));
    const absl::Status anchored =
        anchorer.AnchorNow(release ? AnchorKind::kRelease : AnchorKind::kRoutine);
    Emit(anchored.ok() ? absl::StrCat("anchored ", *seq)
                       : absl::StrCat("anchor-error ", anchored.ToString()));
  }
}

int Main(const std::vector<std::string>& args) {
  const Flags f = ParseFlags(args);
  absl::StatusOr<HardwareConfig> config = HardwareConfig::FromArgs(args);
  if (!config.ok()) Fail(2, config.status().ToString());
  absl::StatusOr<Hardware> hw = OpenHardware(*config);
  if (!hw.ok()) Fail(2, absl::StrCat("devices: ", hw.status().ToString()));
  base::SystemClock clock;
  auto runner = store::TransactionRunner::Open(f.db, AuditLog::Migrations());
  if (!runner.ok()) Fail(2, runner.status().ToString());
  auto log = AuditLog::Create(runner->get(), &clock);
  if (!log.ok()) Fail(2, log.status().ToString());
  AnchorOptions options;
  options.origin = kAnchorTestOrigin;
  options.min_interval = absl::ZeroDuration();
  options.tick = absl::Milliseconds(20);
  AnchorDeps deps{runner->get(), log->get(), hw->signer.get(), hw->checkpoint.get(),
                  hw->release.get(), CrashHook(f)};
  auto anchorer = Anchorer::Create(std::move(deps), &clock, options);
  if (!anchorer.ok()) Fail(2, anchorer.status().ToString());
  absl::StatusOr<StartupReport> started =
      f.provision ? (*anchorer)->Provision(hw->provision) : (*anchorer)->Start();
  if (!started.ok()) Fail(3, started.status().ToString());
  Emit("ready");
  std::vector<std::thread> threads;
  for (int t = 0; t < f.threads; ++t) {
    threads.emplace_back([&, t] { Work(**log, **anchorer, f, t); });
  }
  for (std::thread& t : threads) t.join();
  Emit("done");
  return 0;
}

}  // namespace
}  // namespace breakglass::audit::testing

int main(int argc, char** argv) {
  return breakglass::audit::testing::Main(std::vector<std::string>(argv + 1, argv + argc));
}
