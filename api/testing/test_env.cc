#include "api/testing/test_env.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::api::testing {
namespace {

std::filesystem::path EnvPath(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::filesystem::path() : std::filesystem::path(value);
}

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  for (const std::string& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The environment of this process plus `extra` ("NAME=value").
std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) out.emplace_back(*e);
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// Forks; the child takes stdin from `in_fd`, stdout+stderr to `out_fd` and
// execs. Everything is prepared before fork: the child of a multi-threaded
// process may only call async-signal-safe functions.
pid_t Spawn(const std::vector<std::string>& argv, int in_fd, int out_fd,
            const std::vector<std::string>& env) {
  const std::vector<std::string> environment = Environment(env);
  std::vector<char*> args = Argv(argv);
  std::vector<char*> envp = Argv(environment);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(in_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(out_fd, STDERR_FILENO);
  execvpe(args[0], args.data(), envp.data());
  _exit(127);
}

}  // namespace

std::filesystem::path SourceRoot() { return EnvPath("BREAKGLASS_SOURCE_DIR"); }

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "breakglass-test-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) std::abort();
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& env) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) return {};
  const pid_t pid = Spawn(argv, in_pipe[0], out_pipe[1], env);
  close(in_pipe[0]);
  close(out_pipe[1]);
  // Feed stdin from a thread so a chatty child cannot deadlock us.
  std::thread feeder([fd = in_pipe[1], &input] {
    signal(SIGPIPE, SIG_IGN);
    size_t off = 0;
    while (off < input.size()) {
      const ssize_t n = write(fd, input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fd);
  });
  CommandResult result;
  char buf[4096];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0) result.output.append(buf, n);
  close(out_pipe[0]);
  feeder.join();
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  return result;
}

absl::StatusOr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                                 const std::filesystem::path& log_path) {
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", log_path.string()));
  }
  const pid_t pid = Spawn(argv, null_fd, log_fd, {});
  close(log_fd);
  close(null_fd);
  if (pid < 0) return absl::InternalError("fork failed");
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
}

void ChildProcess::Signal(int signo) const {
  if (pid_ > 0) kill(pid_, signo);
}

std::optional<int> ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return ExitCode(status);
    }
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

absl::Status MakeDevPki(const std::filesystem::path& dir,
                        const std::vector<std::string>& clients) {
  const std::string tool = (SourceRoot() / "api/tools/dev-ca").string();
  std::vector<std::vector<std::string>> steps = {{tool, "ca", dir.string()},
                                                 {tool, "server", dir.string()}};
  if (!clients.empty()) {
    steps.push_back({tool, "client", dir.string()});
    steps.back().insert(steps.back().end(), clients.begin(), clients.end());
  }
  for (const auto& step : steps) {
    CommandResult r = RunCommand(step);
    if (r.exit_code != 0) {
      return absl::InternalError(
          absl::StrCat(absl::StrJoin(step, " "), " failed (", r.exit_code, "): ", r.output));
    }
  }
  return absl::OkStatus();
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

}  // namespace breakglass::api::testing
