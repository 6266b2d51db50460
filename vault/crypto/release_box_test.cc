#include "vault/crypto/release_box.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"
#include "vault/crypto/testing/scripted_random.h"

namespace breakglass::crypto::release_box {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;

std::string Unhex(std::string_view hex) { return base::HexDecode(hex).value(); }
SecretBytes SecretHex(std::string_view hex) { return SecretBytes::CopyFrom(Unhex(hex)); }
SecretBytes Secret(std::string_view s) { return SecretBytes::CopyFrom(s); }

using testing::ScriptedRandom;

// Produced by tests/vectors/release_box_kat.py, an independent encoder written
// from the format in release_box.h with Python's `cryptography` package.
constexpr char kKatRecipientPrivate[] =
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
constexpr char kKatRecipientPublic[] =
    "79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a";
constexpr char kKatEphemeralPrivate[] =
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
constexpr char kKatIv[] = "000102030405060708090a0b";
constexpr char kKatContext[] = "req-0001";
constexpr char kKatPlaintext[] = "correct horse battery staple";
constexpr char kKatEnvelope[] =
    "01605a725d2a4adfeeb1a29e17edd621c1b7593ee8cdbc44ac6c4ab6e2f805d23c000102030405060708090a0b"
    "446ce35815154ee5a3888259113eec2d29198e4dbf3ce9248bc3deff2b3dec7ce93c2cea48cbceab49a0680b";

TEST_CASE("X25519 key pairs match RFC 7748 section 6.1", "[release_box]") {
  auto alice =
      FromPrivateKey(SecretHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  REQUIRE(alice.ok());
  REQUIRE(base::HexEncode(alice->public_key) ==
          "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  auto bob =
      FromPrivateKey(SecretHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  REQUIRE(base::HexEncode(bob->public_key) ==
          "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  REQUIRE(FromPrivateKey(SecretBytes(31)).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("HKDF-SHA256 matches RFC 5869 test cases 1 and 3", "[release_box]") {
  auto okm1 = HkdfSha256(SecretBytes::CopyFrom(std::string(22, '\x0b')),
                         Unhex("000102030405060708090a0b0c"), Unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
  REQUIRE(base::HexEncode(okm1.value().view(InsecureSecretAccess::Get())) ==
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  auto okm3 = HkdfSha256(SecretBytes::CopyFrom(std::string(22, '\x0b')), "", "", 42);
  REQUIRE(base::HexEncode(okm3.value().view(InsecureSecretAccess::Get())) ==
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  REQUIRE(HkdfSha256(SecretBytes(), "", "", 32).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(HkdfSha256(SecretBytes(1), "", "", 255 * 32 + 1).status().code() ==
          absl::StatusCode::kInvalidArgument);
}

TEST_CASE("SealTo reproduces the independent encoder's envelope", "[release_box]") {
  ScriptedRandom random(Unhex(kKatEphemeralPrivate) + Unhex(kKatIv));
  auto envelope = SealTo(Unhex(kKatRecipientPublic), kKatContext, Secret(kKatPlaintext), random);
  REQUIRE(envelope.ok());
  REQUIRE(base::HexEncode(*envelope) == kKatEnvelope);
  auto opened = Open(SecretHex(kKatRecipientPrivate), kKatContext, Unhex(kKatEnvelope));
  REQUIRE(opened.ok());
  REQUIRE(*opened == Secret(kKatPlaintext));
}

TEST_CASE("Envelopes round-trip and carry a fresh ephemeral key", "[release_box]") {
  base::SystemRandom random;
  auto requester = Generate(random).value();
  REQUIRE(requester.public_key.size() == kX25519KeySize);
  for (std::string_view pt : {std::string_view(""), std::string_view("p@ss")}) {
    auto a = SealTo(requester.public_key, "req-7", Secret(pt), random).value();
    auto b = SealTo(requester.public_key, "req-7", Secret(pt), random).value();
    REQUIRE(a.size() == kEnvelopeOverhead + pt.size());
    REQUIRE(a.substr(1, 32) != b.substr(1, 32));
    REQUIRE(Open(requester.private_key, "req-7", a).value() == Secret(pt));
    REQUIRE(Open(requester.private_key, "req-7", b).value() == Secret(pt));
  }
}

TEST_CASE("Wrong key, wrong context or any modified byte is DATA_LOSS", "[release_box]") {
  base::SystemRandom random;
  auto requester = Generate(random).value();
  auto stranger = Generate(random).value();
  const std::string env =
      SealTo(requester.public_key, "req-1", Secret("top-secret-pw"), random).value();
  auto expect_loss = [](const absl::StatusOr<SecretBytes>& r) {
    REQUIRE(r.status().code() == absl::StatusCode::kDataLoss);
    REQUIRE(std::string(r.status().message()).find("authentication failed") != std::string::npos);
    REQUIRE(std::string(r.status().message()).find("top-secret") == std::string::npos);
  };
  expect_loss(Open(stranger.private_key, "req-1", env));
  expect_loss(Open(requester.private_key, "req-2", env));
  expect_loss(Open(requester.private_key, "req-1 ", env));
  for (size_t i = 1; i < env.size(); ++i) {  // epk, iv, ciphertext, tag
    std::string bad = env;
    bad[i] ^= 0x40;
    expect_loss(Open(requester.private_key, "req-1", bad));
  }
  expect_loss(Open(requester.private_key, "req-1", env.substr(0, env.size() - 1)));
  expect_loss(Open(requester.private_key, "req-1", env.substr(0, kEnvelopeOverhead - 1)));
  expect_loss(Open(requester.private_key, "req-1", ""));
  // An all-zero (low-order) ephemeral key.
  std::string zero_epk = env;
  zero_epk.replace(1, 32, std::string(32, '\0'));
  expect_loss(Open(requester.private_key, "req-1", zero_epk));
}

TEST_CASE("Unknown versions and bad parameters are INVALID_ARGUMENT", "[release_box]") {
  base::SystemRandom random;
  auto requester = Generate(random).value();
  std::string env = SealTo(requester.public_key, "req-1", Secret("x"), random).value();
  env[0] = 0x02;
  const absl::Status version = Open(requester.private_key, "req-1", env).status();
  REQUIRE(version.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(version.message()).find("version 2") != std::string::npos);

  REQUIRE(SealTo(requester.public_key, "", Secret("x"), random).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(
      SealTo(requester.public_key, std::string(513, 'r'), Secret("x"), random).status().code() ==
      absl::StatusCode::kInvalidArgument);
  REQUIRE(SealTo(requester.public_key.substr(1), "r", Secret("x"), random).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(Open(SecretBytes(16), "req-1", env).status().code() ==
          absl::StatusCode::kInvalidArgument);
  // Low-order recipient keys (u = 0 and u = 1) would give an all-zero secret.
  for (char u : {'\0', '\1'}) {
    std::string low(32, '\0');
    low[0] = u;
    const absl::Status s = SealTo(low, "r", Secret("x"), random).status();
    REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
    REQUIRE(std::string(s.message()).find("low-order") != std::string::npos);
  }
}

TEST_CASE("A failing Random fails the seal closed", "[release_box]") {
  ScriptedRandom empty("");
  REQUIRE(Generate(empty).status().code() == absl::StatusCode::kUnavailable);
  ScriptedRandom key_only(std::string(32, '\x11'));  // no bytes left for the IV
  REQUIRE(SealTo(Unhex(kKatRecipientPublic), "r", Secret("x"), key_only).status().code() ==
          absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace breakglass::crypto::release_box
