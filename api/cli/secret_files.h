// Files the CLI writes that hold secrets: the requester's X25519 private key
// for each request (<state_dir>/requests/<request id>.x25519, mode 0600, in a
// 0700 directory) and fetched credentials (--out FILE, mode 0600).
//
// Thread-safety: pure functions over the file system.
#ifndef BREAKGLASS_API_CLI_SECRET_FILES_H_
#define BREAKGLASS_API_CLI_SECRET_FILES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::cli {

// Writes `secret` to a new file `path` with mode 0600. ALREADY_EXISTS when
// the file exists (nothing is overwritten); INVALID_ARGUMENT otherwise.
absl::Status WriteSecretFile(const std::string& path, const base::SecretBytes& secret);

// Reads a whole file into SecretBytes. NOT_FOUND when missing.
absl::StatusOr<base::SecretBytes> ReadSecretFile(const std::string& path);

// <state_dir>/requests/<request_id>.x25519; INVALID_ARGUMENT for an id that
// is not a plain identifier.
absl::StatusOr<std::string> RequestKeyPath(const std::string& state_dir,
                                           std::string_view request_id);

// Creates <state_dir>/requests with mode 0700 if needed.
absl::Status EnsureRequestKeyDir(const std::string& state_dir);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_SECRET_FILES_H_
