// Helpers for the API's end-to-end tests: temporary directories, child
// processes stopped by PID even when a test fails, and a development PKI made
// with api/tools/dev-ca (the same script scripts/dev-env uses).
//
// Test-only code; no gRPC headers, so tests/e2e can use it too.
// Thread-safety: none; use from the test's thread.
#ifndef BREAKGLASS_API_TESTING_TEST_ENV_H_
#define BREAKGLASS_API_TESTING_TEST_ENV_H_

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace breakglass::api::testing {

// The repository root (BREAKGLASS_SOURCE_DIR, set by ctest).
std::filesystem::path SourceRoot();

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir final {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (searched in PATH) to completion with `input` on stdin.
// `env` entries ("NAME=value") are added to the environment.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::vector<std::string>& env = {});

// A background process whose stdout and stderr go to `log_path`. Killed
// (SIGKILL) on destruction if still running.
class ChildProcess final {
 public:
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::filesystem::path& log_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void Signal(int signo) const;
  // Waits up to `timeout` for exit; the exit code (128 + signal when
  // signalled), or nullopt if still running.
  std::optional<int> Wait(absl::Duration timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Runs api/tools/dev-ca: a CA, a server certificate for 127.0.0.1, and one
// client certificate per name, all in `dir` (NAME.crt / NAME.key).
absl::Status MakeDevPki(const std::filesystem::path& dir, const std::vector<std::string>& clients);

// Whole file; empty string when it cannot be read.
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& contents);

}  // namespace breakglass::api::testing

#endif  // BREAKGLASS_API_TESTING_TEST_ENV_H_
