// breakglass-webhook-receiver: an HTTPS endpoint on 127.0.0.1 that receives
// breakglass alerts, checks each one's X-Breakglass-Signature and appends a
// JSON line per request to a file (webhook_recorder.h has the line format).
// For trying alerts and for scripts/dev-env; not a production receiver.
//
//   breakglass-webhook-receiver --cert FILE --key FILE --secret-file FILE --out FILE
//                               [--listen 127.0.0.1:PORT] [--port-file FILE]
//
// --listen defaults to 127.0.0.1:0 (a free port). Once listening it prints
// "listening on https://127.0.0.1:PORT/ (pid N)" and writes PORT to
// --port-file if given. SIGTERM or SIGINT stops it (exit 0). Exit 1: the
// certificate, key, secret or output file cannot be used, or the port cannot
// be bound; exit 2: a bad command line.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "vault/alerts/testing/https_receiver.h"
#include "vault/alerts/tools/webhook_recorder.h"

namespace breakglass::alerts::tools {
namespace {

constexpr char kName[] = "breakglass-webhook-receiver";
constexpr char kUsage[] =
    "usage: breakglass-webhook-receiver --cert FILE --key FILE --secret-file FILE --out FILE\n"
    "                                   [--listen 127.0.0.1:PORT] [--port-file FILE]\n"
    "Receives breakglass alerts over HTTPS, checks X-Breakglass-Signature (HMAC-SHA256 with\n"
    "the secret in --secret-file), answers 200 (401 on a bad signature) and appends one JSON\n"
    "line per request to --out. --listen defaults to 127.0.0.1:0 (a free port). Stops on\n"
    "SIGTERM or SIGINT.\n";

struct Options {
  std::map<std::string, std::string> values{{"--listen", "127.0.0.1:0"}, {"--port-file", ""}};
  int port = 0;
};

// Fills `o` from argv; returns "" or what is wrong.
std::string ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag != "--cert" && flag != "--key" && flag != "--secret-file" && flag != "--out" &&
        flag != "--listen" && flag != "--port-file") {
      return absl::StrCat("unknown option '", flag, "'");
    }
    if (i + 1 >= argc) return absl::StrCat(flag, " needs a value");
    o.values[flag] = argv[i + 1];
  }
  for (const char* required : {"--cert", "--key", "--secret-file", "--out"}) {
    if (o.values[required].empty()) return absl::StrCat(required, " is required");
  }
  const std::string& listen = o.values["--listen"];
  constexpr std::string_view kHost = "127.0.0.1:";
  if (listen.rfind(kHost, 0) != 0 || !absl::SimpleAtoi(listen.substr(kHost.size()), &o.port) ||
      o.port < 0 || o.port > 65535) {
    return absl::StrCat("--listen: expected 127.0.0.1:PORT (PORT 0 = a free port), got '", listen,
                        "'");
  }
  return "";
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": cannot be read"));
  }
  return text.str();
}

// The server certificate and key from their PEM files.
absl::StatusOr<testing::TestPki> LoadIdentity(Options& o) {
  testing::TestPki pki;
  absl::StatusOr<std::string> cert = ReadFile(o.values["--cert"], "certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(o.values["--key"], "key");
  if (!key.ok()) return key.status();
  pki.server_cert_pem = *std::move(cert);
  pki.server_key_pem = *std::move(key);
  return pki;
}

// Writes `port` to `path` through a temp file, so readers never see it half-written.
absl::Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << '\n';
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return absl::FailedPreconditionError(absl::StrCat("--port-file ", path, ": ", ec.message()));
  return absl::OkStatus();
}

int Fail(const absl::Status& status) {
  std::cerr << kName << ": " << status.message() << "\n";
  return 1;
}

int Run(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  Options o;
  if (const std::string error = ParseArgs(argc, argv, o); !error.empty()) {
    std::cerr << kName << ": " << error << "\n" << kUsage;
    return 2;
  }
  // Blocked before the server thread starts, so that only sigwait takes them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto recorder = WebhookRecorder::Create(o.values["--secret-file"], o.values["--out"]);
  if (!recorder.ok()) return Fail(recorder.status());
  absl::StatusOr<testing::TestPki> pki = LoadIdentity(o);
  if (!pki.ok()) return Fail(pki.status());
  auto receiver = testing::HttpsReceiver::Start(*pki, o.port);
  if (!receiver.ok()) return Fail(receiver.status());
  (*receiver)->SetHandler([r = recorder->get()](const testing::ReceivedRequest& request) {
    return r->Handle(request);
  });
  if (!o.values["--port-file"].empty()) {
    if (absl::Status s = WritePortFile(o.values["--port-file"], (*receiver)->port()); !s.ok()) {
      return Fail(s);
    }
  }
  std::cout << kName << ": listening on " << (*receiver)->Url("/") << " (pid " << getpid()
            << "), appending to " << o.values["--out"] << std::endl;
  int signo = 0;
  sigwait(&stop, &signo);
  receiver->reset();  // joins the server thread before the recorder goes
  std::cout << kName << ": stopped (signal " << signo << ")" << std::endl;
  return 0;
}

}  // namespace
}  // namespace breakglass::alerts::tools

int main(int argc, char** argv) { return breakglass::alerts::tools::Run(argc, argv); }
