#include "firmware-config/firmware_profile.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tpm/evidence/attest.h"
#include "vault/base/status.h"

namespace breakglass::firmware {
namespace {

using Keys = std::vector<std::string_view>;

constexpr char kAllowedAttributes[] = "counter, no_da, ownerread, authwrite, policywrite";

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(std::string(path), ".", std::string(key));
}

// Typed, validated access to a parsed profile; every error names the source
// file, the line and the key.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  absl::Status Error(const toml::node& node, std::string_view key, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ":", node.source().begin.line, ": ",
                                                   std::string(key), ": ", std::string(what)));
  }

  // `table` (at `path`) must hold exactly `keys`.
  absl::Status ExactKeys(const toml::table& table, std::string_view path, const Keys& keys) const {
    std::string allowed;
    for (std::string_view k : keys) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
    for (const auto& [k, node] : table) {
      if (std::find(keys.begin(), keys.end(), std::string_view(k.str())) == keys.end()) {
        return Error(node, Join(path, k.str()),
                     absl::StrCat("unknown key; allowed in [", std::string(path), "]: ", allowed));
      }
    }
    for (std::string_view k : keys) {
      if (!table.contains(k)) {
        return Error(table, Join(path, k),
                     absl::StrCat("missing; [", std::string(path), "] needs: ", allowed));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<const toml::table*> Table(const toml::table& t, std::string_view path,
                                           std::string_view key, const Keys& keys) const {
    const toml::table* sub = t.get(key)->as_table();
    if (sub == nullptr) return Error(*t.get(key), Join(path, key), "expected a table");
    BG_RETURN_IF_ERROR(ExactKeys(*sub, Join(path, key), keys));
    return sub;
  }

  absl::StatusOr<std::string> String(const toml::table& t, std::string_view path,
                                     std::string_view key) const {
    const toml::node& node = *t.get(key);
    if (!node.is_string()) return Error(node, Join(path, key), "expected a string");
    return std::string(*node.value<std::string>());
  }

  absl::StatusOr<std::string> NonEmpty(const toml::table& t, std::string_view path,
                                       std::string_view key, size_t max) const {
    BG_ASSIGN_OR_RETURN(std::string s, String(t, path, key));
    if (s.empty() || s.size() > max) {
      return Error(*t.get(key), Join(path, key), absl::StrCat("expected 1..", max, " bytes"));
    }
    return s;
  }

  absl::StatusOr<std::string> AbsolutePath(const toml::table& t, std::string_view path,
                                           std::string_view key) const {
    // Not BG_ASSIGN_OR_RETURN: g++ 12 reports a false maybe-uninitialized on it here.
    absl::StatusOr<std::string> s = String(t, path, key);
    if (s.ok() && s->rfind('/', 0) != 0) {
      return Error(*t.get(key), Join(path, key), "expected an absolute path");
    }
    return s;
  }

  absl::StatusOr<uint32_t> Integer(const toml::node& node, std::string_view key, uint32_t lo,
                                   uint32_t hi) const {
    std::optional<int64_t> v = node.value_exact<int64_t>();
    if (!node.is_integer() || !v || *v < lo || *v > hi) {
      return Error(node, key,
                   absl::StrCat("expected an integer in 0x", absl::Hex(lo), "..0x", absl::Hex(hi),
                                " (", lo, "..", hi, ")"));
    }
    return static_cast<uint32_t>(*v);
  }

  absl::StatusOr<const toml::array*> Array(const toml::table& t, std::string_view path,
                                           std::string_view key) const {
    const toml::array* a = t.get(key)->as_array();
    if (a == nullptr || a->empty()) {
      return Error(*t.get(key), Join(path, key), "expected a non-empty array");
    }
    return a;
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

absl::StatusOr<PcrPolicy> ParsePcrPolicy(const Reader& r, const toml::table& t,
                                         std::string_view path) {
  PcrPolicy p;
  BG_ASSIGN_OR_RETURN(p.bank, r.String(t, path, "bank"));
  if (p.bank != "sha1" && p.bank != "sha256" && p.bank != "sha384") {
    return r.Error(*t.get("bank"), Join(path, "bank"),
                   absl::StrCat("'", p.bank, "' is not allowed; allowed: sha1, sha256, sha384"));
  }
  BG_ASSIGN_OR_RETURN(const toml::array* pcrs, r.Array(t, path, "pcrs"));
  for (const toml::node& n : *pcrs) {
    BG_ASSIGN_OR_RETURN(uint32_t pcr, r.Integer(n, Join(path, "pcrs"), 0, 23));
    if (!p.pcrs.empty() && pcr <= p.pcrs.back()) {
      return r.Error(n, Join(path, "pcrs"), "PCRs must be ascending without duplicates");
    }
    p.pcrs.push_back(pcr);
  }
  return p;
}

absl::Status ParseAttributes(const Reader& r, const toml::table& t, std::string_view path,
                             CounterProfile& c) {
  static const std::map<std::string, uint32_t> kBits = {{"counter", tpm::kTpmaNvCounter},
                                                        {"no_da", tpm::kTpmaNvNoDa},
                                                        {"ownerread", tpm::kTpmaNvOwnerRead},
                                                        {"authwrite", tpm::kTpmaNvAuthWrite},
                                                        {"policywrite", tpm::kTpmaNvPolicyWrite}};
  const std::string key = Join(path, "attributes");
  BG_ASSIGN_OR_RETURN(const toml::array* attrs, r.Array(t, path, "attributes"));
  for (const toml::node& n : *attrs) {
    std::optional<std::string> name = n.value<std::string>();
    auto it = name ? kBits.find(*name) : kBits.end();
    if (!n.is_string() || it == kBits.end()) {
      std::string why = name == std::optional<std::string>("orderly")
                            ? " (an ORDERLY counter can lose increments on power loss)"
                            : "";
      return r.Error(n, key,
                     absl::StrCat("'", name.value_or("?"), "' is not allowed", why,
                                  "; allowed: ", kAllowedAttributes));
    }
    if (c.attribute_bits & it->second) return r.Error(n, key, absl::StrCat("'", *name, "' twice"));
    c.attribute_bits |= it->second;
    c.attributes.push_back(*name);
  }
  const uint32_t required = tpm::kTpmaNvCounter | tpm::kTpmaNvNoDa | tpm::kTpmaNvOwnerRead;
  const bool auth = c.attribute_bits & tpm::kTpmaNvAuthWrite;
  c.pcr_bound_writes = c.attribute_bits & tpm::kTpmaNvPolicyWrite;
  if ((c.attribute_bits & required) != required || auth == c.pcr_bound_writes) {
    return r.Error(*attrs, key,
                   "must be counter, no_da, ownerread and exactly one of authwrite "
                   "(auth value) or policywrite (auth value + PCR policy)");
  }
  return absl::OkStatus();
}

absl::StatusOr<CounterProfile> ParseCounter(const Reader& r, const toml::table& counters,
                                            std::string_view path, std::string_view name) {
  BG_ASSIGN_OR_RETURN(const toml::table* t,
                      r.Table(counters, path, name, {"nv_index", "attributes", "auth_file"}));
  const std::string here = Join(path, name);
  CounterProfile c;
  BG_ASSIGN_OR_RETURN(
      c.nv_index, r.Integer(*t->get("nv_index"), Join(here, "nv_index"), 0x01000000, 0x01ffffff));
  BG_RETURN_IF_ERROR(ParseAttributes(r, *t, here, c));
  BG_ASSIGN_OR_RETURN(c.auth_file, r.AbsolutePath(*t, here, "auth_file"));
  return c;
}

absl::StatusOr<uint32_t> PersistentHandle(const Reader& r, const toml::table& t,
                                          std::string_view path) {
  return r.Integer(*t.get("handle"), Join(path, "handle"), 0x81000000, 0x817fffff);
}

absl::Status ParseTpm(const Reader& r, const toml::table& root, FirmwareProfile::Tpm& tpm) {
  BG_ASSIGN_OR_RETURN(
      const toml::table* t,
      r.Table(root, "", "tpm", {"pcr_policy", "counters", "attestation_key", "srk"}));
  BG_ASSIGN_OR_RETURN(const toml::table* pcr, r.Table(*t, "tpm", "pcr_policy", {"bank", "pcrs"}));
  BG_ASSIGN_OR_RETURN(tpm.pcr_policy, ParsePcrPolicy(r, *pcr, "tpm.pcr_policy"));
  BG_ASSIGN_OR_RETURN(const toml::table* counters,
                      r.Table(*t, "tpm", "counters", {"release", "checkpoint"}));
  BG_ASSIGN_OR_RETURN(tpm.release_counter, ParseCounter(r, *counters, "tpm.counters", "release"));
  BG_ASSIGN_OR_RETURN(tpm.checkpoint_counter,
                      ParseCounter(r, *counters, "tpm.counters", "checkpoint"));
  if (tpm.release_counter.nv_index == tpm.checkpoint_counter.nv_index) {
    return r.Error(*counters, "tpm.counters", "release and checkpoint need distinct nv_index");
  }
  BG_ASSIGN_OR_RETURN(const toml::table* ak, r.Table(*t, "tpm", "attestation_key", {"handle"}));
  BG_ASSIGN_OR_RETURN(tpm.ak_handle, PersistentHandle(r, *ak, "tpm.attestation_key"));
  BG_ASSIGN_OR_RETURN(const toml::table* srk, r.Table(*t, "tpm", "srk", {"handle", "algorithm"}));
  BG_ASSIGN_OR_RETURN(tpm.srk_handle, PersistentHandle(r, *srk, "tpm.srk"));
  if (tpm.srk_handle == tpm.ak_handle) {
    return r.Error(*srk, "tpm.srk.handle", "must differ from tpm.attestation_key.handle");
  }
  BG_ASSIGN_OR_RETURN(tpm.srk_algorithm, r.String(*srk, "tpm.srk", "algorithm"));
  if (tpm.srk_algorithm != "ecc-p256" && tpm.srk_algorithm != "rsa-2048") {
    return r.Error(
        *srk->get("algorithm"), "tpm.srk.algorithm",
        absl::StrCat("'", tpm.srk_algorithm, "' is not allowed; allowed: ecc-p256, rsa-2048"));
  }
  return absl::OkStatus();
}

absl::Status ParseHsm(const Reader& r, const toml::table& root, FirmwareProfile::Hsm& hsm) {
  BG_ASSIGN_OR_RETURN(const toml::table* t,
                      r.Table(root, "", "hsm", {"module_path", "token_label", "keys"}));
  BG_ASSIGN_OR_RETURN(hsm.module_path, r.AbsolutePath(*t, "hsm", "module_path"));
  BG_ASSIGN_OR_RETURN(hsm.token_label, r.NonEmpty(*t, "hsm", "token_label", 32));
  BG_ASSIGN_OR_RETURN(const toml::table* keys,
                      r.Table(*t, "hsm", "keys", {"share_seal", "log_signer"}));
  BG_ASSIGN_OR_RETURN(hsm.share_seal_key_label, r.NonEmpty(*keys, "hsm.keys", "share_seal", 255));
  BG_ASSIGN_OR_RETURN(hsm.log_signer_key_label, r.NonEmpty(*keys, "hsm.keys", "log_signer", 255));
  if (hsm.share_seal_key_label == hsm.log_signer_key_label) {
    return r.Error(*keys, "hsm.keys", "share_seal and log_signer need distinct labels");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FirmwareProfile> ParseFirmwareProfile(std::string_view toml_text,
                                                     std::string_view source) {
  Reader r(source);
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(source));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(source), ":", e.source().begin.line,
                     ": not valid TOML: ", std::string(e.description())));
  }
  BG_RETURN_IF_ERROR(r.ExactKeys(root, "", {"name", "tpm", "hsm"}));
  FirmwareProfile p;
  BG_ASSIGN_OR_RETURN(p.name, r.NonEmpty(root, "", "name", 64));
  BG_RETURN_IF_ERROR(ParseTpm(r, root, p.tpm));
  BG_RETURN_IF_ERROR(ParseHsm(r, root, p.hsm));
  return p;
}

absl::StatusOr<FirmwareProfile> LoadFirmwareProfile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return absl::NotFoundError(absl::StrCat("firmware profile ", path.string(), " not found"));
    }
    return absl::PermissionDeniedError(
        absl::StrCat("firmware profile ", path.string(), " cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseFirmwareProfile(text.str(), path.string());
}

}  // namespace breakglass::firmware
