#include "hsm/envelope/keystore_envelope.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::hsm {
namespace {

std::string Envelope(std::string_view label, std::string_view ct_and_tag) {
  absl::StatusOr<std::string> header = EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, label);
  REQUIRE(header.ok());
  return *header + std::string(kEnvelopeIvSize, 'I') + std::string(ct_and_tag);
}

TEST_CASE("Envelope header pins the v1 layout", "[hsm][envelope]") {
  absl::StatusOr<std::string> header = EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, "seal");
  REQUIRE(header.ok());
  CHECK(*header == std::string("BK\x01\x01\x04seal", 9));
}

TEST_CASE("Envelope parses into its fields", "[hsm][envelope]") {
  const std::string tag(kEnvelopeTagSize, 'T');
  const std::string env = Envelope("k", "ciphertext" + tag);
  absl::StatusOr<EnvelopeView> view = ParseEnvelope(env);
  REQUIRE(view.ok());
  CHECK(view->key_label == "k");
  CHECK(view->header == std::string("BK\x01\x01\x01k", 6));
  CHECK(view->iv == std::string(kEnvelopeIvSize, 'I'));
  CHECK(view->ciphertext == "ciphertext");
  CHECK(view->tag == tag);
  CHECK(view->ciphertext_and_tag == "ciphertext" + tag);
}

TEST_CASE("Envelope with empty ciphertext parses", "[hsm][envelope]") {
  absl::StatusOr<EnvelopeView> view = ParseEnvelope(Envelope("k", std::string(16, 'T')));
  REQUIRE(view.ok());
  CHECK(view->ciphertext.empty());
}

TEST_CASE("Envelope rejects bad magic, version, mechanism and truncation", "[hsm][envelope]") {
  const std::string good = Envelope("key", std::string(20, 'x'));
  REQUIRE(ParseEnvelope(good).ok());
  for (size_t i : {0u, 1u, 2u, 3u}) {
    std::string bad = good;
    bad[i] ^= 0x40;
    INFO("byte " << i);
    CHECK(ParseEnvelope(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
  std::string zero_label = good;
  zero_label[4] = 0;
  CHECK(ParseEnvelope(zero_label).status().code() == absl::StatusCode::kInvalidArgument);
  for (size_t n = 0; n < 5 + 3 + kEnvelopeIvSize + kEnvelopeTagSize; ++n) {
    INFO("length " << n);
    CHECK(ParseEnvelope(good.substr(0, n)).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Envelope header refuses empty and over-long labels", "[hsm][envelope]") {
  CHECK(EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, std::string(256, 'a')).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, std::string(255, 'a')).ok());
}

TEST_CASE("Envelope AAD is header followed by the caller's AAD", "[hsm][envelope]") {
  CHECK(EnvelopeAad("HDR", "aad") == "HDRaad");
}

}  // namespace
}  // namespace breakglass::hsm
