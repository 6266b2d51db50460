// TempDir: a fresh directory for a test's database files, removed with
// everything in it when the object goes out of scope. For tests only.
#ifndef BREAKGLASS_VAULT_STORE_TESTING_TEMP_DIR_H_
#define BREAKGLASS_VAULT_STORE_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace breakglass::store::testing {

class TempDir final {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bg-store-XXXXXX").string();
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
  // A path inside the directory.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace breakglass::store::testing

#endif  // BREAKGLASS_VAULT_STORE_TESTING_TEMP_DIR_H_
