#include "vault/audit/anchor_event.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::audit {
namespace {

using nlohmann::json;

// Canonical JSON integers are below 2^53 (canonical_json.h).
constexpr uint64_t kMaxJsonInteger = (uint64_t{1} << 53) - 1;

absl::Status CheckCounterValue(std::string_view what, uint64_t value) {
  if (value <= kMaxJsonInteger) return absl::OkStatus();
  return absl::OutOfRangeError(absl::StrCat(
      "anchor: the ", std::string(what), " value ", value,
      " is beyond 2^53-1, which the audit log cannot state exactly; this TPM cannot anchor "
      "breakglass (use another NV index or TPM)"));
}

absl::Status BadField(std::string_view event, std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(event), " event: field '",
                                                 std::string(field), "' ", std::string(why)));
}

const json* Field(const Event& e, std::string_view key) {
  auto it = e.fields().find(key);
  return it == e.fields().end() ? nullptr : &it->second;
}

absl::StatusOr<uint64_t> UintField(const Event& e, std::string_view event, std::string_view key) {
  const json* v = Field(e, key);
  if (v == nullptr || !v->is_number_integer() || v->get<int64_t>() < 0) {
    return BadField(event, key, "is missing or not a non-negative integer");
  }
  return v->get<uint64_t>();
}

absl::StatusOr<std::string> StringField(const json& obj, std::string_view event,
                                        std::string_view key) {
  auto it = obj.find(std::string(key));
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
    return BadField(event, key, "is missing, empty or not a string");
  }
  return it->get<std::string>();
}

json MovesOf(AnchorKind kind) {
  if (kind == AnchorKind::kRoutine) return json::array({kCheckpointCounterLabel});
  return json::array({kReleaseCounterLabel, kCheckpointCounterLabel});
}

absl::StatusOr<AnchorKind> ParseKind(const Event& e) {
  const json* v = Field(e, "kind");
  if (v == nullptr || !v->is_string()) return BadField("anchor", "kind", "is missing");
  for (AnchorKind k : {AnchorKind::kRoutine, AnchorKind::kRelease, AnchorKind::kGenesis}) {
    if (v->get<std::string>() == AnchorKindName(k)) return k;
  }
  return BadField("anchor", "kind", "is not genesis, routine or release");
}

json CounterJson(const CounterIdentity& c) {
  return json{{"nv_index", c.nv_index}, {"nv_name", c.nv_name_hex}, {"start_value", c.start_value}};
}

absl::StatusOr<CounterIdentity> ParseCounter(const json& counters, std::string_view label) {
  auto it = counters.find(std::string(label));
  if (it == counters.end() || !it->is_object()) {
    return BadField("provision", absl::StrCat("counters.", std::string(label)), "is missing");
  }
  const json& c = *it;
  CounterIdentity out;
  for (const char* key : {"nv_index", "start_value"}) {
    auto v = c.find(key);
    if (v == c.end() || !v->is_number_integer() || v->get<int64_t>() < 0) {
      return BadField("provision", absl::StrCat("counters.", std::string(label), ".", key),
                      "is missing or not a non-negative integer");
    }
  }
  if (c["nv_index"].get<uint64_t>() > 0xFFFFFFFFu) {
    return BadField("provision", absl::StrCat("counters.", std::string(label), ".nv_index"),
                    "is not a 32-bit TPM handle");
  }
  out.nv_index = c["nv_index"].get<uint32_t>();
  out.start_value = c["start_value"].get<uint64_t>();
  BG_ASSIGN_OR_RETURN(out.nv_name_hex, StringField(c, "provision", "nv_name"));
  return out;
}

}  // namespace

std::string_view AnchorKindName(AnchorKind kind) {
  switch (kind) {
    case AnchorKind::kRoutine:
      return "routine";
    case AnchorKind::kRelease:
      return "release";
    case AnchorKind::kGenesis:
      return "genesis";
  }
  return "unknown";
}

uint64_t AnchorStatement::ValueOf(std::string_view label) const {
  return label == kReleaseCounterLabel ? release_counter : checkpoint_counter;
}

AnchorStatement NextStatement(const AnchorStatement& previous, AnchorKind kind) {
  AnchorStatement next{kind, previous.checkpoint_counter + 1, previous.release_counter};
  if (next.moves_release()) ++next.release_counter;
  return next;
}

absl::StatusOr<Event> AnchorEvent(const AnchorStatement& s) {
  BG_RETURN_IF_ERROR(CheckCounterValue("checkpoint counter", s.checkpoint_counter));
  BG_RETURN_IF_ERROR(CheckCounterValue("release counter", s.release_counter));
  Event e(EventType::kAnchor);
  e.set_reason(std::string(AnchorKindName(s.kind)))
      .Set("kind", std::string(AnchorKindName(s.kind)))
      .Set("checkpoint_counter", s.checkpoint_counter)
      .Set("release_counter", s.release_counter)
      .Set("moves", MovesOf(s.kind));
  return e;
}

absl::StatusOr<AnchorStatement> ParseAnchorEvent(const Event& event) {
  if (event.type() != EventType::kAnchor) {
    return absl::InvalidArgumentError(absl::StrCat("leaf ", event.seq(), " is a '",
                                                   std::string(EventTypeName(event.type())),
                                                   "' event, not an anchor"));
  }
  AnchorStatement s;
  BG_ASSIGN_OR_RETURN(s.kind, ParseKind(event));
  BG_ASSIGN_OR_RETURN(s.checkpoint_counter, UintField(event, "anchor", "checkpoint_counter"));
  BG_ASSIGN_OR_RETURN(s.release_counter, UintField(event, "anchor", "release_counter"));
  const json* moves = Field(event, "moves");
  if (moves == nullptr || *moves != MovesOf(s.kind)) {
    return BadField("anchor", "moves", "does not match the anchor's kind");
  }
  return s;
}

absl::StatusOr<Event> ProvisionEvent(const ProvisionStatement& p) {
  for (const auto& [name, value] : {std::pair{"origin", &p.origin},
                                    {"log_verifier_key", &p.log_verifier_key},
                                    {"ak_public_key_pem", &p.ak_public_key_pem},
                                    {"counters.checkpoint.nv_name", &p.checkpoint.nv_name_hex},
                                    {"counters.release.nv_name", &p.release.nv_name_hex}}) {
    if (value->empty()) return BadField("provision", name, "is empty");
  }
  // Genesis states start_value + 1, which must fit too.
  BG_RETURN_IF_ERROR(CheckCounterValue("checkpoint counter", p.checkpoint.start_value + 1));
  BG_RETURN_IF_ERROR(CheckCounterValue("release counter", p.release.start_value + 1));
  Event e(EventType::kProvision);
  e.set_subject(p.origin)
      .Set("origin", p.origin)
      .Set("log_verifier_key", p.log_verifier_key)
      .Set("ak_public_key_pem", p.ak_public_key_pem)
      .Set("counters", json{{std::string(kCheckpointCounterLabel), CounterJson(p.checkpoint)},
                            {std::string(kReleaseCounterLabel), CounterJson(p.release)}});
  return e;
}

absl::StatusOr<ProvisionStatement> ParseProvisionEvent(const Event& event) {
  if (event.type() != EventType::kProvision) {
    return absl::InvalidArgumentError(absl::StrCat("leaf ", event.seq(), " is not a provision event"));
  }
  json obj = json::object();
  for (const auto& [k, v] : event.fields()) obj[k] = v;
  ProvisionStatement p;
  BG_ASSIGN_OR_RETURN(p.origin, StringField(obj, "provision", "origin"));
  BG_ASSIGN_OR_RETURN(p.log_verifier_key, StringField(obj, "provision", "log_verifier_key"));
  BG_ASSIGN_OR_RETURN(p.ak_public_key_pem, StringField(obj, "provision", "ak_public_key_pem"));
  auto counters = obj.find("counters");
  if (counters == obj.end() || !counters->is_object()) {
    return BadField("provision", "counters", "is missing");
  }
  BG_ASSIGN_OR_RETURN(p.checkpoint, ParseCounter(*counters, kCheckpointCounterLabel));
  BG_ASSIGN_OR_RETURN(p.release, ParseCounter(*counters, kReleaseCounterLabel));
  return p;
}

std::string_view RollbackProblemName(RollbackProblem problem) {
  switch (problem) {
    case RollbackProblem::kStoreBehindTpm:
      return "store_behind_tpm";
    case RollbackProblem::kStoreAheadOfTpm:
      return "store_ahead_of_tpm";
    case RollbackProblem::kIncrementMismatch:
      return "increment_mismatch";
  }
  return "unknown";
}

Event RollbackAlarmEvent(const CounterDisagreement& d) {
  Event e(EventType::kRollbackAlarm);
  e.set_subject(absl::StrCat("tpm counter ", d.counter))
      .set_reason(std::string(RollbackProblemName(d.problem)))
      .Set("counter", d.counter)
      .Set("log_value", d.log_value)
      .Set("tpm_value", d.tpm_value)
      .Set("problem", std::string(RollbackProblemName(d.problem)));
  return e;
}

absl::Status RollbackError(const CounterDisagreement& d) {
  std::string meaning;
  switch (d.problem) {
    case RollbackProblem::kStoreBehindTpm:
      meaning =
          "the store is behind the TPM: an older copy of the state was restored, or the "
          "counter was incremented outside breakglass";
      break;
    case RollbackProblem::kStoreAheadOfTpm:
      meaning =
          "the store is ahead of the TPM: the TPM or its NV index was replaced or reset, or "
          "the store was forged";
      break;
    case RollbackProblem::kIncrementMismatch:
      meaning =
          "an increment did not reach the value the log had stated: the counter was moved "
          "outside breakglass, or the store is not the one the TPM was anchoring";
      break;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "rollback: the TPM ", d.counter, " counter is ", d.tpm_value, " but the audit log states ",
      d.log_value, " (", meaning,
      "). Releases and anchors are refused. Preserve the state directory and the TPM as "
      "they are, compare with the last exported audit bundle, and leave this state only "
      "through the quorum-approved rollback-clear operation (start breakglassd with "
      "--recover-rollback; custodians approve with `breakglass rollback approve`)"));
}

std::string CheckpointQualifyingData(std::string_view checkpoint_body) {
  return crypto::Sha256String(checkpoint_body);
}

absl::StatusOr<std::string> CheckpointBodyOfNote(std::string_view note) {
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos || blank + 2 >= note.size()) {
    return absl::InvalidArgumentError(
        "checkpoint: not a signed note (text, blank line, signature lines)");
  }
  return std::string(note.substr(0, blank + 1));
}

}  // namespace breakglass::audit
