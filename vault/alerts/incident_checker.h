// WebhookIncidentChecker: asks an HTTPS endpoint whether an incident exists
// and is open (core::IncidentChecker; README.md "Incident check").
//
// Request: POST, Content-Type: application/json, signed like alerts
// (X-Breakglass-Signature: sha256=<hex HMAC-SHA256(secret, body)>), body
//   {"credential":"db-root","incident":"INC-4711","nonce":"<32 hex>",
//    "requester":"alice","schema":"breakglass.incident_check.v1",
//    "time":"2026-11-28T19:41:31Z"}
// Response: HTTP 200 with a JSON object
//   {"incident":"INC-4711","status":"open"|"closed"|"unknown", "title":"..."}
// where `incident` must echo the request's and `title` is optional.
// Anything else — no answer within the timeouts, another status code,
// malformed JSON, a different incident, an unknown status — is "checker down"
// and the request is refused (fail closed).
//
// Thread-safety: CheckIncident is safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_INCIDENT_CHECKER_H_
#define BREAKGLASS_VAULT_ALERTS_INCIDENT_CHECKER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vault/alerts/hmac_signer.h"
#include "vault/alerts/http_client.h"
#include "vault/base/random.h"
#include "vault/core/incident_checker.h"

namespace breakglass::alerts {

inline constexpr std::string_view kIncidentCheckSchema = "breakglass.incident_check.v1";

class WebhookIncidentChecker final : public core::IncidentChecker {
 public:
  // `random` is borrowed (nonces) and must outlive the checker.
  // INVALID_ARGUMENT for a bad name or URL.
  static absl::StatusOr<std::unique_ptr<WebhookIncidentChecker>> Create(std::string name,
                                                                        HttpTarget target,
                                                                        HmacSigner signer,
                                                                        base::Random* random);

  // OK when open; FAILED_PRECONDITION "incident X is closed|unknown according
  // to incident checker <name>"; UNAVAILABLE "incident checker <name> (<url>)
  // ...: <why>; requests are refused until it answers".
  absl::Status CheckIncident(const core::IncidentQuery& query) override;

 private:
  WebhookIncidentChecker(std::string name, HttpTarget target, HmacSigner signer,
                         base::Random* random)
      : name_(std::move(name)), target_(std::move(target)), signer_(std::move(signer)),
        random_(random) {}

  absl::Status Down(const std::string& why) const;

  const std::string name_;
  const HttpTarget target_;
  const HmacSigner signer_;
  base::Random* const random_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_INCIDENT_CHECKER_H_
