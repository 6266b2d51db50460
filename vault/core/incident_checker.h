// IncidentChecker: an optional hook the vault calls when a request is filed,
// after its own checks (role, incident pattern, reason, quorum) and before
// anything is stored — to ask an external system whether the incident exists
// and is open. The alerts layer implements it over an HTTPS webhook.
//
// Thread-safety: CheckIncident may be called from many threads at once.
#ifndef BREAKGLASS_VAULT_CORE_INCIDENT_CHECKER_H_
#define BREAKGLASS_VAULT_CORE_INCIDENT_CHECKER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace breakglass::core {

struct IncidentQuery {
  std::string incident;
  std::string credential;
  std::string requester;
  absl::Time time;
};

class IncidentChecker {
 public:
  virtual ~IncidentChecker() = default;
  // OK: the incident exists and is open. FAILED_PRECONDITION: it is unknown or
  // closed (the message says which and names the checker). UNAVAILABLE: the
  // checker could not answer — the vault fails closed and refuses the request.
  // The vault returns the error as it is; nothing is stored.
  virtual absl::Status CheckIncident(const IncidentQuery& query) = 0;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_INCIDENT_CHECKER_H_
