// Internal to hsm/pkcs11: tells LeakSanitizer (ASan builds only) to ignore the
// allocations this thread makes while the scope is alive — for calls into the
// PKCS#11 module, whose leaks are the module's, not breakglass's.
//
// Why: SoftHSM2 2.6.1 leaks 37 bytes (an OpenSSL ASN1_STRING) per Ed25519
// C_Sign. The stacks end inside libcrypto (no frame pointers), so the
// `leak:libsofthsm2.so` line in tests/lsan.supp cannot match them. Used only
// around the calls known to leak; a no-op in normal builds.
//
// Thread-safety: per thread, as __lsan_disable/__lsan_enable are.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_LEAK_SCOPE_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_LEAK_SCOPE_H_

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace breakglass::hsm::pkcs11::internal {

class ModuleLeakScope final {
 public:
#if defined(__SANITIZE_ADDRESS__)
  ModuleLeakScope() { __lsan_disable(); }
  ~ModuleLeakScope() { __lsan_enable(); }
#else
  ModuleLeakScope() {}   // user-provided, so a scope variable is not "unused"
  ~ModuleLeakScope() {}  // NOLINT(modernize-use-equals-default)
#endif
  ModuleLeakScope(const ModuleLeakScope&) = delete;
  ModuleLeakScope& operator=(const ModuleLeakScope&) = delete;
};

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_MODULE_LEAK_SCOPE_H_
