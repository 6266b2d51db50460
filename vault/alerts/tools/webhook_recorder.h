// WebhookRecorder: what breakglass-webhook-receiver does with each request it
// receives (README.md "Alerts"). It checks the X-Breakglass-Signature header
// against the shared secret (sha256=<hex HMAC-SHA256(secret, body)>), answers
//   200  a POST whose signature is valid,
//   401  a POST with a missing or wrong signature,
//   405  any other method,
// and appends one JSON line per request to the output file, keys sorted:
//   {"event_type":"request","idempotency_key":"<32 hex>","method":"POST",
//    "path":"/alerts","received":"2026-11-29T02:00:00Z","request":"req-...",
//    "schema":"breakglass.alert.v1","severity":"info","signature_valid":true,
//    "status":200,"summary":"..."}
// event_type and idempotency_key come from the X-Breakglass-Event and
// X-Breakglass-Idempotency-Key headers ("" when absent); request, schema,
// severity and summary from the body when it is a JSON object ("" otherwise).
// Alerts carry no secrets; the shared secret is never written anywhere.
//
// Thread-safety: Handle may be called from many threads; lines are written
// whole and flushed one at a time.
#ifndef BREAKGLASS_VAULT_ALERTS_TOOLS_WEBHOOK_RECORDER_H_
#define BREAKGLASS_VAULT_ALERTS_TOOLS_WEBHOOK_RECORDER_H_

#include <fstream>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vault/alerts/hmac_signer.h"
#include "vault/alerts/testing/https_receiver.h"

namespace breakglass::alerts::tools {

class WebhookRecorder final {
 public:
  // Reads the secret (as a webhook sink does: one trailing newline is not
  // part of it, at least 16 bytes) and opens `out_file` for appending.
  // FAILED_PRECONDITION naming the path (never the secret's content) when
  // either cannot be used.
  static absl::StatusOr<std::unique_ptr<WebhookRecorder>> Create(const std::string& secret_file,
                                                                 const std::string& out_file);

  // Checks and records `request`; returns the answer to send.
  testing::Reply Handle(const testing::ReceivedRequest& request);

  // The JSON line (no newline) Handle writes for `request` answered `status`.
  static std::string Line(const testing::ReceivedRequest& request, bool signature_valid,
                          int status);

 private:
  WebhookRecorder(HmacSigner signer, std::ofstream out)
      : signer_(std::move(signer)), out_(std::move(out)) {}

  const HmacSigner signer_;
  absl::Mutex mu_;
  std::ofstream out_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::alerts::tools

#endif  // BREAKGLASS_VAULT_ALERTS_TOOLS_WEBHOOK_RECORDER_H_
