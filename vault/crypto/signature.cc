#include "vault/crypto/signature.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/internal/openssl_util.h"

namespace breakglass::crypto {
namespace {

using internal::BioPtr;
using internal::EvpMdCtxPtr;
using internal::EvpPkeyPtr;
using internal::OpenSslError;
using internal::Uchar;

// DER SubjectPublicKeyInfo header for id-ecPublicKey / prime256v1 with a
// 65-byte uncompressed point (RFC 5480 §2): every canonical P-256 SPKI is this
// 26-byte prefix followed by 0x04 || X || Y.
constexpr std::string_view kP256SpkiPrefix(
    "\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07"
    "\x03\x42\x00",
    26);
constexpr int kP256CoordinateSize = 32;

std::shared_ptr<EVP_PKEY> Share(EvpPkeyPtr pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
}

bool IsP256(EVP_PKEY* pkey) {
  if (!EVP_PKEY_is_a(pkey, "EC")) return false;
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len) != 1) return false;
  const std::string_view group(name, len);
  return group == "prime256v1" || group == "P-256";
}

absl::StatusOr<SignatureAlgorithm> AlgorithmOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return SignatureAlgorithm::kEd25519;
  if (IsP256(pkey)) return SignatureAlgorithm::kEcdsaP256Sha256;
  internal::ClearOpenSslErrors();
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported key type '", EVP_PKEY_get0_type_name(pkey),
      "': only Ed25519 and ECDSA P-256 keys are accepted; re-issue the key with one of those"));
}

// DER SPKI of `pkey`, with EC points forced to the uncompressed form so that a
// key has exactly one encoding (and one fingerprint).
absl::StatusOr<std::string> CanonicalSpki(EVP_PKEY* pkey, SignatureAlgorithm algorithm) {
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256 &&
      EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
    return OpenSslError("setting the EC point format");
  }
  const int len = i2d_PUBKEY(pkey, nullptr);
  if (len <= 0) return OpenSslError("encoding the public key");
  std::string der(static_cast<size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(pkey, &p) != len) return OpenSslError("encoding the public key");
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256 &&
      (der.size() != kP256SpkiPrefix.size() + kP256UncompressedPointSize ||
       !der.starts_with(kP256SpkiPrefix))) {
    return absl::InvalidArgumentError(
        "the P-256 key does not use the named curve prime256v1; explicit curve parameters are "
        "not accepted");
  }
  return der;
}

// True when `der` is exactly one strict-DER ECDSA-Sig-Value.
bool IsStrictEcdsaDer(std::string_view der) {
  const unsigned char* p = Uchar(der);
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) {
    internal::ClearOpenSslErrors();
    return false;
  }
  const bool whole = p == Uchar(der) + der.size();
  unsigned char* again = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &again);
  const bool canonical = whole && len > 0 && static_cast<size_t>(len) == der.size() &&
                         std::memcmp(again, der.data(), der.size()) == 0;
  OPENSSL_free(again);
  ECDSA_SIG_free(sig);
  return canonical;
}

int NoPassword(char*, int, int, void*) { return -1; }

}  // namespace

std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519:
      return "ed25519";
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return "ecdsa-p256-sha256";
  }
  return "unknown";
}

// ---- PublicKey ------------------------------------------------------------

absl::StatusOr<PublicKey> PublicKey::FromOwnedKey(EVP_PKEY* raw) {
  EvpPkeyPtr pkey(raw);
  BG_ASSIGN_OR_RETURN(const SignatureAlgorithm algorithm, AlgorithmOf(pkey.get()));
  BG_ASSIGN_OR_RETURN(std::string der, CanonicalSpki(pkey.get(), algorithm));
  return PublicKey(Share(std::move(pkey)), algorithm, std::move(der));
}

// OpenSSL 3's PEM decoder costs about 0.3 ms a call (it walks the providers'
// decoder registry), and the vault reads the same few registered keys at every
// decision — three to five times on the release path. A parsed key is
// immutable and copies share it, so FromPem memoises successful parses by
// their exact text. Bounded: a full cache is emptied and refills.
struct PublicKey::PemCache {
  static constexpr size_t kMaxEntries = 1024;
  absl::Mutex mu;
  std::unordered_map<std::string, PublicKey> keys ABSL_GUARDED_BY(mu);
};

absl::StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  static PemCache* const cache = new PemCache;  // never destroyed: usable at exit
  {
    absl::MutexLock lock(&cache->mu);
    if (auto it = cache->keys.find(std::string(pem)); it != cache->keys.end()) return it->second;
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslError("reading the PEM public key");
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr);
  if (pkey == nullptr) {
    internal::ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "not a PEM public key: expected a '-----BEGIN PUBLIC KEY-----' block "
        "(SubjectPublicKeyInfo)");
  }
  BG_ASSIGN_OR_RETURN(PublicKey key, FromOwnedKey(pkey));
  absl::MutexLock lock(&cache->mu);
  if (cache->keys.size() >= PemCache::kMaxEntries) cache->keys.clear();
  cache->keys.emplace(std::string(pem), key);
  return key;
}

absl::StatusOr<PublicKey> PublicKey::FromSpkiDer(std::string_view der) {
  const unsigned char* p = Uchar(der);
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr || p != Uchar(der) + der.size()) {
    EVP_PKEY_free(pkey);
    internal::ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "not a DER SubjectPublicKeyInfo (or trailing bytes after it)");
  }
  return FromOwnedKey(pkey);
}

absl::StatusOr<PublicKey> PublicKey::FromEd25519Raw(std::string_view raw32) {
  if (raw32.size() != kEd25519RawPublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an Ed25519 public key is 32 bytes, got ", raw32.size()));
  }
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, Uchar(raw32), raw32.size());
  if (pkey == nullptr) return OpenSslError("importing the Ed25519 public key");
  return FromOwnedKey(pkey);
}

absl::StatusOr<PublicKey> PublicKey::FromP256Point(std::string_view uncompressed65) {
  if (uncompressed65.size() != kP256UncompressedPointSize || uncompressed65[0] != '\x04') {
    return absl::InvalidArgumentError(absl::StrCat(
        "a P-256 public key point must be 65 bytes starting with 0x04 (uncompressed), got ",
        uncompressed65.size(), " bytes"));
  }
  auto key = FromSpkiDer(absl::StrCat(std::string(kP256SpkiPrefix), std::string(uncompressed65)));
  if (!key.ok()) return absl::InvalidArgumentError("the P-256 point is not on the curve");
  return key;
}

std::string PublicKey::FingerprintHex() const {
  return absl::StrCat("SHA256:", base::HexEncode(DigestString(Fingerprint())));
}

std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) std::abort();
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string PublicKey::RawPublicKey() const {
  if (algorithm_ == SignatureAlgorithm::kEcdsaP256Sha256) {
    return spki_der_.substr(kP256SpkiPrefix.size());
  }
  std::string raw(kEd25519RawPublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                  &len) != 1 ||
      len != raw.size()) {
    std::abort();  // an Ed25519 key always has a 32-byte public key
  }
  return raw;
}

absl::Status PublicKey::Denied() const {
  return absl::PermissionDeniedError(absl::StrCat(
      "signature verification failed: the ", std::string(SignatureAlgorithmName(algorithm_)),
      " signature does not match this message under key ", FingerprintHex(),
      "; check that the right key signed exactly these bytes"));
}

absl::Status PublicKey::VerifyDer(std::string_view message, std::string_view signature) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  const char* md = algorithm_ == SignatureAlgorithm::kEd25519 ? nullptr : "SHA256";
  if (ctx == nullptr || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, md, nullptr, nullptr,
                                                pkey_.get(), nullptr) != 1) {
    return OpenSslError("initialising signature verification");
  }
  if (EVP_DigestVerify(ctx.get(), Uchar(signature), signature.size(), Uchar(message),
                       message.size()) != 1) {
    internal::ClearOpenSslErrors();
    return Denied();
  }
  return absl::OkStatus();
}

absl::Status PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (algorithm_ == SignatureAlgorithm::kEd25519) {
    if (signature.size() != kEd25519SignatureBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("an Ed25519 signature is 64 bytes, got ", signature.size()));
    }
    return VerifyDer(message, signature);
  }
  if (signature.size() == kEcdsaP256RawSignatureSize) {
    BG_ASSIGN_OR_RETURN(const std::string der, EcdsaRawToDer(signature));
    return VerifyDer(message, der);
  }
  if (!IsStrictEcdsaDer(signature)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ECDSA signature (", signature.size(),
                     " bytes): expected 64-byte raw r||s or a strict DER ECDSA-Sig-Value"));
  }
  return VerifyDer(message, signature);
}

absl::Status VerifyEd25519(std::string_view raw_public_key32, std::string_view message,
                           std::string_view signature64) {
  BG_ASSIGN_OR_RETURN(const PublicKey key, PublicKey::FromEd25519Raw(raw_public_key32));
  return key.Verify(message, signature64);
}

// ---- ECDSA encodings ------------------------------------------------------

absl::StatusOr<std::string> EcdsaRawToDer(std::string_view raw64) {
  if (raw64.size() != kEcdsaP256RawSignatureSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a raw P-256 ECDSA signature is 64 bytes (r||s), got ", raw64.size()));
  }
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(Uchar(raw64), kP256CoordinateSize, nullptr);
  BIGNUM* s = BN_bin2bn(Uchar(raw64.substr(kP256CoordinateSize)), kP256CoordinateSize, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    return OpenSslError("encoding the ECDSA signature");
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return OpenSslError("encoding the ECDSA signature");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::string> EcdsaDerToRaw(std::string_view der) {
  if (!IsStrictEcdsaDer(der)) {
    return absl::InvalidArgumentError("not a strict DER ECDSA-Sig-Value");
  }
  const unsigned char* p = Uchar(der);
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  const BIGNUM* r = ECDSA_SIG_get0_r(sig);
  const BIGNUM* s = ECDSA_SIG_get0_s(sig);
  std::string raw(kEcdsaP256RawSignatureSize, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool fits =
      BN_bn2binpad(r, out, kP256CoordinateSize) == kP256CoordinateSize &&
      BN_bn2binpad(s, out + kP256CoordinateSize, kP256CoordinateSize) == kP256CoordinateSize;
  ECDSA_SIG_free(sig);
  if (!fits) {
    internal::ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "ECDSA r or s is larger than 32 bytes: not a P-256 signature");
  }
  return raw;
}

}  // namespace breakglass::crypto
