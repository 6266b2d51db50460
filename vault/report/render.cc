// The pieces shared by the Markdown and HTML renderers.
#include "vault/report/render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::report {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeMarkdown(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\`*_[]<>|#~!&";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      if (kSpecial.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

std::string Headline(const Timeline& t) {
  size_t unanchored = 0;
  for (const Entry& e : t.entries) unanchored += e.verdict == Verdict::kNotAnchored ? 1 : 0;
  const size_t failed = t.failed();
  const size_t n = t.entries.size();
  std::string out = failed != 0 ? absl::StrCat(failed, " of ", n, " entries FAILED verification")
                    : t.ok()    ? absl::StrCat("All ", n, " entries verified")
                                : "A covering checkpoint's TPM evidence FAILED verification";
  if (unanchored != 0) {
    absl::StrAppend(&out, "; ", unanchored,
                    " not anchored yet (after the last anchored "
                    "checkpoint of the bundle)");
  }
  return out;
}

std::string CoverageText(const Coverage& c) {
  return absl::StrCat("checkpoint ", c.size, " (anchor: ", c.anchor_kind, ", checkpoint counter ",
                      c.checkpoint_counter, ", release counter ", c.release_counter, ")");
}

std::string CertifiedText(const Coverage& c) {
  std::vector<std::string> parts;
  for (const CertifiedValue& v : c.certified) {
    parts.push_back(absl::StrCat(v.counter, "=", v.value, " (TPM clock ", v.tpm_clock_ms,
                                 " ms, resets ", v.reset_count, ", restarts ", v.restart_count,
                                 v.clock_safe ? "" : ", clock not safe", ")"));
  }
  if (parts.empty()) return "no counter certified";
  return absl::StrCat("TPM certified ", absl::StrJoin(parts, "; "));
}

std::vector<std::string> TrustLines(const Trust& t) {
  std::vector<std::string> out;
  out.push_back(absl::StrCat("Log key: ", t.log_key,
                             t.log_key_pinned ? " (pinned: the key recorded at provisioning)"
                                              : " (NOT pinned: taken from the bundle)"));
  out.push_back(
      absl::StrCat("Attestation key: ", t.ak_fingerprint.empty() ? "none" : t.ak_fingerprint,
                   t.ak_pinned ? " (pinned: the key recorded at provisioning)"
                               : " (NOT pinned: taken from the log's provisioning record)"));
  out.push_back(absl::StrCat("Bundle verified offline: ", t.leaves, " leaves, ", t.checkpoints,
                             " signed checkpoints (latest: size ", t.latest_size, "), ",
                             t.sealed_anchors, " TPM anchors with ", t.evidence,
                             " NV_Certify records"));
  for (const std::string& w : t.warnings) out.push_back(absl::StrCat("Warning: ", w));
  return out;
}

}  // namespace breakglass::report
