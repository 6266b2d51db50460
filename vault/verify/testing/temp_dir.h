// TempDir: a fresh directory, removed with its contents at scope exit (for
// tests only; vault/verify may not use the store's test helpers).
#ifndef BREAKGLASS_VAULT_VERIFY_TESTING_TEMP_DIR_H_
#define BREAKGLASS_VAULT_VERIFY_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace breakglass::verify::testing {

class TempDir final {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bg-verify-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace breakglass::verify::testing

#endif  // BREAKGLASS_VAULT_VERIFY_TESTING_TEMP_DIR_H_
