// Crash-test machinery shared by the file-backed and the real-device crash
// tests: run anchor_crash_child (optionally SIGKILLing it after a delay),
// collect what it reported durable, and check that a restart recovers — the
// start-up check passes without an alarm, the log verifies as an auditor
// would (anchor_check.h, and an exported bundle through vault/verify), and
// nothing the child saw committed is lost.
//
// Thread-safety: call from the test's thread.
#ifndef BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_H_
#define BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/integration/anchor_check.h"
#include "tests/integration/anchor_hardware.h"

namespace breakglass::audit::testing {

struct ChildResult {
  std::vector<std::string> lines;  // stdout, by line
  int wait_status = 0;             // from waitpid
  bool killed_by_parent = false;   // kill_after expired before it exited

  bool DiedOfSigkill() const;
  bool Has(const std::string& prefix) const;
};

// Runs `child` with `args` and reads its stdout to the end. With kill_after,
// SIGKILLs it that long after it reported "ready" unless it has exited. The child is
// killed and reaped by PID whatever happens.
absl::StatusOr<ChildResult> RunChild(const std::string& child, const std::vector<std::string>& args,
                                     std::optional<absl::Duration> kill_after);

// What the children reported durable, across runs.
struct Durable {
  std::map<uint64_t, std::string> committed;  // seq -> subject
  std::set<uint64_t> anchored;
  // Adds a run's reports. DATA_LOSS when a seq reported before comes back
  // with another subject (the earlier event was lost).
  absl::Status Add(const ChildResult& run);
};

// Creates the state file and provisions it (in this process).
absl::Status ProvisionState(const HardwareConfig& hw, const std::string& db);

// Opens state and devices, runs the start-up check, which must pass with no
// alarm, and checks the log and `durable`. The error says what failed.
absl::Status CheckRecovers(const HardwareConfig& hw, const std::string& db, const Durable& durable);

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_H_
