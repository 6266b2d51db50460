// Helpers shared by the handler files (handlers_*.cc); not part of the API.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_
#define BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace breakglass::api {

inline constexpr char kServerVersion[] = "breakglassd 0.1.0";
// Largest credential secret accepted (bytes).
inline constexpr size_t kMaxSecretBytes = 64 * 1024;

// UNIMPLEMENTED for an RPC whose core support does not exist yet.
inline absl::Status NotInCore(std::string_view rpc, std::string_view what) {
  return absl::UnimplementedError(absl::StrCat(
      std::string(rpc), " is not available yet: the vault core has no ", std::string(what),
      " in this build of breakglassd"));
}

// INVALID_ARGUMENT naming `field` unless 1..kMaxSecretBytes bytes.
inline absl::Status CheckSecret(std::string_view field, const std::string& secret) {
  if (!secret.empty() && secret.size() <= kMaxSecretBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be 1..",
                                                 kMaxSecretBytes, " bytes (got ", secret.size(),
                                                 ")"));
}

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_
