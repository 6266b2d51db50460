#include "vault/alerts/webhook_sink.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::alerts {

absl::Status CheckSinkName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("sink name '", name, "': must be 1 to 64 of [a-z0-9_-]"));
}

absl::StatusOr<std::unique_ptr<WebhookSink>> WebhookSink::Create(WebhookOptions options) {
  BG_ASSIGN_OR_RETURN(HmacSigner signer, HmacSigner::FromFile(options.secret_file));
  return Create(std::move(options.name), std::move(options.target), std::move(signer));
}

absl::StatusOr<std::unique_ptr<WebhookSink>> WebhookSink::Create(std::string name,
                                                                 HttpTarget target,
                                                                 HmacSigner signer) {
  BG_RETURN_IF_ERROR(CheckSinkName(name));
  BG_RETURN_IF_ERROR(base::Annotate(CheckHttpsUrl(target.url), absl::StrCat("webhook ", name)));
  if (!target.ca_file.empty() && !std::filesystem::is_regular_file(target.ca_file)) {
    return absl::FailedPreconditionError(
        absl::StrCat("webhook ", name, ": CA file ", target.ca_file, " does not exist"));
  }
  return std::unique_ptr<WebhookSink>(
      new WebhookSink(std::move(name), std::move(target), std::move(signer)));
}

absl::Status WebhookSink::Deliver(const Alert& alert) {
  const std::vector<std::string> headers = {
      "Content-Type: application/json",
      signer_.HeaderFor(alert.body),
      absl::StrCat(std::string(kIdempotencyHeader), ": ", alert.id),
      absl::StrCat("X-Breakglass-Event: ", alert.event_type),
      "Expect:",
  };
  auto response = HttpPost(target_, headers, alert.body);
  if (!response.ok()) return base::Annotate(response.status(), absl::StrCat("webhook ", name_));
  if (response->status >= 200 && response->status < 300) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("webhook ", name_, ": HTTP ", response->status, " from ",
                   RedactUrl(target_.url)));
}

}  // namespace breakglass::alerts
