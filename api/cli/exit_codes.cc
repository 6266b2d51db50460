#include "api/cli/exit_codes.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace breakglass::cli {
namespace {

constexpr char kExitCodeUrl[] = "type.breakglass.dev/cli.exit_code";

}  // namespace

absl::Status WithExitCode(absl::Status status, int exit_code) {
  status.SetPayload(kExitCodeUrl, absl::Cord(std::to_string(exit_code)));
  return status;
}

int ExitCodeFor(const absl::Status& status) {
  int marked = 0;
  const auto payload = status.GetPayload(kExitCodeUrl);
  if (!status.ok() && payload && absl::SimpleAtoi(std::string(*payload), &marked)) return marked;
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
      return kExitUsage;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
      return kExitRefused;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kDataLoss:
      return kExitVerificationFailed;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
      return kExitUnavailable;
    default:
      return kExitInternal;
  }
}

}  // namespace breakglass::cli
