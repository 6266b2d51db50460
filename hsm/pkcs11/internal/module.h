// Internal to hsm/pkcs11: a PKCS#11 module loaded through p11-kit.
//
// Load() calls p11_kit_module_load(path, 0) — a managed module: p11-kit counts
// initialisations, so several Modules (and other libraries) may share one
// module in a process — then C_Initialize with CKF_OS_LOCKING_OK (PKCS#11 v2.40
// §5.4: the module uses OS threading primitives, so its functions may be called
// from many threads). The destructor calls C_Finalize and releases the module.
//
// Thread-safety: fns() may be used from many threads (OS locking). Load and
// destruction must not race with calls through fns().
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

class Module final {
 public:
  // NOT_FOUND when `path` does not exist; FAILED_PRECONDITION when p11-kit
  // cannot load it (the message quotes p11-kit's reason) or C_Initialize
  // fails (named with its CKR_ code).
  static absl::StatusOr<std::unique_ptr<Module>> Load(const std::string& path);

  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  ~Module();

  // The function list; valid for this Module's lifetime.
  CK_FUNCTION_LIST* fns() const { return fns_; }
  const std::string& path() const { return path_; }

 private:
  Module(CK_FUNCTION_LIST* fns, std::string path) : fns_(fns), path_(std::move(path)) {}

  CK_FUNCTION_LIST* fns_;  // owned: released in the destructor
  std::string path_;
};

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_H_
