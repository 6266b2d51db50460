#include "tests/integration/anchor_crash.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vault/audit/anchor.h"
#include "vault/audit/export.h"
#include "vault/crypto/signature.h"
#include "vault/verify/verifier.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit::testing {
namespace {

// Kills and reaps the child by PID unless it was reaped already.
class ChildGuard final {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int Reap() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  void Kill() { kill(pid_, SIGKILL); }

 private:
  pid_t pid_;
};

absl::StatusOr<pid_t> Spawn(const std::string& child, const std::vector<std::string>& args,
                            int* out_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  std::vector<char*> argv = {const_cast<char*>(child.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    execv(child.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

void TakeLines(std::string& buffer, std::vector<std::string>& lines) {
  size_t nl;
  while ((nl = buffer.find('\n')) != std::string::npos) {
    lines.push_back(buffer.substr(0, nl));
    buffer.erase(0, nl + 1);
  }
}

}  // namespace

bool ChildResult::DiedOfSigkill() const {
  return WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
}

bool ChildResult::Has(const std::string& prefix) const {
  for (const std::string& l : lines) {
    if (l.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

absl::StatusOr<ChildResult> RunChild(const std::string& child, const std::vector<std::string>& args,
                                     std::optional<absl::Duration> kill_after) {
  int fd = -1;
  BG_ASSIGN_OR_RETURN(const pid_t pid, Spawn(child, args, &fd));
  ChildGuard guard(pid);
  ChildResult result;
  // The kill timer starts once the child is ready (start-up done).
  absl::Time deadline = absl::InfiniteFuture();
  std::string buffer;
  char chunk[4096];
  for (;;) {
    if (kill_after.has_value() && deadline == absl::InfiniteFuture() && result.Has("ready")) {
      deadline = absl::Now() + *kill_after;
    }
    int timeout_ms = -1;
    if (!result.killed_by_parent && deadline != absl::InfiniteFuture()) {
      timeout_ms = static_cast<int>(
          std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) == 0) {
      guard.Kill();
      result.killed_by_parent = true;
      continue;
    }
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    TakeLines(buffer, result.lines);
  }
  close(fd);
  result.wait_status = guard.Reap();
  return result;
}

absl::Status Durable::Add(const ChildResult& run) {
  for (const std::string& line : run.lines) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    uint64_t seq = 0;
    if (parts.size() < 2 || !absl::SimpleAtoi(parts[1], &seq)) continue;
    if (parts[0] == "anchored") anchored.insert(seq);
    if (parts[0] != "committed" || parts.size() != 3) continue;
    auto [it, inserted] = committed.emplace(seq, parts[2]);
    if (!inserted && it->second != parts[2]) {
      return absl::DataLossError(absl::StrCat("leaf ", seq, " was reported committed as ",
                                              it->second, " and later as ", parts[2]));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AnchoredState>> Open(const HardwareConfig& config,
                                                    const std::string& db) {
  AnchorOptions options;
  options.min_interval = absl::ZeroDuration();
  return AnchoredState::Open(config, db, options);
}

absl::Status ProvisionState(const HardwareConfig& hw, const std::string& db) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<AnchoredState> o, Open(hw, db));
  return o->anchorer().Provision(o->provision()).status();
}

// Exports the log and verifies the bundle offline with vault/verify, trusting
// the log key and the AK this appliance was provisioned with.
absl::Status VerifyOffline(AnchoredState& o, const std::string& db) {
  static int exports = 0;
  const std::filesystem::path bundle = absl::StrCat(db, ".bundle-", ++exports);
  BG_RETURN_IF_ERROR(audit::ExportBundle(o.runner(), bundle).status());
  verify::VerifyOptions options;
  options.trusted_log_key = o.anchorer().verifier().ToString();
  BG_ASSIGN_OR_RETURN(const crypto::PublicKey ak,
                      crypto::PublicKey::FromPem(o.provision().ak_public_key_pem));
  options.trusted_ak_fingerprint = ak.FingerprintHex();
  const absl::Status verified = verify::VerifyBundle(bundle, options).status();
  std::filesystem::remove_all(bundle);
  return verified;
}

absl::Status CheckRecovers(const HardwareConfig& hw, const std::string& db, const Durable& durable) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<AnchoredState> o, Open(hw, db));
  BG_RETURN_IF_ERROR(base::Annotate(o->anchorer().Start().status(), "start-up check"));
  BG_RETURN_IF_ERROR(base::Annotate(
      VerifyAnchoredLog(o->log(), o->anchorer().verifier()), "audit"));
  BG_RETURN_IF_ERROR(base::Annotate(VerifyOffline(*o, db), "vault/verify"));
  BG_ASSIGN_OR_RETURN(const StoredCheckpoint latest, o->log().LatestCheckpoint());
  for (const auto& [seq, subject] : durable.committed) {
    absl::StatusOr<std::string> leaf = o->log().Leaf(seq);
    if (!leaf.ok()) return absl::DataLossError(absl::StrCat("committed leaf ", seq, " is lost"));
    BG_ASSIGN_OR_RETURN(const Event e, Event::Parse(*leaf));
    if (e.subject() != subject) {
      return absl::DataLossError(absl::StrCat("leaf ", seq, " is ", e.subject(), ", not ", subject));
    }
    if (durable.anchored.count(seq) && latest.size <= seq) {
      return absl::DataLossError(absl::StrCat("anchored leaf ", seq, " is not covered"));
    }
  }
  return absl::OkStatus();
}

}  // namespace breakglass::audit::testing
