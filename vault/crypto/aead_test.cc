#include "vault/crypto/aead.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"

namespace breakglass::crypto {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;

std::string Unhex(std::string_view hex) { return base::HexDecode(hex).value(); }
SecretBytes SecretHex(std::string_view hex) { return SecretBytes::CopyFrom(Unhex(hex)); }
std::string Plain(const SecretBytes& s) { return std::string(s.view(InsecureSecretAccess::Get())); }

class FailingRandom final : public base::Random {
 public:
  absl::Status Fill(std::span<uint8_t>) override { return absl::UnavailableError("no entropy"); }
};

struct GcmVector {
  const char* key;
  const char* iv;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

// McGrew & Viega, "The Galois/Counter Mode of Operation" (the GCM submission
// to NIST), Appendix B, AES-256 test cases 13, 14 and 16 (16 has AAD).
constexpr GcmVector kVectors[] = {
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST_CASE("AES-256-GCM matches the GCM specification vectors", "[aead]") {
  for (const auto& v : kVectors) {
    auto gcm = Aes256Gcm::Create(SecretHex(v.key)).value();
    const std::string expected = Unhex(v.iv) + Unhex(v.ciphertext) + Unhex(v.tag);
    auto sealed =
        gcm.InsecureSealWithIvForTesting(SecretHex(v.plaintext), Unhex(v.aad), Unhex(v.iv));
    REQUIRE(sealed.ok());
    REQUIRE(base::HexEncode(*sealed) == base::HexEncode(expected));
    auto opened = gcm.Open(expected, Unhex(v.aad));
    REQUIRE(opened.ok());
    REQUIRE(base::HexEncode(Plain(*opened)) == v.plaintext);
  }
}

TEST_CASE("AES-256-GCM takes its IV from the injected Random", "[aead]") {
  base::InsecureFakeRandom random(7), same(7);
  auto gcm = Aes256Gcm::Create(GenerateAes256Key(random).value()).value();
  (void)GenerateAes256Key(same).value();
  const std::string sealed =
      gcm.Seal(SecretBytes::CopyFrom(std::string_view("pw")), "", random).value();
  REQUIRE(sealed.size() == 2 + kGcmOverhead);
  REQUIRE(sealed.substr(0, kGcmIvSize) == same.Bytes(kGcmIvSize).value());
  const std::string again =
      gcm.Seal(SecretBytes::CopyFrom(std::string_view("pw")), "", random).value();
  REQUIRE(again.substr(0, kGcmIvSize) != sealed.substr(0, kGcmIvSize));

  FailingRandom failing;
  REQUIRE(gcm.Seal(SecretBytes(4), "", failing).status().code() == absl::StatusCode::kUnavailable);
  REQUIRE(GenerateAes256Key(failing).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("AES-256-GCM open fails closed with DATA_LOSS", "[aead]") {
  base::SystemRandom random;
  auto gcm = Aes256Gcm::Create(GenerateAes256Key(random).value()).value();
  const auto secret = SecretBytes::CopyFrom(std::string_view("hunter2-root-password"));
  const std::string aad = "credential=db-root;version=3;custodian=2;share=2";
  const std::string sealed = gcm.Seal(secret, aad, random).value();
  REQUIRE(gcm.Open(sealed, aad).value() == secret);

  auto expect_loss = [&](const absl::StatusOr<SecretBytes>& r) {
    REQUIRE(r.status().code() == absl::StatusCode::kDataLoss);
    const std::string msg(r.status().message());
    REQUIRE(msg.find("authentication failed") != std::string::npos);
    REQUIRE(msg.find("hunter2") == std::string::npos);
  };
  expect_loss(gcm.Open(sealed, aad + "x"));
  expect_loss(gcm.Open(sealed, ""));
  for (size_t i = 0; i < sealed.size(); ++i) {  // every IV, ciphertext and tag byte
    std::string bad = sealed;
    bad[i] ^= 0x01;
    expect_loss(gcm.Open(bad, aad));
  }
  expect_loss(gcm.Open(sealed.substr(0, sealed.size() - 1), aad));
  expect_loss(gcm.Open(sealed.substr(0, kGcmOverhead - 1), aad));
  expect_loss(gcm.Open("", aad));
  auto other = Aes256Gcm::Create(GenerateAes256Key(random).value()).value();
  expect_loss(other.Open(sealed, aad));
}

TEST_CASE("AES-256-GCM refuses bad keys and IVs", "[aead]") {
  const absl::Status s = Aes256Gcm::Create(SecretBytes(16)).status();
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(s.message()).find("32 bytes") != std::string::npos);
  auto gcm = Aes256Gcm::Create(SecretBytes(32)).value();
  REQUIRE(gcm.InsecureSealWithIvForTesting(SecretBytes(1), "", "short").status().code() ==
          absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace breakglass::crypto
