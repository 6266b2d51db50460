// The one place where absl::Status and grpc::Status meet. The codes are the
// same canonical set (google.rpc.Code), so the mapping keeps the code and the
// message; an OK status never carries a message.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_SERVER_GRPC_STATUS_H_
#define BREAKGLASS_API_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace breakglass::api {

// Longest message sent to a client; longer ones are cut and end in "...".
inline constexpr size_t kMaxStatusMessageBytes = 2048;

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_GRPC_STATUS_H_
