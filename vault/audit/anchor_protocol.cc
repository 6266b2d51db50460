#include "vault/audit/anchor_protocol.h"

#include <algorithm>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/merkle/verify.h"

namespace breakglass::audit {
namespace {

std::string Tpm(std::string_view label, std::string_view action) {
  return absl::StrCat("tpm (", std::string(label), " counter): ", std::string(action));
}

std::vector<std::string_view> MovedLabels(const AnchorStatement& s) {
  if (s.moves_release()) return {kReleaseCounterLabel, kCheckpointCounterLabel};
  return {kCheckpointCounterLabel};
}

absl::Status StoreAltered(std::string what) {
  return absl::DataLossError(absl::StrCat(
      "store: ", what,
      "; refusing to sign (the store was altered or replaced: preserve it and investigate)"));
}

}  // namespace

struct AnchorProtocol::SealPlan {
  merkle::Checkpoint checkpoint;
  std::optional<std::string> note;          // already stored for this size
  std::vector<std::string> have_evidence;  // counters whose evidence is stored
  std::optional<std::string> signed_note;  // signed now (no note was stored)
};

std::string_view AnchorStepName(AnchorStep step) {
  switch (step) {
    case AnchorStep::kBeforeEventCommit:
      return "before_event_commit";
    case AnchorStep::kEventCommitted:
      return "event_committed";
    case AnchorStep::kCounterIncremented:
      return "counter_incremented";
    case AnchorStep::kCheckpointSigned:
      return "checkpoint_signed";
    case AnchorStep::kCountersCertified:
      return "counters_certified";
    case AnchorStep::kEvidenceStored:
      return "evidence_stored";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<AnchorProtocol>> AnchorProtocol::Create(AnchorDeps deps,
                                                                       std::string origin) {
  if (deps.runner == nullptr || deps.log == nullptr || deps.signer == nullptr ||
      deps.checkpoint_counter == nullptr || deps.release_counter == nullptr) {
    return absl::InvalidArgumentError("anchor: a dependency (runner, log, signer, counter) is null");
  }
  if (deps.checkpoint_counter->Label() != kCheckpointCounterLabel ||
      deps.release_counter->Label() != kReleaseCounterLabel) {
    return absl::InvalidArgumentError(
        "anchor: the counters must be labelled \"checkpoint\" and \"release\" (swapped?)");
  }
  if (!merkle::IsValidKeyName(origin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "anchor: origin \"", origin, "\" is not a valid log key name (no spaces or '+')"));
  }
  absl::StatusOr<merkle::NoteSigner> signer = merkle::NoteSigner::FromLogSigner(origin, *deps.signer);
  if (!signer.ok()) return base::Annotate(signer.status(), "hsm (log signer)");
  return std::unique_ptr<AnchorProtocol>(
      new AnchorProtocol(std::move(deps), std::move(origin), *std::move(signer)));
}

absl::Status AnchorProtocol::UseProvision(const ProvisionStatement& p) {
  absl::StatusOr<tpm::EvidenceVerifier> verifier = tpm::EvidenceVerifier::Create(p.ak_public_key_pem);
  if (!verifier.ok()) return base::Annotate(verifier.status(), "anchor: the provisioned AK");
  absl::StatusOr<std::string> checkpoint = base::HexDecode(p.checkpoint.nv_name_hex);
  absl::StatusOr<std::string> release = base::HexDecode(p.release.nv_name_hex);
  if (!checkpoint.ok() || !release.ok()) {
    return absl::InvalidArgumentError("anchor: a provisioned NV Name is not hex");
  }
  evidence_verifier_ = *std::move(verifier);
  checkpoint_name_ = *std::move(checkpoint);
  release_name_ = *std::move(release);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<CounterDisagreement>> AnchorProtocol::CheckEvidence(
    std::string_view label, const tpm::CounterEvidence& evidence, uint64_t stated,
    std::string_view qualifying, uint64_t size) const {
  const std::string what =
      Tpm(label, absl::StrCat("NV_Certify evidence for checkpoint ", size));
  const std::string& name = label == kReleaseCounterLabel ? release_name_ : checkpoint_name_;
  absl::StatusOr<tpm::CertifiedCounter> certified = evidence_verifier_->Verify(evidence, name);
  if (!certified.ok()) {
    return base::Annotate(certified.status(),
                          absl::StrCat(what, " does not verify with the AK and NV Name recorded "
                                             "at provisioning"));
  }
  if (certified->qualifying_data != qualifying) {
    return absl::InternalError(absl::StrCat(what, " certifies other qualifying data"));
  }
  if (certified->value != stated) {
    // The increment (or an earlier one) did not reach the stated value: the
    // counter was moved outside breakglass. Nothing is stored.
    return CounterDisagreement{std::string(label), stated, certified->value,
                               RollbackProblem::kIncrementMismatch};
  }
  return std::nullopt;
}

absl::Status AnchorProtocol::Hook(AnchorStep step) {
  if (!deps_.step_hook) return absl::OkStatus();
  return deps_.step_hook(step);
}

tpm::MonotonicCounter& AnchorProtocol::Counter(std::string_view label) {
  return label == kReleaseCounterLabel ? *deps_.release_counter : *deps_.checkpoint_counter;
}

// ---- provisioning, recovery, anchoring ----

absl::StatusOr<AnchorResult> AnchorProtocol::Provision(const ProvisionRequest& request) {
  BG_ASSIGN_OR_RETURN(const uint64_t tc, ReadForGenesis(*deps_.checkpoint_counter));
  BG_ASSIGN_OR_RETURN(const uint64_t tr, ReadForGenesis(*deps_.release_counter));
  const ProvisionStatement p{origin_,
                             verifier().ToString(),
                             request.ak_public_key_pem,
                             {request.checkpoint_nv_index, request.checkpoint_nv_name_hex, tc},
                             {request.release_nv_index, request.release_nv_name_hex, tr}};
  BG_ASSIGN_OR_RETURN(Event provision, ProvisionEvent(p));
  BG_RETURN_IF_ERROR(UseProvision(p));
  needs_recovery_ = true;
  BG_ASSIGN_OR_RETURN(LocatedAnchor a,
                      Commit(AnchorStatement{AnchorKind::kGenesis, tc + 1, tr + 1}, provision));
  return Complete(a);
}

absl::StatusOr<uint64_t> AnchorProtocol::ReadForGenesis(tpm::MonotonicCounter& counter) {
  absl::StatusOr<uint64_t> value = counter.Read();
  if (value.ok()) return *value;
  if (value.status().code() != absl::StatusCode::kFailedPrecondition) {
    return base::Annotate(value.status(), Tpm(counter.Label(), "reading before genesis"));
  }
  // Never written: its first value is the TPM's to choose (at or above any
  // counter it ever had), so write it once and record what it became.
  value = counter.Increment();
  if (!value.ok()) return base::Annotate(value.status(), Tpm(counter.Label(), "first increment"));
  ++nv_writes_;
  return *value;
}

absl::StatusOr<AnchorResult> AnchorProtocol::Recover() {
  std::optional<LocatedAnchor> found;
  std::optional<ProvisionRecord> provision;
  BG_RETURN_IF_ERROR(base::Annotate(deps_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(provision, ReadProvision(*deps_.log, txn));
    BG_ASSIGN_OR_RETURN(found, FindLastAnchor(*deps_.log, txn));
    return absl::OkStatus();
  }),
                                    "store: reading the provision and last anchor leaves"));
  if (!found.has_value()) {
    return absl::FailedPreconditionError(
        "anchor: the audit log holds no anchor leaf: the appliance is not provisioned");
  }
  BG_RETURN_IF_ERROR(UseProvision(provision->statement));
  last_ = found;
  AnchorResult r{*found, {}, {}, std::nullopt};
  BG_ASSIGN_OR_RETURN(r.checks, CheckCounters(found->statement, *deps_.checkpoint_counter,
                                              *deps_.release_counter, found->baseline));
  for (const CounterCheck& c : r.checks) {
    if (c.verdict != CounterVerdict::kRollback) continue;
    r.rollback = c.Disagreement();
    return r;
  }
  if (found->baseline) return AnchorBaseline(std::move(r));
  for (const CounterCheck& c : r.checks) {
    if (c.verdict != CounterVerdict::kOneBehind) continue;
    BG_RETURN_IF_ERROR(MoveOne(c.counter, c.log_value));
    r.actions.push_back(absl::StrCat("incremented the ", c.counter, " counter to ", c.log_value,
                                     " (stopped after committing anchor leaf ", found->seq,
                                     ", before the increment)"));
  }
  BG_ASSIGN_OR_RETURN(SealPlan plan, PrepareSeal(found->checkpoint_size()));
  const bool complete = plan.note.has_value() && MissingEvidence(*found, plan).empty();
  BG_ASSIGN_OR_RETURN(r.rollback, Seal(*found, plan));
  if (r.rollback.has_value()) return r;
  if (!complete) {
    r.actions.push_back(absl::StrCat("signed, certified and stored checkpoint ",
                                     found->checkpoint_size(), " of anchor leaf ", found->seq));
  }
  needs_recovery_ = false;
  covered_size_ = found->checkpoint_size();
  return r;
}

absl::StatusOr<AnchorResult> AnchorProtocol::AnchorBaseline(AnchorResult r) {
  const uint64_t clear_seq = r.anchor.seq;
  needs_recovery_ = false;
  BG_ASSIGN_OR_RETURN(AnchorResult anchored, Anchor(AnchorKind::kRoutine));
  r.anchor = anchored.anchor;
  r.rollback = anchored.rollback;
  if (!r.rollback.has_value()) {
    r.actions.push_back(absl::StrCat("anchored rollback clear leaf ", clear_seq, ": anchor leaf ",
                                     r.anchor.seq, " states checkpoint counter ",
                                     r.anchor.statement.checkpoint_counter));
  }
  return r;
}

absl::StatusOr<AnchorResult> AnchorProtocol::Anchor(AnchorKind kind, Riders* riders) {
  if (kind == AnchorKind::kGenesis) {
    return absl::InvalidArgumentError("anchor: genesis anchors are made by Provision");
  }
  if (needs_recovery_) {
    BG_ASSIGN_OR_RETURN(AnchorResult recovered, Recover());
    if (recovered.rollback.has_value()) return recovered;
  }
  needs_recovery_ = true;
  BG_ASSIGN_OR_RETURN(LocatedAnchor a,
                      Commit(NextStatement(last_->statement, kind), std::nullopt, riders));
  return Complete(a);
}

// ---- step 1 ----

absl::StatusOr<LocatedAnchor> AnchorProtocol::Commit(AnchorStatement s, std::optional<Event> before,
                                                     Riders* riders) {
  BG_RETURN_IF_ERROR(AnchorEvent(s).status());
  uint64_t seq = 0;
  bool riders_ran = false;
  // The unit runs on the writer thread while this one waits in Run, so `s`,
  // `seq` and `riders_ran` are handed back through Run's completion.
  const absl::Status committed = deps_.runner->Run([&](store::Txn& txn) -> absl::Status {
    if (before.has_value()) {
      BG_ASSIGN_OR_RETURN(const uint64_t size, deps_.log->Size(txn));
      if (size != 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "anchor: provisioning needs an empty audit log; this one holds ", size, " leaves"));
      }
      BG_RETURN_IF_ERROR(deps_.log->Append(txn, *before).status());
    }
    if (riders != nullptr) {
      riders_ran = true;
      BG_ASSIGN_OR_RETURN(const bool release, riders->Run(txn));
      if (release && !s.moves_release()) s = NextStatement(last_->statement, AnchorKind::kRelease);
    }
    BG_ASSIGN_OR_RETURN(const Event event, AnchorEvent(s));
    BG_ASSIGN_OR_RETURN(seq, deps_.log->Append(txn, event));
    return Hook(AnchorStep::kBeforeEventCommit);
  });
  if (!committed.ok()) {
    const absl::Status error = base::Annotate(committed, "store: committing the anchor leaf");
    if (riders_ran) riders->Lost(error);
    return error;
  }
  last_ = LocatedAnchor{seq, s};
  BG_RETURN_IF_ERROR(Hook(AnchorStep::kEventCommitted));
  return *last_;
}

// ---- step 2 ----

// The value reached is checked on the certified evidence (Seal), which states
// it anyway: one TPM command fewer than reading it back here.
absl::Status AnchorProtocol::MoveOne(std::string_view label, uint64_t stated) {
  const absl::Status moved = Counter(label).Advance();
  if (!moved.ok())
    return base::Annotate(moved, Tpm(label, absl::StrCat("incrementing to ", stated)));
  ++nv_writes_;
  return Hook(AnchorStep::kCounterIncremented);
}

absl::Status AnchorProtocol::MoveAll(const LocatedAnchor& a) {
  for (std::string_view label : MovedLabels(a.statement)) {
    BG_RETURN_IF_ERROR(MoveOne(label, a.statement.ValueOf(label)));
  }
  return absl::OkStatus();
}

absl::StatusOr<AnchorResult> AnchorProtocol::Complete(LocatedAnchor a) {
  AnchorResult r{a, {}, {}, std::nullopt};
  // Step 3's store reads and checkpoint signature need no TPM: they run on
  // another thread while the counters move. Nothing signed is stored or
  // shown before both are done.
  std::future<absl::StatusOr<SealPlan>> prepared = std::async(
      std::launch::async, [this, size = a.checkpoint_size()] { return PrepareSeal(size); });
  const absl::Status moved = MoveAll(a);
  absl::StatusOr<SealPlan> plan = prepared.get();
  BG_RETURN_IF_ERROR(moved);
  if (!plan.ok()) return plan.status();
  BG_ASSIGN_OR_RETURN(r.rollback, Seal(a, *plan));
  if (r.rollback.has_value()) return r;
  needs_recovery_ = false;
  covered_size_ = a.checkpoint_size();
  return r;
}

// ---- step 3 ----

std::vector<std::string_view> AnchorProtocol::MissingEvidence(const LocatedAnchor& a,
                                                              const SealPlan& plan) {
  std::vector<std::string_view> missing;
  for (std::string_view label : MovedLabels(a.statement)) {
    if (std::find(plan.have_evidence.begin(), plan.have_evidence.end(), label) ==
        plan.have_evidence.end()) {
      missing.push_back(label);
    }
  }
  return missing;
}

absl::StatusOr<AnchorProtocol::SealPlan> AnchorProtocol::PrepareSeal(uint64_t size) {
  BG_ASSIGN_OR_RETURN(SealPlan plan, PlanSeal(size));
  if (plan.note.has_value()) return plan;
  absl::StatusOr<std::string> note = merkle::SignCheckpoint(plan.checkpoint, note_signer_);
  if (!note.ok()) {
    return base::Annotate(
        note.status(), absl::StrCat("hsm (log signer): signing checkpoint ", plan.checkpoint.size));
  }
  plan.signed_note = *std::move(note);
  return plan;
}

absl::StatusOr<std::optional<CounterDisagreement>> AnchorProtocol::Seal(const LocatedAnchor& a,
                                                                        const SealPlan& plan) {
  const uint64_t size = a.checkpoint_size();
  const std::vector<std::string_view> missing = MissingEvidence(a, plan);
  if (plan.note.has_value() && missing.empty()) {
    last_signed_ = plan.checkpoint;
    return std::nullopt;
  }
  if (!plan.note.has_value()) BG_RETURN_IF_ERROR(Hook(AnchorStep::kCheckpointSigned));
  const std::string& note = plan.note.has_value() ? *plan.note : *plan.signed_note;
  BG_ASSIGN_OR_RETURN(const std::string body, merkle::FormatCheckpoint(plan.checkpoint));
  const std::string qualifying = CheckpointQualifyingData(body);
  std::vector<AnchorEvidence> evidence;
  for (std::string_view label : missing) {
    absl::StatusOr<tpm::CounterEvidence> ev = Counter(label).Certify(qualifying);
    if (!ev.ok()) {
      return base::Annotate(ev.status(), Tpm(label, absl::StrCat("NV_Certify for checkpoint ", size)));
    }
    BG_ASSIGN_OR_RETURN(std::optional<CounterDisagreement> d,
                        CheckEvidence(label, *ev, a.statement.ValueOf(label), qualifying, size));
    if (d.has_value()) return d;
    evidence.push_back({size, std::string(label), a.statement.ValueOf(label),
                        std::move(ev->attest), std::move(ev->signature)});
  }
  BG_RETURN_IF_ERROR(Hook(AnchorStep::kCountersCertified));
  BG_RETURN_IF_ERROR(StoreSeal(size, note, evidence));
  BG_RETURN_IF_ERROR(Hook(AnchorStep::kEvidenceStored));
  last_signed_ = plan.checkpoint;
  return std::nullopt;
}

absl::StatusOr<AnchorProtocol::SealPlan> AnchorProtocol::PlanSeal(uint64_t size) {
  SealPlan plan;
  const absl::Status read = deps_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(const merkle::Hash root, deps_.log->Root(txn, size));
    plan.checkpoint = merkle::Checkpoint{origin_, size, root};
    BG_ASSIGN_OR_RETURN(const std::optional<StoredCheckpoint> latest,
                        tables::ReadLatestCheckpoint(txn));
    if (latest.has_value()) BG_RETURN_IF_ERROR(CheckStored(txn, *latest, plan));
    if (plan.note.has_value()) {
      BG_ASSIGN_OR_RETURN(const std::vector<AnchorEvidence> have,
                          tables::ReadAnchorEvidence(txn, size));
      for (const AnchorEvidence& e : have) plan.have_evidence.push_back(e.counter);
    }
    if (!last_signed_.has_value()) return absl::OkStatus();
    if (!latest.has_value() || latest->size < last_signed_->size) {
      return StoreAltered(absl::StrCat("checkpoint ", last_signed_->size,
                                       ", signed by this process, is missing from the store"));
    }
    return CheckExtends(txn, *last_signed_, plan.checkpoint);
  });
  if (!read.ok()) return base::Annotate(read, "store: preparing checkpoint");
  return plan;
}

absl::Status AnchorProtocol::CheckStored(store::Txn& txn, const StoredCheckpoint& latest,
                                         SealPlan& plan) {
  const uint64_t size = plan.checkpoint.size;
  if (latest.size > size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint ", latest.size, " is stored beyond anchor checkpoint ", size,
        "; refusing to sign an older checkpoint"));
  }
  absl::StatusOr<merkle::Checkpoint> old = merkle::OpenCheckpoint(latest.note, verifier());
  if (!old.ok()) {
    return StoreAltered(absl::StrCat("stored checkpoint ", latest.size,
                                     " does not verify with the log key: ",
                                     std::string(old.status().message())));
  }
  if (latest.size == size) plan.note = latest.note;
  return CheckExtends(txn, *old, plan.checkpoint);
}

absl::Status AnchorProtocol::CheckExtends(store::Txn& txn, const merkle::Checkpoint& old,
                                          const merkle::Checkpoint& now) {
  const std::string what = absl::StrCat("the log at size ", now.size,
                                        " does not extend the signed checkpoint of size ",
                                        old.size);
  if (old.size > now.size) return StoreAltered(what);
  if (old.size == now.size) return old.root == now.root ? absl::OkStatus() : StoreAltered(what);
  BG_ASSIGN_OR_RETURN(const merkle::Proof proof,
                      deps_.log->ConsistencyProof(txn, old.size, now.size));
  const absl::Status ok = merkle::VerifyConsistency(old.size, now.size, old.root, now.root, proof);
  if (!ok.ok()) return StoreAltered(absl::StrCat(what, " (", std::string(ok.message()), ")"));
  return absl::OkStatus();
}

absl::Status AnchorProtocol::StoreSeal(uint64_t size, const std::string& note,
                                       const std::vector<AnchorEvidence>& evidence) {
  const absl::Status stored = deps_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_RETURN_IF_ERROR(deps_.log->StoreCheckpoint(txn, size, note));
    for (const AnchorEvidence& e : evidence) {
      BG_RETURN_IF_ERROR(deps_.log->StoreAnchorEvidence(txn, e));
    }
    return absl::OkStatus();
  });
  return base::Annotate(stored,
                        absl::StrCat("store: storing checkpoint ", size, " and its TPM evidence"));
}

}  // namespace breakglass::audit
