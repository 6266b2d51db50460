#include "hsm/pkcs11/pin.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace breakglass::hsm::pkcs11 {
namespace {

namespace fs = std::filesystem;

// A temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "breakglass-pin-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path Write(const std::string& name, const std::string& contents, mode_t mode) {
    const fs::path p = path_ / name;
    std::ofstream(p) << contents;
    REQUIRE(chmod(p.c_str(), mode) == 0);
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Read(const base::SecretBytes& s) {
  return std::string(s.view(base::InsecureSecretAccess::Get()));
}

TEST_CASE("PIN file is read and one trailing newline dropped", "[pkcs11]") {
  TempDir dir;
  CHECK(Read(*ReadPinFile(dir.Write("a", "1234", 0600))) == "1234");
  CHECK(Read(*ReadPinFile(dir.Write("b", "1234\n", 0400))) == "1234");
  CHECK(Read(*ReadPinFile(dir.Write("c", "1234\r\n", 0600))) == "1234");
  CHECK(Read(*ReadPinFile(dir.Write("d", "12 34\n\n", 0600))) == "12 34\n");
}

TEST_CASE("PIN file open to group or others is refused", "[pkcs11]") {
  TempDir dir;
  for (mode_t mode : {0640, 0604, 0666}) {
    absl::StatusOr<base::SecretBytes> pin = ReadPinFile(dir.Write("p", "secret-pin", mode));
    CHECK(pin.status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(std::string(pin.status().message()).find("secret-pin") == std::string::npos);
  }
}

TEST_CASE("PIN file missing, empty or too long is an error naming the path", "[pkcs11]") {
  TempDir dir;
  absl::StatusOr<base::SecretBytes> missing = ReadPinFile((dir.path() / "none").string());
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()).find("none") != std::string::npos);
  CHECK(ReadPinFile(dir.Write("e", "\n", 0600)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ReadPinFile(dir.Write("l", std::string(300, '1'), 0600)).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("PIN from a systemd credential directory", "[pkcs11]") {
  TempDir dir;
  dir.Write("hsm-pin", "4321\n", 0440);
  setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  CHECK(Read(*ReadPinCredential("hsm-pin")) == "4321");
  CHECK(ReadPinCredential("../hsm-pin").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ReadPinCredential("absent").status().code() == absl::StatusCode::kNotFound);
  unsetenv("CREDENTIALS_DIRECTORY");
  CHECK(ReadPinCredential("hsm-pin").status().code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11
