// RenderMarkdown (render.h).
#include "absl/strings/str_cat.h"
#include "vault/report/render.h"

namespace breakglass::report {
namespace {

std::string Md(std::string_view text) { return EscapeMarkdown(text); }

void Header(const Timeline& t, std::string& out) {
  absl::StrAppend(&out, "# Incident report: request ", Md(t.request_id), "\n\n");
  absl::StrAppend(&out, "**", Md(Headline(t)), "**\n\n");
  absl::StrAppend(&out, "| | |\n|---|---|\n");
  const std::pair<const char*, std::string> rows[] = {
      {"Request", t.request_id},
      {"Credential", absl::StrCat(t.credential, " (version ", t.credential_version, ")")},
      {"Requester", t.requester},
      {"Incident", t.incident},
      {"Reason", t.reason},
      {"State", t.state},
      {"Report made", absl::StrCat(FormatTimeMs(t.made_at_ms), " from an audit bundle of ",
                                   t.trust.leaves, " leaves, re-verified offline")},
  };
  for (const auto& [name, value] : rows)
    absl::StrAppend(&out, "| ", name, " | ", Md(value), " |\n");
  out += "\n";
}

std::string CoveredCell(const Entry& e, const Timeline& t) {
  if (!e.covered_by.has_value()) return "none yet";
  return Md(CoverageText(t.checkpoints.at(*e.covered_by)));
}

void Table(const Timeline& t, std::string& out) {
  out += "## Timeline\n\n";
  out +=
      "| Log index | Time (UTC) | Event | Actor | What happened | Covered by anchored checkpoint "
      "| Verification |\n|---:|---|---|---|---|---|---|\n";
  for (const Entry& e : t.entries) {
    absl::StrAppend(&out, "| ", e.index, " | ", Md(FormatTimeMs(e.time_ms)), " | ", Md(e.type),
                    " | ", Md(e.actor), " | ", Md(e.summary), " | ", CoveredCell(e, t), " | ",
                    Md(VerdictName(e.verdict)), " |\n");
  }
  out += "\n";
}

void EntryDetails(const Entry& e, std::string& out) {
  absl::StrAppend(&out, "### Leaf ", e.index, ": ", Md(e.type), "\n\n");
  absl::StrAppend(&out, "- time: ", Md(FormatTimeMs(e.time_ms)), "\n");
  if (!e.actor.empty()) absl::StrAppend(&out, "- actor: ", Md(e.actor), "\n");
  for (const Field& f : e.details) absl::StrAppend(&out, "- ", Md(f.name), ": ", Md(f.value), "\n");
  absl::StrAppend(&out, "- leaf hash: `", e.leaf_hash_hex, "`\n");
  for (const Check& c : e.checks) {
    absl::StrAppend(&out, "- check ", Md(c.what), ": ", c.ok ? "ok" : "**FAILED**", " — ",
                    Md(c.detail), "\n");
  }
  absl::StrAppend(&out, "- verdict: **", Md(VerdictName(e.verdict)), "**\n\n");
}

void Checkpoints(const Timeline& t, std::string& out) {
  out += "## Anchored checkpoints\n\n";
  if (t.checkpoints.empty()) {
    out += "No anchored checkpoint covers these entries yet.\n\n";
    return;
  }
  out +=
      "| Size | Root (SHA-256) | Anchor | Checkpoint counter | Release counter | TPM evidence |\n"
      "|---:|---|---|---:|---:|---|\n";
  for (const auto& [size, c] : t.checkpoints) {
    absl::StrAppend(&out, "| ", size, " | `", c.root_hex, "` | leaf ", size - 1, ", ",
                    Md(c.anchor_kind), " | ", c.checkpoint_counter, " | ", c.release_counter, " | ",
                    c.evidence.ok ? "" : "**FAILED** ", Md(CertifiedText(c)), "; ",
                    Md(c.evidence.detail), " |\n");
  }
  out += "\n";
}

}  // namespace

std::string RenderMarkdown(const Timeline& t) {
  std::string out;
  Header(t, out);
  Table(t, out);
  out += "## Entries\n\n";
  for (const Entry& e : t.entries) EntryDetails(e, out);
  Checkpoints(t, out);
  out += "## Trust\n\n";
  for (const std::string& line : TrustLines(t.trust)) absl::StrAppend(&out, "- ", Md(line), "\n");
  return out;
}

}  // namespace breakglass::report
