// ReleaseGate: an optional hook the vault calls just before it commits a
// release (vault.h, release step 3), after the checks and the sealing of the
// release box and before anything is stored. The alerts layer implements it
// ("alert before release": the release waits until a break-glass alert has
// been accepted by at least one sink). An error refuses the release exactly
// like the vault's own refusals: the final approval is not recorded, nothing
// is stored, and the error (annotated by the vault) reaches the custodian.
//
// Thread-safety: BeforeRelease may be called from many threads at once (one
// per request being released); it may block for as long as its policy says.
#ifndef BREAKGLASS_VAULT_CORE_RELEASE_GATE_H_
#define BREAKGLASS_VAULT_CORE_RELEASE_GATE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace breakglass::core {

// What is about to be released. No secret: the credential is named, never
// carried.
struct ReleaseNotice {
  std::string request_id;
  std::string credential;
  int64_t credential_version = 0;
  std::string requester;
  std::string incident;
  std::string reason;
  std::string approvers;    // comma-separated, sorted
  std::string approved_by;  // the custodian whose approval completes the quorum
  absl::Time time;
};

class ReleaseGate {
 public:
  virtual ~ReleaseGate() = default;
  // OK lets the release proceed. Any error refuses it; the message must say
  // why (e.g. which alert sinks failed) and never contain a secret.
  virtual absl::Status BeforeRelease(const ReleaseNotice& notice) = 0;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_RELEASE_GATE_H_
