// breakglass-webhook-receiver as a process: a real alert from a WebhookSink
// is accepted and recorded as validly signed, a badly signed POST gets 401,
// SIGTERM (by PID) stops it with exit 0; bad command lines and unusable
// files exit 2 and 1.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "vault/alerts/alert.h"
#include "vault/alerts/http_client.h"
#include "vault/alerts/testing/test_pki.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/store/testing/temp_dir.h"

extern char** environ;

namespace breakglass::alerts::tools {
namespace {

constexpr std::string_view kSecret = "receiver-test-secret-0123456789";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Starts the receiver with `args`, stdout and stderr to `log`. Returns its PID.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  std::string binary = BREAKGLASS_WEBHOOK_RECEIVER;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int ExitCode(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

struct Receiver {
  Receiver() {
    auto p = testing::TestPki::Create();
    REQUIRE(p.ok());
    pki = *p;
    Write(dir.File("ca.crt"), pki.ca_cert_pem);
    Write(dir.File("server.crt"), pki.server_cert_pem);
    Write(dir.File("server.key"), pki.server_key_pem);
    Write(dir.File("secret"), std::string(kSecret) + "\n");
  }
  ~Receiver() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

  // Starts it on a free port; returns the port from --port-file.
  int Start() {
    pid = Spawn({"--listen", "127.0.0.1:0", "--cert", dir.File("server.crt"), "--key",
                 dir.File("server.key"), "--secret-file", dir.File("secret"), "--out",
                 dir.File("out.jsonl"), "--port-file", dir.File("port")},
                dir.File("log"));
    for (int i = 0; i < 500 && Slurp(dir.File("port")).empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    const std::string port = Slurp(dir.File("port"));
    REQUIRE(!port.empty());
    return std::stoi(port);
  }

  HttpTarget Target(int port) {
    HttpTarget t;
    t.url = "https://127.0.0.1:" + std::to_string(port) + "/alerts";
    t.ca_file = dir.File("ca.crt");
    return t;
  }

  store::testing::TempDir dir;
  testing::TestPki pki;
  pid_t pid = -1;
};

Alert RequestAlert() {
  core::VaultEvent e;
  e.type = "request";
  e.actor = "erin";
  e.subject = "req-1";
  e.incident = "INC-4711";
  e.time = absl::FromUnixSeconds(1'800'000'000);
  auto alert = BuildAlert(e, std::string(32, 'a'));
  REQUIRE(alert.ok());
  return *alert;
}

TEST_CASE("ReceiverProcessRecordsSignedAlertsRefusesBadSignaturesAndStopsOnSigterm",
          "[alerts][tools]") {
  Receiver r;
  const int port = r.Start();
  WebhookOptions options{"hook", r.Target(port), r.dir.File("secret")};
  auto sink = WebhookSink::Create(options);
  REQUIRE(sink.ok());
  const Alert alert = RequestAlert();
  REQUIRE((*sink)->Deliver(alert).ok());

  auto refused = HttpPost(
      r.Target(port),
      {"Content-Type: application/json", "X-Breakglass-Signature: sha256=" + std::string(64, '0'),
       "X-Breakglass-Event: release"},
      alert.body);
  REQUIRE(refused.ok());
  CHECK(refused->status == 401);

  REQUIRE(kill(r.pid, SIGTERM) == 0);
  CHECK(ExitCode(r.pid) == 0);
  const int pid = r.pid;
  r.pid = -1;
  CHECK(Slurp(r.dir.File("log"))
            .find("listening on https://127.0.0.1:" + std::to_string(port) + "/ (pid " +
                  std::to_string(pid) + ")") != std::string::npos);
  std::istringstream out(Slurp(r.dir.File("out.jsonl")));
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(out, line);) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["event_type"] == "request");
  CHECK(lines[0]["idempotency_key"] == alert.id);
  CHECK(lines[0]["signature_valid"] == true);
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[1]["event_type"] == "release");
  CHECK(lines[1]["signature_valid"] == false);
  CHECK(lines[1]["status"] == 401);
  CHECK(Slurp(r.dir.File("out.jsonl")).find(kSecret) == std::string::npos);
}

TEST_CASE("ReceiverProcessExits2OnABadCommandLineAnd1OnAnUnreadableSecret", "[alerts][tools]") {
  Receiver r;
  CHECK(ExitCode(Spawn({"--listen", "0.0.0.0:1"}, r.dir.File("log"))) == 2);
  CHECK(ExitCode(Spawn({"--cert", "a", "--key", "b", "--secret-file", "c", "--out", "d", "--listen",
                        "10.0.0.1:80"},
                       r.dir.File("log"))) == 2);
  CHECK(Slurp(r.dir.File("log")).find("--listen: expected 127.0.0.1:PORT") != std::string::npos);
  CHECK(ExitCode(Spawn({"--cert", r.dir.File("server.crt"), "--key", r.dir.File("server.key"),
                        "--secret-file", r.dir.File("missing"), "--out", r.dir.File("out")},
                       r.dir.File("log"))) == 1);
  CHECK(Slurp(r.dir.File("log")).find(r.dir.File("missing")) != std::string::npos);
}

}  // namespace
}  // namespace breakglass::alerts::tools
