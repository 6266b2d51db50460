// SwtpmProcess: a private swtpm (TPM 2.0 emulator, swtpm 0.7) for one test,
// reached through tpm2-tss with the TCTI string `swtpm:host=127.0.0.1,port=N`.
//
// Start() creates a temp dir for the TPM state, picks two consecutive free
// ports on 127.0.0.1 (bind probe; retried when another process wins the race),
// runs
//   swtpm socket --tpm2 --tpmstate dir=<tmp> --server type=tcp,port=N,...
//         --ctrl type=tcp,port=N+1,... --flags not-need-init,startup-clear
// and returns once both sockets accept connections. The process is stopped by
// its PID when the object is destroyed — also when the test fails, and (via
// PR_SET_PDEATHSIG) when the test process itself dies — and the temp dir is
// removed.
//
// Power-loss tests: KillHard() sends SIGKILL (swtpm 0.7.1 writes its NV state
// per NV write without fsync, so what it wrote survives a process kill);
// Restart() starts a new swtpm on the same state dir and the same ports, so the
// TCTI string stays valid.
//
// A missing swtpm binary is an error (FAILED_PRECONDITION naming the Debian
// package), never a skip.
//
// Thread-safety: not thread-safe; one test thread owns it. Create and destroy
// it on the same thread (PR_SET_PDEATHSIG is tied to the forking thread).
#ifndef BREAKGLASS_TESTS_HARNESS_SWTPM_PROCESS_H_
#define BREAKGLASS_TESTS_HARNESS_SWTPM_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace breakglass::testing {

class SwtpmProcess final {
 public:
  // Starts a fresh swtpm with an empty state dir. Errors: FAILED_PRECONDITION
  // when the swtpm binary is missing; UNAVAILABLE when it does not come up
  // (the message carries the tail of swtpm's log).
  static absl::StatusOr<std::unique_ptr<SwtpmProcess>> Start();

  SwtpmProcess(const SwtpmProcess&) = delete;
  SwtpmProcess& operator=(const SwtpmProcess&) = delete;
  // SIGTERM, then SIGKILL after a grace period; removes the state dir.
  ~SwtpmProcess();

  // "swtpm:host=127.0.0.1,port=N", for Tss2_TctiLdr_Initialize.
  std::string Tcti() const;
  int server_port() const { return port_; }
  int ctrl_port() const { return port_ + 1; }
  const std::string& state_dir() const { return dir_; }
  // The running process, or -1 after KillHard()/Stop().
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // SIGKILL and reap, simulating power loss. No-op when not running.
  void KillHard();
  // Orderly stop: SIGTERM and reap (SIGKILL after a grace period).
  void Stop();
  // Stops the current process if running (SIGKILL) and starts a new one on
  // the same state dir and ports. UNAVAILABLE when it does not come up.
  absl::Status Restart();

 private:
  SwtpmProcess(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}

  // Forks/execs swtpm on port_ and waits until it accepts connections.
  absl::Status Launch();
  std::string LogTail() const;

  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace breakglass::testing

#endif  // BREAKGLASS_TESTS_HARNESS_SWTPM_PROCESS_H_
