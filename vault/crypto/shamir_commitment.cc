// Commitments and CombineVerified (declared in shamir.h).
#include <openssl/crypto.h>

#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/status.h"
#include "vault/crypto/shamir.h"

namespace breakglass::crypto::shamir {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;

constexpr std::string_view kSecretLabel("breakglass-shamir-commit-v1 secret\0", 35);
constexpr std::string_view kShareLabel("breakglass-shamir-commit-v1 share\0", 34);
constexpr std::string_view kMagic = "BGSC";
constexpr uint8_t kFormatVersion = 1;
constexpr size_t kEncodedHeader = 4 + 1 + 1 + 1 + 4;  // magic, version, m, n, length

// HMAC-SHA256(key, prefix || body), with the message assembled in locked memory.
Sha256Digest Tag(const SecretBytes& key, std::string_view prefix, const SecretBytes& body) {
  const auto access = InsecureSecretAccess::Get();
  SecretBytes message(prefix.size() + body.size());
  std::memcpy(message.data(access), prefix.data(), prefix.size());
  if (!body.empty())
    std::memcpy(message.data(access) + prefix.size(), body.data(access), body.size());
  return HmacSha256(key, message.view(access));
}

std::string U32(size_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Counts(int m, int n) { return {static_cast<char>(m), static_cast<char>(n)}; }

bool SameTag(const Sha256Digest& a, const Sha256Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::Status CheckKey(const SecretBytes& key) {
  if (key.size() != kCommitmentKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("commitment key: must be 32 bytes, got ", key.size()));
  }
  return absl::OkStatus();
}

absl::Status CheckIndex(const Share& share, int n, std::array<bool, 256>& seen) {
  if (share.x == 0 || share.x > n) {
    return absl::InvalidArgumentError(absl::StrCat("share index ", share.x, " is outside 1..", n));
  }
  if (seen[share.x]) {
    return absl::InvalidArgumentError(absl::StrCat("share ", share.x, " is given twice"));
  }
  seen[share.x] = true;
  return absl::OkStatus();
}

absl::Status Damaged(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("stored Shamir commitments are damaged: ", std::string(what)));
}

}  // namespace

Sha256Digest Commitments::ShareTag(const SecretBytes& key, const Share& share) const {
  const std::string prefix = absl::StrCat(std::string(kShareLabel), Counts(m_, share_count()),
                                          std::string(1, static_cast<char>(share.x)));
  return Tag(key, prefix, share.y);
}

absl::StatusOr<Commitments> Commitments::Create(const SecretBytes& key, const SecretBytes& secret,
                                                int m, std::span<const Share> shares) {
  BG_RETURN_IF_ERROR(CheckKey(key));
  const int n = static_cast<int>(shares.size());
  if (n < kMinThreshold || n > kMaxShares || m < kMinThreshold || m > n || secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "commitments need 2 <= m <= n <= 255 and a non-empty secret (m = ", m, ", n = ", n, ")"));
  }
  const std::string secret_prefix =
      absl::StrCat(std::string(kSecretLabel), Counts(m, n), U32(secret.size()));
  Commitments out(m, secret.size(), Tag(key, secret_prefix, secret),
                  std::vector<Sha256Digest>(static_cast<size_t>(n)));
  std::array<bool, 256> seen{};
  for (const Share& share : shares) {
    BG_RETURN_IF_ERROR(CheckIndex(share, n, seen));
    if (share.y.size() != secret.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("share ", share.x, " is not as long as the secret"));
    }
    out.share_tags_[share.x - 1] = out.ShareTag(key, share);
  }
  return out;
}

std::string Commitments::Encode() const {
  std::string out =
      absl::StrCat(std::string(kMagic), std::string(1, static_cast<char>(kFormatVersion)),
                   Counts(m_, share_count()), U32(secret_size_), DigestString(secret_tag_));
  for (const Sha256Digest& tag : share_tags_) out += DigestString(tag);
  return out;
}

absl::StatusOr<Commitments> Commitments::Decode(std::string_view bytes) {
  if (bytes.size() < kEncodedHeader || bytes.substr(0, 4) != kMagic) {
    return Damaged("missing the 'BGSC' header");
  }
  if (static_cast<uint8_t>(bytes[4]) != kFormatVersion) {
    return Damaged(absl::StrCat("unknown format version ", static_cast<uint8_t>(bytes[4])));
  }
  const int m = static_cast<uint8_t>(bytes[5]);
  const int n = static_cast<uint8_t>(bytes[6]);
  size_t len = 0;
  for (size_t i = 7; i < 11; ++i) len = (len << 8) | static_cast<uint8_t>(bytes[i]);
  if (n < kMinThreshold || m < kMinThreshold || m > n || len == 0) {
    return Damaged(absl::StrCat("m = ", m, ", n = ", n, ", secret length ", len));
  }
  if (bytes.size() != kEncodedHeader + kSha256Size * static_cast<size_t>(n + 1)) {
    return Damaged(absl::StrCat(bytes.size(), " bytes do not hold ", n + 1, " tags"));
  }
  std::vector<Sha256Digest> tags(static_cast<size_t>(n + 1));
  for (size_t i = 0; i < tags.size(); ++i) {
    std::memcpy(tags[i].data(), bytes.data() + kEncodedHeader + i * kSha256Size, kSha256Size);
  }
  const Sha256Digest secret_tag = tags.front();
  tags.erase(tags.begin());
  return Commitments(m, len, secret_tag, std::move(tags));
}

absl::Status Commitments::VerifyShares(const SecretBytes& key,
                                       std::span<const Share> shares) const {
  BG_RETURN_IF_ERROR(CheckKey(key));
  std::array<bool, 256> seen{};
  std::vector<int> bad;
  for (const Share& share : shares) {
    BG_RETURN_IF_ERROR(CheckIndex(share, share_count(), seen));
    if (share.y.size() != secret_size_ ||
        !SameTag(ShareTag(key, share), share_tags_[share.x - 1])) {
      bad.push_back(share.x);
    }
  }
  if (bad.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      bad.size() == 1 ? "share " : "shares ", absl::StrJoin(bad, ", "),
      bad.size() == 1 ? " does not match its commitment" : " do not match their commitments",
      " (a wrong, damaged or swapped share); the custodian(s) must re-supply it"));
}

absl::Status Commitments::VerifySecret(const SecretBytes& key, const SecretBytes& secret) const {
  BG_RETURN_IF_ERROR(CheckKey(key));
  const std::string prefix =
      absl::StrCat(std::string(kSecretLabel), Counts(m_, share_count()), U32(secret.size()));
  if (secret.size() != secret_size_ || !SameTag(Tag(key, prefix, secret), secret_tag_)) {
    return absl::DataLossError(
        "the combined secret does not match its stored commitment: the shares are from another "
        "split or the commitment key is wrong");
  }
  return absl::OkStatus();
}

absl::StatusOr<SecretBytes> CombineVerified(const SecretBytes& key, const Commitments& commitments,
                                            std::span<const Share> shares) {
  BG_RETURN_IF_ERROR(commitments.VerifyShares(key, shares));
  if (static_cast<int>(shares.size()) < commitments.threshold()) {
    return absl::FailedPreconditionError(
        absl::StrCat(shares.size(), " shares given, threshold is ", commitments.threshold()));
  }
  BG_ASSIGN_OR_RETURN(SecretBytes secret, Combine(shares));
  BG_RETURN_IF_ERROR(commitments.VerifySecret(key, secret));
  return secret;
}

}  // namespace breakglass::crypto::shamir
