// Where a PKCS#11 user PIN comes from: a file, or a systemd credential
// ($CREDENTIALS_DIRECTORY/<name>, systemd.exec(5) LoadCredential=). Never from
// argv or the environment, so it does not show in ps(1) or /proc/<pid>/environ.
//
// The PIN is read into SecretBytes; one trailing "\n" (or "\r\n") is removed,
// as editors and `echo` add it. The file must be a regular file that no one
// but its owner can read or write (mode & 077 == 0); anything else is
// PERMISSION_DENIED, so a world-readable PIN is noticed, not used.
//
// Thread-safety: the functions are thread-safe.
#ifndef BREAKGLASS_HSM_PKCS11_PIN_H_
#define BREAKGLASS_HSM_PKCS11_PIN_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::hsm::pkcs11 {

// The PIN in `path`. NOT_FOUND when it does not exist; PERMISSION_DENIED when
// it cannot be read or is open to group/others; INVALID_ARGUMENT when it is
// empty or longer than 256 bytes. Errors name the path, never the contents.
absl::StatusOr<base::SecretBytes> ReadPinFile(const std::string& path);

// The PIN in the systemd credential `name` ($CREDENTIALS_DIRECTORY/<name>).
// FAILED_PRECONDITION when CREDENTIALS_DIRECTORY is unset (not started by
// systemd with LoadCredential=); INVALID_ARGUMENT when `name` is not a plain
// file name; otherwise as ReadPinFile.
absl::StatusOr<base::SecretBytes> ReadPinCredential(std::string_view name);

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_PIN_H_
