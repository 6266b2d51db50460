// The sealed envelope every breakglass Keystore built on AES-256-GCM returns
// (hsm/pkcs11 with CKM_AES_GCM in the token, hsm/fake in software): versioned,
// naming the key and the mechanism, public bytes safe to store.
//
// Format v1 (fixed-size fields; the label is length-prefixed):
//
//   offset  size  field
//   0       2     magic "BK" (0x42 0x4B)
//   2       1     format version: 0x01
//   3       1     mechanism: 0x01 = AES-256-GCM, 96-bit IV, 128-bit tag
//                 (NIST SP 800-38D; PKCS#11 CKM_AES_GCM)
//   4       1     key label length L, 1..255
//   5       L     key label (the key's CKA_LABEL, UTF-8)
//   5+L     12    IV (from the token's RNG for PKCS#11)
//   17+L    n     ciphertext (n = plaintext length, 0 allowed)
//   17+L+n  16    GCM tag
//
// Bytes [0, 5+L) are the header. The GCM associated data is the header
// followed by the caller's AAD, so the header is authenticated too; as the
// header is self-delimiting, header || aad is unambiguous.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_HSM_ENVELOPE_KEYSTORE_ENVELOPE_H_
#define BREAKGLASS_HSM_ENVELOPE_KEYSTORE_ENVELOPE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::hsm {

inline constexpr uint8_t kEnvelopeVersion = 1;
inline constexpr size_t kEnvelopeIvSize = 12;
inline constexpr size_t kEnvelopeTagSize = 16;
inline constexpr size_t kMaxKeyLabelSize = 255;

enum class SealMechanism : uint8_t {
  kAes256Gcm = 1,
};

// A parsed envelope; views into the parsed string.
struct EnvelopeView {
  SealMechanism mechanism;
  std::string_view key_label;
  std::string_view header;      // bytes [0, 5+L)
  std::string_view iv;          // 12 bytes
  std::string_view ciphertext;  // n bytes
  std::string_view tag;         // 16 bytes
  // ciphertext || tag, contiguous (the form PKCS#11 C_Decrypt takes).
  std::string_view ciphertext_and_tag;
};

// The header for a key. INVALID_ARGUMENT when the label is empty or longer
// than 255 bytes.
absl::StatusOr<std::string> EncodeEnvelopeHeader(SealMechanism mechanism,
                                                 std::string_view key_label);

// Parses the layout above. INVALID_ARGUMENT (naming what is wrong) for a bad
// magic, an unknown version or mechanism, or a truncated envelope. Does not
// authenticate anything.
absl::StatusOr<EnvelopeView> ParseEnvelope(std::string_view envelope);

// The GCM associated data: header || aad.
std::string EnvelopeAad(std::string_view header, std::string_view aad);

// "AES-256-GCM" for messages.
std::string_view SealMechanismName(SealMechanism mechanism);

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_ENVELOPE_KEYSTORE_ENVELOPE_H_
