#include "vault/report/timeline.h"

#include <nlohmann/json.hpp>

#include "absl/time/time.h"

namespace breakglass::report {
namespace {

using json = nlohmann::json;

json CheckJson(const Check& c) { return {{"what", c.what}, {"ok", c.ok}, {"detail", c.detail}}; }

json EntryJson(const Entry& e) {
  json details = json::object();
  for (const Field& f : e.details) details[f.name] = f.value;
  json checks = json::array();
  for (const Check& c : e.checks) checks.push_back(CheckJson(c));
  json out = {{"index", e.index},     {"time", FormatTimeMs(e.time_ms)},
              {"time_ms", e.time_ms}, {"type", e.type},
              {"actor", e.actor},     {"summary", e.summary},
              {"details", details},   {"leaf_hash", e.leaf_hash_hex},
              {"checks", checks},     {"verdict", VerdictName(e.verdict)}};
  out["covered_by"] = e.covered_by.has_value() ? json(*e.covered_by) : json(nullptr);
  return out;
}

json CoverageJson(const Coverage& c) {
  json certified = json::array();
  for (const CertifiedValue& v : c.certified) {
    certified.push_back({{"counter", v.counter},
                         {"value", v.value},
                         {"tpm_clock_ms", v.tpm_clock_ms},
                         {"reset_count", v.reset_count},
                         {"restart_count", v.restart_count},
                         {"clock_safe", v.clock_safe}});
  }
  return {{"size", c.size},
          {"root", c.root_hex},
          {"anchor_leaf", c.size - 1},
          {"anchor_kind", c.anchor_kind},
          {"checkpoint_counter", c.checkpoint_counter},
          {"release_counter", c.release_counter},
          {"certified", certified},
          {"evidence", CheckJson(c.evidence)}};
}

json TrustJson(const Trust& t) {
  return {{"origin", t.origin},
          {"log_key", t.log_key},
          {"log_key_pinned", t.log_key_pinned},
          {"ak_fingerprint", t.ak_fingerprint},
          {"ak_pinned", t.ak_pinned},
          {"leaves", t.leaves},
          {"latest_size", t.latest_size},
          {"checkpoints", t.checkpoints},
          {"sealed_anchors", t.sealed_anchors},
          {"evidence", t.evidence},
          {"warnings", t.warnings}};
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kVerified:
      return "verified";
    case Verdict::kNotAnchored:
      return "not anchored";
    case Verdict::kFailed:
      break;
  }
  return "FAILED";
}

bool Timeline::ok() const {
  if (failed() != 0) return false;
  for (const auto& [size, c] : checkpoints) {
    if (!c.evidence.ok) return false;
  }
  return true;
}

size_t Timeline::failed() const {
  size_t n = 0;
  for (const Entry& e : entries) n += e.verdict == Verdict::kFailed ? 1 : 0;
  return n;
}

std::string Timeline::ToJson() const {
  json entries_json = json::array();
  for (const Entry& e : entries) entries_json.push_back(EntryJson(e));
  json checkpoints_json = json::array();
  for (const auto& [size, c] : checkpoints) checkpoints_json.push_back(CoverageJson(c));
  const json out = {{"request", request_id},
                    {"credential", credential},
                    {"credential_version", credential_version},
                    {"requester", requester},
                    {"incident", incident},
                    {"reason", reason},
                    {"state", state},
                    {"made_at", FormatTimeMs(made_at_ms)},
                    {"ok", ok()},
                    {"entries", entries_json},
                    {"checkpoints", checkpoints_json},
                    {"trust", TrustJson(trust)}};
  return out.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

std::string FormatTimeMs(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

}  // namespace breakglass::report
