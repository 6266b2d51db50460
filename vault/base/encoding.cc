#include "vault/base/encoding.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/strings/str_cat.h"

namespace breakglass::base {
namespace {

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  if (bytes.empty()) return "";
  std::string out(bytes.size() * 2 + 1, '\0');
  size_t len = 0;
  OPENSSL_buf2hexstr_ex(out.data(), out.size(), &len,
                        reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), '\0');
  out.resize(len > 0 ? len - 1 : 0);  // drop the NUL
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  return out;
}

absl::StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex string has odd length ", hex.size(), "; expected pairs of digits"));
  }
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < hex.size(); ++i) {
    int v = OPENSSL_hexchar2int(static_cast<unsigned char>(hex[i]));
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("hex string has a non-hex character at position ", i));
    }
    out[i / 2] = static_cast<char>((i % 2 == 0) ? (v << 4) : (out[i / 2] | v));
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

absl::StatusOr<std::string> Base64Decode(std::string_view b64) {
  if (b64.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "base64 length ", b64.size(), " is not a multiple of 4 (padding required)"));
  }
  size_t pad = 0;
  if (!b64.empty() && b64.back() == '=') pad = (b64.size() >= 2 && b64[b64.size() - 2] == '=') ? 2 : 1;
  for (size_t i = 0; i < b64.size() - pad; ++i) {
    if (!IsBase64Char(b64[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("base64 has an invalid character at position ", i));
    }
  }
  if (b64.empty()) return std::string();
  std::string out(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return absl::InvalidArgumentError("base64 could not be decoded");
  out.resize(static_cast<size_t>(n) - pad);
  // Canonical form: re-encoding must give the same text (no stray low bits).
  if (Base64Encode(out) != b64) {
    return absl::InvalidArgumentError("base64 is not canonical (non-zero padding bits)");
  }
  return out;
}

}  // namespace breakglass::base
