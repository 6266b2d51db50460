// Small helpers shared by the CLI's commands.
//
// Thread-safety: single-threaded (the CLI's main thread).
#ifndef BREAKGLASS_API_CLI_COMMAND_UTIL_H_
#define BREAKGLASS_API_CLI_COMMAND_UTIL_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/cli/commands.h"
#include "api/cli/output.h"

namespace breakglass::cli {

// Prints `message` as JSON with --json, else `human()`.
inline void Emit(Context& ctx, const google::protobuf::Message& message,
                 const std::function<std::string()>& human) {
  if (ctx.json) {
    PrintJson(*ctx.out, message);
  } else {
    *ctx.out << human();
  }
}

// "custodian" -> ROLE_CUSTODIAN. INVALID_ARGUMENT listing the roles.
absl::StatusOr<pb::Role> ParseRoleFlag(std::string_view name);
// "pending" -> REQUEST_STATE_PENDING. INVALID_ARGUMENT listing the states.
absl::StatusOr<pb::RequestState> ParseStateFlag(std::string_view name);

// A whole text file; INVALID_ARGUMENT naming `flag` when unreadable.
absl::StatusOr<std::string> ReadTextFile(std::string_view flag, const std::string& path);

// Reads a secret from `path`, or from stdin when `path` is empty, into
// `out` (a protobuf bytes field). INVALID_ARGUMENT when it is empty.
absl::Status ReadSecretInto(const std::string& path, std::string& out);

// Overwrites a string's bytes with zeros (secrets copied into protobufs).
void WipeString(std::string& s);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_COMMAND_UTIL_H_
