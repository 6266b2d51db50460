#include "vault/report/builder.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/merkle/tree.h"
#include "vault/report/anchored.h"
#include "vault/report/checks.h"
#include "vault/report/describe.h"
#include "vault/report/incident_log.h"
#include "vault/report/inclusion.h"

namespace breakglass::report {
namespace {

Entry MakeEntry(const LoggedEvent& event, const IncidentLog& log) {
  Entry e;
  e.index = event.index;
  e.time_ms = event.Int("time");
  e.type = event.type();
  e.actor = event.Str("actor");
  e.summary = Summarize(event);
  e.details = Details(event);
  e.leaf_hash_hex = base::HexEncode(merkle::HashBytes(merkle::HashLeaf(event.leaf)));
  e.checks = CheckEvent(event, log);
  return e;
}

// Adds an inclusion check to each covered entry.
absl::Status ProveEntries(const std::filesystem::path& dir, const IncidentLog& log,
                          const AnchoredCheckpoints& anchored, std::vector<Entry>& entries) {
  std::vector<InclusionTarget> targets;
  std::vector<Entry*> covered;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].covered_by.has_value()) continue;
    const uint64_t size = *entries[i].covered_by;
    targets.push_back(
        {entries[i].index, size, merkle::HashLeaf(log.events()[i].leaf), anchored.Root(size)});
    covered.push_back(&entries[i]);
  }
  BG_ASSIGN_OR_RETURN(std::vector<Check> proofs, CheckInclusion(dir, targets));
  for (size_t i = 0; i < covered.size(); ++i) covered[i]->checks.push_back(std::move(proofs[i]));
  return absl::OkStatus();
}

Verdict VerdictOf(const Entry& e, const std::map<uint64_t, Coverage>& checkpoints) {
  for (const Check& c : e.checks) {
    if (!c.ok) return Verdict::kFailed;
  }
  if (!e.covered_by.has_value()) return Verdict::kNotAnchored;
  return checkpoints.at(*e.covered_by).evidence.ok ? Verdict::kVerified : Verdict::kFailed;
}

// Where the request stands, from its events.
std::string StateOf(const std::vector<Entry>& entries) {
  std::set<std::string> seen;
  std::string last_state;
  for (const Entry& e : entries) {
    seen.insert(e.type);
    std::string state;
    for (const Field& f : e.details) {
      if (f.name == "state") state = f.value;
    }
    if (!state.empty()) last_state = state;
    // A review completes the sign-off when it says so (or says nothing:
    // one review is then taken as the sign-off).
    if (e.type == "review" && (state.empty() || state == "reviewed")) seen.insert("reviewed");
  }
  if (seen.count("release") == 0) return last_state.empty() ? "pending" : last_state;
  const bool rotated = seen.count("rotation") != 0;
  const bool reviewed = seen.count("reviewed") != 0;
  std::vector<std::string> parts = {"released"};
  if (seen.count("fetch") != 0) parts.push_back("fetched");
  if (seen.count("fetch_refused") != 0) parts.push_back("a second fetch refused");
  std::string out = absl::StrJoin(parts, ", ");
  if (rotated && reviewed) return absl::StrCat(out, "; closed (rotated and reviewed)");
  absl::StrAppend(&out, rotated ? "; rotated" : "; rotation pending");
  absl::StrAppend(&out, reviewed               ? "; reviewed"
                        : seen.count("review") ? "; review in progress (more reviewers must sign)"
                                               : "; review pending");
  return out;
}

Trust TrustOf(const verify::Summary& s, const verify::VerifyOptions& options) {
  Trust t;
  t.origin = s.origin;
  t.log_key = s.log_key;
  t.log_key_pinned = !options.trusted_log_key.empty();
  t.ak_fingerprint = s.ak_fingerprint;
  t.ak_pinned = !options.trusted_ak_fingerprint.empty();
  t.leaves = s.leaves;
  t.latest_size = s.latest_size;
  t.checkpoints = s.checkpoints;
  t.sealed_anchors = s.sealed_anchors;
  t.evidence = s.evidence;
  t.warnings = s.warnings;
  return t;
}

void FillHeader(const LoggedEvent& request, Timeline& t) {
  t.request_id = request.Str("subject");
  t.credential = request.Str("credential");
  t.credential_version = request.Int("credential_version");
  t.requester = request.Str("actor");
  t.incident = request.Str("incident");
  t.reason = request.Str("reason");
}

}  // namespace

absl::StatusOr<Timeline> BuildTimeline(const std::filesystem::path& dir,
                                       std::string_view request_id,
                                       const verify::VerifyOptions& options, absl::Time made_at) {
  BG_ASSIGN_OR_RETURN(const verify::Summary summary, verify::VerifyBundle(dir, options));
  BG_ASSIGN_OR_RETURN(const IncidentLog log, IncidentLog::Read(dir, request_id));
  BG_ASSIGN_OR_RETURN(AnchoredCheckpoints anchored,
                      AnchoredCheckpoints::Load(dir, summary.log_key, &log));
  Timeline t;
  FillHeader(log.events().front(), t);
  t.made_at_ms = absl::ToUnixMillis(made_at);
  t.trust = TrustOf(summary, options);
  for (const LoggedEvent& event : log.events()) {
    Entry e = MakeEntry(event, log);
    if (const Coverage* c = anchored.Covering(event.index)) e.covered_by = c->size;
    t.entries.push_back(std::move(e));
  }
  BG_RETURN_IF_ERROR(ProveEntries(dir, log, anchored, t.entries));
  t.checkpoints = anchored.used();
  for (Entry& e : t.entries) e.verdict = VerdictOf(e, t.checkpoints);
  t.state = StateOf(t.entries);
  return t;
}

}  // namespace breakglass::report
