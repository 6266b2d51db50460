// MonotonicCounter conformance: see monotonic_counter_conformance.h.
#include "tests/conformance/monotonic_counter_conformance.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tpm/evidence/verifier.h"

namespace breakglass::conformance {
namespace {

using tpm::MonotonicCounter;

struct Suite {
  Suite() : backend(MakeMonotonicCounterBackend()) { REQUIRE(backend != nullptr); }

  std::unique_ptr<MonotonicCounter> Unwritten(std::string label = "checkpoint") {
    auto c = backend->NewUnwrittenCounter(std::move(label));
    INFO(c.status().ToString());
    REQUIRE(c.ok());
    return *std::move(c);
  }
  std::unique_ptr<MonotonicCounter> Written(std::string label = "checkpoint") {
    auto c = Unwritten(std::move(label));
    REQUIRE(c->Increment().ok());
    return c;
  }
  tpm::EvidenceVerifier Verifier() {
    auto v = tpm::EvidenceVerifier::Create(backend->AkPublicKeyPem());
    REQUIRE(v.ok());
    return *std::move(v);
  }
  tpm::CertifiedCounter Certified(MonotonicCounter& c, std::string_view qualifying) {
    auto ev = c.Certify(qualifying);
    INFO(ev.status().ToString());
    REQUIRE(ev.ok());
    auto cert = Verifier().Verify(*ev, backend->ExpectedIndexName(c));
    INFO(cert.status().ToString());
    REQUIRE(cert.ok());
    return *cert;
  }

  std::unique_ptr<MonotonicCounterBackend> backend;
};

TEST_CASE("MonotonicCounter is unwritten until its first increment", "[conformance][counter]") {
  Suite s;
  auto c = s.Unwritten();
  CHECK(c->Read().status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(c->Certify("q").status().code() == absl::StatusCode::kFailedPrecondition);
  auto first = c->Increment();
  REQUIRE(first.ok());
  CHECK(*c->Read() == *first);
}

TEST_CASE("MonotonicCounter increments by one and reads what it returned",
          "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  uint64_t value = *c->Read();
  for (int i = 0; i < 5; ++i) {
    auto next = c->Increment();
    REQUIRE(next.ok());
    CHECK(*next == value + 1);
    value = *next;
    CHECK(*c->Read() == value);
  }
}

TEST_CASE("MonotonicCounter advances by one without reading back; evidence states the value",
          "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  const uint64_t value = *c->Read();
  REQUIRE(c->Advance().ok());
  REQUIRE(c->Advance().ok());
  CHECK(*c->Read() == value + 2);
  CHECK(s.Certified(*c, "advanced").value == value + 2);
  CHECK(*c->Increment() == value + 3);
}

TEST_CASE("MonotonicCounter keeps its label", "[conformance][counter]") {
  Suite s;
  CHECK(s.Unwritten("release")->Label() == "release");
  CHECK(s.Unwritten("checkpoint")->Label() == "checkpoint");
}

TEST_CASE("MonotonicCounter evidence verifies and states value and qualifying data",
          "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  const std::string qualifying(32, '\x11');
  tpm::CertifiedCounter cert = s.Certified(*c, qualifying);
  CHECK(cert.value == *c->Read());
  CHECK(cert.qualifying_data == qualifying);
  CHECK(s.Certified(*c, "").qualifying_data.empty());
  REQUIRE(c->Increment().ok());
  CHECK(s.Certified(*c, qualifying).value == cert.value + 1);
}

TEST_CASE("MonotonicCounter refuses qualifying data over 32 bytes", "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  CHECK(c->Certify(std::string(33, 'q')).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("MonotonicCounter evidence clock never goes backwards", "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  tpm::CertifiedCounter prev = s.Certified(*c, "a");
  for (int i = 0; i < 5; ++i) {
    REQUIRE(c->Increment().ok());
    tpm::CertifiedCounter next = s.Certified(*c, "b");
    CHECK(next.clock_info.clock >= prev.clock_info.clock);
    CHECK(next.clock_info.reset_count == prev.clock_info.reset_count);
    CHECK(next.clock_info.restart_count == prev.clock_info.restart_count);
    prev = next;
  }
}

TEST_CASE("MonotonicCounter evidence of one counter does not pass for another",
          "[conformance][counter]") {
  Suite s;
  auto release = s.Written("release");
  auto checkpoint = s.Written("checkpoint");
  CHECK(s.backend->ExpectedIndexName(*release) != s.backend->ExpectedIndexName(*checkpoint));
  auto ev = release->Certify("q");
  REQUIRE(ev.ok());
  auto cert = s.Verifier().Verify(*ev, s.backend->ExpectedIndexName(*checkpoint));
  CHECK(cert.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("MonotonicCounter evidence with any flipped byte fails", "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  const tpm::CounterEvidence ev = *c->Certify(std::string(32, 'z'));
  const std::string name = s.backend->ExpectedIndexName(*c);
  tpm::EvidenceVerifier verifier = s.Verifier();
  for (std::string tpm::CounterEvidence::*field :
       {&tpm::CounterEvidence::attest, &tpm::CounterEvidence::signature}) {
    for (size_t i = 0; i < (ev.*field).size(); ++i) {
      tpm::CounterEvidence bad = ev;
      (bad.*field)[i] = static_cast<char>((bad.*field)[i] ^ 0x40);
      INFO("byte " << i);
      CHECK_FALSE(verifier.Verify(bad, name).ok());
    }
  }
}

TEST_CASE("MonotonicCounter gives distinct consecutive values to 8 threads",
          "[conformance][counter]") {
  Suite s;
  auto c = s.Written();
  const uint64_t start = *c->Read();
  constexpr int kThreads = 8;
  constexpr int kEach = 10;
  std::mutex mu;
  std::vector<uint64_t> values;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto v = c->Increment();
        std::lock_guard<std::mutex> lock(mu);
        values.push_back(v.ok() ? *v : 0);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(values.begin(), values.end());
  std::vector<uint64_t> expected;
  for (uint64_t v = start + 1; v <= start + kThreads * kEach; ++v) expected.push_back(v);
  CHECK(values == expected);
  CHECK(*c->Read() == start + kThreads * kEach);
}

}  // namespace
}  // namespace breakglass::conformance
