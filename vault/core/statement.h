// The canonical approval statement (DESIGN.md "Quorum release", invariant 1):
// the exact bytes a custodian signs to approve or deny one request.
//
// Signed bytes = the domain string "breakglass-approval-v1" || 0x0A || JSON,
// where JSON is the FlatJson canonical form (RFC 8785, flat_json.h) of an
// object with exactly these members (shown here in their canonical order):
//
//   credential          string   credential id
//   credential_version  integer  the version the request is for (>= 1)
//   custodian           string   identity name of the signer
//   decision            string   "approve" or "deny"
//   expires             integer  end of the approval window, Unix seconds UTC
//   incident            string   incident id
//   reason_sha256       string   lower-case hex SHA-256 of the reason's bytes
//   release_key         string   lower-case hex of the requester's 32-byte
//                                X25519 release public key
//   request             string   request id
//   requester           string   identity name of the requester
//
// Example (one line, no trailing newline after the JSON):
//   breakglass-approval-v1
//   {"credential":"db-root","credential_version":1,"custodian":"bob",...}
//
// The domain line keeps these bytes from ever being valid as another signed
// message of this system (reviews, checkpoints). All names are restricted by
// ValidateName, so the JSON is plain ASCII and `jq -cS` reproduces it.
//
// Signatures: Ed25519 (RFC 8032, pure, over the signed bytes) or ECDSA P-256
// with SHA-256 over the signed bytes, as crypto::PublicKey verifies them.
//
// The mechanics (domain line, strict parse, member comparison, signature
// check) are shared with the review statement (review_statement.h) in
// internal/signed_statement.h.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_VAULT_CORE_STATEMENT_H_
#define BREAKGLASS_VAULT_CORE_STATEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {

inline constexpr std::string_view kApprovalDomain = "breakglass-approval-v1\n";

enum class Decision { kApprove, kDeny };

// "approve" / "deny".
std::string_view DecisionName(Decision decision);

// Lower-case hex SHA-256 of `reason`, as it appears in the statement.
std::string ReasonSha256Hex(std::string_view reason);

struct ApprovalStatement {
  std::string request_id;
  std::string credential_id;
  int64_t credential_version = 0;
  std::string requester;
  std::string custodian;
  std::string incident;
  std::string reason_sha256;  // 64 lower-case hex characters
  int64_t expires_unix = 0;
  std::string release_key;  // 64 lower-case hex characters
  Decision decision = Decision::kApprove;

  // The canonical JSON. INVALID_ARGUMENT naming the field when a name is not
  // a valid identifier, a hex field has the wrong length or case, the
  // incident is not printable ASCII, or a number is not positive.
  absl::StatusOr<std::string> ToJson() const;
  // kApprovalDomain || ToJson(): the bytes that are signed.
  absl::StatusOr<std::string> SignedBytes() const;

  // Strict inverse of ToJson: unknown or missing members, non-canonical text
  // and invalid fields are INVALID_ARGUMENT naming the problem.
  static absl::StatusOr<ApprovalStatement> FromJson(std::string_view json);
  // Strict inverse of SignedBytes.
  static absl::StatusOr<ApprovalStatement> FromSignedBytes(std::string_view bytes);

  friend bool operator==(const ApprovalStatement&, const ApprovalStatement&) = default;
};

// OK when equal; otherwise INVALID_ARGUMENT naming the first differing member
// (in the order request, custodian, decision, credential, credential_version,
// requester, incident, reason_sha256, expires, release_key) with both values, e.g. "the signed statement's
// incident is 'INC-2' but request ... has 'INC-1'". `what` names the request
// for the message.
absl::Status CompareStatements(const ApprovalStatement& expected,
                               const ApprovalStatement& claimed);

// Checks a custodian's signed decision: `claimed` must equal `expected` (the
// statement the appliance builds from its own record of the request; see
// CompareStatements) and `signature` must verify over expected.SignedBytes()
// under `key`, the custodian's registered key. Errors: INVALID_ARGUMENT for a
// differing member or a malformed signature; PERMISSION_DENIED when the
// signature does not verify, naming the custodian and the key fingerprint.
absl::Status VerifySignedStatement(const ApprovalStatement& expected,
                                   const ApprovalStatement& claimed, std::string_view signature,
                                   const crypto::PublicKey& key);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_STATEMENT_H_
