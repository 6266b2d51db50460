#include "vault/verify/rollback_clears.h"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"

namespace breakglass::verify {
namespace {

using nlohmann::json;

constexpr char kHeader[] = "breakglass-rollback-clear-v1";
constexpr const char* kLabels[] = {"release", "checkpoint"};  // statement order

absl::Status Bad(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("rollback_cleared: ", std::string(why)));
}

std::optional<std::string> StringMember(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<uint64_t> UintMember(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() < 0) return std::nullopt;
  return it->get<uint64_t>();
}

// `text` split at '\n' (a trailing newline gives a last empty line).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  out.push_back(text.substr(start));
  return out;
}

// Consumes the decimal number at the front of `text`.
std::optional<uint64_t> TakeNumber(std::string_view& text) {
  size_t n = 0;
  while (n < text.size() && n < 19 && text[n] >= '0' && text[n] <= '9') ++n;
  if (n == 0) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 10 + static_cast<uint64_t>(text[i] - '0');
  text.remove_prefix(n);
  return v;
}

// The T a statement's counter line gives ("counter L: log states A, TPM
// holds T; ..."), or nullopt. The whole statement is compared afterwards.
std::optional<uint64_t> TpmValueIn(std::string_view statement, const std::string& label) {
  const std::string prefix = absl::StrCat("counter ", label, ": log states ");
  for (std::string_view line : Lines(statement)) {
    if (line.substr(0, prefix.size()) != prefix) continue;
    line.remove_prefix(prefix.size());
    if (!TakeNumber(line).has_value()) return std::nullopt;
    constexpr std::string_view kTpm = ", TPM holds ";
    if (line.substr(0, kTpm.size()) != kTpm) return std::nullopt;
    line.remove_prefix(kTpm.size());
    return TakeNumber(line);
  }
  return std::nullopt;
}

// The canonical statement of `ctx` with TPM values `tpm` (release, checkpoint).
std::string Expected(const ClearContext& ctx, const uint64_t tpm[2]) {
  std::string out = absl::StrCat(kHeader, "\norigin: ", ctx.origin, "\nlog: size ", ctx.index,
                                 ", root ", ctx.root_hex, "\n");
  if (ctx.checkpoint_sha256_hex.empty()) {
    out += "latest checkpoint: none\n";
  } else {
    absl::StrAppend(&out, "latest checkpoint: size ", ctx.checkpoint_size, ", note sha256 ",
                    ctx.checkpoint_sha256_hex, "\n");
  }
  const uint64_t stated[2] = {ctx.stated_release, ctx.stated_checkpoint};
  for (int i = 0; i < 2; ++i) {
    absl::StrAppend(&out, "counter ", kLabels[i], ": log states ", stated[i], ", TPM holds ",
                    tpm[i], "; re-baseline counter ", kLabels[i], " to ", tpm[i], "\n");
  }
  return out;
}

// Explains the first line where `got` differs from `want`.
absl::Status Differs(std::string_view want, std::string_view got) {
  const std::vector<std::string_view> w = Lines(want);
  const std::vector<std::string_view> g = Lines(got);
  size_t i = 0;
  while (i < w.size() && i < g.size() && w[i] == g[i]) ++i;
  return Bad(absl::StrCat("the signed statement's line ", i + 1, " is \"",
                          i < g.size() ? std::string(g[i]) : "(end)",
                          "\" but at this point the "
                          "log has \"",
                          i < w.size() ? std::string(w[i]) : "(end)",
                          "\": the clear is not about this log, these anchors or these counters"));
}

absl::Status CheckNumbers(const json& c, const ClearContext& ctx, const uint64_t tpm[2]) {
  const uint64_t stated[2] = {ctx.stated_release, ctx.stated_checkpoint};
  const json* counters = c.contains("counters") ? &c["counters"] : nullptr;
  for (int i = 0; i < 2; ++i) {
    const json* one =
        counters != nullptr && counters->contains(kLabels[i]) ? &(*counters)[kLabels[i]] : nullptr;
    if (one == nullptr || UintMember(*one, "log_value") != stated[i] ||
        UintMember(*one, "tpm_value") != tpm[i]) {
      return Bad(absl::StrCat("\"counters\".", kLabels[i], " does not repeat the statement"));
    }
    if (UintMember(c, absl::StrCat(kLabels[i], "_counter").c_str()) != tpm[i]) {
      return Bad(absl::StrCat("its ", kLabels[i], "_counter baseline is not the TPM value ", tpm[i],
                              " it states"));
    }
  }
  if (stated[0] == tpm[0] && stated[1] == tpm[1]) {
    return Bad("every counter agrees with the log: there was nothing to clear");
  }
  return absl::OkStatus();
}

// One approval: an active custodian's registered key, a valid signature.
absl::StatusOr<std::string> CheckApproval(const json& a, const std::string& statement,
                                          const CustodianRegistry& custodians) {
  const std::optional<std::string> name = StringMember(a, "custodian");
  const std::optional<std::string> pem = StringMember(a, "key_pem");
  const std::optional<std::string> fingerprint = StringMember(a, "key_fingerprint");
  const std::optional<std::string> sig64 = StringMember(a, "signature");
  if (!name || !pem || !fingerprint || !sig64) {
    return Bad("an approval lacks custodian, key_pem, key_fingerprint or signature");
  }
  const std::optional<std::string> registered = custodians.ActiveCustodianKey(*name);
  if (!registered.has_value()) {
    return Bad(absl::StrCat("approval by '", *name,
                            "', who is not an active custodian with a "
                            "key in this log"));
  }
  absl::StatusOr<crypto::PublicKey> key = crypto::PublicKey::FromPem(*pem);
  if (!key.ok() || key->FingerprintHex() != *registered || *fingerprint != *registered) {
    return Bad(absl::StrCat("the key of the approval by '", *name, "' is not the key ", *registered,
                            " the log records for that custodian"));
  }
  absl::StatusOr<std::string> sig = base::Base64Decode(*sig64);
  const absl::Status ok = sig.ok() ? key->Verify(statement, *sig) : sig.status();
  if (!ok.ok()) {
    return Bad(absl::StrCat("the signature of '", *name,
                            "' does not verify over the statement "
                            "with their registered key: ",
                            ok.message()));
  }
  return *name;
}

}  // namespace

void CustodianRegistry::OnIdentityLeaf(std::string_view type, std::string_view leaf) {
  const json e = json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  const std::optional<std::string> name = StringMember(e, "subject");
  if (!name.has_value()) return;
  if (type == "identity_remove") {
    if (auto it = identities_.find(*name); it != identities_.end()) it->second.active = false;
    return;
  }
  if (type != "identity_add") return;
  const std::string roles = StringMember(e, "roles").value_or("");
  Entry entry;
  for (absl::string_view role : absl::StrSplit(roles, ',')) entry.custodian |= role == "custodian";
  entry.active = true;
  entry.key_fingerprint = StringMember(e, "key_fingerprint").value_or("");
  identities_[*name] = std::move(entry);
}

std::optional<std::string> CustodianRegistry::ActiveCustodianKey(const std::string& name) const {
  const auto it = identities_.find(name);
  if (it == identities_.end() || !it->second.active || !it->second.custodian ||
      it->second.key_fingerprint.empty()) {
    return std::nullopt;
  }
  return it->second.key_fingerprint;
}

absl::StatusOr<RollbackClearSummary> CheckRollbackClear(std::string_view leaf,
                                                        const ClearContext& ctx,
                                                        const CustodianRegistry& custodians) {
  const json c = json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  const std::optional<std::string> statement = StringMember(c, "statement");
  const std::optional<uint64_t> required = UintMember(c, "required_approvals");
  if (!statement || !required || !c.contains("approvals") || !c["approvals"].is_array()) {
    return Bad("statement, required_approvals or approvals is missing");
  }
  uint64_t tpm[2];
  for (int i = 0; i < 2; ++i) {
    const std::optional<uint64_t> t = TpmValueIn(*statement, kLabels[i]);
    if (!t.has_value()) return Bad(absl::StrCat("the statement has no ", kLabels[i], " counter"));
    tpm[i] = *t;
  }
  const std::string want = Expected(ctx, tpm);
  if (*statement != want) return Differs(want, *statement);
  BG_RETURN_IF_ERROR(CheckNumbers(c, ctx, tpm));
  RollbackClearSummary s{ctx.index, static_cast<uint32_t>(*required), {}, {}};
  std::set<std::string> seen;
  for (const json& a : c["approvals"]) {
    BG_ASSIGN_OR_RETURN(std::string name, CheckApproval(a, *statement, custodians));
    if (!seen.insert(name).second) return Bad(absl::StrCat("'", name, "' approved twice"));
    s.approvers.push_back(std::move(name));
  }
  if (*required < 1 || s.approvers.size() < *required) {
    return Bad(absl::StrCat(s.approvers.size(), " valid approvals, but ", *required,
                            " required (at least 1)"));
  }
  const uint64_t stated[2] = {ctx.stated_release, ctx.stated_checkpoint};
  for (int i = 0; i < 2; ++i) s.counters.push_back({kLabels[i], stated[i], tpm[i]});
  return s;
}

}  // namespace breakglass::verify
