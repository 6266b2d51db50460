// IncidentLog: what an incident report needs from a bundle's leaves.jsonl,
// read in one streaming pass (memory grows with the incident, not the log):
//   - the events of one request, in log order: every leaf whose "subject" is
//     the request id (request, approvals and denials, release, fetches,
//     alert deliveries, cancel/expiry, review ...), and the first rotation of
//     its credential after its release;
//   - every signing key registered in the log (`identity_add` events carry
//     name, roles, fingerprint and the public key), to re-verify signatures;
//   - every `anchor` leaf (the counters it states and moves);
//   - the provisioning record of leaf 0 (AK, NV index names).
//
// It parses leaves only; it trusts that the bundle was verified first
// (VerifyBundle), so a leaf that does not parse is reported as DATA_LOSS.
// Like vault/verify, it reads the log format (vault/audit/event.h,
// anchor_event.h, vault/core/audit_event.h) without linking the code that
// writes it.
//
// Thread-safety: value type after Read.
#ifndef BREAKGLASS_VAULT_REPORT_INCIDENT_LOG_H_
#define BREAKGLASS_VAULT_REPORT_INCIDENT_LOG_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace breakglass::report {

struct LoggedEvent {
  uint64_t index = 0;
  std::string leaf;     // exact bytes
  nlohmann::json json;  // the parsed leaf (an object with the common fields)

  std::string type() const { return Str("type"); }
  // The member `key` as a string ("" when absent or not a string).
  std::string Str(std::string_view key) const;
  // The member `key` as an integer (0 when absent or not an integer).
  int64_t Int(std::string_view key) const;
};

struct AnchorLeaf {
  uint64_t index = 0;
  std::string kind;
  uint64_t checkpoint_counter = 0;
  uint64_t release_counter = 0;
  std::vector<std::string> moves;  // counter labels, in increment order
};

struct RegisteredKey {
  uint64_t index = 0;  // the identity_add leaf
  std::string name;
  std::string roles;        // comma-separated
  std::string fingerprint;  // "SHA256:<hex>" as logged
  std::string pem;          // the public key; "" when the event predates logging keys
};

class IncidentLog final {
 public:
  // Reads `dir`/leaves.jsonl for `request_id` (see the file comment).
  // INVALID_ARGUMENT for an id that is not printable ASCII without quotes or
  // backslashes; NOT_FOUND when no `request` event has that subject;
  // UNAVAILABLE when the file cannot be read; DATA_LOSS for a leaf that is
  // not a JSON object.
  static absl::StatusOr<IncidentLog> Read(const std::filesystem::path& dir,
                                          std::string_view request_id);

  // The request's events (file comment), by index; the first is `request`.
  const std::vector<LoggedEvent>& events() const { return events_; }
  const std::vector<AnchorLeaf>& anchors() const { return anchors_; }
  // The latest key registered for `name` in a leaf before `before`; nullptr
  // when there is none.
  const RegisteredKey* KeyOf(std::string_view name, uint64_t before) const;
  // From the provision leaf: the AK (PEM) and each counter's NV index Name
  // (raw bytes) by label. Empty when leaf 0 does not state them.
  const std::string& ak_pem() const { return ak_pem_; }
  const std::map<std::string, std::string, std::less<>>& nv_names() const { return nv_names_; }
  uint64_t leaves() const { return leaves_; }

 private:
  IncidentLog() = default;
  absl::Status OnLeaf(uint64_t index, std::string leaf, std::string_view request_id);
  void OnProvision(const nlohmann::json& leaf);
  void OnAnchor(uint64_t index, const nlohmann::json& leaf);
  void OnIdentity(uint64_t index, const nlohmann::json& leaf);
  bool IsIncidentRotation(const LoggedEvent& e) const;

  std::vector<LoggedEvent> events_;
  std::vector<AnchorLeaf> anchors_;
  std::map<std::string, std::vector<RegisteredKey>, std::less<>> keys_;  // by name, log order
  std::string ak_pem_;
  std::map<std::string, std::string, std::less<>> nv_names_;
  uint64_t leaves_ = 0;
  std::string credential_;      // from the request event
  bool released_ = false;       // a release of the request was seen
  bool rotation_seen_ = false;  // the first rotation after it was taken
};

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_INCIDENT_LOG_H_
