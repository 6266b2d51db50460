#include "vault/alerts/hmac_signer.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/crypto/sha256.h"

namespace breakglass::alerts {

inline constexpr size_t kMinSecret = 16;

absl::StatusOr<HmacSigner> HmacSigner::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("secret file ", path, ": cannot be read"));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string text = bytes.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  base::SecretBytes secret = base::SecretBytes::CopyFrom(std::string_view(text));
  std::fill(text.begin(), text.end(), '\0');
  if (secret.size() < kMinSecret) {
    return absl::FailedPreconditionError(absl::StrCat(
        "secret file ", path, ": the secret must be at least ", kMinSecret, " bytes"));
  }
  return HmacSigner(std::move(secret));
}

absl::StatusOr<HmacSigner> HmacSigner::FromSecret(base::SecretBytes secret) {
  if (secret.size() < kMinSecret) {
    return absl::InvalidArgumentError(
        absl::StrCat("HMAC secret: must be at least ", kMinSecret, " bytes"));
  }
  return HmacSigner(std::move(secret));
}

std::string HmacSigner::Sign(std::string_view body) const {
  const auto mac = crypto::HmacSha256(secret_, body);
  return "sha256=" + base::HexEncode(std::string_view(reinterpret_cast<const char*>(mac.data()),
                                                      mac.size()));
}

bool HmacSigner::Verify(std::string_view body, std::string_view header_value) const {
  const std::string expected = Sign(body);
  return expected.size() == header_value.size() &&
         base::SecretBytes::CopyFrom(std::string_view(expected))
             .ConstantTimeEquals(base::SecretBytes::CopyFrom(header_value));
}

std::string HmacSigner::HeaderFor(std::string_view body) const {
  return absl::StrCat(std::string(kSignatureHeader), ": ", Sign(body));
}

}  // namespace breakglass::alerts
