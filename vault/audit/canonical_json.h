// Canonical JSON for audit log leaves (DESIGN.md "Audit log"): one value has
// exactly one byte form, so a leaf's hash is reproducible by anyone.
//
// The form is RFC 8785 (JSON Canonicalization Scheme) restricted to values
// without floats:
// - UTF-8 (invalid sequences, overlong forms and surrogates are rejected);
// - object members sorted by key in byte order (equal to RFC 8785's UTF-16
//   order because keys are restricted to printable ASCII), no duplicates;
// - no insignificant whitespace;
// - strings: `"` and `\` as \" and \\; U+0008, U+0009, U+000A, U+000C, U+000D
//   as \b \t \n \f \r; other control characters below U+0020 as \u00xx
//   (lower-case hex); everything else literally, so a leaf never contains a
//   raw newline and fits on one line of leaves.jsonl;
// - numbers: integers only, decimal, magnitude below 2^53 (exactly
//   representable as an IEEE double, as RFC 8785 requires); floats rejected;
// - true, false, null, arrays and nested objects allowed, nesting depth at
//   most kMaxDepth.
//
// nlohmann::json produces this form (std::map keys, ensure_ascii=false,
// strict UTF-8); the checks here reject what it would otherwise accept. The
// Append* writers produce the same bytes for strings and integers without
// building a json value (Event::Canonical's hot path); tests pin them to
// nlohmann's output.
//
// Thread-safety: free functions without shared state.
#ifndef BREAKGLASS_VAULT_AUDIT_CANONICAL_JSON_H_
#define BREAKGLASS_VAULT_AUDIT_CANONICAL_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace breakglass::audit {

inline constexpr int kMaxDepth = 16;
inline constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// True when `s` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(std::string_view s);

// The canonical bytes of `value`. INVALID_ARGUMENT naming the JSON path of the
// first offending element: a float, an integer of magnitude >= 2^53, invalid
// UTF-8, a key outside printable ASCII, nesting deeper than kMaxDepth.
absl::StatusOr<std::string> CanonicalJson(const nlohmann::json& value);

// Appends the canonical form of the string `s` (quotes included) to `out`:
// the same bytes CanonicalJson(json(s)) produces, without building a json
// value. INVALID_ARGUMENT (out unchanged) when `s` is not valid UTF-8.
absl::Status AppendCanonicalString(std::string_view s, std::string* out);

// Appends the canonical form of an integer; INVALID_ARGUMENT beyond 2^53.
absl::Status AppendCanonicalInteger(int64_t n, std::string* out);

// Parses `text`, accepting it only if it is exactly the canonical form of the
// parsed value. INVALID_ARGUMENT otherwise (malformed, non-canonical spacing,
// ordering or escaping, duplicate keys, floats, ...).
absl::StatusOr<nlohmann::json> ParseCanonicalJson(std::string_view text);

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_CANONICAL_JSON_H_
