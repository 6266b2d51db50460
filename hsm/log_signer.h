// LogSigner: signs checkpoint text with the appliance's log key, an Ed25519 key
// held non-extractable in the HSM (DESIGN.md "Audit log"; C2SP signed-note v1,
// signature type 0x01). The audit log receives one of these; it knows nothing
// of the hardware behind it.
//
// Thread-safety: implementations are safe to call from many threads.
#ifndef BREAKGLASS_HSM_LOG_SIGNER_H_
#define BREAKGLASS_HSM_LOG_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::hsm {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class LogSigner {
 public:
  virtual ~LogSigner() = default;

  // Pure Ed25519 (RFC 8032) signature over `message`: 64 bytes.
  // Errors: UNAVAILABLE (device unreachable), FAILED_PRECONDITION (logged out,
  // key missing). Never returns a partial or fallback signature.
  virtual absl::StatusOr<std::string> Sign(std::string_view message) = 0;

  // The raw 32-byte Ed25519 public key.
  virtual absl::StatusOr<std::string> PublicKey() = 0;
};

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_LOG_SIGNER_H_
