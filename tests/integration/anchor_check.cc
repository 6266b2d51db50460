#include "tests/integration/anchor_check.h"

#include <map>
#include <utility>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tpm/evidence/verifier.h"
#include "vault/audit/anchor_event.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/verify.h"

namespace breakglass::audit::testing {
namespace {

absl::Status Bad(std::string what) { return absl::DataLossError(std::move(what)); }

absl::Status CheckCheckpoints(AuditLog& log, const merkle::NoteVerifier& verifier,
                              const std::vector<StoredCheckpoint>& cps) {
  std::optional<merkle::Checkpoint> previous;
  for (const StoredCheckpoint& cp : cps) {
    absl::StatusOr<merkle::Checkpoint> c = merkle::OpenCheckpoint(cp.note, verifier);
    if (!c.ok()) return Bad(absl::StrCat("checkpoint ", cp.size, ": ", c.status().ToString()));
    BG_ASSIGN_OR_RETURN(const merkle::Hash root, log.Root(cp.size));
    if (c->size != cp.size || c->root != root) {
      return Bad(absl::StrCat("checkpoint ", cp.size, ": root differs from the leaves"));
    }
    if (previous.has_value()) {
      BG_ASSIGN_OR_RETURN(const merkle::Proof proof, log.ConsistencyProof(previous->size, c->size));
      const absl::Status ok =
          merkle::VerifyConsistency(previous->size, c->size, previous->root, c->root, proof);
      if (!ok.ok()) return Bad(absl::StrCat("checkpoint ", cp.size, ": ", ok.ToString()));
    }
    previous = *c;
  }
  return absl::OkStatus();
}

// What the auditor knows from the provision leaf, and the last TPM time seen.
struct EvidenceContext {
  tpm::EvidenceVerifier verifier;
  std::map<std::string, std::string> names;  // counter label -> NV Name
  std::optional<tpm::ClockInfo> last_clock;  // latest of the previous anchor
  std::optional<tpm::ClockInfo> this_clock;  // latest of the current anchor
};

bool Before(const tpm::ClockInfo& a, const tpm::ClockInfo& b) {
  if (a.reset_count != b.reset_count) return a.reset_count < b.reset_count;
  if (a.restart_count != b.restart_count) return a.restart_count < b.restart_count;
  return a.clock < b.clock;
}

absl::StatusOr<EvidenceContext> ContextFrom(const Event& leaf0) {
  BG_ASSIGN_OR_RETURN(const ProvisionStatement p, ParseProvisionEvent(leaf0));
  BG_ASSIGN_OR_RETURN(tpm::EvidenceVerifier v, tpm::EvidenceVerifier::Create(p.ak_public_key_pem));
  BG_ASSIGN_OR_RETURN(const std::string c, base::HexDecode(p.checkpoint.nv_name_hex));
  BG_ASSIGN_OR_RETURN(const std::string r, base::HexDecode(p.release.nv_name_hex));
  return EvidenceContext{std::move(v), {{"checkpoint", c}, {"release", r}}, std::nullopt, std::nullopt};
}

absl::Status CheckEvidence(const AnchorEvidence& e, const std::string& qualifying,
                           EvidenceContext& ctx) {
  auto name = ctx.names.find(e.counter);
  if (name == ctx.names.end()) return Bad(absl::StrCat("evidence for unknown counter ", e.counter));
  BG_ASSIGN_OR_RETURN(const tpm::CertifiedCounter c,
                      ctx.verifier.Verify({e.attest, e.signature}, name->second));
  if (c.value != e.value) return Bad(absl::StrCat("certified ", c.value, " != ", e.value));
  if (c.qualifying_data != qualifying) return Bad("qualifying data is not SHA-256(checkpoint)");
  if (ctx.last_clock.has_value() && Before(c.clock_info, *ctx.last_clock)) {
    return Bad(absl::StrCat("TPM time went backwards: reset ", c.clock_info.reset_count,
                            " restart ", c.clock_info.restart_count, " clock ", c.clock_info.clock));
  }
  if (!ctx.this_clock.has_value() || Before(*ctx.this_clock, c.clock_info)) {
    ctx.this_clock = c.clock_info;
  }
  return absl::OkStatus();
}

absl::Status CheckAnchor(AuditLog& log, uint64_t seq, const AnchorStatement& s,
                         const std::map<uint64_t, std::string>& notes, EvidenceContext& ctx) {
  auto note = notes.find(seq + 1);
  if (note == notes.end()) return Bad(absl::StrCat("anchor leaf ", seq, ": no checkpoint ", seq + 1));
  BG_ASSIGN_OR_RETURN(const std::string body, CheckpointBodyOfNote(note->second));
  const std::string qualifying = CheckpointQualifyingData(body);
  BG_ASSIGN_OR_RETURN(const std::vector<AnchorEvidence> evidence, log.AnchorEvidenceAt(seq + 1));
  const size_t want = s.moves_release() ? 2 : 1;
  if (evidence.size() != want) {
    return Bad(absl::StrCat("anchor leaf ", seq, ": ", evidence.size(), " evidence rows, want ", want));
  }
  for (const AnchorEvidence& e : evidence) {
    if (e.value != s.ValueOf(e.counter)) {
      return Bad(absl::StrCat("anchor leaf ", seq, ": ", e.counter, " evidence value ", e.value,
                              " != stated ", s.ValueOf(e.counter)));
    }
    const absl::Status ok = CheckEvidence(e, qualifying, ctx);
    if (!ok.ok()) return Bad(absl::StrCat("anchor leaf ", seq, ": ", ok.ToString()));
  }
  ctx.last_clock = std::exchange(ctx.this_clock, std::nullopt);
  return absl::OkStatus();
}

absl::Status CheckSuccession(uint64_t seq, const AnchorStatement& prev, const AnchorStatement& s) {
  const AnchorStatement want = NextStatement(prev, s.kind);
  if (s.kind == AnchorKind::kGenesis || !(want == s)) {
    return Bad(absl::StrCat("anchor leaf ", seq, " states checkpoint ", s.checkpoint_counter,
                            " release ", s.release_counter, "; after the previous anchor (",
                            prev.checkpoint_counter, ", ", prev.release_counter, ") expected (",
                            want.checkpoint_counter, ", ", want.release_counter, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyAnchoredLog(AuditLog& log, const merkle::NoteVerifier& verifier) {
  BG_ASSIGN_OR_RETURN(const std::vector<StoredCheckpoint> cps, log.Checkpoints());
  BG_RETURN_IF_ERROR(CheckCheckpoints(log, verifier, cps));
  std::map<uint64_t, std::string> notes;
  for (const StoredCheckpoint& cp : cps) notes[cp.size] = cp.note;
  BG_ASSIGN_OR_RETURN(const uint64_t size, log.Size());
  BG_ASSIGN_OR_RETURN(const std::vector<std::string> leaves, log.Leaves(0, size));
  if (size == 0) return Bad("the log is empty");
  BG_ASSIGN_OR_RETURN(const Event leaf0, Event::Parse(leaves[0]));
  absl::StatusOr<EvidenceContext> ctx = ContextFrom(leaf0);
  if (!ctx.ok()) return Bad(absl::StrCat("leaf 0 is not a usable provision leaf: ", ctx.status().ToString()));
  std::optional<AnchorStatement> prev;
  size_t anchors = 0;
  for (uint64_t seq = 0; seq < size; ++seq) {
    BG_ASSIGN_OR_RETURN(const Event e, Event::Parse(leaves[seq]));
    if (e.seq() != seq) return Bad(absl::StrCat("leaf ", seq, " states seq ", e.seq()));
    if (e.type() != EventType::kAnchor) continue;
    BG_ASSIGN_OR_RETURN(const AnchorStatement s, ParseAnchorEvent(e));
    if (prev.has_value()) BG_RETURN_IF_ERROR(CheckSuccession(seq, *prev, s));
    if (!prev.has_value() && (s.kind != AnchorKind::kGenesis || seq != 1)) {
      return Bad(absl::StrCat("the first anchor leaf (", seq, ") is not the genesis at leaf 1"));
    }
    BG_RETURN_IF_ERROR(CheckAnchor(log, seq, s, notes, *ctx));
    prev = s;
    ++anchors;
  }
  if (anchors != cps.size()) {
    return Bad(absl::StrCat(cps.size(), " checkpoints but ", anchors, " anchor leaves"));
  }
  return absl::OkStatus();
}

}  // namespace breakglass::audit::testing
