#include "hsm/pkcs11/pin.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace breakglass::hsm::pkcs11 {
namespace {

constexpr size_t kMaxPin = 256;

// Closes the descriptor on every path.
class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// `forbidden` are the mode bits that must be clear.
absl::Status CheckMode(int fd, const std::string& path, mode_t forbidden) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::PermissionDeniedError(absl::StrCat("PIN file ", path, " is not a regular file"));
  }
  if ((st.st_mode & forbidden) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("PIN file ", path, " is open to ",
                                                    (forbidden & 070) != 0 ? "group or " : "",
                                                    "others; chmod 600 it"));
  }
  return absl::OkStatus();
}

size_t TrimNewline(const uint8_t* data, size_t n) {
  if (n > 0 && data[n - 1] == '\n') --n;
  if (n > 0 && data[n - 1] == '\r') --n;
  return n;
}

absl::StatusOr<base::SecretBytes> ReadPin(const std::string& path, mode_t forbidden) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    const int err = errno;
    const std::string why = absl::StrCat("PIN file ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(why) : absl::PermissionDeniedError(why);
  }
  if (absl::Status s = CheckMode(fd.get(), path, forbidden); !s.ok()) return s;
  base::SecretBytes buffer(kMaxPin + 2);
  uint8_t* data = buffer.data(base::InsecureSecretAccess::Get());
  size_t n = 0;
  while (n < buffer.size()) {
    const ssize_t got = read(fd.get(), data + n, buffer.size() - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return absl::PermissionDeniedError(absl::StrCat("cannot read PIN file ", path));
    if (got == 0) break;
    n += static_cast<size_t>(got);
  }
  n = TrimNewline(data, n);
  if (n == 0 || n > kMaxPin) {
    return absl::InvalidArgumentError(
        absl::StrCat("PIN file ", path, " is empty or longer than ", kMaxPin, " bytes"));
  }
  return base::SecretBytes::CopyFrom(std::span<const uint8_t>(data, n));
}

}  // namespace

absl::StatusOr<base::SecretBytes> ReadPinFile(const std::string& path) {
  return ReadPin(path, 077);
}

absl::StatusOr<base::SecretBytes> ReadPinCredential(std::string_view name) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        "CREDENTIALS_DIRECTORY is not set, so the systemd credential '", std::string(name),
        "' cannot be read; start the service with LoadCredential= or give a PIN file"));
  }
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("systemd credential name '", std::string(name), "' is not a file name"));
  }
  // systemd may make credentials group-readable for the service's group.
  return ReadPin((std::filesystem::path(dir) / std::string(name)).string(), 007);
}

}  // namespace breakglass::hsm::pkcs11
