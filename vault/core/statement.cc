#include "vault/core/statement.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/core/flat_json.h"
#include "vault/core/identity.h"
#include "vault/core/internal/signed_statement.h"
#include "vault/crypto/sha256.h"

namespace breakglass::core {
namespace {

constexpr std::array<std::string_view, 10> kMembers = {
    "credential", "credential_version", "custodian", "decision",  "expires",
    "incident",   "reason_sha256",      "release_key", "request", "requester"};

FlatJson ToFlat(const ApprovalStatement& s) {
  FlatJson j;
  j.Set("credential", s.credential_id)
      .Set("credential_version", s.credential_version)
      .Set("custodian", s.custodian)
      .Set("decision", std::string(DecisionName(s.decision)))
      .Set("expires", s.expires_unix)
      .Set("incident", s.incident)
      .Set("reason_sha256", s.reason_sha256)
      .Set("release_key", s.release_key)
      .Set("request", s.request_id)
      .Set("requester", s.requester);
  return j;
}

absl::Status Validate(const ApprovalStatement& s) {
  BG_RETURN_IF_ERROR(ValidateName("statement.request", s.request_id));
  BG_RETURN_IF_ERROR(ValidateName("statement.credential", s.credential_id));
  BG_RETURN_IF_ERROR(ValidateName("statement.requester", s.requester));
  BG_RETURN_IF_ERROR(ValidateName("statement.custodian", s.custodian));
  BG_RETURN_IF_ERROR(internal::CheckIncidentText("statement.incident", s.incident));
  BG_RETURN_IF_ERROR(internal::CheckHex32("statement.reason_sha256", s.reason_sha256));
  BG_RETURN_IF_ERROR(internal::CheckHex32("statement.release_key", s.release_key));
  if (s.credential_version < 1) {
    return absl::InvalidArgumentError("statement.credential_version: must be at least 1");
  }
  if (s.expires_unix < 1) return absl::InvalidArgumentError("statement.expires: must be positive");
  return absl::OkStatus();
}

absl::StatusOr<Decision> ParseDecision(const std::string& v) {
  if (v == "approve") return Decision::kApprove;
  if (v == "deny") return Decision::kDeny;
  return absl::InvalidArgumentError("statement.decision: must be \"approve\" or \"deny\"");
}

}  // namespace

std::string_view DecisionName(Decision decision) {
  return decision == Decision::kApprove ? "approve" : "deny";
}

std::string ReasonSha256Hex(std::string_view reason) {
  return base::HexEncode(crypto::Sha256String(reason));
}

absl::StatusOr<std::string> ApprovalStatement::ToJson() const {
  BG_RETURN_IF_ERROR(Validate(*this));
  return ToFlat(*this).Encode();
}

absl::StatusOr<std::string> ApprovalStatement::SignedBytes() const {
  BG_RETURN_IF_ERROR(Validate(*this));
  return internal::SignedBytesOf(kApprovalDomain, ToFlat(*this));
}

absl::StatusOr<ApprovalStatement> ApprovalStatement::FromJson(std::string_view json) {
  BG_ASSIGN_OR_RETURN(FlatJson j, internal::ParseStatementJson(json, kMembers));
  ApprovalStatement s;
  BG_ASSIGN_OR_RETURN(s.credential_id, j.GetString("credential"));
  BG_ASSIGN_OR_RETURN(s.credential_version, j.GetInt("credential_version"));
  BG_ASSIGN_OR_RETURN(s.custodian, j.GetString("custodian"));
  BG_ASSIGN_OR_RETURN(std::string decision, j.GetString("decision"));
  BG_ASSIGN_OR_RETURN(s.decision, ParseDecision(decision));
  BG_ASSIGN_OR_RETURN(s.expires_unix, j.GetInt("expires"));
  BG_ASSIGN_OR_RETURN(s.incident, j.GetString("incident"));
  BG_ASSIGN_OR_RETURN(s.reason_sha256, j.GetString("reason_sha256"));
  BG_ASSIGN_OR_RETURN(s.release_key, j.GetString("release_key"));
  BG_ASSIGN_OR_RETURN(s.request_id, j.GetString("request"));
  BG_ASSIGN_OR_RETURN(s.requester, j.GetString("requester"));
  BG_RETURN_IF_ERROR(Validate(s));
  return s;
}

absl::StatusOr<ApprovalStatement> ApprovalStatement::FromSignedBytes(std::string_view bytes) {
  BG_ASSIGN_OR_RETURN(std::string_view json, internal::StripDomain(kApprovalDomain, bytes));
  return FromJson(json);
}

absl::Status CompareStatements(const ApprovalStatement& expected,
                               const ApprovalStatement& claimed) {
  // Most telling first: a replay differs in `request`, a forgery in `custodian`.
  static constexpr std::string_view kOrder[] = {
      "request",  "custodian", "decision",      "credential",  "credential_version",
      "requester", "incident", "reason_sha256", "expires",     "release_key"};
  return internal::CompareMembers(
      ToFlat(expected), ToFlat(claimed), kOrder, "the request",
      "fetch the request again, check it, and sign the statement it shows");
}

absl::Status VerifySignedStatement(const ApprovalStatement& expected,
                                   const ApprovalStatement& claimed, std::string_view signature,
                                   const crypto::PublicKey& key) {
  BG_RETURN_IF_ERROR(CompareStatements(expected, claimed));
  BG_ASSIGN_OR_RETURN(std::string bytes, expected.SignedBytes());
  return internal::VerifyStatementSignature(
      key, bytes, signature,
      absl::StrCat("the ", std::string(DecisionName(expected.decision)), " signature of custodian ",
                   expected.custodian),
      expected.custodian);
}

}  // namespace breakglass::core
