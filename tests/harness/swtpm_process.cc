#include "tests/harness/swtpm_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace breakglass::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr int kLaunchAttempts = 8;
constexpr auto kStartTimeout = std::chrono::seconds(15);

// The swtpm binary on PATH, or empty.
std::string FindSwtpm() {
  const char* path = std::getenv("PATH");
  for (auto dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = absl::StrCat(std::string(dir), "/swtpm");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Binds a TCP socket on 127.0.0.1:port (0 = any); returns the fd or -1.
int BindLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Two consecutive free ports N, N+1 on 127.0.0.1 (bind probe), or 0.
int ProbeFreePortPair() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    int fd = BindLoopback(0);
    if (fd < 0) continue;
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    int fd2 = port < 65535 ? BindLoopback(port + 1) : -1;
    close(fd);
    if (fd2 >= 0) {
      close(fd2);
      return port;
    }
  }
  return 0;
}

// Inodes of sockets listening on 127.0.0.1:port, from /proc/net/tcp.
std::vector<std::string> ListeningInodes(int port) {
  std::vector<std::string> inodes;
  std::ifstream in("/proc/net/tcp");
  std::string line;
  const std::string local =
      absl::AsciiStrToUpper(absl::StrCat("0100007F:", absl::Hex(port, absl::kZeroPad4)));
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string sl, local_addr, remote, state, queues, tr, retr, uid, timeout, inode;
    fields >> sl >> local_addr >> remote >> state >> queues >> tr >> retr >> uid >> timeout >>
        inode;
    if (state == "0A" && absl::AsciiStrToUpper(local_addr) == local) inodes.push_back(inode);
  }
  return inodes;
}

// True when process `pid` itself holds a socket listening on 127.0.0.1:port.
// (A bare connect() could reach another process that won the port.)
bool PidListensOn(pid_t pid, int port) {
  const auto inodes = ListeningInodes(port);
  if (inodes.empty()) return false;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator(absl::StrCat("/proc/", pid, "/fd"), ec)) {
    std::string target = fs::read_symlink(fd.path(), ec).string();
    for (const auto& inode : inodes) {
      if (target == absl::StrCat("socket:[", inode, "]")) return true;
    }
  }
  return false;
}

// Waits for `pid` to exit for up to `timeout`; true when reaped.
bool ReapWithin(pid_t pid, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SwtpmProcess>> SwtpmProcess::Start() {
  if (FindSwtpm().empty()) {
    return absl::FailedPreconditionError(
        "swtpm not found on PATH: install the Debian package 'swtpm' (scripts/setup); "
        "tpm tests need it and never skip");
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/breakglass-swtpm-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", templ, ": ", std::strerror(errno)));
  }
  std::unique_ptr<SwtpmProcess> p(new SwtpmProcess(templ, 0));
  absl::Status last = absl::UnavailableError("no free port pair on 127.0.0.1");
  for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
    p->port_ = ProbeFreePortPair();
    if (p->port_ == 0) continue;
    last = p->Launch();
    if (last.ok()) return p;
  }
  return last;
}

SwtpmProcess::~SwtpmProcess() {
  Stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string SwtpmProcess::Tcti() const { return absl::StrCat("swtpm:host=127.0.0.1,port=", port_); }

absl::Status SwtpmProcess::Launch() {
  const std::string binary = FindSwtpm();
  if (binary.empty()) return absl::FailedPreconditionError("swtpm not found on PATH");
  // Everything the child needs is prepared before fork().
  std::vector<std::string> args = {binary,
                                   "socket",
                                   "--tpm2",
                                   "--tpmstate",
                                   absl::StrCat("dir=", dir_),
                                   "--server",
                                   absl::StrCat("type=tcp,port=", port_, ",bindaddr=127.0.0.1"),
                                   "--ctrl",
                                   absl::StrCat("type=tcp,port=", port_ + 1, ",bindaddr=127.0.0.1"),
                                   "--flags",
                                   "not-need-init,startup-clear"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = absl::StrCat(dir_, "/swtpm.log");
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("swtpm exited during start on port ", port_,
                                                 " (status ", status, "): ", LogTail()));
    }
    if (PidListensOn(pid_, port_) && PidListensOn(pid_, port_ + 1)) return absl::OkStatus();
    std::this_thread::sleep_for(milliseconds(10));
  }
  KillHard();
  return absl::UnavailableError(
      absl::StrCat("swtpm did not listen on port ", port_, " within 15 s: ", LogTail()));
}

void SwtpmProcess::KillHard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  ReapWithin(pid_, std::chrono::seconds(10));
  pid_ = -1;
}

void SwtpmProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!ReapWithin(pid_, std::chrono::seconds(3))) KillHard();
  pid_ = -1;
}

absl::Status SwtpmProcess::Restart() {
  KillHard();
  absl::Status last;
  for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
    last = Launch();
    if (last.ok()) return last;
    std::this_thread::sleep_for(milliseconds(100 << std::min(attempt, 4)));
  }
  return absl::UnavailableError(absl::StrCat("swtpm restart on the same state and port ", port_,
                                             " failed: ", std::string(last.message())));
}

std::string SwtpmProcess::LogTail() const {
  std::ifstream in(absl::StrCat(dir_, "/swtpm.log"));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 600) text = text.substr(text.size() - 600);
  return text.empty() ? "(swtpm log is empty)" : text;
}

}  // namespace breakglass::testing
