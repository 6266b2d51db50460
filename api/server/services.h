// The gRPC services of breakglass.v1 and grpc.health.v1: thin shells that
// admit each call through one gate and hand it to Handlers.
//
// The gate, for every RPC: (1) takes the identity from the verified client
// certificate's subject CN (AuthContext "x509_common_name"); (2) resolves
// its roles through the IdentityResolver (unknown → UNAUTHENTICATED);
// (3) checks the RPC table (api/server/rpc_table.h; missing role →
// PERMISSION_DENIED naming the role needed) and, in rollback recovery, that
// the table serves the RPC then (else FAILED_PRECONDITION); (4) runs the handler and maps
// its absl::Status to a grpc::Status (api/server/grpc_status.h); (5) logs
// one line per call: method, identity, status code — never field values.
//
// Thread-safety: the services are called by gRPC from many threads; they
// share only thread-safe dependencies.
#ifndef BREAKGLASS_API_SERVER_SERVICES_H_
#define BREAKGLASS_API_SERVER_SERVICES_H_

#include <memory>
#include <vector>

namespace grpc {
class Service;
}  // namespace grpc
namespace spdlog {
class logger;
}  // namespace spdlog

namespace breakglass::api {

class Handlers;
class HealthState;
class IdentityResolver;

// Borrowed pointers; all must outlive the ServiceSet.
struct ServiceDeps {
  IdentityResolver* identities = nullptr;
  Handlers* handlers = nullptr;
  HealthState* health = nullptr;
  spdlog::logger* log = nullptr;
  // Concurrent Watch streams allowed (events and health); more are
  // RESOURCE_EXHAUSTED.
  int max_watchers = 64;
};

// Owns the service objects registered with the gRPC server.
class ServiceSet {
 public:
  virtual ~ServiceSet() = default;
  // Every service, to register with grpc::ServerBuilder. Owned by this set.
  virtual std::vector<grpc::Service*> services() = 0;
};

std::unique_ptr<ServiceSet> MakeServices(const ServiceDeps& deps);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_SERVICES_H_
