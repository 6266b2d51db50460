// The offline check of a `rollback_cleared` leaf (format: vault/audit/
// rollback_clear.h, re-read here independently): the only thing that
// excuses the counters jumping between two anchors. A clear is accepted only
// when
//   - its statement is exactly the canonical statement of the log at that
//     point: this origin, the clear's own index as the log size, the RFC 9162
//     root of the leaves before it, the latest checkpoint before it (size and
//     SHA-256 of its note), and for each counter the value the previous
//     anchor stated (A) and a TPM value (T), with at least one A != T;
//   - its "counters" and baseline ("release_counter", "checkpoint_counter")
//     repeat the statement's A and T;
//   - it carries at least "required_approvals" (>= 1) approvals from distinct
//     custodians, each one active as the log's identity_add/identity_remove
//     leaves record it, with a "key_pem" whose SHA-256 fingerprint is the
//     key_fingerprint of that custodian's latest identity_add, and a
//     signature by that key over the statement bytes.
// The log records each custodian's key fingerprint, and each clear carries the
// keys, so every signature is verifiable offline. A clear is never silent:
// Summary::rollback_clears lists each one with its numbers and signers.
//
// Thread-safety: not thread-safe; one verification.
#ifndef BREAKGLASS_VAULT_VERIFY_ROLLBACK_CLEARS_H_
#define BREAKGLASS_VAULT_VERIFY_ROLLBACK_CLEARS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/verify/summary.h"

namespace breakglass::verify {

// Custodians as the log's identity leaves record them.
class CustodianRegistry final {
 public:
  // An `identity_add` or `identity_remove` leaf (other types are ignored).
  // Leaves that do not carry the expected fields are ignored: they cannot
  // make anyone a custodian.
  void OnIdentityLeaf(std::string_view type, std::string_view leaf);

  // The registered key fingerprint ("SHA256:<hex>") of `name` when it is an
  // active custodian with a key; nullopt otherwise.
  std::optional<std::string> ActiveCustodianKey(const std::string& name) const;

 private:
  struct Entry {
    bool custodian = false;
    bool active = false;
    std::string key_fingerprint;
  };
  std::map<std::string, Entry, std::less<>> identities_;
};

// What the verifier knows of the log where a clear appears.
struct ClearContext {
  std::string origin;
  uint64_t index = 0;                 // the clear's leaf index = the stated log size
  std::string root_hex;               // RFC 9162 root of leaves [0, index)
  uint64_t checkpoint_size = 0;       // latest checkpoint of size <= index (0: none)
  std::string checkpoint_sha256_hex;  // SHA-256 of its note ("" : none)
  uint64_t stated_release = 0;        // the previous anchor's (or clear's) values
  uint64_t stated_checkpoint = 0;
};

// Checks the clear `leaf` against `ctx` and `custodians` (file comment).
// INVALID_ARGUMENT saying what is wrong (the caller names the leaf).
absl::StatusOr<RollbackClearSummary> CheckRollbackClear(std::string_view leaf,
                                                        const ClearContext& ctx,
                                                        const CustodianRegistry& custodians);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_ROLLBACK_CLEARS_H_
