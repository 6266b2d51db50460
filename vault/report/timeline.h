// Timeline: the content of an incident report (issue 7, `breakglass report`)
// — every audit-log event of one request, in log order, each with its log
// index, the TPM-anchored checkpoint that covers it and what was re-verified
// about it when the report was made. BuildTimeline (builder.h) makes it from
// a verified audit bundle; render.h turns it into Markdown, HTML or JSON.
//
// What an entry's verdict means:
//   verified      the leaf is included (RFC 9162 inclusion proof checked) in
//                 an anchored checkpoint whose signature, root and TPM
//                 NV_Certify evidence verify, and every other check of the
//                 entry (signatures, hashes) passed;
//   not anchored  the checks passed but no anchored checkpoint covers the
//                 leaf yet (it is after the bundle's last completed anchor);
//   FAILED        a check failed: the report says which, and the CLI exits
//                 with "verification failed".
//
// Thread-safety: value types; ToJson is a pure function.
#ifndef BREAKGLASS_VAULT_REPORT_TIMELINE_H_
#define BREAKGLASS_VAULT_REPORT_TIMELINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::report {

enum class Verdict { kVerified, kNotAnchored, kFailed };
// "verified", "not anchored", "FAILED".
std::string_view VerdictName(Verdict verdict);

// One re-verification made for an entry.
struct Check {
  std::string what;  // "inclusion", "signature", "statement", "signer", "reason", ...
  bool ok = false;
  std::string detail;  // one sentence saying what was checked, or why it failed
};

// A type-specific member of the event, as text.
struct Field {
  std::string name;
  std::string value;
};

// A counter value the TPM certified for an anchored checkpoint.
struct CertifiedValue {
  std::string counter;  // "checkpoint" or "release"
  uint64_t value = 0;
  uint64_t tpm_clock_ms = 0;
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  bool clock_safe = false;
};

// An anchored checkpoint: the tree of `size` leaves, signed with the log key,
// whose last leaf is an `anchor` event and whose counters the TPM certified.
struct Coverage {
  uint64_t size = 0;
  std::string root_hex;             // lower-case hex of the signed root
  std::string anchor_kind;          // "genesis", "routine" or "release"
  uint64_t checkpoint_counter = 0;  // as the anchor leaf states them
  uint64_t release_counter = 0;
  std::vector<CertifiedValue> certified;  // one per counter the anchor moved
  Check evidence;                         // the re-verification of that TPM evidence
};

struct Entry {
  uint64_t index = 0;   // leaf index in the audit log
  int64_t time_ms = 0;  // the event's time, Unix milliseconds UTC
  std::string type;     // event type name ("request", "approval", ...)
  std::string actor;
  std::string summary;  // one line for people
  std::vector<Field> details;
  std::string leaf_hash_hex;           // SHA-256(0x00 || leaf)
  std::optional<uint64_t> covered_by;  // size of the covering Coverage
  std::vector<Check> checks;
  Verdict verdict = Verdict::kFailed;
};

// What the whole bundle established, and on whose keys.
struct Trust {
  std::string origin;
  std::string log_key;
  bool log_key_pinned = false;  // given by the auditor, not read from the bundle
  std::string ak_fingerprint;
  bool ak_pinned = false;
  uint64_t leaves = 0;
  uint64_t latest_size = 0;
  uint64_t checkpoints = 0;
  uint64_t sealed_anchors = 0;
  uint64_t evidence = 0;
  std::vector<std::string> warnings;  // the verifier's
};

struct Timeline {
  std::string request_id;
  std::string credential;
  int64_t credential_version = 0;
  std::string requester;
  std::string incident;
  std::string reason;
  // Where the request stands, per the log: e.g. "released, fetched;
  // rotation pending; review pending", or "closed (rotated and reviewed)".
  std::string state;
  int64_t made_at_ms = 0;                    // when the report was made
  std::vector<Entry> entries;                // by log index
  std::map<uint64_t, Coverage> checkpoints;  // the covering ones, by size
  Trust trust;

  // True when no entry and no covering checkpoint failed a check.
  bool ok() const;
  // Entries whose verdict is FAILED.
  size_t failed() const;
  // One JSON object (stable keys, as the field names), no trailing newline.
  std::string ToJson() const;
};

// "2026-05-01T12:00:00.123Z".
std::string FormatTimeMs(int64_t unix_ms);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_TIMELINE_H_
