#include "vault/alerts/tools/webhook_recorder.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace breakglass::alerts::tools {
namespace {

std::string Header(const testing::ReceivedRequest& r, const std::string& lower_name) {
  const auto it = r.headers.find(lower_name);
  return it == r.headers.end() ? "" : it->second;
}

// `key` of the body when it is a JSON object with that string member, else "".
std::string BodyMember(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) return "";
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebhookRecorder>> WebhookRecorder::Create(
    const std::string& secret_file, const std::string& out_file) {
  absl::StatusOr<HmacSigner> signer = HmacSigner::FromFile(secret_file);
  if (!signer.ok()) return signer.status();
  std::ofstream out(out_file, std::ios::app);
  if (!out) {
    return absl::FailedPreconditionError(
        absl::StrCat("output file ", out_file, ": cannot be opened for appending"));
  }
  return std::unique_ptr<WebhookRecorder>(new WebhookRecorder(*std::move(signer), std::move(out)));
}

testing::Reply WebhookRecorder::Handle(const testing::ReceivedRequest& request) {
  const bool valid = signer_.Verify(request.body, Header(request, "x-breakglass-signature"));
  testing::Reply reply{200, R"({"status":"accepted"})"};
  if (request.method != "POST") {
    reply = {405, R"({"error":"only POST is accepted"})"};
  } else if (!valid) {
    reply = {401, R"({"error":"missing or wrong X-Breakglass-Signature"})"};
  }
  const std::string line = Line(request, valid, reply.status);
  absl::MutexLock lock(&mu_);
  out_ << line << '\n';
  out_.flush();
  return reply;
}

std::string WebhookRecorder::Line(const testing::ReceivedRequest& request, bool signature_valid,
                                  int status) {
  const nlohmann::json body =
      nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  nlohmann::json line = {
      {"event_type", Header(request, "x-breakglass-event")},
      {"idempotency_key", Header(request, "x-breakglass-idempotency-key")},
      {"method", request.method},
      {"path", request.path},
      {"received", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone())},
      {"signature_valid", signature_valid},
      {"status", status},
  };
  for (const char* key : {"request", "schema", "severity", "summary"}) {
    line[key] = BodyMember(body, key);
  }
  return line.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

}  // namespace breakglass::alerts::tools
