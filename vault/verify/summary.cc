#include "vault/verify/summary.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/verify/verifier.h"

namespace breakglass::verify {
namespace {

using nlohmann::json;

json CountersJson(const std::vector<CounterSummary>& counters) {
  json out = json::array();
  for (const CounterSummary& c : counters) {
    out.push_back({{"label", c.label},
                   {"start_value", c.start_value},
                   {"first_certified", c.first_certified},
                   {"last_certified", c.last_certified},
                   {"last_stated", c.last_stated}});
  }
  return out;
}

json ClearsJson(const std::vector<RollbackClearSummary>& clears) {
  json out = json::array();
  for (const RollbackClearSummary& c : clears) {
    json counters = json::array();
    for (const ClearedCounter& k : c.counters) {
      counters.push_back(
          {{"label", k.label}, {"log_value", k.log_value}, {"tpm_value", k.tpm_value}});
    }
    out.push_back({{"leaf", c.leaf},
                   {"required", c.required},
                   {"approvers", c.approvers},
                   {"counters", std::move(counters)}});
  }
  return out;
}

std::string ClearText(const RollbackClearSummary& c) {
  std::string out =
      absl::StrCat("ROLLBACK CLEARED at leaf ", c.leaf, " by ", absl::StrJoin(c.approvers, ", "),
                   " (", c.approvers.size(), " approvals, ", c.required,
                   " required; every signature verified against the custodian's "
                   "key registered in this log):");
  for (const ClearedCounter& k : c.counters) {
    if (k.log_value == k.tpm_value) {
      absl::StrAppend(&out, " ", k.label, " counter ", k.log_value, " unchanged;");
      continue;
    }
    const bool ahead = k.tpm_value > k.log_value;
    absl::StrAppend(&out, " ", k.label, " counter re-baselined from ", k.log_value, " (log) to ",
                    k.tpm_value, " (TPM): ",
                    ahead ? absl::StrCat(k.tpm_value - k.log_value,
                                         " increments are not in "
                                         "this log;")
                          : "the TPM was behind the log;");
  }
  return out + " the state was rolled back or the TPM replaced, and the quorum accepted it\n";
}

json SummaryObject(const Summary& s) {
  return {{"origin", s.origin},
          {"log_key", s.log_key},
          {"ak_fingerprint", s.ak_fingerprint},
          {"leaves", s.leaves},
          {"leaf_bytes", s.leaf_bytes},
          {"checkpoints", s.checkpoints},
          {"latest_size", s.latest_size},
          {"consistency_proofs", s.consistency_proofs},
          {"anchors", s.anchors},
          {"sealed_anchors", s.sealed_anchors},
          {"evidence", s.evidence},
          {"counters", CountersJson(s.counters)},
          {"tpm_reset_count", s.tpm_reset_count},
          {"tpm_restart_count", s.tpm_restart_count},
          {"tpm_clock_first", s.tpm_clock_first},
          {"tpm_clock_last", s.tpm_clock_last},
          {"unanchored_leaves", s.unanchored_leaves},
          {"rollback_clears", ClearsJson(s.rollback_clears)},
          {"threads", s.threads},
          {"warnings", s.warnings}};
}

std::string WhereName(Where w) {
  switch (w) {
    case Where::kLeaf:
      return "leaf";
    case Where::kCheckpoint:
      return "checkpoint";
    case Where::kBundle:
      break;
  }
  return "bundle";
}

std::string Dump(const json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

}  // namespace

std::string Summary::ToText() const {
  std::string out = absl::StrCat(
      "audit log of ", origin, " verified: ", leaves, " leaves (", leaf_bytes, " bytes), ",
      checkpoints, " signed checkpoints (latest covers ", latest_size, "), ", consistency_proofs,
      " consistency proofs\n");
  for (const RollbackClearSummary& c : rollback_clears) out += ClearText(c);
  absl::StrAppend(&out, "log key: ", log_key, "\n");
  if (!ak_fingerprint.empty()) {
    absl::StrAppend(&out, "TPM: ", sealed_anchors, " of ", anchors, " anchors certified by ",
                    evidence, " NV_Certify records of attestation key ", ak_fingerprint,
                    "; resetCount ", tpm_reset_count, ", restartCount ", tpm_restart_count,
                    ", clock ", tpm_clock_first, "..", tpm_clock_last, " ms\n");
  }
  for (const CounterSummary& c : counters) {
    absl::StrAppend(&out, "counter ", c.label, ": provisioned at ", c.start_value,
                    ", certified ", c.first_certified, "..", c.last_certified,
                    ", last stated ", c.last_stated, "\n");
  }
  for (const std::string& w : warnings) absl::StrAppend(&out, "WARNING: ", w, "\n");
  return out;
}

std::string Summary::ToJson() const { return Dump(SummaryObject(*this)); }

std::string VerdictJson(const absl::StatusOr<Summary>& verdict) {
  if (verdict.ok()) return Dump({{"ok", true}, {"summary", SummaryObject(*verdict)}});
  json out = {{"ok", false}, {"error", std::string(verdict.status().message())}};
  if (const std::optional<Finding> f = FindingOf(verdict.status()); f.has_value()) {
    out["finding"] = json{{"where", WhereName(f->where)}, {"position", f->position}};
  }
  return Dump(out);
}

}  // namespace breakglass::verify
