// BuildTimeline: the incident report of one request, made from an audit
// bundle (vault/verify/bundle.h) that is verified first — so the reviewer or
// auditor who reads the report trusts their own keys, not the appliance.
//
// Steps:
//   1. verify::VerifyBundle(dir, options): the whole bundle (checkpoint
//      signatures, every leaf, roots and consistency, TPM anchoring). If it
//      fails, no report is made: its status (DATA_LOSS naming the first bad
//      leaf or checkpoint, finding.h) is returned unchanged;
//   2. IncidentLog::Read: the request's events (incident_log.h);
//   3. for each event: its checks (checks.h), the anchored checkpoint that
//      covers it with that checkpoint's TPM evidence re-verified
//      (anchored.h), and an RFC 9162 inclusion proof of the leaf in it
//      (inclusion.h);
//   4. the request's standing (released, fetched, rotated, reviewed ...).
//
// A check that fails does not stop the report: the entry's verdict is
// FAILED and Timeline::ok() is false, so the reader sees which line is bad.
//
// Errors: the verifier's (DATA_LOSS findings; INVALID_ARGUMENT for bad
// options; UNAVAILABLE for unreadable files); INVALID_ARGUMENT for a
// malformed request id; NOT_FOUND when the log has no such request.
//
// Thread-safety: may run concurrently on different bundles.
#ifndef BREAKGLASS_VAULT_REPORT_BUILDER_H_
#define BREAKGLASS_VAULT_REPORT_BUILDER_H_

#include <filesystem>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/report/timeline.h"
#include "vault/verify/verifier.h"

namespace breakglass::report {

// `options` are the auditor's trust inputs, as for `audit verify`;
// `made_at` is stamped on the report.
absl::StatusOr<Timeline> BuildTimeline(const std::filesystem::path& dir,
                                       std::string_view request_id,
                                       const verify::VerifyOptions& options, absl::Time made_at);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_BUILDER_H_
