// The core's stored records: what a credential, a request, a custodian's
// decision, a release and a reviewer's signed review look like in the state
// file. Plain value types; the
// SQL lives in repository.h. Times are whole Unix seconds (UTC).
//
// Thread-safety: value types.
#ifndef BREAKGLASS_VAULT_CORE_RECORDS_H_
#define BREAKGLASS_VAULT_CORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vault/core/lifecycle.h"
#include "vault/core/statement.h"

namespace breakglass::core {

struct CredentialRecord {
  std::string id;
  int64_t version = 0;
  CredentialState state = CredentialState::kSealed;
  std::string policy;             // EncodePolicy text
  std::string commitment;      // crypto::shamir::Commitments::Encode()
  std::string commitment_key;  // envelope of the commitment key (CommitmentKeyAad)
  int64_t updated_at = 0;
};

struct ShareRecord {
  int index = 0;  // 1-based Shamir x coordinate
  std::string custodian;
  std::string envelope;  // ShareEnvelope bytes
};

struct RequestRecord {
  std::string id;
  std::string credential;
  int64_t version = 0;
  std::string requester;
  std::string incident;
  std::string reason;
  std::string release_key;  // raw 32-byte X25519 public key
  RequestState state = RequestState::kPending;
  std::string state_note;   // why it reached its state (cancel/deny/expiry reason)
  int64_t created_at = 0;
  int64_t approval_deadline = 0;  // the statement's `expires`
};

struct DecisionRecord {
  std::string custodian;
  Decision decision = Decision::kApprove;
  std::string statement;  // canonical JSON, as signed (after the domain line)
  std::string signature;
  std::string key_fingerprint;  // "SHA256:..." of the key it verified under
  int64_t at = 0;
};

struct ReleaseRecord {
  std::string request;
  std::optional<std::string> box;  // release_box envelope until fetched or expired
  std::string box_sha256;          // hex, logged in the release event
  std::string approvers;           // comma-separated, share order
  int64_t released_at = 0;
  int64_t use_until = 0;
  bool anchored = false;
  std::optional<int64_t> fetched_at;
  // Post-incident review. log_index is the leaf index of the `release`
  // event (absent only for releases stored before reviews existed, which
  // cannot be reviewed). review_due: when the review must be signed by.
  std::optional<int64_t> log_index;
  int64_t review_due = 0;
  std::optional<int64_t> reviewed_at;         // review signed (enough reviewers)
  std::optional<int64_t> closed_at;           // rotated and reviewed
  std::optional<int64_t> overdue_alerted_at;  // last review_overdue event
};

// One reviewer's signed review of a release (review_statement.h).
struct ReviewRecord {
  std::string reviewer;
  bool justified = false;
  std::string statement;  // canonical JSON, as signed (after the domain line)
  std::string signature;
  std::string key_fingerprint;  // "SHA256:..." of the key it verified under
  int64_t at = 0;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_RECORDS_H_
