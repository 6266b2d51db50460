#include "vault/report/anchored.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tpm/evidence/verifier.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/merkle/note.h"
#include "vault/verify/bundle.h"

namespace breakglass::report {

absl::StatusOr<AnchoredCheckpoints> AnchoredCheckpoints::Load(const std::filesystem::path& dir,
                                                              const std::string& log_key,
                                                              const IncidentLog* log) {
  absl::StatusOr<merkle::NoteVerifier> key = merkle::NoteVerifier::Parse(log_key);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("log key: ", key.status().message()));
  }
  BG_ASSIGN_OR_RETURN(verify::CheckpointSet set, verify::LoadCheckpoints(dir, *key));
  AnchoredCheckpoints out(dir, log);
  for (verify::CheckpointEntry& entry : set.entries) {
    if (!entry.status.ok()) continue;
    out.roots_[entry.size] = entry.checkpoint.root;
    out.signed_.emplace(entry.size, std::move(entry));
  }
  return out;
}

const Coverage* AnchoredCheckpoints::Covering(uint64_t index) {
  const auto& anchors = log_->anchors();
  auto it = std::lower_bound(anchors.begin(), anchors.end(), index,
                             [](const AnchorLeaf& a, uint64_t i) { return a.index < i; });
  for (; it != anchors.end(); ++it) {
    const auto entry = signed_.find(it->index + 1);
    if (entry == signed_.end()) continue;  // pending: a later anchor may still cover it
    auto [at, fresh] = used_.try_emplace(entry->first);
    if (fresh) at->second = Make(*it, entry->second);
    return &at->second;
  }
  return nullptr;
}

Coverage AnchoredCheckpoints::Make(const AnchorLeaf& anchor, const verify::CheckpointEntry& entry) {
  Coverage c;
  c.size = entry.size;
  c.root_hex = base::HexEncode(merkle::HashBytes(entry.checkpoint.root));
  c.anchor_kind = anchor.kind;
  c.checkpoint_counter = anchor.checkpoint_counter;
  c.release_counter = anchor.release_counter;
  c.evidence = VerifyEvidence(anchor, entry, &c);
  return c;
}

Check AnchoredCheckpoints::VerifyEvidence(const AnchorLeaf& anchor,
                                          const verify::CheckpointEntry& entry,
                                          Coverage* coverage) const {
  Check check{"tpm", false, ""};
  absl::StatusOr<tpm::EvidenceVerifier> verifier = tpm::EvidenceVerifier::Create(log_->ak_pem());
  if (!verifier.ok()) {
    check.detail = absl::StrCat("the attestation key of the provisioning record does not load: ",
                                verifier.status().message());
    return check;
  }
  for (const std::string& label : anchor.moves) {
    const uint64_t stated = label == "release" ? anchor.release_counter : anchor.checkpoint_counter;
    const auto fail = [&](absl::string_view why) {
      check.detail = absl::StrCat("TPM evidence of the ", label, " counter for checkpoint ",
                                  entry.size, ": ", why);
      return check;
    };
    absl::StatusOr<std::string> attest =
        verify::ReadBundleFile(dir_, verify::EvidenceAttestFile(entry.size, label));
    absl::StatusOr<std::string> sig =
        verify::ReadBundleFile(dir_, verify::EvidenceSignatureFile(entry.size, label));
    if (!attest.ok() || !sig.ok()) return fail("missing from the bundle");
    const auto name = log_->nv_names().find(label);
    if (name == log_->nv_names().end()) return fail("no NV index Name recorded at provisioning");
    absl::StatusOr<tpm::CertifiedCounter> c =
        verifier->Verify({*std::move(attest), *std::move(sig)}, name->second);
    if (!c.ok()) return fail(c.status().message());
    if (c->qualifying_data != crypto::Sha256String(entry.body)) {
      return fail("its qualifying data is not SHA-256 of this checkpoint");
    }
    if (c->value != stated) {
      return fail(absl::StrCat("certifies ", c->value, " but the anchor leaf states ", stated));
    }
    coverage->certified.push_back({label, c->value, c->clock_info.clock, c->clock_info.reset_count,
                                   c->clock_info.restart_count, c->clock_info.safe});
  }
  check.ok = !anchor.moves.empty();
  check.detail = check.ok ? absl::StrCat("TPM2_NV_Certify of ", anchor.moves.size(),
                                         " counter(s) re-verified: attestation key signature, NV "
                                         "index, value as stated, bound to this checkpoint")
                          : "the anchor leaf moves no counter";
  return check;
}

}  // namespace breakglass::report
