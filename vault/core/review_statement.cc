#include "vault/core/review_statement.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/flat_json.h"
#include "vault/core/identity.h"
#include "vault/core/internal/signed_statement.h"

namespace breakglass::core {
namespace {

// Fixed members; follow_up.<i> are checked by FollowUpKey.
constexpr std::array<std::string_view, 13> kFixedMembers = {
    "actions",   "credential", "credential_version", "findings",          "follow_ups",
    "incident",  "justified",  "reason_sha256",      "release_log_index", "request",
    "requester", "reviewer",   "rotated_to_version"};

std::string FollowUpKey(size_t i) { return absl::StrCat("follow_up.", i); }

absl::Status CheckText(std::string_view field, std::string_view text, size_t max) {
  if (text.empty() || text.size() > max) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be 1 to ", max,
                                                   " bytes of UTF-8, got ", text.size()));
  }
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be UTF-8"));
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), ": control characters other than line feed and tab are refused"));
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const ReviewStatement& s) {
  BG_RETURN_IF_ERROR(ValidateName("statement.request", s.request_id));
  BG_RETURN_IF_ERROR(ValidateName("statement.credential", s.credential_id));
  BG_RETURN_IF_ERROR(ValidateName("statement.requester", s.requester));
  BG_RETURN_IF_ERROR(ValidateName("statement.reviewer", s.reviewer));
  BG_RETURN_IF_ERROR(internal::CheckIncidentText("statement.incident", s.incident));
  BG_RETURN_IF_ERROR(internal::CheckHex32("statement.reason_sha256", s.reason_sha256));
  if (s.credential_version < 1) {
    return absl::InvalidArgumentError("statement.credential_version: must be at least 1");
  }
  if (s.release_log_index < 0) {
    return absl::InvalidArgumentError("statement.release_log_index: must not be negative");
  }
  if (s.rotated_to_version != 0 && s.rotated_to_version <= s.credential_version) {
    return absl::InvalidArgumentError(
        "statement.rotated_to_version: must be 0 (not rotated) or later than credential_version");
  }
  return ValidateReviewInput(s.input);
}

FlatJson ToFlat(const ReviewStatement& s) {
  FlatJson j;
  j.Set("actions", s.input.actions)
      .Set("credential", s.credential_id)
      .Set("credential_version", s.credential_version)
      .Set("findings", s.input.findings)
      .Set("follow_ups", static_cast<int64_t>(s.input.follow_ups.size()))
      .Set("incident", s.incident)
      .Set("justified", std::string(s.input.justified ? "yes" : "no"))
      .Set("reason_sha256", s.reason_sha256)
      .Set("release_log_index", s.release_log_index)
      .Set("request", s.request_id)
      .Set("requester", s.requester)
      .Set("reviewer", s.reviewer)
      .Set("rotated_to_version", s.rotated_to_version);
  for (size_t i = 0; i < s.input.follow_ups.size(); ++i)
    j.Set(FollowUpKey(i), s.input.follow_ups[i]);
  return j;
}

// Every member key `j` may have: the fixed ones and follow_up.0 .. .<n-1>.
absl::Status CheckMembers(const FlatJson& j, int64_t follow_ups) {
  for (const auto& [key, value] : j.members()) {
    bool known = false;
    for (std::string_view m : kFixedMembers) known |= m == key;
    for (int64_t i = 0; i < follow_ups && !known; ++i) known = key == FollowUpKey(i);
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("statement: unknown member '", key, "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ReviewInput> InputFrom(const FlatJson& j, int64_t follow_ups) {
  ReviewInput in;
  BG_ASSIGN_OR_RETURN(std::string justified, j.GetString("justified"));
  if (justified != "yes" && justified != "no") {
    return absl::InvalidArgumentError("review.justified: must be \"yes\" or \"no\"");
  }
  in.justified = justified == "yes";
  BG_ASSIGN_OR_RETURN(in.actions, j.GetString("actions"));
  BG_ASSIGN_OR_RETURN(in.findings, j.GetString("findings"));
  for (int64_t i = 0; i < follow_ups; ++i) {
    BG_ASSIGN_OR_RETURN(std::string f, j.GetString(FollowUpKey(static_cast<size_t>(i))));
    in.follow_ups.push_back(std::move(f));
  }
  return in;
}

}  // namespace

absl::Status ValidateReviewInput(const ReviewInput& input) {
  BG_RETURN_IF_ERROR(CheckText("review.actions", input.actions, kMaxReviewTextBytes));
  BG_RETURN_IF_ERROR(CheckText("review.findings", input.findings, kMaxReviewTextBytes));
  if (input.follow_ups.size() > kMaxFollowUps) {
    return absl::InvalidArgumentError(absl::StrCat("review.follow_ups: at most ", kMaxFollowUps,
                                                   ", got ", input.follow_ups.size()));
  }
  for (size_t i = 0; i < input.follow_ups.size(); ++i) {
    BG_RETURN_IF_ERROR(CheckText(absl::StrCat("review.follow_ups[", i, "]"), input.follow_ups[i],
                                 kMaxFollowUpBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReviewStatement::ToJson() const {
  BG_RETURN_IF_ERROR(Validate(*this));
  return ToFlat(*this).Encode();
}

absl::StatusOr<std::string> ReviewStatement::SignedBytes() const {
  BG_RETURN_IF_ERROR(Validate(*this));
  return internal::SignedBytesOf(kReviewDomain, ToFlat(*this));
}

absl::StatusOr<ReviewStatement> ReviewStatement::FromJson(std::string_view json) {
  BG_ASSIGN_OR_RETURN(FlatJson j, FlatJson::Parse(json));
  BG_ASSIGN_OR_RETURN(int64_t follow_ups, j.GetInt("follow_ups"));
  if (follow_ups < 0 || follow_ups > static_cast<int64_t>(kMaxFollowUps)) {
    return absl::InvalidArgumentError(
        absl::StrCat("review.follow_ups: at most ", kMaxFollowUps, ", got ", follow_ups));
  }
  BG_RETURN_IF_ERROR(CheckMembers(j, follow_ups));
  ReviewStatement s;
  BG_ASSIGN_OR_RETURN(s.credential_id, j.GetString("credential"));
  BG_ASSIGN_OR_RETURN(s.credential_version, j.GetInt("credential_version"));
  BG_ASSIGN_OR_RETURN(s.incident, j.GetString("incident"));
  BG_ASSIGN_OR_RETURN(s.reason_sha256, j.GetString("reason_sha256"));
  BG_ASSIGN_OR_RETURN(s.release_log_index, j.GetInt("release_log_index"));
  BG_ASSIGN_OR_RETURN(s.request_id, j.GetString("request"));
  BG_ASSIGN_OR_RETURN(s.requester, j.GetString("requester"));
  BG_ASSIGN_OR_RETURN(s.reviewer, j.GetString("reviewer"));
  BG_ASSIGN_OR_RETURN(s.rotated_to_version, j.GetInt("rotated_to_version"));
  BG_ASSIGN_OR_RETURN(s.input, InputFrom(j, follow_ups));
  BG_RETURN_IF_ERROR(Validate(s));
  return s;
}

absl::StatusOr<ReviewStatement> ReviewStatement::FromSignedBytes(std::string_view bytes) {
  BG_ASSIGN_OR_RETURN(std::string_view json, internal::StripDomain(kReviewDomain, bytes));
  return FromJson(json);
}

absl::Status CompareReviewStatements(const ReviewStatement& expected,
                                     const ReviewStatement& claimed) {
  // Most telling first: a replay differs in `request`, a forgery in `reviewer`,
  // a stale statement in the rotation.
  static constexpr std::string_view kOrder[] = {
      "request",      "reviewer",           "release_log_index", "rotated_to_version",
      "credential",   "credential_version", "requester",         "incident",
      "reason_sha256"};
  return internal::CompareMembers(
      ToFlat(expected), ToFlat(claimed), kOrder, "the appliance's record of the release",
      "fetch the review statement again, check it, and sign what it shows");
}

absl::Status VerifySignedReview(const ReviewStatement& expected, const ReviewStatement& claimed,
                                std::string_view signature, const crypto::PublicKey& key) {
  BG_RETURN_IF_ERROR(CompareReviewStatements(expected, claimed));
  if (!(expected.input == claimed.input)) {
    return absl::InvalidArgumentError(
        "statement: the review's answers differ from the ones this submission carries");
  }
  BG_ASSIGN_OR_RETURN(std::string bytes, claimed.SignedBytes());
  return internal::VerifyStatementSignature(
      key, bytes, signature, absl::StrCat("the review signature of ", claimed.reviewer),
      claimed.reviewer);
}

}  // namespace breakglass::core
