// Hex and standard base64 (RFC 4648 §4, with padding), encoded with OpenSSL's
// encoders and decoded strictly: any character outside the alphabet, wrong
// padding, embedded whitespace or a non-canonical trailing bit is an error.
//
// These are for public data (hashes, keys, signatures). Secret material stays in
// SecretBytes and is never hex- or base64-encoded for display.
#ifndef BREAKGLASS_VAULT_BASE_ENCODING_H_
#define BREAKGLASS_VAULT_BASE_ENCODING_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::base {

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Decodes hex (either case). INVALID_ARGUMENT on odd length or a non-hex
// character, naming its position.
absl::StatusOr<std::string> HexDecode(std::string_view hex);

// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);
// Strict decoding of standard padded base64. INVALID_ARGUMENT names the problem.
absl::StatusOr<std::string> Base64Decode(std::string_view b64);

}  // namespace breakglass::base

#endif  // BREAKGLASS_VAULT_BASE_ENCODING_H_
