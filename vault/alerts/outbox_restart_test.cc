// A process killed (SIGKILL) with alerts pending: after a restart on the same
// state file, every alert is delivered.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "vault/alerts/alerts_test_world.h"

namespace breakglass::alerts {
namespace {

using testing::AlertsWorld;

// Runs the child with stdout on a pipe; kills it by pid when done.
class Child {
 public:
  explicit Child(std::vector<std::string> args) : args_(std::move(args)) {
    std::vector<char*> argv;  // built before fork: the child only calls async-signal-safe code
    for (std::string& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~Child() {
    Kill();
    if (out_) fclose(out_);
  }
  std::string ReadLine() {
    char buf[64] = {0};
    return fgets(buf, sizeof(buf), out_) ? std::string(buf) : "";
  }
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  std::vector<std::string> args_;
  pid_t pid_ = 0;
  FILE* out_ = nullptr;
};

TEST_CASE("AlertsPendingWhenTheProcessIsKilledAreAllDeliveredAfterRestart", "[alerts]") {
  constexpr int kCount = 6;
  AlertsWorld w;  // its store is not opened by the child: a separate file
  const std::string db = w.dir_.File("daemon.db");
  w.receiver_->SetStatus(503);
  {
    Child child({BREAKGLASS_ALERTS_OUTBOX_CHILD, db, w.receiver_->Url("/alerts"),
                 w.dir_.File("ca.pem"), w.dir_.File("secret"), std::to_string(kCount)});
    REQUIRE(child.ReadLine() == "ready\n");
    child.Kill();
  }
  CHECK(testing::AcceptedIds(w.receiver_->Requests()).empty());
  w.receiver_->SetStatus(200);
  AlertsWorld restarted(db);
  auto sink = w.Webhook();
  base::SystemClock clock;
  auto dispatcher = Dispatcher::Create(
      {restarted.runner_.get(), restarted.audit_events_.get(), &clock, &restarted.random_},
      {{sink.get(), RetryPolicy{absl::Milliseconds(50), absl::Milliseconds(200), 0, absl::Hours(1)}}},
      {absl::Milliseconds(20), 8});
  REQUIRE(dispatcher.ok());
  (*dispatcher)->Start();
  REQUIRE(w.receiver_->WaitUntil(
      [&](const auto& rs) { return testing::AcceptedIds(rs).size() == kCount; },
      absl::Seconds(60)));
  (*dispatcher)->Stop();
  CHECK(restarted.Count(DeliveryState::kPending) == 0);
  CHECK(restarted.Count(DeliveryState::kDelivered) == kCount);
  for (const auto& r : w.receiver_->Requests()) CHECK(testing::SignatureValid(r));
}

}  // namespace
}  // namespace breakglass::alerts
