#include "api/breakglassd/appliance.h"

#include <atomic>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_keystore.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/token.h"
#include "spdlog/spdlog.h"
#include "tpm/evidence/attest.h"
#include "tpm/tss/attestation_key.h"
#include "tpm/tss/nv_counter.h"
#include "tpm/tss/sealing_keystore.h"
#include "tpm/tss/tss_context.h"
#include "vault/alerts/alert_system.h"
#include "vault/alerts/outbox.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/base/status.h"
#include "vault/core/audit_adapters.h"
#include "vault/core/repository.h"
#include "vault/core/rollback_recovery.h"
#include "vault/core/vault.h"
#include "vault/crypto/signature.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {
namespace {

namespace tss = ::breakglass::tpm::tss;
namespace p11 = ::breakglass::hsm::pkcs11;

absl::Status In(std::string_view component, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(std::string(component), ": ", std::string(status.message())));
}

std::vector<store::sqlite::Migration> AllMigrations() {
  std::vector<store::sqlite::Migration> steps = audit::AuditLog::Migrations();
  for (const auto& m : core::repo::Migrations()) steps.push_back(m);
  for (const auto& m : alerts::OutboxMigrations()) steps.push_back(m);
  return steps;
}

std::vector<std::string> EventTypes(const std::string& list) {
  return absl::StrSplit(list, ',', absl::SkipEmpty());
}

// breakglassd.toml's [alerts] and [incident_check] as the alerts layer's configuration.
alerts::AlertSystemConfig AlertConfig(const DaemonConfig& config) {
  const DaemonConfig::Alerts& a = config.alerts;
  alerts::AlertSystemConfig c;
  c.webhook = {a.webhook_url,
               a.webhook_secret_file,
               a.webhook_ca_file,
               absl::Milliseconds(a.webhook_connect_timeout_ms),
               absl::Milliseconds(a.webhook_timeout_ms),
               EventTypes(a.webhook_events)};
  c.syslog = {a.syslog_address, static_cast<int>(a.syslog_facility), EventTypes(a.syslog_events)};
  c.retry = {absl::Milliseconds(a.retry_initial_backoff_ms),
             absl::Seconds(a.retry_max_backoff_seconds), a.retry_max_attempts,
             absl::Seconds(a.retry_give_up_after_seconds)};
  c.gate = a.release_gate == "off"       ? alerts::GateMode::kOff
           : a.release_gate == "require" ? alerts::GateMode::kRequire
                                         : alerts::GateMode::kContinueAfterTimeout;
  c.gate_policy.timeout = absl::Seconds(a.release_gate_timeout_seconds);
  c.gate_policy.attempts = static_cast<int>(a.release_gate_attempts);
  c.gate_policy.retry_interval = absl::Milliseconds(a.release_gate_retry_interval_ms);
  const DaemonConfig::IncidentCheck& i = config.incident_check;
  c.incident_check = {i.url, i.secret_file, i.ca_file, absl::Milliseconds(i.timeout_ms)};
  return c;
}

tss::NvCounterSpec CounterSpec(std::string label, const firmware::CounterProfile& counter,
                               const firmware::PcrPolicy& pcrs) {
  tss::NvCounterSpec spec;
  spec.label = std::move(label);
  spec.nv_index = counter.nv_index;
  if (counter.pcr_bound_writes) {
    spec.write_policy = tss::NvWritePolicy::kAuthValueAndPcr;
    spec.pcrs.bank = pcrs.bank;
    spec.pcrs.pcrs = pcrs.pcrs;
  }
  return spec;
}

// The counter's write secret (firmware profile auth_file, mode 0600).
absl::StatusOr<base::SecretBytes> CounterAuth(const firmware::CounterProfile& counter) {
  absl::StatusOr<base::SecretBytes> auth = p11::ReadPinFile(counter.auth_file);
  if (absl::IsNotFound(auth.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the counter write secret ", counter.auth_file,
        " does not exist; create it (1-32 random bytes, mode 0600) before provisioning"));
  }
  return auth;
}

// The share-sealing keystore that keystore.kind names: the token's AES key
// [hsm.keys] share_seal, or TPM sealed-data objects under the profile's SRK,
// bound to its PCR policy. `create` (init) lets the SRK be created at an
// empty handle. Errors name the device and the setting.
absl::StatusOr<std::unique_ptr<hsm::Keystore>> OpenKeystore(
    const std::string& kind, const firmware::FirmwareProfile& profile,
    const std::shared_ptr<p11::Token>& token, tss::TssContext* tpm, bool create) {
  absl::StatusOr<std::unique_ptr<hsm::Keystore>> keystore;
  if (kind == "tpm") {
    tss::SealingKeystoreOptions options;
    options.srk_handle = profile.tpm.srk_handle;
    options.srk_algorithm = profile.tpm.srk_algorithm == "rsa-2048" ? tss::SrkAlgorithm::kRsa2048
                                                                    : tss::SrkAlgorithm::kEccP256;
    options.pcrs.bank = profile.tpm.pcr_policy.bank;
    options.pcrs.pcrs = profile.tpm.pcr_policy.pcrs;
    options.create_srk_if_absent = create;
    keystore = tss::TpmSealingKeystore::Create(tpm, std::move(options));
  } else {
    keystore =
        p11::Pkcs11Keystore::Open(token, "pkcs11:object=" + profile.hsm.share_seal_key_label);
  }
  if (keystore.ok()) return keystore;
  return absl::Status(
      keystore.status().code(),
      absl::StrCat(kind == "tpm" ? "tpm" : "hsm", " (share-sealing keystore, keystore.kind = \"",
                   kind, "\"): ", std::string(keystore.status().message()),
                   create ? "" : "; keystore.kind must stay what `breakglass init` ran with"));
}

// The NV Name evidence carries once the index is written (TPMA_NV_WRITTEN).
absl::StatusOr<std::string> WrittenNameHex(tss::TssNvCounter& counter) {
  BG_ASSIGN_OR_RETURN(tpm::NvPublic pub, counter.ReadPublic());
  pub.attributes |= tpm::kTpmaNvWritten;
  BG_ASSIGN_OR_RETURN(const std::string name, tpm::NvIndexName(pub));
  return base::HexEncode(name);
}

// The checkpoint origin is the first line of any stored checkpoint note.
absl::StatusOr<std::string> StoredOrigin(audit::AuditLog& log) {
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint latest, log.LatestCheckpoint());
  return std::string(latest.note.substr(0, latest.note.find('\n')));
}

}  // namespace

// Declaration order is construction order; members are destroyed in reverse,
// so the vault goes first and the TPM context last.
struct Appliance::Parts {
  base::SystemClock clock;
  base::SystemRandom random;
  std::unique_ptr<tss::TssContext> tpm;
  std::shared_ptr<p11::Token> token;
  std::unique_ptr<store::TransactionRunner> runner;
  std::unique_ptr<audit::AuditLog> log;
  // Created at provisioning or when opening a provisioned appliance.
  std::unique_ptr<tss::AttestationKey> ak;
  std::unique_ptr<tss::TssNvCounter> release;
  std::unique_ptr<tss::TssNvCounter> checkpoint;
  std::unique_ptr<hsm::Keystore> keystore;  // keystore.kind: PKCS#11 or TPM
  std::unique_ptr<p11::Pkcs11LogSigner> log_signer;
  std::unique_ptr<audit::Anchorer> anchorer;
  // In rollback recovery, and after it (the handlers may still hold it).
  std::unique_ptr<core::RollbackRecovery> recovery;
  std::unique_ptr<core::AuditEventLog> events;
  std::unique_ptr<core::AuditAnchor> anchor;
  // Alerts (sinks, outbox dispatcher, release gate, incident checker); the
  // Anchorer's hooks reach it through `alert_hooks` once it exists.
  std::unique_ptr<alerts::AlertSystem> alerts;
  std::atomic<alerts::AlertSystem*> alert_hooks{nullptr};
  // Optional components (AddOptionalComponents): their owners are declared
  // here, before `vault`, so they outlive it; the hooks point into them.
  core::EventLog* vault_events = nullptr;  // what the vault appends to; null: `events`
  core::ReleaseGate* release_gate = nullptr;
  core::IncidentChecker* incident_checker = nullptr;
  std::unique_ptr<core::Vault> vault;
};

absl::StatusOr<std::unique_ptr<Appliance>> Appliance::Open(const DaemonConfig& config,
                                                           const firmware::FirmwareProfile& profile,
                                                           bool recover_rollback) {
  auto parts = std::make_unique<Parts>();
  BG_RETURN_IF_ERROR(In("store", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(parts->runner, store::TransactionRunner::Open(config.SqlitePath().string(),
                                                                      AllMigrations()));
    BG_ASSIGN_OR_RETURN(parts->log, audit::AuditLog::Create(parts->runner.get(), &parts->clock));
    return absl::OkStatus();
  }()));
  BG_RETURN_IF_ERROR(In("hsm", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(base::SecretBytes pin, p11::ReadPinFile(config.hsm.pin_file));
    p11::TokenOptions options;
    options.module_path = profile.hsm.module_path;
    options.uri = absl::StrCat("pkcs11:token=", profile.hsm.token_label);
    BG_ASSIGN_OR_RETURN(parts->token, p11::Token::Open(options, std::move(pin)));
    return absl::OkStatus();
  }()));
  BG_RETURN_IF_ERROR(In("tpm", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(parts->tpm, tss::TssContext::Open(config.tpm.tcti));
    return absl::OkStatus();
  }()));
  std::unique_ptr<Appliance> appliance(new Appliance(config, profile, std::move(parts)));
  BG_ASSIGN_OR_RETURN(const uint64_t size, appliance->log()->Size());
  if (size > 0) BG_RETURN_IF_ERROR(appliance->OpenProvisioned(recover_rollback));
  return appliance;
}

Appliance::Appliance(DaemonConfig config, firmware::FirmwareProfile profile,
                     std::unique_ptr<Parts> parts)
    : config_(std::move(config)), profile_(std::move(profile)), parts_(std::move(parts)) {}

Appliance::~Appliance() {
  absl::MutexLock lock(&mu_);
  if (parts_ != nullptr && parts_->anchorer != nullptr) parts_->anchorer->Stop();
  parts_.reset();
}

// Opens (or, with `create`, first creates) the keys, AK and counters.
absl::Status Appliance::OpenDevices(bool create) {
  Parts& p = *parts_;
  BG_ASSIGN_OR_RETURN(p.keystore,
                      OpenKeystore(config_.keystore.kind, profile_, p.token, p.tpm.get(), create));
  const auto& hsm = profile_.hsm;
  BG_RETURN_IF_ERROR(In("hsm", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(p.log_signer, p11::Pkcs11LogSigner::Open(
                                          p.token, "pkcs11:object=" + hsm.log_signer_key_label));
    return absl::OkStatus();
  }()));
  const auto& tpm = profile_.tpm;
  return In("tpm", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(p.ak, create ? tss::AttestationKey::Provision(p.tpm.get(), tpm.ak_handle)
                                     : tss::AttestationKey::Open(p.tpm.get(), tpm.ak_handle));
    const tss::NvCounterSpec release = CounterSpec("release", tpm.release_counter, tpm.pcr_policy);
    const tss::NvCounterSpec checkpoint =
        CounterSpec("checkpoint", tpm.checkpoint_counter, tpm.pcr_policy);
    BG_ASSIGN_OR_RETURN(base::SecretBytes release_auth, CounterAuth(tpm.release_counter));
    BG_ASSIGN_OR_RETURN(base::SecretBytes checkpoint_auth, CounterAuth(tpm.checkpoint_counter));
    if (create) {
      for (const auto& [spec, auth] : {std::pair{&release, &release_auth},
                                       std::pair{&checkpoint, &checkpoint_auth}}) {
        absl::Status defined = tss::TssNvCounter::Define(*p.tpm, *spec, *auth);
        // A counter left by an interrupted ceremony is re-used: its value is
        // recorded at provisioning, whatever it is.
        if (!defined.ok() && !absl::IsAlreadyExists(defined)) return defined;
      }
    }
    BG_ASSIGN_OR_RETURN(p.release, tss::TssNvCounter::Open(p.tpm.get(), release,
                                                           std::move(release_auth), p.ak.get()));
    BG_ASSIGN_OR_RETURN(p.checkpoint,
                        tss::TssNvCounter::Open(p.tpm.get(), checkpoint,
                                                std::move(checkpoint_auth), p.ak.get()));
    return absl::OkStatus();
  }());
}

absl::Status Appliance::StartAnchoring(const std::string& origin) {
  Parts& p = *parts_;
  audit::AnchorDeps deps;
  deps.runner = p.runner.get();
  deps.log = p.log.get();
  deps.signer = p.log_signer.get();
  deps.checkpoint_counter = p.checkpoint.get();
  deps.release_counter = p.release.get();
  audit::AnchorOptions options;
  options.origin = origin;
  options.min_interval = absl::Milliseconds(config_.anchoring.min_increment_interval_ms);
  options.max_routine_age = absl::Seconds(config_.anchoring.routine_max_age_seconds);
  options.yearly_nv_write_budget = static_cast<uint64_t>(config_.anchoring.yearly_nv_write_budget);
  options.budget_warning_percent = static_cast<uint32_t>(config_.anchoring.budget_alert_percent);
  options.on_budget_warning = [&p](const audit::NvWriteStats& stats) {
    if (alerts::AlertSystem* a = p.alert_hooks.load()) a->BudgetWarningHook()(stats);
  };
  options.on_rollback_alarm = [&p](const audit::CounterDisagreement& d) {
    if (alerts::AlertSystem* a = p.alert_hooks.load()) a->RollbackAlarmHook()(d);
  };
  BG_ASSIGN_OR_RETURN(p.anchorer, audit::Anchorer::Create(deps, &p.clock, options));
  p.events = std::make_unique<core::AuditEventLog>(p.log.get());
  p.anchor = std::make_unique<core::AuditAnchor>(p.anchorer.get());
  return absl::OkStatus();
}

absl::Status Appliance::OpenProvisioned(bool recover_rollback) {
  absl::MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(OpenDevices(/*create=*/false));
  absl::StatusOr<std::string> origin = StoredOrigin(*parts_->log);
  if (!origin.ok()) return In("store", origin.status());
  BG_RETURN_IF_ERROR(StartAnchoring(*origin));
  absl::StatusOr<audit::StartupReport> report = parts_->anchorer->Start();
  if (!report.ok() && recover_rollback && parts_->anchorer->refusal().has_value()) {
    return EnterRecovery();
  }
  if (!report.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing to start: ", std::string(report.status().message())));
  }
  return CreateVault();
}

absl::Status Appliance::EnterRecovery() {
  Parts& p = *parts_;
  core::RollbackRecoveryDeps deps;
  deps.runner = p.runner.get();
  deps.anchorer = p.anchorer.get();
  deps.required = static_cast<uint32_t>(config_.recovery.rollback_clear_approvals);
  deps.on_cleared = [this] { return LeaveRecovery(); };
  absl::StatusOr<std::unique_ptr<core::RollbackRecovery>> recovery =
      core::RollbackRecovery::Create(std::move(deps));
  if (absl::IsFailedPrecondition(recovery.status()) &&
      recovery.status().message().find("custodian approvals") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recovery.rollback_clear_approvals: ", std::string(recovery.status().message()),
        "; lower it in breakglassd.toml (at least 1)"));
  }
  if (!recovery.ok()) return recovery.status();
  p.recovery = *std::move(recovery);
  recovery_why_ = p.recovery->Why();
  recovering_ = true;
  return absl::OkStatus();
}

absl::Status Appliance::LeaveRecovery() {
  absl::MutexLock lock(&mu_);
  absl::Status created = CreateVault();
  if (!created.ok()) {
    return absl::Status(created.code(),
                        absl::StrCat("the rollback clear is recorded, but the vault did not "
                                     "open (",
                                     std::string(created.message()),
                                     "); restart breakglassd without --recover-rollback"));
  }
  recovering_ = false;
  // While the state was in doubt no alert system ran, so the sinks hear of
  // the rollback now: what the start-up check found and that a quorum
  // cleared it (who, and the numbers, are in the `rollback_cleared` leaf).
  // Queued in the outbox like every alert; a failure to queue is logged,
  // the clear stands.
  core::VaultEvent alarm;
  alarm.type = "rollback_alarm";
  alarm.actor = "breakglassd";
  alarm.subject = "rollback cleared";
  alarm.time = parts_->clock.Now();
  alarm.fields.Set("why", absl::StrCat(recovery_why_,
                                       " CLEARED by a quorum of custodians (see the "
                                       "rollback_cleared leaf); releases are allowed again"));
  if (absl::Status raised = parts_->alerts->Raise(alarm); !raised.ok()) {
    spdlog::error("rollback cleared, but its alert could not be queued: {}",
                  std::string(raised.message()));
  }
  return absl::OkStatus();
}

// THE place for components that breakglassd.toml turns on (DESIGN.md
// "Alerts"; incident checks): construct them from config_ into Parts and set
// the hooks. Called once the log and anchoring are up, before the vault.
// Errors name the configuration key.
absl::Status Appliance::AddOptionalComponents() {
  Parts& p = *parts_;
  BG_ASSIGN_OR_RETURN(p.alerts, alerts::AlertSystem::Create(
                                    AlertConfig(config_),
                                    {p.runner.get(), p.events.get(), &p.clock, &p.random}));
  p.vault_events = p.alerts->events();  // decorates `events`: alerts join the event's unit
  p.release_gate = p.alerts->release_gate();
  p.incident_checker = p.alerts->incident_checker();
  p.alert_hooks = p.alerts.get();
  p.alerts->Start();
  return absl::OkStatus();
}

absl::Status Appliance::CreateVault() {
  BG_RETURN_IF_ERROR(AddOptionalComponents());
  Parts& p = *parts_;
  core::VaultDeps deps;
  deps.runner = p.runner.get();
  deps.events = p.vault_events;
  deps.keystore = p.keystore.get();
  deps.anchor = p.anchor.get();
  deps.clock = &p.clock;
  deps.random = &p.random;
  deps.release_gate = p.release_gate;
  deps.incident_checker = p.incident_checker;
  BG_ASSIGN_OR_RETURN(p.vault, core::Vault::Create(deps));
  return absl::OkStatus();
}

// The token's keys for init: the Ed25519 log key, and the share-sealing AES
// key only when keystore.kind = "pkcs11" (the TPM keystore's SRK is made by
// OpenDevices). Keys left by an interrupted ceremony (the log is still
// empty) are used.
absl::Status Appliance::CreateHsmKeys() {
  const auto& hsm = profile_.hsm;
  absl::Status keys;
  if (config_.keystore.kind == "pkcs11") {
    p11::ApplianceKeyLabels labels;
    labels.share_seal = hsm.share_seal_key_label;
    labels.log_signing = hsm.log_signer_key_label;
    keys = p11::ProvisionApplianceKeys(parts_->token, labels).status();
  } else {
    keys = p11::CreateSigningKeyPair(parts_->token, hsm.log_signer_key_label,
                                     crypto::SignatureAlgorithm::kEd25519)
               .status();
  }
  return keys.ok() || absl::IsAlreadyExists(keys) ? absl::OkStatus() : In("hsm", keys);
}

absl::StatusOr<ProvisionResult> Appliance::Provision(const std::string& log_origin) {
  absl::MutexLock lock(&mu_);
  if (recovering_) {
    return absl::FailedPreconditionError(
        "the appliance is provisioned and in rollback recovery; `breakglass init` runs once");
  }
  if (parts_->vault != nullptr) {
    return absl::FailedPreconditionError(
        "the appliance is already initialised; `breakglass init` runs once");
  }
  BG_RETURN_IF_ERROR(CreateHsmKeys());
  BG_RETURN_IF_ERROR(OpenDevices(/*create=*/true));  // also the SRK for keystore.kind = tpm
  BG_RETURN_IF_ERROR(StartAnchoring(log_origin));
  Parts& p = *parts_;
  audit::ProvisionRequest request;
  request.ak_public_key_pem = p.ak->public_key_pem();
  request.checkpoint_nv_index = profile_.tpm.checkpoint_counter.nv_index;
  request.release_nv_index = profile_.tpm.release_counter.nv_index;
  BG_RETURN_IF_ERROR(In("tpm", [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(request.checkpoint_nv_name_hex, WrittenNameHex(*p.checkpoint));
    BG_ASSIGN_OR_RETURN(request.release_nv_name_hex, WrittenNameHex(*p.release));
    return absl::OkStatus();
  }()));
  BG_ASSIGN_OR_RETURN(audit::StartupReport report, p.anchorer->Provision(request));
  BG_RETURN_IF_ERROR(CreateVault());

  ProvisionResult result;
  result.log_verifier_key = p.anchorer->verifier().ToString();
  result.ak_public_key_pem = request.ak_public_key_pem;
  BG_ASSIGN_OR_RETURN(crypto::PublicKey ak, crypto::PublicKey::FromPem(result.ak_public_key_pem));
  result.ak_fingerprint = ak.FingerprintHex();
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint genesis, p.log->LatestCheckpoint());
  result.genesis_checkpoint = genesis.note;
  for (const audit::CounterCheck& check : report.checks) {
    (check.counter == "release" ? result.release_counter_start : result.checkpoint_counter_start) =
        check.tpm_value;
  }
  return result;
}

core::RollbackRecovery* Appliance::rollback_recovery() const {
  absl::MutexLock lock(&mu_);
  return recovering_ ? parts_->recovery.get() : nullptr;
}

std::optional<std::string> Appliance::RecoveryQuorumWarning() const {
  store::TransactionRunner* runner = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (recovering_ || parts_->vault == nullptr) return std::nullopt;
    runner = parts_->runner.get();
  }
  int64_t custodians = 0;
  const absl::Status read = runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(custodians, core::repo::CountActiveCustodians(txn));
    return absl::OkStatus();
  });
  const int64_t required = config_.recovery.rollback_clear_approvals;
  if (!read.ok() || custodians >= required) return std::nullopt;
  return absl::StrCat("recovery.rollback_clear_approvals is ", required, " but only ", custodians,
                      " active custodians with a registered key exist: a rollback could not be "
                      "cleared until more are registered");
}

core::Vault* Appliance::vault() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault.get();
}
audit::AuditLog* Appliance::log() const {
  absl::MutexLock lock(&mu_);
  return parts_->log.get();
}
audit::Anchorer* Appliance::anchorer() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault != nullptr ? parts_->anchorer.get() : nullptr;
}
store::TransactionRunner* Appliance::runner() const {
  absl::MutexLock lock(&mu_);
  return parts_->runner.get();
}
std::string Appliance::log_verifier_key() const {
  absl::MutexLock lock(&mu_);
  return parts_->vault != nullptr ? parts_->anchorer->verifier().ToString() : "";
}
std::string Appliance::scratch_dir() const {
  return (std::filesystem::path(config_.storage.state_dir) / "exports").string();
}
std::string Appliance::ak_public_key_pem() const {
  absl::MutexLock lock(&mu_);
  return parts_->ak != nullptr && parts_->vault != nullptr ? parts_->ak->public_key_pem() : "";
}

}  // namespace breakglass::api
