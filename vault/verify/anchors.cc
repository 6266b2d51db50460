#include "vault/verify/anchors.h"

#include <nlohmann/json.hpp>

#include <system_error>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/verify/bundle.h"

namespace breakglass::verify {
namespace {

using nlohmann::json;

constexpr char kCheckpointLabel[] = "checkpoint";
constexpr char kReleaseLabel[] = "release";

// A tpm/ file name of evidence: "<size>.<label>.attest" or ".sig".
bool IsEvidenceName(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos || !ParseDecimal(name.substr(0, dot)).has_value()) return false;
  return name.ends_with(".attest") || name.ends_with(".sig");
}

// A non-negative JSON integer member, or nullopt.
std::optional<uint64_t> UintMember(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() < 0) return std::nullopt;
  return it->get<uint64_t>();
}

std::optional<std::string> StringMember(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::vector<std::string> ExpectedMoves(const std::string& kind) {
  if (kind == "routine") return {kCheckpointLabel};
  return {kReleaseLabel, kCheckpointLabel};
}

absl::StatusOr<ProvisionedCounter> ParseCounter(const json& counters, const char* label) {
  const auto it = counters.find(label);
  const auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("counters.", label, " ", std::string(what)));
  };
  if (it == counters.end() || !it->is_object()) return bad("is missing");
  ProvisionedCounter c;
  const std::optional<uint64_t> index = UintMember(*it, "nv_index");
  const std::optional<uint64_t> start = UintMember(*it, "start_value");
  const std::optional<std::string> name = StringMember(*it, "nv_name");
  if (!index.has_value() || *index > 0xFFFFFFFFu) return bad("has no 32-bit nv_index");
  if (!start.has_value()) return bad("has no start_value");
  if (!name.has_value()) return bad("has no nv_name");
  absl::StatusOr<std::string> raw = base::HexDecode(*name);
  if (!raw.ok() || raw->empty()) return bad("has an nv_name that is not hex");
  c.nv_index = static_cast<uint32_t>(*index);
  c.start_value = *start;
  c.nv_name = *std::move(raw);
  return c;
}

}  // namespace

absl::StatusOr<AnchorChain> AnchorChain::Create(std::filesystem::path dir, std::string log_vkey,
                                                std::string log_key_name,
                                                std::string trusted_ak_fingerprint,
                                                uint32_t min_clear_approvals) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir / kTpmDir, ec);
  if (ec) return BundleFailure(absl::StrCat(kTpmDir, "/ is missing or unreadable"));
  std::set<std::string> evidence;
  std::vector<std::string> notes;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (IsEvidenceName(name)) {
      evidence.insert(absl::StrCat(kTpmDir, "/", name));
    } else if (absl::StrCat(kTpmDir, "/", name) != kAkFile &&
               absl::StrCat(kTpmDir, "/", name) != kProvisioningFile) {
      notes.push_back(absl::StrCat(kTpmDir, "/", name, " is not part of the bundle; ignored"));
    }
  }
  return AnchorChain(std::move(dir), std::move(log_vkey), std::move(log_key_name),
                     std::move(trusted_ak_fingerprint), min_clear_approvals, std::move(evidence),
                     std::move(notes));
}

absl::Status AnchorChain::OnLeaf(uint64_t index, std::string_view type, std::string_view leaf) {
  if (type == "provision") {
    if (index != 0) return LeafFailure(index, "a second provision event (only leaf 0 may be one)");
    absl::Status s = OnProvision(leaf);
    return s.ok() ? s : LeafFailure(0, absl::StrCat("provision event: ", s.message()));
  }
  if (index == 0) {
    return LeafFailure(0, "is not the provision event: the log must start at provisioning");
  }
  if (type == "anchor") return OnAnchor(index, leaf);
  if (index == 1) return LeafFailure(1, "is not the genesis anchor that must follow provisioning");
  return absl::OkStatus();
}

absl::Status AnchorChain::OnProvision(std::string_view leaf) {
  const json p = json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  const std::optional<std::string> origin = StringMember(p, "origin");
  const std::optional<std::string> vkey = StringMember(p, "log_verifier_key");
  const std::optional<std::string> ak_pem = StringMember(p, "ak_public_key_pem");
  if (!origin || !vkey || !ak_pem || !p.contains("counters")) {
    return absl::InvalidArgumentError(
        "origin, log_verifier_key, ak_public_key_pem or counters is missing");
  }
  if (*origin != log_key_name_) {
    return absl::InvalidArgumentError(absl::StrCat("origin \"", *origin, "\" is not the log key's name \"",
                                                   log_key_name_, "\""));
  }
  if (*vkey != log_vkey_) {
    return absl::InvalidArgumentError(
        absl::StrCat("the log verifier key it records differs from ", kVerifierKeyFile));
  }
  for (const char* label : {kCheckpointLabel, kReleaseLabel}) {
    BG_ASSIGN_OR_RETURN(counters_[label], ParseCounter(p["counters"], label));
  }
  BG_RETURN_IF_ERROR(CheckProvisionFiles(leaf, *ak_pem));
  provisioned_ = true;
  return absl::OkStatus();
}

absl::Status AnchorChain::CheckProvisionFiles(std::string_view leaf, const std::string& ak_pem) {
  absl::StatusOr<tpm::EvidenceVerifier> verifier = tpm::EvidenceVerifier::Create(ak_pem);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("ak_public_key_pem: ", verifier.status().message()));
  }
  const crypto::PublicKey& ak = verifier->ak();
  if (!trusted_ak_fingerprint_.empty() && ak.FingerprintHex() != trusted_ak_fingerprint_) {
    return absl::InvalidArgumentError(absl::StrCat("its attestation key ", ak.FingerprintHex(),
                                                   " is not the trusted ", trusted_ak_fingerprint_));
  }
  BG_ASSIGN_OR_RETURN(const std::string file_pem, ReadBundleFile(dir_, kAkFile));
  absl::StatusOr<crypto::PublicKey> file_ak = crypto::PublicKey::FromPem(file_pem);
  if (!file_ak.ok() || !(*file_ak == ak)) {
    return absl::InvalidArgumentError(absl::StrCat(kAkFile, " is not the key it records"));
  }
  BG_ASSIGN_OR_RETURN(const std::string record, ReadBundleFile(dir_, kProvisioningFile));
  if (record != absl::StrCat(std::string(leaf), "\n")) {
    return absl::InvalidArgumentError(absl::StrCat(kProvisioningFile, " is not this leaf"));
  }
  evidence_verifier_ = *std::move(verifier);
  return absl::OkStatus();
}

absl::Status AnchorChain::OnAnchor(uint64_t index, std::string_view leaf) {
  if (unsealed_.has_value()) {
    return LeafFailure(*unsealed_, absl::StrCat(
        "this anchor has no checkpoint ", *unsealed_ + 1, " in the bundle, yet a later anchor "
        "(leaf ", index, ") exists, so it was completed: its checkpoint and TPM evidence were "
        "withheld or removed"));
  }
  const json a = json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  Stated s;
  const std::optional<std::string> kind = StringMember(a, "kind");
  const std::optional<uint64_t> c = UintMember(a, "checkpoint_counter");
  const std::optional<uint64_t> r = UintMember(a, "release_counter");
  if (!kind || !c || !r || !a.contains("moves") || !a["moves"].is_array()) {
    return LeafFailure(index, "anchor without kind, checkpoint_counter, release_counter or moves");
  }
  s.kind = *kind;
  s.checkpoint = *c;
  s.release = *r;
  for (const json& m : a["moves"]) s.moves.push_back(m.is_string() ? m.get<std::string>() : "?");
  if (s.kind != "genesis" && s.kind != "routine" && s.kind != "release") {
    return LeafFailure(index, absl::StrCat("anchor of unknown kind \"", s.kind, "\""));
  }
  if ((s.kind == "genesis") != (index == 1)) {
    return LeafFailure(index, "the genesis anchor must be leaf 1, and only leaf 1");
  }
  if (s.moves != ExpectedMoves(s.kind)) {
    return LeafFailure(index, absl::StrCat("\"moves\" [", absl::StrJoin(s.moves, ","),
                                           "] does not match kind ", s.kind));
  }
  if (absl::Status st = CheckContinues(s); !st.ok()) return LeafFailure(index, st.message());
  last_ = std::move(s);
  pending_ = index;
  ++anchors_;
  return absl::OkStatus();
}

absl::Status AnchorChain::CheckContinues(const Stated& s) const {
  uint64_t want_c, want_r;
  std::string basis;
  if (s.kind == "genesis") {
    want_c = counters_.at(kCheckpointLabel).start_value + 1;
    want_r = counters_.at(kReleaseLabel).start_value + 1;
    basis = "the start values recorded at provisioning";
  } else {
    want_c = last_->checkpoint + 1;
    want_r = last_->release + (s.kind == "release" ? 1 : 0);
    basis = last_->cleared_at.has_value()
                ? absl::StrCat("the rollback clear at leaf ", *last_->cleared_at,
                               " re-baselined to checkpoint ", last_->checkpoint, ", release ",
                               last_->release)
                : absl::StrCat("the previous anchor stated checkpoint ", last_->checkpoint,
                               ", release ", last_->release);
  }
  if (s.checkpoint == want_c && s.release == want_r) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "counters out of sequence: this ", s.kind, " anchor states checkpoint ", s.checkpoint,
      ", release ", s.release, " but ", basis, ", so it must state checkpoint ", want_c,
      ", release ", want_r));
}

absl::Status AnchorChain::OnRollbackCleared(uint64_t index, std::string_view leaf,
                                            std::string root_hex, uint64_t checkpoint_size,
                                            std::string checkpoint_sha256_hex) {
  if (!last_.has_value()) return LeafFailure(index, "a rollback clear before the genesis anchor");
  ClearContext ctx{log_key_name_,
                   index,
                   std::move(root_hex),
                   checkpoint_size,
                   std::move(checkpoint_sha256_hex),
                   last_->release,
                   last_->checkpoint};
  absl::StatusOr<RollbackClearSummary> clear = CheckRollbackClear(leaf, ctx, custodians_);
  if (!clear.ok()) return LeafFailure(index, clear.status().message());
  if (clear->approvers.size() < min_clear_approvals_) {
    return LeafFailure(index, absl::StrCat("rollback_cleared: ", clear->approvers.size(),
                                           " approvals, fewer than the ", min_clear_approvals_,
                                           " this verification requires"));
  }
  if (unsealed_.has_value()) {
    notes_.push_back(absl::StrCat("anchor leaf ", *unsealed_,
                                  " was never sealed; the rollback "
                                  "clear at leaf ",
                                  index, " replaced it"));
    unsealed_.reset();
  }
  last_ = Stated{
      "rollback_cleared", clear->counters[1].tpm_value, clear->counters[0].tpm_value, {}, index};
  clears_.push_back(*std::move(clear));
  return absl::OkStatus();
}

absl::Status AnchorChain::OnTreeSize(uint64_t size, const std::optional<std::string>& body) {
  if (Awaits(size)) {
    pending_.reset();
    if (!body.has_value()) {
      unsealed_ = size - 1;
      return absl::OkStatus();
    }
    return Seal(size, *body);
  }
  if (body.has_value() && HasEvidenceFor(size)) {
    return CheckpointFailure(size, "has TPM evidence in tpm/, but its last leaf is not an anchor");
  }
  return absl::OkStatus();
}

absl::Status AnchorChain::Seal(uint64_t size, const std::string& body) {
  std::optional<Clock> newest;
  for (const std::string& label : last_->moves) {
    const uint64_t stated = label == kReleaseLabel ? last_->release : last_->checkpoint;
    BG_RETURN_IF_ERROR(CheckEvidence(size, body, label, stated, &newest));
  }
  for (const char* label : {kCheckpointLabel, kReleaseLabel}) {
    const std::string attest = EvidenceAttestFile(size, label);
    if (unused_evidence_.count(attest) != 0) {
      return CheckpointFailure(size, absl::StrCat(attest, " certifies the ", label,
                                                  " counter, which this anchor does not move"));
    }
  }
  if (HasEvidenceFor(size)) {
    return CheckpointFailure(size, "tpm/ holds evidence for it of an unknown counter");
  }
  if (!first_clock_.has_value()) first_clock_ = newest;
  clock_ = newest;
  ++sealed_anchors_;
  return absl::OkStatus();
}

absl::Status AnchorChain::CheckEvidence(uint64_t size, const std::string& body,
                                        const std::string& label, uint64_t stated,
                                        std::optional<Clock>* newest) {
  const std::string attest_file = EvidenceAttestFile(size, label);
  const std::string sig_file = EvidenceSignatureFile(size, label);
  const auto fail = [&](absl::string_view why) {
    return CheckpointFailure(size, absl::StrCat("TPM evidence of the ", label, " counter (",
                                                attest_file, "): ", why));
  };
  absl::StatusOr<std::string> attest = ReadBundleFile(dir_, attest_file);
  absl::StatusOr<std::string> sig = ReadBundleFile(dir_, sig_file);
  if (!attest.ok() || !sig.ok()) return fail("missing (the anchor leaf says this counter moved)");
  unused_evidence_.erase(attest_file);
  unused_evidence_.erase(sig_file);
  const ProvisionedCounter& want = counters_.at(label);
  absl::StatusOr<tpm::CertifiedCounter> c =
      evidence_verifier_->Verify({*std::move(attest), *std::move(sig)}, want.nv_name);
  if (!c.ok()) return fail(c.status().message());
  if (c->qualifying_data != crypto::Sha256String(body)) {
    return fail("its qualifying data is not SHA-256 of this checkpoint's text: it certifies "
                "another checkpoint");
  }
  if (c->value != stated) {
    return fail(absl::StrCat("the TPM certifies value ", c->value, " but anchor leaf ", size - 1,
                             " states ", stated));
  }
  BG_RETURN_IF_ERROR(CheckClock(size, label, c->clock_info));
  const Clock now{c->clock_info.reset_count, c->clock_info.restart_count, c->clock_info.clock};
  const auto key = [](const Clock& k) { return std::tie(k.reset_count, k.restart_count, k.clock); };
  if (!newest->has_value() || key(**newest) < key(now)) *newest = now;
  auto [range, inserted] = certified_range_.try_emplace(label, c->value, c->value);
  range->second.second = c->value;
  ++evidence_checked_;
  return absl::OkStatus();
}

absl::Status AnchorChain::CheckClock(uint64_t size, const std::string& label,
                                     const tpm::ClockInfo& c) {
  if (!clock_.has_value()) return absl::OkStatus();
  const Clock& prev = *clock_;
  const auto fail = [&](std::string_view what, uint64_t was, uint64_t now) {
    return CheckpointFailure(size, absl::StrCat("the TPM ", std::string(what), " went backwards (",
                                                was, " at the previous anchor, ", now,
                                                " in the ", label, " counter's evidence)"));
  };
  if (c.reset_count < prev.reset_count) return fail("resetCount", prev.reset_count, c.reset_count);
  if (c.reset_count == prev.reset_count && c.restart_count < prev.restart_count) {
    return fail("restartCount", prev.restart_count, c.restart_count);
  }
  if (c.clock < prev.clock) {
    if (c.safe) return fail("clock (ms)", prev.clock, c.clock);
    notes_.push_back(absl::StrCat("checkpoint ", size, ": the TPM clock is behind the previous "
                                  "anchor's, and the TPM marks it not safe (an unorderly "
                                  "shutdown); accepted"));
  }
  return absl::OkStatus();
}

bool AnchorChain::HasEvidenceFor(uint64_t size) const {
  const std::string prefix = absl::StrCat(kTpmDir, "/", size, ".");
  const auto it = unused_evidence_.lower_bound(prefix);
  return it != unused_evidence_.end() && it->rfind(prefix, 0) == 0;
}

absl::Status AnchorChain::Finish(std::vector<std::string>* warnings) {
  if (!unused_evidence_.empty()) {
    return BundleFailure(absl::StrCat(*unused_evidence_.begin(),
                                      " is TPM evidence for no anchor checkpoint in the bundle"));
  }
  if (unsealed_.has_value()) {
    warnings->push_back(absl::StrCat(
        "the last anchor (leaf ", *unsealed_, ", checkpoint counter ", last_->checkpoint,
        ") has no checkpoint yet: it was in progress or interrupted at export; the appliance "
        "finishes it on its next start"));
  }
  warnings->insert(warnings->end(), notes_.begin(), notes_.end());
  return absl::OkStatus();
}

void AnchorChain::FillSummary(Summary* summary) const {
  if (evidence_verifier_.has_value()) {
    summary->ak_fingerprint = evidence_verifier_->ak().FingerprintHex();
  }
  summary->anchors = anchors_;
  summary->rollback_clears = clears_;
  summary->sealed_anchors = sealed_anchors_;
  summary->evidence = evidence_checked_;
  for (const auto& [label, counter] : counters_) {
    CounterSummary c{label, counter.start_value, 0, 0, 0};
    if (auto it = certified_range_.find(label); it != certified_range_.end()) {
      c.first_certified = it->second.first;
      c.last_certified = it->second.second;
    }
    if (last_.has_value()) c.last_stated = label == kReleaseLabel ? last_->release : last_->checkpoint;
    summary->counters.push_back(c);
  }
  if (clock_.has_value()) {
    summary->tpm_reset_count = clock_->reset_count;
    summary->tpm_restart_count = clock_->restart_count;
    summary->tpm_clock_last = clock_->clock;
    summary->tpm_clock_first = first_clock_->clock;
  }
}

}  // namespace breakglass::verify
