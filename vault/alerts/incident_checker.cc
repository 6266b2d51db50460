#include "vault/alerts/incident_checker.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::alerts {

absl::StatusOr<std::unique_ptr<WebhookIncidentChecker>> WebhookIncidentChecker::Create(
    std::string name, HttpTarget target, HmacSigner signer, base::Random* random) {
  BG_RETURN_IF_ERROR(CheckSinkName(name));
  BG_RETURN_IF_ERROR(
      base::Annotate(CheckHttpsUrl(target.url), absl::StrCat("incident checker ", name)));
  if (random == nullptr) return absl::InvalidArgumentError("incident checker: no random source");
  return std::unique_ptr<WebhookIncidentChecker>(
      new WebhookIncidentChecker(std::move(name), std::move(target), std::move(signer), random));
}

absl::Status WebhookIncidentChecker::Down(const std::string& why) const {
  return absl::UnavailableError(absl::StrCat(
      "incident checker ", name_, " (", RedactUrl(target_.url), ") did not confirm the incident: ",
      why, "; requests are refused until it answers"));
}

absl::Status WebhookIncidentChecker::CheckIncident(const core::IncidentQuery& q) {
  BG_ASSIGN_OR_RETURN(std::string nonce, random_->Bytes(16));
  const nlohmann::json request = {
      {"schema", kIncidentCheckSchema}, {"incident", q.incident},
      {"credential", q.credential},     {"requester", q.requester},
      {"nonce", base::HexEncode(nonce)},
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", q.time, absl::UTCTimeZone())}};
  const std::string body = request.dump();
  auto response = HttpPost(target_, {"Content-Type: application/json", signer_.HeaderFor(body),
                                     "Expect:"}, body);
  if (!response.ok()) return Down(std::string(response.status().message()));
  if (response->status != 200) return Down(absl::StrCat("HTTP ", response->status));
  const nlohmann::json answer = nlohmann::json::parse(response->body, nullptr, false);
  if (!answer.is_object() || !answer.contains("status") || !answer["status"].is_string() ||
      answer.value("incident", nlohmann::json()) != q.incident) {
    return Down("malformed answer (want {\"incident\": <the incident>, \"status\": ...})");
  }
  const std::string status = answer["status"].get<std::string>();
  if (status == "open") return absl::OkStatus();
  if (status != "closed" && status != "unknown") {
    return Down(absl::StrCat("unknown status '", status.substr(0, 32), "'"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "incident ", q.incident, " is ", status, " according to incident checker ", name_,
      "; a break-glass request needs an open incident"));
}

}  // namespace breakglass::alerts
