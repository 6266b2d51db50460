// Sealed Shamir shares (DESIGN.md "Secrets").
//
// Share i of a credential version belongs to custodian i and is sealed by the
// keystore with associated data that binds it to (credential id, version,
// custodian, share index), so a blob moved to another credential, version,
// custodian or position does not open.
//
// AAD bytes (all integers big-endian):
//   "breakglass-share-aad-v1" 0x00
//   u16 len || credential id   u64 version   u16 len || custodian   u8 share index
//
// Envelope bytes (stored; public):
//   "BGSE" | u8 format version (1) | u8 layer count (1..8)
//   per layer, outermost first: u8 kind | u16 len || label
//   u32 len || ciphertext (the output of the outermost layer)
//   and nothing after it.
// Opening applies the layers outermost first; each layer's output is the next
// layer's input and the last output is the share. Kinds: 1 = keystore (label =
// Keystore::Describe() at seal time). Kind 2 is reserved for the planned
// custodian-held inner layer (split knowledge), so adding it needs no
// migration; envelopes carrying it are refused here with FAILED_PRECONDITION.
//
// Thread-safety: value types; SealShare/OpenShare are as thread-safe as the
// Keystore they are given (hsm/keystore.h: safe).
#ifndef BREAKGLASS_VAULT_CORE_SHARE_ENVELOPE_H_
#define BREAKGLASS_VAULT_CORE_SHARE_ENVELOPE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hsm/keystore.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::core {

// What a sealed share is bound to.
struct ShareBinding {
  std::string credential_id;
  int64_t version = 0;
  std::string custodian;
  int share_index = 0;  // 1..255
};

// The AAD bytes described in the file comment. INVALID_ARGUMENT naming the
// field when an id is empty or longer than 65535 bytes, the version is not
// positive or the index is outside 1..255.
absl::StatusOr<std::string> ShareAad(const ShareBinding& binding);

enum class LayerKind : uint8_t { kKeystore = 1, kCustodian = 2 };

struct EnvelopeLayer {
  LayerKind kind = LayerKind::kKeystore;
  std::string label;
  friend bool operator==(const EnvelopeLayer&, const EnvelopeLayer&) = default;
};

struct ShareEnvelope {
  static constexpr uint8_t kFormatVersion = 1;
  std::vector<EnvelopeLayer> layers;  // outermost first
  std::string ciphertext;

  std::string Encode() const;
  // Strict parse. DATA_LOSS naming the problem for bad magic, an unknown
  // format version, a layer count outside 1..8, truncation or trailing bytes
  // (stored envelopes come from our own store, so damage is data loss).
  static absl::StatusOr<ShareEnvelope> Decode(std::string_view bytes);
};

// The AAD for a credential version's commitment key (sealed like a share):
//   "breakglass-commitment-key-aad-v1" 0x00 || u16 len || credential id || u64 version
// INVALID_ARGUMENT as ShareAad.
absl::StatusOr<std::string> CommitmentKeyAad(std::string_view credential_id, int64_t version);

// Seals `secret` with `keystore` under `aad` in a one-layer envelope; `what`
// names the secret in errors ("share 2 (custodian bob) of db-root v1").
absl::StatusOr<std::string> SealEnvelope(hsm::Keystore& keystore, const base::SecretBytes& secret,
                                         std::string_view aad, std::string_view what);
// Opens an envelope made by SealEnvelope with the same `aad`. Errors as
// OpenShare.
absl::StatusOr<base::SecretBytes> OpenEnvelope(hsm::Keystore& keystore, std::string_view envelope,
                                               std::string_view aad, std::string_view what);

// Seals `share` with `keystore` under the binding's AAD; returns the encoded
// envelope. Keystore errors are passed through annotated with the keystore's
// Describe(), so the caller's error names the component.
absl::StatusOr<std::string> SealShare(hsm::Keystore& keystore, const base::SecretBytes& share,
                                      const ShareBinding& binding);

// Opens an encoded envelope made by SealShare for the same binding. Errors:
// DATA_LOSS for a damaged envelope or one that fails authentication (wrong
// binding); FAILED_PRECONDITION for a layer this build cannot open; keystore
// errors (UNAVAILABLE, FAILED_PRECONDITION) annotated with the keystore and
// the share ("keystore pkcs11:...: unsealing share 2 (custodian bob) of
// db-root v1: ...").
absl::StatusOr<base::SecretBytes> OpenShare(hsm::Keystore& keystore, std::string_view envelope,
                                            const ShareBinding& binding);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_SHARE_ENVELOPE_H_
