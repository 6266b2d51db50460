// SoftHsmToken: a private SoftHSM2 token for one test (tests/harness, issue 2).
//
// Create() makes a temporary directory holding its own softhsm2.conf
// (directories.tokendir, objectstore.backend = file, log.level = ERROR), points
// SOFTHSM2_CONF at it for this process, and initialises a token with
// `softhsm2-util --init-token --free`. The user PIN is random, written to a
// 0600 file (pin_file()) that the code under test reads like production does.
// The destructor restores SOFTHSM2_CONF and removes the directory — also when
// the test fails (Catch2's REQUIRE unwinds the stack).
//
// SoftHSM2 reads SOFTHSM2_CONF when the module is first initialised, so one
// SoftHsmToken may be alive per process; Create() refuses a second. Add more
// tokens to the same directory with AddToken() before loading the module.
//
// A missing SoftHSM2 (module or softhsm2-util) is FAILED_PRECONDITION naming
// what to install: tests that need it fail, they never skip.
//
// The PINs are passed to softhsm2-util on its command line: acceptable for a
// throw-away test token, never done by breakglass itself.
//
// Thread-safety: not thread-safe; create and destroy from the test's thread.
#ifndef BREAKGLASS_TESTS_HARNESS_SOFTHSM_TOKEN_H_
#define BREAKGLASS_TESTS_HARNESS_SOFTHSM_TOKEN_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::testing {

// The Debian 12 location of the SoftHSM2 PKCS#11 module.
inline constexpr char kSoftHsmModulePath[] = "/usr/lib/softhsm/libsofthsm2.so";

class SoftHsmToken final {
 public:
  // Creates the directory, configuration and a token labelled `label`.
  // FAILED_PRECONDITION when SoftHSM2 is not installed or another
  // SoftHsmToken is alive; INTERNAL when softhsm2-util fails (its output,
  // which holds no PIN, is quoted).
  static absl::StatusOr<std::unique_ptr<SoftHsmToken>> Create(
      std::string_view label = "breakglass");

  SoftHsmToken(const SoftHsmToken&) = delete;
  SoftHsmToken& operator=(const SoftHsmToken&) = delete;
  ~SoftHsmToken();

  // Initialises another token in the same token directory with the same
  // PINs. Call before the module is loaded (SoftHSM2 scans at C_Initialize).
  absl::Status AddToken(std::string_view label);

  const std::string& module_path() const { return module_path_; }
  const std::string& label() const { return label_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path conf_path() const { return dir_ / "softhsm2.conf"; }
  // A 0600 file holding the user PIN (no trailing newline).
  std::filesystem::path pin_file() const { return dir_ / "user.pin"; }
  // "pkcs11:token=<label>".
  std::string uri() const;
  // "pkcs11:token=<label>;object=<object>".
  std::string object_uri(std::string_view object) const;
  // The user PIN, for tests that log in directly (the proof test).
  base::SecretBytes user_pin() const { return user_pin_.Clone(); }

 private:
  SoftHsmToken(std::filesystem::path dir, std::string label, base::SecretBytes user_pin,
               base::SecretBytes so_pin, std::optional<std::string> old_conf);
  absl::Status InitToken(std::string_view label);

  std::filesystem::path dir_;
  std::string label_;
  std::string module_path_ = kSoftHsmModulePath;
  base::SecretBytes user_pin_;
  base::SecretBytes so_pin_;
  std::optional<std::string> old_conf_;  // SOFTHSM2_CONF before Create()
};

}  // namespace breakglass::testing

#endif  // BREAKGLASS_TESTS_HARNESS_SOFTHSM_TOKEN_H_
