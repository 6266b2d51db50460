#include "api/cli/secret_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace breakglass::cli {
namespace {

// Closes a file descriptor on scope exit.
class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  const int fd_;
};

bool IsIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 64 || !std::isalnum(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '@' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status WriteSecretFile(const std::string& path, const base::SecretBytes& secret) {
  Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " exists; choose another file (nothing was overwritten)"));
    }
    return absl::InvalidArgumentError(absl::StrCat("cannot create ", path, ": ", strerror(err)));
  }
  std::string_view bytes = secret.view(base::InsecureSecretAccess::Get());
  while (!bytes.empty()) {
    const ssize_t n = write(fd.get(), bytes.data(), bytes.size());
    if (n <= 0) return absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd.get()) != 0) return absl::InvalidArgumentError(absl::StrCat("cannot sync ", path));
  return absl::OkStatus();
}

absl::StatusOr<base::SecretBytes> ReadSecretFile(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || fstat(fd.get(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  base::SecretBytes secret(static_cast<size_t>(st.st_size));
  uint8_t* data = secret.data(base::InsecureSecretAccess::Get());
  size_t off = 0;
  while (off < secret.size()) {
    const ssize_t n = read(fd.get(), data + off, secret.size() - off);
    if (n <= 0) return absl::DataLossError(absl::StrCat("short read of ", path));
    off += static_cast<size_t>(n);
  }
  return secret;
}

absl::StatusOr<std::string> RequestKeyPath(const std::string& state_dir,
                                           std::string_view request_id) {
  if (!IsIdentifier(request_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("request id '", std::string(request_id), "' is not a valid id"));
  }
  return (std::filesystem::path(state_dir) / "requests" /
          absl::StrCat(std::string(request_id), ".x25519"))
      .string();
}

absl::Status EnsureRequestKeyDir(const std::string& state_dir) {
  const std::filesystem::path dir = std::filesystem::path(state_dir) / "requests";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || chmod(dir.c_str(), 0700) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create ", dir.string(), " for request keys; set --state-dir"));
  }
  chmod(state_dir.c_str(), 0700);
  return absl::OkStatus();
}

}  // namespace breakglass::cli
