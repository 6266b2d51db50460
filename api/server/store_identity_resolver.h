// StoreIdentityResolver: the IdentityResolver over the core's identity store
// (vault/core/repository.h), read in a snapshot for each call. Only active
// identities resolve; removed and unknown names are NOT_FOUND.
//
// Thread-safety: safe from many threads (the runner's reads are).
#ifndef BREAKGLASS_API_SERVER_STORE_IDENTITY_RESOLVER_H_
#define BREAKGLASS_API_SERVER_STORE_IDENTITY_RESOLVER_H_

#include "api/server/backend.h"
#include "api/server/identity_resolver.h"

namespace breakglass::api {

class StoreIdentityResolver final : public IdentityResolver {
 public:
  // `backend` is borrowed and must outlive this.
  explicit StoreIdentityResolver(const Backend* backend) : backend_(backend) {}
  absl::StatusOr<RoleSet> RolesOf(std::string_view name) override;

 private:
  const Backend* const backend_;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_STORE_IDENTITY_RESOLVER_H_
