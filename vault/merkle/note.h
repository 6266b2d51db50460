// C2SP signed-note v1 (c2sp.org/signed-note) with Ed25519 signatures
// (signature type 0x01) — the envelope of our checkpoints. Behaviour matches
// golang.org/x/mod/sumdb/note, the reference implementation, except where
// noted as stricter.
//
//   <text, ending in "\n">
//   <blank line>
//   — <key name> <base64(4-byte big-endian key ID || 64-byte signature)>\n  (one or more)
//
// Key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
// Verifier key = "<key name>+<8 hex digits of key ID>+<base64(0x01 || public key)>".
//
// Opening a note (OpenNote) is strict. The note must be valid UTF-8 with no
// control character but newline; the text is everything up to the last blank
// line; every line after it must be a well-formed signature line; at most
// kMaxNoteSignatures of them. Signatures whose (name, key ID) is not one of the
// given verifiers are ignored, as the spec requires. Every signature that does
// match a verifier must verify (stricter than Go, which checks only the first
// per key), and at least one must.
//
// Errors: INVALID_ARGUMENT for anything malformed (the message says what);
// PERMISSION_DENIED when a signature by a known key does not verify;
// UNAUTHENTICATED when no signature is by a known key.
//
// Pure: signing goes through an injected callback or hsm::LogSigner; Ed25519
// verification through crypto::VerifyEd25519. Thread-safety: NoteVerifier is
// immutable; NoteSigner is as thread-safe as the callback it wraps (a
// LogSigner is). The free functions are thread-safe.
#ifndef BREAKGLASS_VAULT_MERKLE_NOTE_H_
#define BREAKGLASS_VAULT_MERKLE_NOTE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hsm/log_signer.h"

namespace breakglass::merkle {

inline constexpr uint8_t kNoteSignatureTypeEd25519 = 0x01;
// Go's limit; the spec requires accepting at least 16.
inline constexpr size_t kMaxNoteSignatures = 100;

// A key name per the spec: non-empty, valid UTF-8, no Unicode space, no '+'.
bool IsValidKeyName(std::string_view name);
// OK when `text` is valid UTF-8 without ASCII control characters other than
// newline; otherwise INVALID_ARGUMENT naming the byte offset.
absl::Status CheckNoteCharacters(std::string_view text);
// The key ID of an Ed25519 key. `public_key` is the raw 32-byte key.
uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key);

// A trusted Ed25519 note-verification key.
class NoteVerifier final {
 public:
  // Parses the verifier key form above. INVALID_ARGUMENT when malformed, the
  // type is not 0x01, the key is not 32 bytes, or the key ID does not match.
  static absl::StatusOr<NoteVerifier> Parse(std::string_view vkey);
  // From a name and raw 32-byte key. INVALID_ARGUMENT on a bad name or length.
  static absl::StatusOr<NoteVerifier> FromEd25519(std::string_view name,
                                                  std::string_view public_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  // Raw 32-byte Ed25519 key.
  const std::string& public_key() const { return public_key_; }
  // The verifier key string, "<name>+<hex key ID>+<base64>".
  std::string ToString() const;

  // Checks a raw 64-byte signature over `text`. INVALID_ARGUMENT when it is
  // not 64 bytes; PERMISSION_DENIED when it does not verify.
  absl::Status Verify(std::string_view text, std::string_view signature) const;

 private:
  NoteVerifier(std::string name, std::string public_key, uint32_t key_id)
      : name_(std::move(name)), public_key_(std::move(public_key)), key_id_(key_id) {}

  std::string name_;
  std::string public_key_;
  uint32_t key_id_;
};

// Signs note text with an Ed25519 key that it never sees.
class NoteSigner final {
 public:
  // Returns the 64-byte Ed25519 signature of `message`, or an error.
  using SignFn = std::function<absl::StatusOr<std::string>(std::string_view message)>;

  // INVALID_ARGUMENT on a bad name or a public key that is not 32 bytes.
  static absl::StatusOr<NoteSigner> Create(std::string_view name, std::string_view public_key,
                                           SignFn sign);
  // Signs with `signer` (borrowed: it must outlive the NoteSigner and its
  // copies). Reads the public key once, here; its errors are passed through.
  static absl::StatusOr<NoteSigner> FromLogSigner(std::string_view name, hsm::LogSigner& signer);

  const NoteVerifier& verifier() const { return verifier_; }

  // The signed note for `text`: text, blank line, one signature line. The
  // signature is checked against the public key before it is returned, so a
  // wrong key or a faulty device never yields a note that does not verify.
  // INVALID_ARGUMENT when `text` is empty, does not end in "\n" or has
  // characters a note may not hold; the callback's errors passed through;
  // INTERNAL when the callback returns a signature that does not verify.
  absl::StatusOr<std::string> Sign(std::string_view text) const;

 private:
  NoteSigner(NoteVerifier verifier, SignFn sign)
      : verifier_(std::move(verifier)), sign_(std::move(sign)) {}

  NoteVerifier verifier_;
  SignFn sign_;
};

// One signature line of a note.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // the bytes after the key ID
};

// A note whose text is authenticated by at least one trusted key.
struct OpenedNote {
  std::string text;                       // includes its final newline
  std::vector<NoteSignature> verified;    // by the given verifiers
  std::vector<NoteSignature> unverified;  // by unknown keys; ignored
};

// Parses `note` and verifies it with `verifiers` (see the file comment for the
// rules and error codes). INVALID_ARGUMENT also when two verifiers share a
// name and key ID.
absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    absl::Span<const NoteVerifier> verifiers);

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_NOTE_H_
