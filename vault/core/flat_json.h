// FlatJson: the canonical JSON form of a flat object whose values are strings
// or integers — the encoding of the approval statement (statement.h), chosen so
// that a custodian's CLI and an auditor can reproduce the signed bytes with any
// RFC 8785 (JSON Canonicalization Scheme) implementation, or with
// `jq -cS` for the ASCII values breakglass itself produces.
//
// Encoding (RFC 8785 restricted to this shape):
// - one object, members sorted by key, no insignificant whitespace, no
//   duplicate keys; keys are printable ASCII, where byte order equals
//   RFC 8785's UTF-16 code-unit order;
// - strings: UTF-8; `"` and `\` escaped as \" and \\; U+0008, U+0009, U+000A,
//   U+000C, U+000D as \b \t \n \f \r; other control characters < U+0020 as
//   \u00xx (lower-case hex); every other character literally;
// - integers: decimal, no sign for non-negative values, no leading zeros,
//   magnitude below 2^53 (exactly representable as an IEEE double);
// - no floats, booleans, nulls, arrays or nested objects.
//
// Parse() accepts only text that Encode() would produce from the parsed value
// (it re-encodes and compares), so one value has exactly one byte form.
//
// Thread-safety: a value type; no shared state.
#ifndef BREAKGLASS_VAULT_CORE_FLAT_JSON_H_
#define BREAKGLASS_VAULT_CORE_FLAT_JSON_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/statusor.h"

namespace breakglass::core {

class FlatJson final {
 public:
  using Value = std::variant<std::string, int64_t>;

  // Sets `key` (replacing any previous value). Keys and string values must be
  // valid UTF-8 (checked by Encode).
  FlatJson& Set(std::string key, std::string value);
  FlatJson& Set(std::string key, int64_t value);

  // The canonical text. INVALID_ARGUMENT naming the key for a string that is
  // not valid UTF-8 or an integer of magnitude >= 2^53.
  absl::StatusOr<std::string> Encode() const;

  // Strictly parses canonical text. INVALID_ARGUMENT (with the byte offset)
  // for anything else, including valid but non-canonical JSON.
  static absl::StatusOr<FlatJson> Parse(std::string_view text);

  // The string at `key`; INVALID_ARGUMENT naming the key when it is missing or
  // not a string.
  absl::StatusOr<std::string> GetString(std::string_view key) const;
  // The integer at `key`; INVALID_ARGUMENT as GetString.
  absl::StatusOr<int64_t> GetInt(std::string_view key) const;

  const std::map<std::string, Value, std::less<>>& members() const { return members_; }

 private:
  std::map<std::string, Value, std::less<>> members_;
};

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_FLAT_JSON_H_
