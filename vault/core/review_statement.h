// The canonical review statement (issue 7 "Post-incident review"): the exact
// bytes a reviewer signs to sign off the post-incident review of one release.
// Same form and mechanics as the approval statement (statement.h,
// internal/signed_statement.h), under its own domain line:
//
// Signed bytes = "breakglass-review-v1" || 0x0A || JSON, the FlatJson
// canonical form (RFC 8785, flat_json.h) of an object with exactly these
// members (canonical order):
//
//   actions             string   what was done with the credential (the
//                                reviewer's account; UTF-8, 1..4096 bytes)
//   credential          string   credential id
//   credential_version  integer  the version that was released (>= 1)
//   findings            string   what the review found (UTF-8, 1..4096)
//   follow_up.<i>       string   follow-up i, i = 0 .. follow_ups-1 (UTF-8,
//                                1..1024 bytes each)
//   follow_ups          integer  number of follow-ups, 0..16
//   incident            string   incident id of the request
//   justified           string   "yes" or "no": was the access justified
//   reason_sha256       string   lower-case hex SHA-256 of the request's reason
//   release_log_index   integer  leaf index of the request's `release` event
//                                in the audit log (0-based)
//   request             string   request id
//   requester           string   identity name of the requester
//   reviewer            string   identity name of the signer
//   rotated_to_version  integer  the credential's current version when it
//                                is later than credential_version (rotated,
//                                as the vault observes it); 0 = not rotated
//
// Text members may hold any UTF-8 except control characters other than
// line feed and tab. The appliance builds the statement from its own records
// (request, release, credential) plus the reviewer's input (justified,
// actions, findings, follow-ups); a submitted statement must equal it.
//
// Example:
//   breakglass-review-v1
//   {"actions":"failed over db-1","credential":"db-root",...,"rotated_to_version":2}
//
// Signatures: Ed25519 or ECDSA P-256/SHA-256 over the signed bytes, under the
// reviewer's registered key, exactly as approvals.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_VAULT_CORE_REVIEW_STATEMENT_H_
#define BREAKGLASS_VAULT_CORE_REVIEW_STATEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {

inline constexpr std::string_view kReviewDomain = "breakglass-review-v1\n";
inline constexpr size_t kMaxReviewTextBytes = 4096;
inline constexpr size_t kMaxFollowUps = 16;
inline constexpr size_t kMaxFollowUpBytes = 1024;

// What the reviewer says. Everything else in the statement comes from the
// appliance's records.
struct ReviewInput {
  bool justified = false;
  std::string actions;
  std::string findings;
  std::vector<std::string> follow_ups;

  friend bool operator==(const ReviewInput&, const ReviewInput&) = default;
};

// INVALID_ARGUMENT naming the field ("review.actions", "review.findings",
// "review.follow_ups[2]", "review.follow_ups") when a text is empty, too
// long, not UTF-8 or holds a control character other than \n and \t, or
// there are more than kMaxFollowUps follow-ups.
absl::Status ValidateReviewInput(const ReviewInput& input);

struct ReviewStatement {
  std::string request_id;
  std::string credential_id;
  int64_t credential_version = 0;
  std::string requester;
  std::string incident;
  std::string reason_sha256;  // 64 lower-case hex characters
  int64_t release_log_index = 0;
  int64_t rotated_to_version = 0;  // 0: not rotated
  std::string reviewer;
  ReviewInput input;

  // The canonical JSON. INVALID_ARGUMENT naming the field ("statement.x" for
  // the appliance's members, "review.x" for the input) when invalid.
  absl::StatusOr<std::string> ToJson() const;
  // kReviewDomain || ToJson(): the bytes that are signed.
  absl::StatusOr<std::string> SignedBytes() const;

  // Strict inverses: unknown or missing members, non-canonical text and
  // invalid fields are INVALID_ARGUMENT naming the problem.
  static absl::StatusOr<ReviewStatement> FromJson(std::string_view json);
  static absl::StatusOr<ReviewStatement> FromSignedBytes(std::string_view bytes);

  friend bool operator==(const ReviewStatement&, const ReviewStatement&) = default;
};

// OK when `claimed` agrees with `expected` on every member the appliance
// supplies; otherwise INVALID_ARGUMENT naming the first that differs (order:
// request, reviewer, release_log_index, rotated_to_version, credential,
// credential_version, requester, incident, reason_sha256) with both values.
// The reviewer's input members are not compared (they are the reviewer's to
// choose; the signature covers them).
absl::Status CompareReviewStatements(const ReviewStatement& expected,
                                     const ReviewStatement& claimed);

// `claimed` must match `expected` (CompareReviewStatements, and the same
// input) and `signature` must verify over claimed.SignedBytes() under `key`,
// the reviewer's registered key. INVALID_ARGUMENT for a differing member or
// malformed signature; PERMISSION_DENIED when it does not verify, naming the
// reviewer and the key fingerprint.
absl::Status VerifySignedReview(const ReviewStatement& expected, const ReviewStatement& claimed,
                                std::string_view signature, const crypto::PublicKey& key);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_REVIEW_STATEMENT_H_
