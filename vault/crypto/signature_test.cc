#include "vault/crypto/signature.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"

namespace breakglass::crypto {
namespace {

std::string Unhex(std::string_view hex) { return base::HexDecode(hex).value(); }

base::SecretBytes SecretHex(std::string_view hex) {
  return base::SecretBytes::CopyFrom(Unhex(hex));
}

struct Ed25519Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1 and TEST 2.
constexpr Ed25519Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

// RFC 6979 §A.2.5: P-256, SHA-256, message "sample".
constexpr char kRfc6979Point[] =
    "04"
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
constexpr char kRfc6979Signature[] =
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

TEST_CASE("Ed25519 verifies and reproduces RFC 8032 test vectors 1 and 2", "[signature]") {
  for (const auto& v : kRfc8032) {
    const std::string message = Unhex(v.message);
    REQUIRE(VerifyEd25519(Unhex(v.public_key), message, Unhex(v.signature)).ok());

    auto key = SigningKey::FromEd25519Seed(SecretHex(v.seed));
    REQUIRE(key.ok());
    REQUIRE(key->public_key().RawPublicKey() == Unhex(v.public_key));
    REQUIRE(key->public_key().algorithm() == SignatureAlgorithm::kEd25519);
    REQUIRE(base::HexEncode(key->Sign(message).value()) == v.signature);
  }
}

TEST_CASE("Ed25519 rejects tampered messages, signatures and wrong keys", "[signature]") {
  const auto& v = kRfc8032[1];
  const std::string pub = Unhex(v.public_key);
  std::string sig = Unhex(v.signature);
  REQUIRE(VerifyEd25519(pub, "\x73", sig).code() == absl::StatusCode::kPermissionDenied);
  REQUIRE(VerifyEd25519(Unhex(kRfc8032[0].public_key), "\x72", sig).code() ==
          absl::StatusCode::kPermissionDenied);
  sig[10] ^= 1;
  REQUIRE(VerifyEd25519(pub, "\x72", sig).code() == absl::StatusCode::kPermissionDenied);
  const absl::Status short_sig = VerifyEd25519(pub, "\x72", sig.substr(0, 63));
  REQUIRE(short_sig.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(short_sig.message()).find("64 bytes") != std::string::npos);
  REQUIRE(VerifyEd25519(pub.substr(1), "\x72", sig).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("ECDSA P-256 verifies the RFC 6979 vector in raw and DER form", "[signature]") {
  auto key = PublicKey::FromP256Point(Unhex(kRfc6979Point));
  REQUIRE(key.ok());
  REQUIRE(key->algorithm() == SignatureAlgorithm::kEcdsaP256Sha256);
  REQUIRE(key->RawPublicKey() == Unhex(kRfc6979Point));
  const std::string raw = Unhex(kRfc6979Signature);
  REQUIRE(key->Verify("sample", raw).ok());
  const std::string der = EcdsaRawToDer(raw).value();
  REQUIRE(der.size() > 64);
  REQUIRE(key->Verify("sample", der).ok());
  REQUIRE(EcdsaDerToRaw(der).value() == raw);

  const absl::Status wrong = key->Verify("samplf", raw);
  REQUIRE(wrong.code() == absl::StatusCode::kPermissionDenied);
  REQUIRE(std::string(wrong.message()).find(key->FingerprintHex()) != std::string::npos);
  REQUIRE(key->Verify("samplf", der).code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("ECDSA refuses malformed and BER signatures", "[signature]") {
  auto key = PublicKey::FromP256Point(Unhex(kRfc6979Point)).value();
  const std::string der = EcdsaRawToDer(Unhex(kRfc6979Signature)).value();
  REQUIRE(key.Verify("sample", der.substr(0, der.size() - 1)).code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(key.Verify("sample", der + std::string(1, '\0')).code() ==
          absl::StatusCode::kInvalidArgument);
  // Long-form length where the short form is required (BER, not DER).
  std::string ber = der;
  ber.replace(0, 2, std::string("\x30\x81", 2) + ber[1]);
  REQUIRE(key.Verify("sample", ber).code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(key.Verify("sample", "").code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(EcdsaRawToDer("short").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("P-256 keys have one canonical encoding", "[signature]") {
  const std::string point = Unhex(kRfc6979Point);
  // The same key as a compressed-point SPKI (Uy is odd: prefix 0x03).
  const std::string compressed =
      Unhex("3039301306072a8648ce3d020106082a8648ce3d030107032200") + "\x03" + point.substr(1, 32);
  auto a = PublicKey::FromSpkiDer(compressed);
  REQUIRE(a.ok());
  auto b = PublicKey::FromP256Point(point).value();
  REQUIRE(*a == b);
  REQUIRE(a->FingerprintHex() == b.FingerprintHex());
  REQUIRE(a->Verify("sample", Unhex(kRfc6979Signature)).ok());
}

TEST_CASE("Points off the curve and unsupported key types are refused", "[signature]") {
  std::string point = Unhex(kRfc6979Point);
  point[64] ^= 1;
  REQUIRE(PublicKey::FromP256Point(point).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(PublicKey::FromP256Point(point.substr(1)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  // An X25519 SubjectPublicKeyInfo: a key-agreement key, not a signature key.
  const std::string x25519 = Unhex("302a300506032b656e032100") + std::string(32, '\x09');
  const absl::Status s = PublicKey::FromSpkiDer(x25519).status();
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(s.message()).find("Ed25519 and ECDSA P-256") != std::string::npos);
  REQUIRE(PublicKey::FromPem("not pem").status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(PublicKey::FromSpkiDer("").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Generated keys sign, verify and round-trip through PEM", "[signature]") {
  for (auto alg : {SignatureAlgorithm::kEd25519, SignatureAlgorithm::kEcdsaP256Sha256}) {
    INFO(SignatureAlgorithmName(alg));
    auto key = SigningKey::Generate(alg);
    REQUIRE(key.ok());
    const std::string sig = key->Sign("approve request 42").value();
    const PublicKey& pub = key->public_key();
    REQUIRE(pub.algorithm() == alg);
    REQUIRE(pub.Verify("approve request 42", sig).ok());
    REQUIRE(pub.Verify("approve request 43", sig).code() == absl::StatusCode::kPermissionDenied);

    auto other = SigningKey::Generate(alg).value();
    REQUIRE(other.public_key().Verify("approve request 42", sig).code() ==
            absl::StatusCode::kPermissionDenied);

    auto reread = PublicKey::FromPem(pub.ToPem());
    REQUIRE(reread.ok());
    REQUIRE(*reread == pub);
    REQUIRE(PublicKey::FromSpkiDer(pub.spki_der()).value() == pub);
    REQUIRE(base::HexEncode(DigestString(pub.Fingerprint())) ==
            base::HexEncode(Sha256String(pub.spki_der())));

    auto pem = key->ToPem().value();
    REQUIRE(pem.view(base::InsecureSecretAccess::Get()).starts_with("-----BEGIN PRIVATE KEY-----"));
    auto restored = SigningKey::FromPem(pem);
    REQUIRE(restored.ok());
    REQUIRE(restored->public_key() == pub);
    REQUIRE(pub.Verify("x", restored->Sign("x").value()).ok());
  }
}

TEST_CASE("FromPem memoises keys by their exact text, and the memo is bounded", "[signature]") {
  const auto ed = SigningKey::Generate(SignatureAlgorithm::kEd25519).value();
  const auto ec = SigningKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  for (int round = 0; round < 3; ++round) {
    REQUIRE(PublicKey::FromPem(ed.public_key().ToPem()).value() == ed.public_key());
    REQUIRE(PublicKey::FromPem(ec.public_key().ToPem()).value() == ec.public_key());
  }
  // Text after the block is ignored: another entry, the same key.
  REQUIRE(PublicKey::FromPem(ed.public_key().ToPem() + "# alice\n").value() == ed.public_key());
  // A changed character is a different text: never answered from the memo.
  std::string altered = ec.public_key().ToPem();
  altered[40] = altered[40] == 'A' ? 'B' : 'A';
  auto other = PublicKey::FromPem(altered);
  REQUIRE((!other.ok() || !(*other == ec.public_key())));
  // Past the bound every key still reads back as itself.
  for (int i = 0; i < 1100; ++i) {
    const auto k = SigningKey::Generate(SignatureAlgorithm::kEd25519).value();
    REQUIRE(PublicKey::FromPem(k.public_key().ToPem()).value() == k.public_key());
  }
  REQUIRE(PublicKey::FromPem(ed.public_key().ToPem()).value() == ed.public_key());
  REQUIRE(PublicKey::FromPem("not pem").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("ECDSA accepts the raw r||s form a PKCS#11 token returns", "[signature]") {
  auto key = SigningKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  const std::string der = key.Sign("statement").value();
  const std::string raw = EcdsaDerToRaw(der).value();
  REQUIRE(raw.size() == 64);
  REQUIRE(key.public_key().Verify("statement", raw).ok());
  std::string bad = raw;
  bad[63] ^= 0x80;
  REQUIRE(key.public_key().Verify("statement", bad).code() == absl::StatusCode::kPermissionDenied);
  // Ed25519 is pure: an ECDSA-sized signature is not mistaken for one.
  auto ed = SigningKey::Generate(SignatureAlgorithm::kEd25519).value();
  REQUIRE(ed.public_key().Verify("statement", der).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Private keys that do not parse are refused without quoting them", "[signature]") {
  auto garbage =
      base::SecretBytes::CopyFrom(std::string_view("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n"));
  const absl::Status s = SigningKey::FromPem(garbage).status();
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(s.message()).find("c2VjcmV0") == std::string::npos);
  REQUIRE(SigningKey::FromPkcs8Der(base::SecretBytes::CopyFrom(std::string_view("xx")))
              .status()
              .code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(SigningKey::FromEd25519Seed(base::SecretBytes(31)).status().code() ==
          absl::StatusCode::kInvalidArgument);
}

TEST_CASE("PKCS#8 DER private keys load", "[signature]") {
  // RFC 8410 §10.3 example: the Ed25519 private key in PKCS#8 DER.
  auto der = SecretHex(
      "302e020100300506032b657004220420"
      "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842");
  auto key = SigningKey::FromPkcs8Der(der);
  REQUIRE(key.ok());
  REQUIRE(base::HexEncode(key->public_key().RawPublicKey()) ==
          "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
}

}  // namespace
}  // namespace breakglass::crypto
