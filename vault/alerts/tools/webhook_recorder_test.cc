#include "vault/alerts/tools/webhook_recorder.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "vault/alerts/hmac_signer.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::alerts::tools {
namespace {

constexpr std::string_view kSecret = "recorder-test-secret-0123456789";
constexpr std::string_view kBody =
    R"({"event_type":"request","id":"0123456789abcdef0123456789abcdef","request":"req-1",)"
    R"("schema":"breakglass.alert.v1","severity":"info","summary":"request by erin"})";

struct World {
  World() {
    std::ofstream(dir.File("secret"), std::ios::binary) << kSecret << "\n";
    auto r = WebhookRecorder::Create(dir.File("secret"), dir.File("out.jsonl"));
    REQUIRE(r.ok());
    recorder = *std::move(r);
  }

  testing::ReceivedRequest Post(const std::string& signature) {
    testing::ReceivedRequest r;
    r.method = "POST";
    r.path = "/alerts";
    r.body = std::string(kBody);
    r.headers["x-breakglass-event"] = "request";
    r.headers["x-breakglass-idempotency-key"] = "0123456789abcdef0123456789abcdef";
    if (!signature.empty()) r.headers["x-breakglass-signature"] = signature;
    return r;
  }

  std::string GoodSignature() {
    auto signer = HmacSigner::FromSecret(base::SecretBytes::CopyFrom(kSecret));
    REQUIRE(signer.ok());
    return signer->Sign(kBody);
  }

  std::vector<nlohmann::json> Lines() {
    std::ifstream in(dir.File("out.jsonl"));
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  store::testing::TempDir dir;
  std::unique_ptr<WebhookRecorder> recorder;
};

TEST_CASE("RecorderAcceptsAValidlySignedAlertAndRecordsIt", "[alerts][tools]") {
  World w;
  const testing::Reply reply = w.recorder->Handle(w.Post(w.GoodSignature()));
  CHECK(reply.status == 200);
  const auto lines = w.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["signature_valid"] == true);
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[0]["event_type"] == "request");
  CHECK(lines[0]["idempotency_key"] == "0123456789abcdef0123456789abcdef");
  CHECK(lines[0]["request"] == "req-1");
  CHECK(lines[0]["schema"] == "breakglass.alert.v1");
  CHECK(lines[0]["summary"] == "request by erin");
}

TEST_CASE("RecorderRefusesAWrongOrMissingSignatureWith401", "[alerts][tools]") {
  World w;
  std::string wrong = w.GoodSignature();
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  CHECK(w.recorder->Handle(w.Post(wrong)).status == 401);
  CHECK(w.recorder->Handle(w.Post("")).status == 401);
  testing::ReceivedRequest tampered = w.Post(w.GoodSignature());
  tampered.body += " ";
  CHECK(w.recorder->Handle(tampered).status == 401);
  const auto lines = w.Lines();
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    CHECK(line["signature_valid"] == false);
    CHECK(line["status"] == 401);
  }
}

TEST_CASE("RecorderAnswersOtherMethodsWith405", "[alerts][tools]") {
  World w;
  testing::ReceivedRequest get = w.Post(w.GoodSignature());
  get.method = "GET";
  CHECK(w.recorder->Handle(get).status == 405);
  REQUIRE(w.Lines().size() == 1);
  CHECK(w.Lines()[0]["method"] == "GET");
}

TEST_CASE("RecorderRecordsANonJsonBodyWithEmptyBodyMembers", "[alerts][tools]") {
  World w;
  testing::ReceivedRequest r = w.Post("");
  r.body = "not json";
  CHECK(w.recorder->Handle(r).status == 401);
  const auto lines = w.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["summary"] == "");
  CHECK(lines[0]["event_type"] == "request");
}

TEST_CASE("RecorderRefusesAShortSecretOrAnUnwritableOutputNamingThePath", "[alerts][tools]") {
  store::testing::TempDir dir;
  std::ofstream(dir.File("short")) << "s3cr3t\n";
  auto short_secret = WebhookRecorder::Create(dir.File("short"), dir.File("out"));
  REQUIRE_FALSE(short_secret.ok());
  CHECK(std::string(short_secret.status().message()).find(dir.File("short")) != std::string::npos);
  CHECK(std::string(short_secret.status().message()).find("s3cr3t") == std::string::npos);
  std::ofstream(dir.File("secret")) << kSecret;
  auto bad_out = WebhookRecorder::Create(dir.File("secret"), dir.File("no/such/dir/out"));
  REQUIRE_FALSE(bad_out.ok());
  CHECK(std::string(bad_out.status().message()).find("no/such/dir/out") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::alerts::tools
