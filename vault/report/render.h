// Renderers of an incident report (timeline.h):
//   Markdown — for tickets and wikis (CommonMark + GFM tables);
//   HTML     — one self-contained file that reads well in a browser: inline
//              CSS, no script, no external resource (image, font, style
//              sheet, link target), and well-formed as XML too (every
//              element closed, only the five XML entities), so strict
//              parsers read it.
// Both show the same things: the request and its standing, a headline verdict,
// the timeline table (log index, time, event, actor, summary, covering
// anchored checkpoint, verdict), each entry's details and checks, the covering
// checkpoints with their TPM evidence, and the trust the verification rests on
// (pinned keys or not, the verifier's warnings).
//
// Every string from the log (reasons, names, incident ids, error texts) is
// escaped for the output format: the log is written from user input, and a
// reason such as "<script>..." must show as text, never run.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_REPORT_RENDER_H_
#define BREAKGLASS_VAULT_REPORT_RENDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "vault/report/timeline.h"

namespace breakglass::report {

std::string RenderMarkdown(const Timeline& timeline);
std::string RenderHtml(const Timeline& timeline);

// `text` as HTML character data or a double-quoted attribute value: & < > " '
// become entities.
std::string EscapeHtml(std::string_view text);
// `text` as inline Markdown: characters with Markdown meaning (\ ` * _ [ ] <
// > | # ~ ! &) are backslash-escaped and line breaks become spaces, so the
// text can sit in a table cell or list item and never forms markup or raw
// HTML.
std::string EscapeMarkdown(std::string_view text);

// Pieces both renderers use (plain text; the caller escapes).
// "All 9 entries verified" / "2 of 9 entries FAILED" / "...; 1 not anchored yet".
std::string Headline(const Timeline& timeline);
// "checkpoint 14 (anchor: routine, checkpoint counter 1003, release counter 41)".
std::string CoverageText(const Coverage& coverage);
// "TPM certified checkpoint=1003 (clock 5234 ms, resets 0, restarts 0)", per counter.
std::string CertifiedText(const Coverage& coverage);
// The trust lines: keys (pinned or not), what was verified, the warnings.
std::vector<std::string> TrustLines(const Trust& trust);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_RENDER_H_
