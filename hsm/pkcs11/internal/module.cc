#include "hsm/pkcs11/internal/module.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

absl::StatusOr<std::unique_ptr<Module>> Module::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("PKCS#11 module ", path,
                                            " does not exist; check the module path in the "
                                            "configuration (SoftHSM2: /usr/lib/softhsm/"
                                            "libsofthsm2.so)"));
  }
  CK_FUNCTION_LIST* fns = p11_kit_module_load(path.c_str(), 0);
  if (fns == nullptr) {
    const char* why = p11_kit_message();
    return absl::FailedPreconditionError(absl::StrCat(
        "p11-kit cannot load PKCS#11 module ", path, ": ", why != nullptr ? why : "unknown reason",
        "; check it is a PKCS#11 module built for this machine"));
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  const CK_RV rv = fns->C_Initialize(&args);
  if (rv != CKR_OK) {
    p11_kit_module_release(fns);
    return CkError(rv, "C_Initialize", absl::StrCat("module ", path));
  }
  return std::unique_ptr<Module>(new Module(fns, path));
}

Module::~Module() {
  fns_->C_Finalize(nullptr);
  p11_kit_module_release(fns_);
}

}  // namespace breakglass::hsm::pkcs11::internal
