// RenderHtml (render.h): one self-contained page. Links are in-page only
// ("#leaf-12", "#checkpoint-14").
#include "absl/strings/str_cat.h"
#include "vault/report/render.h"

namespace breakglass::report {
namespace {

constexpr char kStyle[] = R"(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430;
       max-width: 1200px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #d5dae1; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { border: 1px solid #d5dae1; padding: 0.35em 0.55em; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.88em;
              word-break: break-all; }
.headline { font-weight: 600; padding: 0.6em 0.8em; border-radius: 6px; }
.good { background: #e3f5e8; color: #14532d; }
.bad { background: #fde8e8; color: #7f1d1d; }
.warn { background: #fff6db; color: #713f12; }
.verdict { font-weight: 600; white-space: nowrap; }
.summary th { width: 11em; }
ul.checks { padding-left: 1.2em; }
ul.checks li.fail { color: #7f1d1d; font-weight: 600; }
a { color: #1e4fa3; }
)";

std::string H(std::string_view text) { return EscapeHtml(text); }

std::string VerdictClass(Verdict v) {
  return v == Verdict::kVerified ? "good" : v == Verdict::kFailed ? "bad" : "warn";
}

void Header(const Timeline& t, std::string& out) {
  absl::StrAppend(&out, "<h1>Incident report: request ", H(t.request_id), "</h1>\n");
  const std::string cls = !t.ok()                                                 ? "bad"
                          : Headline(t).find("not anchored") != std::string::npos ? "warn"
                                                                                  : "good";
  absl::StrAppend(&out, "<p class=\"headline ", cls, "\">", H(Headline(t)), "</p>\n");
  out += "<table class=\"summary\">\n";
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
  for (const auto& [name, value] : rows) {
    absl::StrAppend(&out, "<tr><th>", name, "</th><td>", H(value), "</td></tr>\n");
  }
  out += "</table>\n";
}

std::string CoveredCell(const Entry& e, const Timeline& t) {
  if (!e.covered_by.has_value()) return "none yet";
  return absl::StrCat("<a href=\"#checkpoint-", *e.covered_by, "\">",
                      H(CoverageText(t.checkpoints.at(*e.covered_by))), "</a>");
}

void Table(const Timeline& t, std::string& out) {
  out +=
      "<h2>Timeline</h2>\n<table>\n<tr><th>Log index</th><th>Time (UTC)</th><th>Event</th>"
      "<th>Actor</th><th>What happened</th><th>Covered by anchored checkpoint</th>"
      "<th>Verification</th></tr>\n";
  for (const Entry& e : t.entries) {
    absl::StrAppend(&out, "<tr><td class=\"num\"><a href=\"#leaf-", e.index, "\">", e.index,
                    "</a></td><td>", H(FormatTimeMs(e.time_ms)), "</td><td>", H(e.type),
                    "</td><td>", H(e.actor), "</td><td>", H(e.summary), "</td><td>",
                    CoveredCell(e, t), "</td><td class=\"verdict ", VerdictClass(e.verdict), "\">",
                    H(VerdictName(e.verdict)), "</td></tr>\n");
  }
  out += "</table>\n";
}

void EntryDetails(const Entry& e, std::string& out) {
  absl::StrAppend(&out, "<h3 id=\"leaf-", e.index, "\">Leaf ", e.index, ": ", H(e.type), "</h3>\n",
                  "<table class=\"summary\">\n<tr><th>time</th><td>", H(FormatTimeMs(e.time_ms)),
                  "</td></tr>\n");
  if (!e.actor.empty()) absl::StrAppend(&out, "<tr><th>actor</th><td>", H(e.actor), "</td></tr>\n");
  for (const Field& f : e.details) {
    absl::StrAppend(&out, "<tr><th>", H(f.name), "</th><td>", H(f.value), "</td></tr>\n");
  }
  absl::StrAppend(&out, "<tr><th>leaf hash</th><td><code>", e.leaf_hash_hex,
                  "</code></td></tr>\n</table>\n<ul class=\"checks\">\n");
  for (const Check& c : e.checks) {
    absl::StrAppend(&out, "<li", c.ok ? "" : " class=\"fail\"", ">", H(c.what), ": ",
                    c.ok ? "ok" : "FAILED", " — ", H(c.detail), "</li>\n");
  }
  absl::StrAppend(&out, "<li>verdict: <span class=\"verdict ", VerdictClass(e.verdict), "\">",
                  H(VerdictName(e.verdict)), "</span></li>\n</ul>\n");
}

void Checkpoints(const Timeline& t, std::string& out) {
  out += "<h2>Anchored checkpoints</h2>\n";
  if (t.checkpoints.empty()) {
    out += "<p>No anchored checkpoint covers these entries yet.</p>\n";
    return;
  }
  out +=
      "<table>\n<tr><th>Size</th><th>Root (SHA-256)</th><th>Anchor</th>"
      "<th>Checkpoint counter</th><th>Release counter</th><th>TPM evidence</th></tr>\n";
  for (const auto& [size, c] : t.checkpoints) {
    absl::StrAppend(&out, "<tr id=\"checkpoint-", size, "\"><td class=\"num\">", size,
                    "</td><td><code>", c.root_hex, "</code></td><td>leaf ", size - 1, ", ",
                    H(c.anchor_kind), "</td><td class=\"num\">", c.checkpoint_counter,
                    "</td><td class=\"num\">", c.release_counter, "</td><td class=\"",
                    c.evidence.ok ? "good" : "bad", "\">", H(CertifiedText(c)), "; ",
                    H(c.evidence.detail), "</td></tr>\n");
  }
  out += "</table>\n";
}

void TrustSection(const Timeline& t, std::string& out) {
  out += "<h2>Trust</h2>\n<ul>\n";
  for (const std::string& line : TrustLines(t.trust)) {
    const bool warn = line.find("NOT pinned") != std::string::npos || line.rfind("Warning", 0) == 0;
    absl::StrAppend(&out, "<li", warn ? " class=\"warn\"" : "", ">", H(line), "</li>\n");
  }
  out += "</ul>\n";
}

}  // namespace

std::string RenderHtml(const Timeline& t) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  absl::StrAppend(&out, "<title>Incident report ", H(t.request_id), "</title>\n<style>", kStyle,
                  "</style>\n</head>\n<body>\n");
  Header(t, out);
  Table(t, out);
  out += "<h2>Entries</h2>\n";
  for (const Entry& e : t.entries) EntryDetails(e, out);
  Checkpoints(t, out);
  TrustSection(t, out);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace breakglass::report
