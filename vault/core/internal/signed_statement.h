// The mechanics every signed statement of the core shares (the approval
// statement, statement.h; the review statement, review_statement.h): signed
// bytes = a domain line || the FlatJson canonical form of a flat object
// (flat_json.h), a strict inverse, member-by-member comparison with the
// appliance's own statement, field checks and signature verification. Each
// statement type keeps only its own members; the mechanism is described and
// implemented here once. Not part of the core's API.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_CORE_INTERNAL_SIGNED_STATEMENT_H_
#define BREAKGLASS_VAULT_CORE_INTERNAL_SIGNED_STATEMENT_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/core/flat_json.h"
#include "vault/crypto/signature.h"

namespace breakglass::core::internal {

// `domain` (a line ending in '\n') || json.Encode(). Errors of Encode.
absl::StatusOr<std::string> SignedBytesOf(std::string_view domain, const FlatJson& json);

// Parses `json`, refusing any member not in `members` (INVALID_ARGUMENT
// "statement: unknown member 'x'") and non-canonical text. Whether the
// required members are present is the caller's check (FlatJson::Get*).
absl::StatusOr<FlatJson> ParseStatementJson(std::string_view json,
                                            std::span<const std::string_view> members);

// The JSON after the domain line. INVALID_ARGUMENT "statement: signed bytes
// must start with the line "<domain>"" otherwise.
absl::StatusOr<std::string_view> StripDomain(std::string_view domain, std::string_view bytes);

// OK when `expected` and `claimed` agree on every member in `order`;
// otherwise INVALID_ARGUMENT naming the first one that differs with both
// values: "the signed statement's <m> is <claimed> but <source> has
// <expected>; <advice>". A member missing on one side counts as different.
absl::Status CompareMembers(const FlatJson& expected, const FlatJson& claimed,
                            std::span<const std::string_view> order, std::string_view source,
                            std::string_view advice);

// Verifies `signature` over `bytes` under `key`. On failure the status of
// PublicKey::Verify (PERMISSION_DENIED when it does not verify,
// INVALID_ARGUMENT when malformed) with the message "<who> does not verify
// under their registered key <fingerprint> (<why>); sign the statement with
// the key registered for <signer>".
absl::Status VerifyStatementSignature(const crypto::PublicKey& key, std::string_view bytes,
                                      std::string_view signature, std::string_view who,
                                      std::string_view signer);

// INVALID_ARGUMENT "<field>: must be 64 lower-case hex characters (32 bytes)".
absl::Status CheckHex32(std::string_view field, std::string_view value);
// Incident ids in statements: 1..128 printable ASCII characters without
// spaces, quotes or backslashes. INVALID_ARGUMENT naming `field`.
absl::Status CheckIncidentText(std::string_view field, std::string_view value);

}  // namespace breakglass::core::internal

#endif  // BREAKGLASS_VAULT_CORE_INTERNAL_SIGNED_STATEMENT_H_
