#include "tests/integration/report_world.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "vault/audit/export.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/base/status.h"
#include "vault/core/statement.h"
#include "vault/crypto/release_box.h"
#include "vault/report/checks.h"

namespace breakglass::report::integration {

using core::testing::VaultHarness;

absl::StatusOr<std::unique_ptr<ReportWorld>> ReportWorld::Create() {
  std::unique_ptr<ReportWorld> w(new ReportWorld());
  auto make_anchor = [&w](store::TransactionRunner& runner,
                          audit::AuditLog& log) -> absl::StatusOr<core::Anchor*> {
    audit::AnchorDeps deps{&runner, &log, &w->signer_, &w->checkpoint_, &w->release_, {}};
    audit::AnchorOptions options;
    options.origin = kReportOrigin;
    options.min_interval = absl::ZeroDuration();
    options.max_routine_age = absl::Hours(1);  // routine leaves wait for AnchorAll
    BG_ASSIGN_OR_RETURN(w->anchorer_, audit::Anchorer::Create(deps, &w->anchor_clock_, options));
    BG_RETURN_IF_ERROR(w->anchorer_->Provision(w->tpm_.Provision()).status());
    w->anchor_ = std::make_unique<core::AuditAnchor>(w->anchorer_.get());
    return w->anchor_.get();
  };
  BG_ASSIGN_OR_RETURN(w->harness_, VaultHarness::Create(&w->keystore_, make_anchor));
  BG_RETURN_IF_ERROR(w->harness_->Provision());
  return w;
}

ReportWorld::~ReportWorld() {
  if (anchorer_) anchorer_->Stop();
  harness_.reset();
  anchor_.reset();
  anchorer_.reset();
}

absl::Status ReportWorld::RunStory(const std::string& reason) {
  base::SystemRandom random;
  BG_ASSIGN_OR_RETURN(auto keys, crypto::release_box::Generate(random));
  core::NewRequest request{"db-root", std::string(core::testing::kIncident), reason,
                           keys.public_key};
  BG_ASSIGN_OR_RETURN(core::RequestRecord r, harness_->vault().CreateRequest("alice", request));
  id_ = r.id;
  reason_ = reason;
  for (const char* custodian : {"ann", "bob", "sam"}) {
    BG_RETURN_IF_ERROR(harness_->Decide(custodian, id_).status());
  }
  core::VaultEvent alert;
  alert.type = "alert_delivery";
  alert.actor = "breakglassd";
  alert.subject = id_;
  alert.incident = std::string(core::testing::kIncident);
  alert.fields.Set("alert_id", std::string(32, 'a'))
      .Set("alert_type", "release")
      .Set("sink", "hook")
      .Set("outcome", "delivered")
      .Set("attempt", int64_t{1});
  BG_RETURN_IF_ERROR(Log(std::move(alert)));
  BG_RETURN_IF_ERROR(harness_->vault().Fetch("alice", id_).status());
  if (harness_->vault().Fetch("alice", id_).ok()) {
    return absl::InternalError("the second fetch was not refused");
  }
  BG_RETURN_IF_ERROR(harness_->vault()
                         .RotateCredential("oscar", "db-root",
                                           base::SecretBytes::CopyFrom(std::string_view(
                                               "a brand new root password, rotated!")),
                                           std::nullopt)
                         .status());
  return Review();
}

absl::StatusOr<int64_t> ReportWorld::ReleaseIndex() {
  BG_ASSIGN_OR_RETURN(std::vector<std::string> leaves, harness_->Leaves());
  for (size_t i = 0; i < leaves.size(); ++i) {
    const nlohmann::json leaf = nlohmann::json::parse(leaves[i]);
    if (leaf.at("type") == "release" && leaf.at("subject") == id_) return static_cast<int64_t>(i);
  }
  return absl::NotFoundError("no release leaf");
}

absl::Status ReportWorld::Review(int64_t index_offset) {
  BG_ASSIGN_OR_RETURN(const int64_t release, ReleaseIndex());
  const nlohmann::json statement = {{"actions", "failed over db-1 with root"},
                                    {"credential", "db-root"},
                                    {"credential_version", 1},
                                    {"findings", "the failover needed root; no misuse"},
                                    {"follow_up.0", "automate the failover"},
                                    {"follow_ups", 1},
                                    {"incident", std::string(core::testing::kIncident)},
                                    {"justified", "yes"},
                                    {"reason_sha256", core::ReasonSha256Hex(reason_)},
                                    {"release_log_index", release + index_offset},
                                    {"request", id_},
                                    {"requester", "alice"},
                                    {"reviewer", "sue"},
                                    {"rotated_to_version", 2}};
  const std::string text = statement.dump();
  const crypto::SigningKey& key = harness_->key("sue");
  BG_ASSIGN_OR_RETURN(std::string signature, key.Sign(absl::StrCat(kReviewDomain, text)));
  core::VaultEvent review;
  review.type = "review";
  review.actor = "sue";
  review.subject = id_;
  review.incident = std::string(core::testing::kIncident);
  review.fields.Set("credential", "db-root")
      .Set("credential_version", int64_t{1})
      .Set("statement", text)
      .Set("signature", base::Base64Encode(signature))
      .Set("key_fingerprint", key.public_key().FingerprintHex())
      .Set("justified", "yes")
      .Set("release_log_index", release + index_offset)
      .Set("rotated_to_version", int64_t{2})
      .Set("state", "reviewed");
  return Log(std::move(review));
}

absl::Status ReportWorld::AnchorAll() { return anchorer_->AnchorNow(audit::AnchorKind::kRoutine); }

absl::Status ReportWorld::Log(core::VaultEvent event) {
  event.time = harness_->clock().Now();
  return harness_->runner().Run(
      [&](store::Txn& txn) { return harness_->events().Append(txn, event); });
}

absl::StatusOr<std::filesystem::path> ReportWorld::Export(const std::string& name) {
  const std::filesystem::path dir = harness_->dir() / name;
  BG_RETURN_IF_ERROR(audit::ExportBundle(harness_->runner(), dir).status());
  return dir;
}

verify::VerifyOptions ReportWorld::Pinned() const {
  verify::VerifyOptions o;
  o.trusted_log_key = anchorer_->verifier().ToString();
  o.trusted_ak_fingerprint =
      crypto::PublicKey::FromPem(tpm_.ak()->PublicKeyPem())->FingerprintHex();
  return o;
}

}  // namespace breakglass::report::integration
