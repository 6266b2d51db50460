// Client: the CLI's connection to breakglassd — gRPC over TLS 1.3 with the
// identity's client certificate — and one method per breakglass.v1 RPC.
//
// Every method returns the server's status as absl::Status (the code kept;
// see exit_codes.h). A server that cannot be reached is UNAVAILABLE with a
// message saying what to check. Unary calls time out after 60 s; streams
// (ExportBundle, Watch) run until they end or the callback returns an error.
//
// Only client.cc includes gRPC headers.
// Thread-safety: a Client may be used from one thread at a time.
#ifndef BREAKGLASS_API_CLI_CLIENT_H_
#define BREAKGLASS_API_CLI_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/cli/profile.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"

namespace breakglass::cli {

namespace pb = ::breakglass::v1;

template <typename T>
using StreamCallback = std::function<absl::Status(const T&)>;

class Client final {
 public:
  // Reads the certificate, key and CA named by `settings` (INVALID_ARGUMENT
  // naming the flag when one cannot be read) and prepares the channel; it
  // connects on the first call.
  static absl::StatusOr<std::unique_ptr<Client>> Connect(const Settings& settings);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

#define BG_CLI_UNARY(Method) \
  absl::StatusOr<pb::Method##Response> Method(const pb::Method##Request& request)
  BG_CLI_UNARY(Init);
  BG_CLI_UNARY(GetStatus);
  BG_CLI_UNARY(GetRollbackClearStatement);
  BG_CLI_UNARY(ApproveRollbackClear);
  BG_CLI_UNARY(AddIdentity);
  BG_CLI_UNARY(ListIdentities);
  BG_CLI_UNARY(RemoveIdentity);
  BG_CLI_UNARY(WhoAmI);
  BG_CLI_UNARY(AddCredential);
  BG_CLI_UNARY(ListCredentials);
  BG_CLI_UNARY(GetCredential);
  BG_CLI_UNARY(RotateCredential);
  BG_CLI_UNARY(CreateRequest);
  BG_CLI_UNARY(ListRequests);
  BG_CLI_UNARY(GetRequest);
  BG_CLI_UNARY(CancelRequest);
  BG_CLI_UNARY(GetStatement);
  BG_CLI_UNARY(Approve);
  BG_CLI_UNARY(Deny);
  BG_CLI_UNARY(Fetch);
  BG_CLI_UNARY(GetReviewStatement);
  BG_CLI_UNARY(SubmitReview);
  BG_CLI_UNARY(GetCheckpoint);
  BG_CLI_UNARY(GetInclusionProof);
  BG_CLI_UNARY(GetConsistencyProof);
  BG_CLI_UNARY(GetEntries);
  BG_CLI_UNARY(GetTpmEvidence);
#undef BG_CLI_UNARY

  absl::Status ExportBundle(const pb::ExportBundleRequest& request,
                            const StreamCallback<pb::BundleChunk>& on_chunk);
  absl::Status Watch(const pb::WatchRequest& request,
                     const StreamCallback<pb::WatchResponse>& on_item);

  // grpc.health.v1 Check of `service` ("" = the whole server): "SERVING",
  // "NOT_SERVING" or "UNKNOWN".
  absl::StatusOr<std::string> Health(const std::string& service);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_CLIENT_H_
