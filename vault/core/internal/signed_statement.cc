#include "vault/core/internal/signed_statement.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::core::internal {
namespace {

std::string Render(const FlatJson::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return absl::StrCat("'", *s, "'");
  return absl::StrCat(std::get<int64_t>(v));
}

std::string RenderMember(const FlatJson& j, std::string_view key) {
  auto it = j.members().find(key);
  return it == j.members().end() ? "(missing)" : Render(it->second);
}

}  // namespace

absl::StatusOr<std::string> SignedBytesOf(std::string_view domain, const FlatJson& json) {
  BG_ASSIGN_OR_RETURN(std::string text, json.Encode());
  return absl::StrCat(std::string(domain), text);
}

absl::StatusOr<FlatJson> ParseStatementJson(std::string_view json,
                                            std::span<const std::string_view> members) {
  BG_ASSIGN_OR_RETURN(FlatJson j, FlatJson::Parse(json));
  for (const auto& [key, value] : j.members()) {
    bool known = false;
    for (std::string_view m : members) known |= m == key;
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("statement: unknown member '", key, "'"));
    }
  }
  return j;
}

absl::StatusOr<std::string_view> StripDomain(std::string_view domain, std::string_view bytes) {
  if (bytes.substr(0, domain.size()) != domain) {
    return absl::InvalidArgumentError(
        absl::StrCat("statement: signed bytes must start with the line \"",
                     std::string(domain.substr(0, domain.size() - 1)), "\""));
  }
  return bytes.substr(domain.size());
}

absl::Status CompareMembers(const FlatJson& expected, const FlatJson& claimed,
                            std::span<const std::string_view> order, std::string_view source,
                            std::string_view advice) {
  for (std::string_view key : order) {
    auto e = expected.members().find(key);
    auto c = claimed.members().find(key);
    const bool same =
        e != expected.members().end() && c != claimed.members().end() && e->second == c->second;
    if (same) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "the signed statement's ", std::string(key), " is ", RenderMember(claimed, key), " but ",
        std::string(source), " has ", RenderMember(expected, key), "; ", std::string(advice)));
  }
  return absl::OkStatus();
}

absl::Status VerifyStatementSignature(const crypto::PublicKey& key, std::string_view bytes,
                                      std::string_view signature, std::string_view who,
                                      std::string_view signer) {
  absl::Status verified = key.Verify(bytes, signature);
  if (verified.ok()) return verified;
  return absl::Status(
      verified.code(),
      absl::StrCat(std::string(who), " does not verify under their registered key ",
                   key.FingerprintHex(), " (", std::string(verified.message()),
                   "); sign the statement with the key registered for ", std::string(signer)));
}

absl::Status CheckHex32(std::string_view field, std::string_view value) {
  bool ok = value.size() == 64;
  for (char c : value) ok &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), ": must be 64 lower-case hex characters (32 bytes)"));
}

absl::Status CheckIncidentText(std::string_view field, std::string_view value) {
  bool ok = !value.empty() && value.size() <= 128;
  for (char c : value) ok &= c > 0x20 && c < 0x7F && c != '"' && c != '\\';
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field),
                   ": must be 1 to 128 printable ASCII characters without spaces, quotes or "
                   "backslashes"));
}

}  // namespace breakglass::core::internal
