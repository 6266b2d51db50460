// The shared-secret signature on alert and incident-check bodies:
//   X-Breakglass-Signature: sha256=<64 lower-case hex of HMAC-SHA256(secret, body)>
// over the exact body bytes sent (RFC 2104 HMAC with SHA-256). The secret is
// read from a file (trailing newline ignored) and held in SecretBytes.
//
// Thread-safety: immutable after Create; safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_HMAC_SIGNER_H_
#define BREAKGLASS_VAULT_ALERTS_HMAC_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::alerts {

inline constexpr std::string_view kSignatureHeader = "X-Breakglass-Signature";
inline constexpr std::string_view kIdempotencyHeader = "X-Breakglass-Idempotency-Key";

class HmacSigner final {
 public:
  // Reads the secret from `path`. FAILED_PRECONDITION naming the path (never
  // the content) when it cannot be read, is empty after removing one trailing
  // newline, or is shorter than 16 bytes.
  static absl::StatusOr<HmacSigner> FromFile(const std::string& path);
  static absl::StatusOr<HmacSigner> FromSecret(base::SecretBytes secret);

  // "sha256=<hex>" for `body`.
  std::string Sign(std::string_view body) const;
  // The full header line "X-Breakglass-Signature: sha256=<hex>".
  std::string HeaderFor(std::string_view body) const;
  // Whether `header_value` ("sha256=<hex>", as received) is Sign(body);
  // compared in constant time.
  bool Verify(std::string_view body, std::string_view header_value) const;

 private:
  explicit HmacSigner(base::SecretBytes secret) : secret_(std::move(secret)) {}
  base::SecretBytes secret_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_HMAC_SIGNER_H_
