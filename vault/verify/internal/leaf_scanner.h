// A strict, allocation-free checker of audit-log leaves, written apart from
// vault/audit on purpose: the auditor's verifier must not trust the code that
// produced the log (DESIGN.md "Audit log", STYLE.md "Layers").
//
// A leaf must be canonical JSON as vault/audit/canonical_json.h defines it
// (RFC 8785 without floats): UTF-8 without overlong forms or surrogates; no
// insignificant whitespace; object keys printable ASCII, in strictly
// increasing byte order (so no duplicates); strings escaping exactly `"`, `\`
// and the control characters (\b \t \n \f \r, the rest as lower-case \u00xx)
// and nothing else; integers only, `-?(0|[1-9][0-9]*)`, magnitude below 2^53,
// no "-0"; true, false, null; no value nested inside more than kMaxLeafDepth
// arrays or objects.
//
// The leaf itself must be an object holding the seven common fields of an
// audit event (vault/audit/event.h) with their JSON types: "seq" (integer >=
// 0), "time" (integer), "type", "actor", "subject", "incident", "reason"
// (strings). Other members are the event's type-specific fields.
//
// Cost: one pass over the bytes, no allocation for leaves whose keys carry no
// escapes. Thread-safe (no state).
#ifndef BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_SCANNER_H_
#define BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_SCANNER_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace breakglass::verify::internal {

inline constexpr int kMaxLeafDepth = 16;

// What the verifier needs from a leaf.
struct LeafFields {
  uint64_t seq = 0;
  // The "type" string's raw bytes between the quotes (escapes not undone;
  // event type names never need any).
  std::string_view type;
};

// Checks `leaf` (see the file comment) and fills `*out`. INVALID_ARGUMENT
// naming the byte offset and the rule broken ("byte 57: object keys out of
// order") when it is not a canonical event. An OK result allocates nothing.
absl::Status ScanLeaf(std::string_view leaf, LeafFields* out);

}  // namespace breakglass::verify::internal

#endif  // BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_SCANNER_H_
