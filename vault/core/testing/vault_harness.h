// VaultHarness: a Vault on a real SQLite store in a temporary directory, with
// a FakeClock, the real audit log and a cast of identities, for the
// core's unit tests and the integration tests (which pass a real keystore and
// anchor). Test-only.
//
// The cast: operator "oscar"; requesters "alice" and "rita"; custodians
// "ann", "bob", "cat" (factor dba, 2 of 3; ann and cat sign with Ed25519,
// bob with ECDSA P-256; cat may also request) and "sam", "sue" (factor security, 1 of 2, ECDSA and
// Ed25519); "carl", a custodian of nothing. Credential "db-root" needs
// dba 2/3 AND security 1/2, deny threshold 2.
//
// Thread-safety: the Vault is thread-safe; the harness's helpers may be
// called from many threads once Provision() has returned.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_VAULT_HARNESS_H_
#define BREAKGLASS_VAULT_CORE_TESTING_VAULT_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vault/base/clock.h"
#include "vault/base/random.h"
#include "vault/audit/log.h"
#include "vault/core/audit_adapters.h"
#include "vault/core/testing/faulty_event_log.h"
#include "vault/core/vault.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/signature.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::core::testing {

inline constexpr std::string_view kSecret = "correct horse battery staple #42!";  // 33 bytes
inline constexpr std::string_view kIncident = "INC-4711";
inline constexpr std::string_view kReason = "primary database is down; need root to fail over";

// Everything stored, as text: every core row and every event leaf. Two equal
// snapshots mean "no state change".
struct Snapshot {
  std::string rows;
  size_t events = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class VaultHarness final {
 public:
  // Makes the anchor once the store and the audit log exist (a real Anchorer
  // needs them). Returns a borrowed Anchor that must outlive the harness's
  // use of it.
  using AnchorFactory =
      std::function<absl::StatusOr<Anchor*>(store::TransactionRunner&, audit::AuditLog&)>;

  // For layers above the core (alerts): more schema steps, and a hook run
  // before the Vault is made that may replace deps.events (e.g. with a
  // decorator of `vault_events`) and set the optional ports. `audit_log` is
  // the undecorated log. What the hook makes must outlive the harness.
  struct Extras {
    std::vector<store::sqlite::Migration> migrations;
    std::function<absl::Status(store::TransactionRunner& runner, EventLog& audit_log,
                               EventLog& vault_events, VaultDeps& deps)>
        configure;
  };

  // `keystore` and `anchor` are borrowed and must outlive the harness.
  static absl::StatusOr<std::unique_ptr<VaultHarness>> Create(hsm::Keystore* keystore,
                                                              Anchor* anchor);
  static absl::StatusOr<std::unique_ptr<VaultHarness>> Create(hsm::Keystore* keystore,
                                                              const AnchorFactory& anchor,
                                                              Extras extras = {});
  ~VaultHarness();

  static PolicySpec DbRootPolicy();
  // Registers the cast and creates "db-root".
  absl::Status Provision();

  // Files a request as `requester` with a fresh release key (kept here).
  absl::StatusOr<RequestRecord> File(std::string_view requester = "alice",
                                     std::string_view credential = "db-root");
  // `custodian` signs `statement` with their registered key.
  absl::StatusOr<std::string> Sign(std::string_view custodian, const ApprovalStatement& statement);
  // Builds the statement, signs it as `custodian` and submits it.
  absl::StatusOr<DecisionResult> Decide(std::string_view custodian, std::string_view request_id,
                                        Decision decision = Decision::kApprove);
  // Fetches as `requester` and opens the box with the request's private key.
  absl::StatusOr<base::SecretBytes> FetchAndOpen(std::string_view requester,
                                                 std::string_view request_id);
  // Registers (or replaces) `name`'s signing key with a fresh one.
  absl::Status RekeyCustodian(std::string_view name);
  // Registers `name` with `roles` (and, for custodians and reviewers, a
  // fresh Ed25519 key kept here).
  absl::Status AddIdentity(std::string_view name, RoleSet roles);
  // Files a request as `requester` and has ann, bob and sam approve it:
  // the request is released.
  absl::StatusOr<RequestRecord> Release(std::string_view requester = "alice",
                                        std::string_view credential = "db-root");
  // Builds the review statement, signs it as `reviewer` and submits it.
  absl::StatusOr<ReviewResult> Review(std::string_view reviewer, std::string_view request_id,
                                      const ReviewInput& input);
  // Signs `bytes` with `name`'s registered key.
  absl::StatusOr<std::string> SignBytes(std::string_view name, std::string_view bytes);

  // Waits for writes queued before the call, then reads everything.
  absl::StatusOr<Snapshot> Snap();
  absl::StatusOr<std::vector<std::string>> Leaves();

  Vault& vault() { return *vault_; }
  base::FakeClock& clock() { return clock_; }
  store::TransactionRunner& runner() { return *runner_; }
  // The directory holding the state file.
  const std::filesystem::path& dir() const { return dir_.path(); }
  FaultyEventLog& events() { return *events_; }
  audit::AuditLog& log() { return *log_; }
  const crypto::SigningKey& key(std::string_view name) const;

 private:
  VaultHarness() : clock_(absl::FromUnixSeconds(1'700'000'000)) {}
  absl::Status Register(std::string_view name, RoleSet roles, bool ed25519);

  store::testing::TempDir dir_;
  base::FakeClock clock_;
  base::SystemRandom random_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<AuditEventLog> audit_events_;
  std::unique_ptr<FaultyEventLog> events_;
  std::unique_ptr<Vault> vault_;
  mutable absl::Mutex mu_;
  std::map<std::string, crypto::SigningKey, std::less<>> keys_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, base::SecretBytes, std::less<>> release_keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_VAULT_HARNESS_H_
