// HTTPS POST through libcurl, for the webhook sink and the incident checker.
// Only https:// URLs are accepted; the server certificate and host name are
// always verified (against `ca_file` when set, else the system store); TLS
// 1.2 or newer. No redirects are followed, no proxy from the environment is
// used.
//
// Thread-safety: Post may be called from many threads (one curl easy handle
// per call). libcurl's global init runs once, on first use.
#ifndef BREAKGLASS_VAULT_ALERTS_HTTP_CLIENT_H_
#define BREAKGLASS_VAULT_ALERTS_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace breakglass::alerts {

struct HttpTarget {
  std::string url;      // https://host[:port]/path
  std::string ca_file;  // PEM bundle; "" = system trust store
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration total_timeout = absl::Seconds(10);
};

struct HttpResponse {
  int status = 0;
  std::string body;  // at most the first 64 KiB
};

// INVALID_ARGUMENT unless `target.url` starts with "https://" and has a host.
absl::Status CheckHttpsUrl(const std::string& url);

// The URL without its query string and fragment: what errors may show.
std::string RedactUrl(const std::string& url);

// POSTs `body` with `headers` ("Name: value"). Returns the response of any
// HTTP status; UNAVAILABLE (naming the redacted URL and curl's reason) when no
// response arrived: connection refused, TLS failure, timeout.
absl::StatusOr<HttpResponse> HttpPost(const HttpTarget& target,
                                      const std::vector<std::string>& headers,
                                      const std::string& body);

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_HTTP_CLIENT_H_
