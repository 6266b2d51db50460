// SyslogSink: each alert as one RFC 5424 syslog message in one datagram, to a
// local unix datagram socket (e.g. /dev/log) or a UDP address (RFC 5426).
//
//   <PRI>1 TIMESTAMP HOSTNAME breakglassd PROCID MSGID [SD] BOM SUMMARY
//
// PRI = facility * 8 + severity (critical -> 2 crit, warning -> 4 warning,
// info -> 6 info); TIMESTAMP is the alert's time (RFC 3339, UTC, ms);
// MSGID is the event type; one SD-ELEMENT "breakglass@32473" (32473: the
// documentation enterprise number of RFC 5612) with params id, event_type,
// severity, request, incident, credential — values escaped per RFC 5424
// §6.3.3 (", \ and ]); MSG is the UTF-8 BOM and the alert summary.
// Acceptance means the datagram was handed to the socket (syslog has no
// acknowledgement); sendto failing (no listener on a unix socket, ICMP
// refusal seen on a connected UDP socket) is an error.
//
// Thread-safety: Deliver is safe from many threads (a socket per call).
#ifndef BREAKGLASS_VAULT_ALERTS_SYSLOG_SINK_H_
#define BREAKGLASS_VAULT_ALERTS_SYSLOG_SINK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vault/alerts/sink.h"

namespace breakglass::alerts {

struct SyslogOptions {
  std::string name = "syslog";
  // "unix:/dev/log" or "udp:127.0.0.1:514" (IPv6: "udp:[::1]:514").
  std::string address = "unix:/dev/log";
  int facility = 10;      // authpriv
  std::string hostname;   // "" = gethostname()
};

class SyslogSink final : public Sink {
 public:
  // INVALID_ARGUMENT naming a bad name, address or facility (0..23).
  static absl::StatusOr<std::unique_ptr<SyslogSink>> Create(SyslogOptions options);

  const std::string& name() const override { return options_.name; }
  // UNAVAILABLE "syslog <name> (<address>): <errno text>".
  absl::Status Deliver(const Alert& alert) override;

  // The RFC 5424 message for `alert` (exposed for tests).
  std::string Format(const Alert& alert) const;

 private:
  explicit SyslogSink(SyslogOptions options) : options_(std::move(options)) {}
  const SyslogOptions options_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_SYSLOG_SINK_H_
