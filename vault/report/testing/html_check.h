// CheckHtml: a strict parser for the reports' HTML (test-only). It accepts
// the subset render.h promises — an HTML5 document that is also well-formed
// XML and self-contained — and rejects anything else, naming the byte
// offset:
//   - an optional "<!DOCTYPE html>", then exactly one root element <html>;
//   - tags `<name attr="value" ...>`, `</name>`, void elements (meta, br,
//     hr, wbr, col, input) optionally as `<name ... />`; lower-case names;
//     attribute values in double quotes; every non-void element closed, in
//     order; comments `<!-- ... -->`;
//   - character data and attribute values contain no raw `<`, and `&` only
//     as &amp; &lt; &gt; &quot; &#39; or a numeric reference;
//   - self-contained: no script, link, img, iframe, object, embed, base,
//     form, audio, video or source element; no on* event attribute, no src
//     attribute, href only to "#fragment"; <style> text has no `<`, url(
//     or @import.
// On success it returns the document's text (entities decoded, each tag
// replaced by one space, <style> text left out), for tests to search.
//
// Thread-safety: a pure function.
#ifndef BREAKGLASS_VAULT_REPORT_TESTING_HTML_CHECK_H_
#define BREAKGLASS_VAULT_REPORT_TESTING_HTML_CHECK_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::report::testing {

// INVALID_ARGUMENT "byte N: <rule broken>" when `html` is not in the subset.
absl::StatusOr<std::string> CheckHtml(std::string_view html);

}  // namespace breakglass::report::testing

#endif  // BREAKGLASS_VAULT_REPORT_TESTING_HTML_CHECK_H_
