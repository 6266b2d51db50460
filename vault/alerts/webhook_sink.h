// WebhookSink: POSTs each alert's JSON body to an HTTPS URL (README.md
// "Alerts"). Headers:
//   Content-Type: application/json
//   X-Breakglass-Signature: sha256=<hex HMAC-SHA256(secret, body)>
//   X-Breakglass-Idempotency-Key: <alert id>   (same on every retry)
//   X-Breakglass-Event: <event type>
// A 2xx response is acceptance; anything else (other status, no response
// within the timeouts, TLS failure) is an error the dispatcher retries.
//
// Thread-safety: Deliver is safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_WEBHOOK_SINK_H_
#define BREAKGLASS_VAULT_ALERTS_WEBHOOK_SINK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vault/alerts/hmac_signer.h"
#include "vault/alerts/http_client.h"
#include "vault/alerts/sink.h"

namespace breakglass::alerts {

struct WebhookOptions {
  std::string name;         // sink name
  HttpTarget target;        // URL, CA file, timeouts
  std::string secret_file;  // the HMAC secret (hmac_signer.h)
};

class WebhookSink final : public Sink {
 public:
  // INVALID_ARGUMENT for a bad name or URL; FAILED_PRECONDITION for an
  // unreadable secret file or CA file (naming the path).
  static absl::StatusOr<std::unique_ptr<WebhookSink>> Create(WebhookOptions options);
  static absl::StatusOr<std::unique_ptr<WebhookSink>> Create(std::string name, HttpTarget target,
                                                             HmacSigner signer);

  const std::string& name() const override { return name_; }
  // UNAVAILABLE "webhook <name>: HTTP 503" or the transport error.
  absl::Status Deliver(const Alert& alert) override;

 private:
  WebhookSink(std::string name, HttpTarget target, HmacSigner signer)
      : name_(std::move(name)), target_(std::move(target)), signer_(std::move(signer)) {}

  const std::string name_;
  const HttpTarget target_;
  const HmacSigner signer_;
};

// INVALID_ARGUMENT unless `name` is 1–64 of [a-z0-9_-].
absl::Status CheckSinkName(const std::string& name);

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_WEBHOOK_SINK_H_
