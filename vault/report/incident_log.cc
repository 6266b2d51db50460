#include "vault/report/incident_log.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/verify/bundle.h"
#include "vault/verify/finding.h"

namespace breakglass::report {
namespace {

using json = nlohmann::json;

std::string StrOf(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t IntOf(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

absl::Status CheckRequestId(std::string_view id) {
  if (id.empty() || id.size() > 256) {
    return absl::InvalidArgumentError("request: give the request id (1..256 characters)");
  }
  for (const char c : id) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
      return absl::InvalidArgumentError(absl::StrCat(
          "request: '", std::string(id), "' is not a request id (printable ASCII, no quotes)"));
    }
  }
  return absl::OkStatus();
}

// Leaves the report may need; others are skipped without parsing. A false
// positive only costs a parse: the real type is checked afterwards.
bool MayMatter(uint64_t index, std::string_view leaf, std::string_view request_id) {
  return index == 0 || leaf.find(request_id) != std::string_view::npos ||
         leaf.find(R"("type":"anchor")") != std::string_view::npos ||
         leaf.find(R"("type":"identity_add")") != std::string_view::npos ||
         leaf.find(R"("type":"rotation")") != std::string_view::npos;
}

}  // namespace

std::string LoggedEvent::Str(std::string_view key) const { return StrOf(json, key); }
int64_t LoggedEvent::Int(std::string_view key) const { return IntOf(json, key); }

absl::StatusOr<IncidentLog> IncidentLog::Read(const std::filesystem::path& dir,
                                              std::string_view request_id) {
  BG_RETURN_IF_ERROR(CheckRequestId(request_id));
  const std::filesystem::path file = dir / verify::kLeavesFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", file.string()));
  IncidentLog log;
  std::string line;
  for (uint64_t index = 0; std::getline(in, line); ++index) {
    log.leaves_ = index + 1;
    if (!MayMatter(index, line, request_id)) continue;
    BG_RETURN_IF_ERROR(log.OnLeaf(index, std::move(line), request_id));
  }
  if (in.bad()) return absl::UnavailableError(absl::StrCat("read error in ", file.string()));
  if (log.events_.empty() || log.events_.front().type() != "request") {
    return absl::NotFoundError(absl::StrCat(
        "request: no request ", std::string(request_id), " in the audit log (", log.leaves_,
        " leaves); check the id (breakglass requests), or export a newer bundle"));
  }
  return log;
}

absl::Status IncidentLog::OnLeaf(uint64_t index, std::string leaf, std::string_view request_id) {
  json parsed = json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return verify::LeafFailure(index, "is not a JSON object");
  const std::string type = StrOf(parsed, "type");
  if (index == 0 && type == "provision") OnProvision(parsed);
  if (type == "anchor") OnAnchor(index, parsed);
  if (type == "identity_add") OnIdentity(index, parsed);
  LoggedEvent event{index, std::move(leaf), std::move(parsed)};
  const bool about_request = event.Str("subject") == request_id;
  if (about_request && events_.empty() && type != "request") return absl::OkStatus();
  if (about_request && type == "request" && !events_.empty()) return absl::OkStatus();
  if (about_request) {
    if (type == "request") credential_ = event.Str("credential");
    if (type == "release") released_ = true;
    events_.push_back(std::move(event));
  } else if (IsIncidentRotation(event)) {
    rotation_seen_ = true;
    events_.push_back(std::move(event));
  }
  return absl::OkStatus();
}

bool IncidentLog::IsIncidentRotation(const LoggedEvent& e) const {
  return released_ && !rotation_seen_ && e.type() == "rotation" && e.Str("subject") == credential_;
}

void IncidentLog::OnProvision(const json& leaf) {
  ak_pem_ = StrOf(leaf, "ak_public_key_pem");
  const auto counters = leaf.find("counters");
  if (counters == leaf.end() || !counters->is_object()) return;
  for (const auto& [label, counter] : counters->items()) {
    if (!counter.is_object()) continue;
    absl::StatusOr<std::string> name = base::HexDecode(StrOf(counter, "nv_name"));
    if (name.ok()) nv_names_[label] = *std::move(name);
  }
}

void IncidentLog::OnAnchor(uint64_t index, const json& leaf) {
  AnchorLeaf a;
  a.index = index;
  a.kind = StrOf(leaf, "kind");
  a.checkpoint_counter = static_cast<uint64_t>(IntOf(leaf, "checkpoint_counter"));
  a.release_counter = static_cast<uint64_t>(IntOf(leaf, "release_counter"));
  const auto moves = leaf.find("moves");
  if (moves != leaf.end() && moves->is_array()) {
    for (const json& m : *moves) a.moves.push_back(m.is_string() ? m.get<std::string>() : "?");
  }
  anchors_.push_back(std::move(a));
}

void IncidentLog::OnIdentity(uint64_t index, const json& leaf) {
  RegisteredKey k;
  k.index = index;
  k.name = StrOf(leaf, "subject");
  k.roles = StrOf(leaf, "roles");
  k.fingerprint = StrOf(leaf, "key_fingerprint");
  k.pem = StrOf(leaf, "signing_key");
  keys_[k.name].push_back(std::move(k));
}

const RegisteredKey* IncidentLog::KeyOf(std::string_view name, uint64_t before) const {
  const auto it = keys_.find(name);
  if (it == keys_.end()) return nullptr;
  const RegisteredKey* found = nullptr;
  for (const RegisteredKey& k : it->second) {
    if (k.index < before) found = &k;
  }
  return found;
}

}  // namespace breakglass::report
