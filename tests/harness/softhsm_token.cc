#include "tests/harness/softhsm_token.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"

extern char** environ;

namespace breakglass::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kUtil[] = "softhsm2-util";
std::atomic<bool> g_alive{false};  // one SoftHsmToken per process (SOFTHSM2_CONF)

// A random PIN of 16 hex digits.
absl::StatusOr<base::SecretBytes> RandomPin() {
  base::SystemRandom random;
  absl::StatusOr<std::string> bytes = random.Bytes(8);
  if (!bytes.ok()) return bytes.status();
  base::SecretBytes pin = base::SecretBytes::CopyFrom(base::HexEncode(*bytes));
  return pin;
}

absl::Status RequireInstalled() {
  if (!fs::exists(kSoftHsmModulePath)) {
    return absl::FailedPreconditionError(
        absl::StrCat("SoftHSM2 is not installed: ", kSoftHsmModulePath,
                     " is missing; run scripts/setup (Debian package softhsm2)"));
  }
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    if (access((fs::path(dir) / kUtil).c_str(), X_OK) == 0) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "SoftHSM2 is not installed: softhsm2-util not found in /usr/bin; run scripts/setup "
      "(Debian package softhsm2)");
}

absl::Status WriteFile(const fs::path& path, std::string_view contents, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create ", path.string()));
  const ssize_t n = write(fd, contents.data(), contents.size());
  close(fd);
  if (n != static_cast<ssize_t>(contents.size())) {
    return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs softhsm2-util with `args`, its output going to <dir>/softhsm2-util.log.
absl::Status RunUtil(const fs::path& dir, const std::vector<std::string>& args) {
  const fs::path log = dir / "softhsm2-util.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  std::string util = kUtil;
  argv.push_back(util.data());
  std::vector<std::string> copies = args;
  for (std::string& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, kUtil, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return absl::InternalError(absl::StrCat("cannot start ", kUtil, ": errno ", err));
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return absl::InternalError(
        absl::StrCat(kUtil, " --init-token failed (status ", wstatus, "): ", ReadAll(log)));
  }
  return absl::OkStatus();
}

absl::StatusOr<fs::path> MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = (fs::path(tmp != nullptr ? tmp : "/tmp") / "breakglass-softhsm-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp(", templ, ") failed"));
  }
  return fs::path(templ);
}

}  // namespace

SoftHsmToken::SoftHsmToken(fs::path dir, std::string label, base::SecretBytes user_pin,
                           base::SecretBytes so_pin, std::optional<std::string> old_conf)
    : dir_(std::move(dir)),
      label_(std::move(label)),
      user_pin_(std::move(user_pin)),
      so_pin_(std::move(so_pin)),
      old_conf_(std::move(old_conf)) {}

absl::StatusOr<std::unique_ptr<SoftHsmToken>> SoftHsmToken::Create(std::string_view label) {
  absl::Status installed = RequireInstalled();
  if (!installed.ok()) return installed;
  if (g_alive.exchange(true)) {
    return absl::FailedPreconditionError(
        "another SoftHsmToken is alive in this process (SOFTHSM2_CONF is per process); "
        "use AddToken() for a second token");
  }
  const char* old = std::getenv("SOFTHSM2_CONF");
  std::optional<std::string> old_conf;
  if (old != nullptr) old_conf = old;
  absl::StatusOr<fs::path> dir = MakeTempDir();
  absl::StatusOr<base::SecretBytes> user_pin = RandomPin();
  absl::StatusOr<base::SecretBytes> so_pin = RandomPin();
  if (!dir.ok() || !user_pin.ok() || !so_pin.ok()) {
    g_alive = false;
    return !dir.ok() ? dir.status() : !user_pin.ok() ? user_pin.status() : so_pin.status();
  }
  // From here on the destructor cleans up whatever Create() leaves behind.
  std::unique_ptr<SoftHsmToken> token(new SoftHsmToken(
      *dir, std::string(label), *std::move(user_pin), *std::move(so_pin), std::move(old_conf)));
  fs::create_directory(token->dir_ / "tokens");
  const std::string conf =
      absl::StrCat("directories.tokendir = ", (token->dir_ / "tokens").string(),
                   "\nobjectstore.backend = file\nlog.level = ERROR\n"
                   "slots.removable = false\n");
  absl::Status s = WriteFile(token->conf_path(), conf, 0600);
  if (s.ok()) {
    s = WriteFile(token->pin_file(), token->user_pin_.view(base::InsecureSecretAccess::Get()),
                  0600);
  }
  if (!s.ok()) return s;
  setenv("SOFTHSM2_CONF", token->conf_path().c_str(), 1);
  s = token->InitToken(label);
  if (!s.ok()) return s;
  return token;
}

absl::Status SoftHsmToken::InitToken(std::string_view label) {
  const auto secret = base::InsecureSecretAccess::Get();
  return RunUtil(dir_,
                 {"--init-token", "--free", "--label", std::string(label), "--so-pin",
                  std::string(so_pin_.view(secret)), "--pin", std::string(user_pin_.view(secret))});
}

absl::Status SoftHsmToken::AddToken(std::string_view label) { return InitToken(label); }

SoftHsmToken::~SoftHsmToken() {
  if (old_conf_.has_value()) {
    setenv("SOFTHSM2_CONF", old_conf_->c_str(), 1);
  } else {
    unsetenv("SOFTHSM2_CONF");
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  g_alive = false;
}

std::string SoftHsmToken::uri() const { return absl::StrCat("pkcs11:token=", label_); }

std::string SoftHsmToken::object_uri(std::string_view object) const {
  return absl::StrCat(uri(), ";object=", std::string(object));
}

}  // namespace breakglass::testing
