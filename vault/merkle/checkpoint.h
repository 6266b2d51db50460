// C2SP tlog-checkpoint v1 (c2sp.org/tlog-checkpoint): the signed statement of
// a log's size and root, carried as a C2SP signed note (note.h).
//
//   <origin>\n<tree size in decimal>\n<base64 root hash>\n
//
// breakglass writes no extension lines (C2SP advises against them: monitors do
// not audit them; the TPM counter values live in the log itself). Parsing is
// strict: exactly those three lines, a non-empty origin, a size with no sign,
// no leading zero (except "0") and within 64 bits, a root that is canonical
// base64 of exactly 32 bytes. Anything else — extension lines included — is
// INVALID_ARGUMENT naming the line.
//
// Pure. Thread-safe.
#ifndef BREAKGLASS_VAULT_MERKLE_CHECKPOINT_H_
#define BREAKGLASS_VAULT_MERKLE_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/merkle/note.h"
#include "vault/merkle/tree.h"

namespace breakglass::merkle {

struct Checkpoint {
  std::string origin;  // the log's identity, e.g. "breakglass.example/appliance-7"
  uint64_t size = 0;
  Hash root{};

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `c`. INVALID_ARGUMENT unless the origin is a valid key
// name (non-empty, no spaces or '+', valid UTF-8: what the spec recommends
// and what lets the log's key carry the same name).
absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& c);

// Parses checkpoint note text strictly (see the file comment).
absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// The signed note for `c`, signed by `signer`, whose key name must equal the
// origin (INVALID_ARGUMENT otherwise). Errors of FormatCheckpoint and
// NoteSigner::Sign.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& c, const NoteSigner& signer);

// Opens a signed checkpoint: the note must verify under `verifier` (other
// signatures, e.g. witness cosignatures, are ignored) and its origin must be
// the verifier's key name. Errors of OpenNote and ParseCheckpoint, or
// INVALID_ARGUMENT for an origin that is not the key's.
absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& verifier);

}  // namespace breakglass::merkle

#endif  // BREAKGLASS_VAULT_MERKLE_CHECKPOINT_H_
