// Sink: somewhere alerts go (an HTTPS webhook, syslog, the gRPC Watch
// stream). The dispatcher (dispatcher.h) and the release gate
// (release_gate.h) call Deliver; a sink does not retry by itself.
//
// Thread-safety: implementations must allow concurrent Deliver calls (the
// dispatcher's thread for this sink and the release gate).
#ifndef BREAKGLASS_VAULT_ALERTS_SINK_H_
#define BREAKGLASS_VAULT_ALERTS_SINK_H_

#include <string>

#include "absl/status/status.h"
#include "vault/alerts/alert.h"

namespace breakglass::alerts {

class Sink {
 public:
  virtual ~Sink() = default;
  // The configured name, unique among sinks ("[a-z0-9_-]+").
  virtual const std::string& name() const = 0;
  // Sends `alert` once. OK means the sink accepted it (an HTTP 2xx, a
  // datagram handed to the local syslog socket, a message published to the
  // Watch feed). Any error means "not accepted; may be retried"; its message
  // says what failed (status code, connection error) and never contains the
  // sink's secret.
  virtual absl::Status Deliver(const Alert& alert) = 0;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_SINK_H_
