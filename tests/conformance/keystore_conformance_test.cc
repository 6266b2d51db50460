// The Keystore contract (hsm/keystore.h), checked against whichever backend is
// linked in (see keystore_conformance.h).
#include "tests/conformance/keystore_conformance.h"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

namespace breakglass::conformance {
namespace {

using absl::StatusCode;

base::SecretBytes Secret(std::string_view s) { return base::SecretBytes::CopyFrom(s); }

std::string Open(hsm::Keystore& ks, std::string_view envelope, std::string_view aad) {
  absl::StatusOr<base::SecretBytes> out = ks.Unseal(envelope, aad);
  INFO(out.status().ToString());
  REQUIRE(out.ok());
  return std::string(out->view(base::InsecureSecretAccess::Get()));
}

std::string SealOk(hsm::Keystore& ks, std::string_view plaintext, std::string_view aad) {
  absl::StatusOr<std::string> env = ks.Seal(Secret(plaintext), aad);
  INFO(env.status().ToString());
  REQUIRE(env.ok());
  return *env;
}

bool IsRejection(const absl::Status& s) {
  return s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInvalidArgument;
}

const std::string kAad = "credential=db-root;version=3;custodian=alice;share=2";

TEST_CASE("Keystore round-trips a share bound to its AAD", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  const std::string share = "\x01\x7f\x00\xff share bytes";
  const std::string env = SealOk(ks, share, kAad);
  CHECK(Open(ks, env, kAad) == share);
  CHECK_FALSE(ks.Describe().empty());
}

TEST_CASE("Keystore round-trips empty and 4 KiB plaintexts", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  CHECK(Open(ks, SealOk(ks, "", kAad), kAad).empty());
  std::string large(4096, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 31 + 7);
  CHECK(Open(ks, SealOk(ks, large, kAad), kAad) == large);
  CHECK(Open(ks, SealOk(ks, "x", ""), "") == "x");
}

TEST_CASE("Keystore seals freshly: equal inputs give different envelopes without the plaintext",
          "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  const std::string marker = "PLAINTEXT-MARKER-0123456789-PLAINTEXT-MARKER";
  const std::string a = SealOk(ks, marker, kAad);
  const std::string b = SealOk(ks, marker, kAad);
  CHECK(a != b);
  CHECK(a.find(marker) == std::string::npos);
  CHECK(a.find("PLAINTEXT-MARKER") == std::string::npos);
}

TEST_CASE("Keystore refuses a different AAD with DATA_LOSS", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  const std::string env = SealOk(ks, "share", kAad);
  std::string flipped = kAad;
  flipped[5] ^= 0x01;
  for (const std::string& aad :
       {std::string(), flipped, kAad + "x", kAad.substr(1), kAad.substr(0, kAad.size() - 1),
        std::string("credential=db-root;version=3;custodian=bob;share=2")}) {
    INFO("aad '" << aad << "'");
    CHECK(ks.Unseal(env, aad).status().code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("Keystore refuses every single-byte modification of an envelope",
          "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  const std::string env = SealOk(ks, "share-bytes", kAad);
  for (size_t i = 0; i < env.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      std::string bad = env;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      absl::StatusOr<base::SecretBytes> out = ks.Unseal(bad, kAad);
      INFO("byte " << i << " mask " << int(mask) << ": " << out.status().ToString());
      CHECK(IsRejection(out.status()));
    }
  }
  // The trailing bytes (ciphertext and tag) fail authentication specifically.
  std::string bad_tag = env;
  bad_tag.back() ^= 0x01;
  CHECK(ks.Unseal(bad_tag, kAad).status().code() == StatusCode::kDataLoss);
}

TEST_CASE("Keystore refuses truncated, extended and garbage envelopes", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  const std::string env = SealOk(ks, "share-bytes", kAad);
  for (size_t n = 0; n < env.size(); ++n) {
    INFO("truncated to " << n);
    CHECK(IsRejection(ks.Unseal(env.substr(0, n), kAad).status()));
  }
  CHECK(IsRejection(ks.Unseal(env + "x", kAad).status()));
  CHECK(IsRejection(ks.Unseal(std::string(64, '\0'), kAad).status()));
  CHECK(IsRejection(ks.Unseal("not an envelope at all", kAad).status()));
}

TEST_CASE("Keystore envelope from one key does not open under another", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  hsm::Keystore& other_named = backend->other_named_keystore();
  hsm::Keystore& same_named = backend->same_named_other_keystore();
  const std::string env = SealOk(ks, "share", kAad);
  CHECK(other_named.Unseal(env, kAad).status().code() == StatusCode::kInvalidArgument);
  CHECK(same_named.Unseal(env, kAad).status().code() == StatusCode::kDataLoss);
  CHECK(ks.Unseal(SealOk(other_named, "share", kAad), kAad).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(ks.Unseal(SealOk(same_named, "share", kAad), kAad).status().code() ==
        StatusCode::kDataLoss);
  CHECK(Open(ks, env, kAad) == "share");
}

TEST_CASE("Keystore works from 8 threads at once", "[conformance][keystore]") {
  auto backend = MakeKeystoreBackend();
  hsm::Keystore& ks = backend->keystore();
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::vector<std::string> shared(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string pt = "share " + std::to_string(t) + "/" + std::to_string(r);
        const std::string aad = kAad + std::to_string(t);
        absl::StatusOr<std::string> env = ks.Seal(Secret(pt), aad);
        absl::StatusOr<base::SecretBytes> out =
            env.ok() ? ks.Unseal(*env, aad) : absl::StatusOr<base::SecretBytes>(env.status());
        if (!out.ok() || out->view(base::InsecureSecretAccess::Get()) != pt) ++failures[t];
        if (env.ok()) shared[t] = *env;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(failures[t] == 0);
    // An envelope sealed on one thread opens on this one.
    CHECK(Open(ks, shared[t], kAad + std::to_string(t)) ==
          "share " + std::to_string(t) + "/" + std::to_string(kRounds - 1));
  }
}

}  // namespace
}  // namespace breakglass::conformance
