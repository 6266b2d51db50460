// The LogSigner contract (hsm/log_signer.h): pure Ed25519 (RFC 8032 §5.1)
// signatures that OpenSSL verifies with the raw public key PublicKey() gives.
#include "tests/conformance/log_signer_conformance.h"

#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace breakglass::conformance {
namespace {

// Verifies with OpenSSL EVP only: EVP_PKEY_ED25519 from the raw key, one-shot
// EVP_DigestVerify with no digest (pure Ed25519).
bool OpenSslVerifies(const std::string& public_key, const std::string& message,
                     const std::string& signature) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                  reinterpret_cast<const unsigned char*>(public_key.data()),
                                  public_key.size()),
      EVP_PKEY_free);
  if (pkey == nullptr) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string PublicKeyOf(hsm::LogSigner& signer) {
  absl::StatusOr<std::string> key = signer.PublicKey();
  INFO(key.status().ToString());
  REQUIRE(key.ok());
  REQUIRE(key->size() == hsm::kEd25519PublicKeySize);
  return *key;
}

std::string SignOk(hsm::LogSigner& signer, const std::string& message) {
  absl::StatusOr<std::string> sig = signer.Sign(message);
  INFO(sig.status().ToString());
  REQUIRE(sig.ok());
  REQUIRE(sig->size() == hsm::kEd25519SignatureSize);
  return *sig;
}

const std::string kCheckpoint =
    "breakglass.example/log\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n";

TEST_CASE("LogSigner signature verifies with OpenSSL against PublicKey()",
          "[conformance][log_signer]") {
  auto backend = MakeLogSignerBackend();
  hsm::LogSigner& signer = backend->signer();
  const std::string key = PublicKeyOf(signer);
  const std::string sig = SignOk(signer, kCheckpoint);
  CHECK(OpenSslVerifies(key, kCheckpoint, sig));
  CHECK_FALSE(OpenSslVerifies(key, kCheckpoint + "x", sig));
  std::string bad = sig;
  bad[10] ^= 0x01;
  CHECK_FALSE(OpenSslVerifies(key, kCheckpoint, bad));
}

TEST_CASE("LogSigner is pure Ed25519: deterministic, any message length",
          "[conformance][log_signer]") {
  auto backend = MakeLogSignerBackend();
  hsm::LogSigner& signer = backend->signer();
  const std::string key = PublicKeyOf(signer);
  CHECK(SignOk(signer, kCheckpoint) == SignOk(signer, kCheckpoint));  // RFC 8032 §5.1.6
  CHECK(PublicKeyOf(signer) == key);
  std::string large(65536, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 13);
  for (const std::string& message : {std::string(), std::string("\0", 1), large}) {
    INFO("message of " << message.size() << " bytes");
    CHECK(OpenSslVerifies(key, message, SignOk(signer, message)));
  }
}

TEST_CASE("LogSigner keys are distinct and signatures do not cross keys",
          "[conformance][log_signer]") {
  auto backend = MakeLogSignerBackend();
  const std::string key = PublicKeyOf(backend->signer());
  const std::string other_key = PublicKeyOf(backend->other_signer());
  CHECK(key != other_key);
  const std::string sig = SignOk(backend->other_signer(), kCheckpoint);
  CHECK(OpenSslVerifies(other_key, kCheckpoint, sig));
  CHECK_FALSE(OpenSslVerifies(key, kCheckpoint, sig));
}

TEST_CASE("LogSigner works from 8 threads at once", "[conformance][log_signer]") {
  auto backend = MakeLogSignerBackend();
  hsm::LogSigner& signer = backend->signer();
  const std::string key = PublicKeyOf(signer);
  constexpr int kThreads = 8;
  constexpr int kRounds = 12;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string message = kCheckpoint + std::to_string(t * 1000 + r);
        absl::StatusOr<std::string> sig = signer.Sign(message);
        if (!sig.ok() || !OpenSslVerifies(key, message, *sig)) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(failures[t] == 0);
  }
}

}  // namespace
}  // namespace breakglass::conformance
