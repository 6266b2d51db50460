// Handlers: audit log reads, bundle export, TPM evidence, and the Watch stream.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/server/handlers.h"
#include "api/server/handlers_internal.h"
#include "vault/audit/anchor.h"
#include "vault/audit/export.h"
#include "vault/audit/log.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/merkle/proof.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kMaxEntries = 1000;
constexpr size_t kChunkBytes = 64 * 1024;
constexpr uint64_t kWatchBatch = 256;
constexpr absl::Duration kWatchPoll = absl::Milliseconds(200);

std::string HashBytes(const merkle::Hash& h) { return std::string(h.begin(), h.end()); }

void AddHashes(const merkle::Proof& proof, google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const merkle::Hash& h : proof) out->Add(HashBytes(h));
}

// The tree size a request names: `requested`, or the latest checkpoint's.
absl::StatusOr<audit::StoredCheckpoint> CheckpointFor(audit::AuditLog& log, uint64_t requested,
                                                      std::string_view field) {
  if (requested == 0) return log.LatestCheckpoint();
  absl::StatusOr<audit::StoredCheckpoint> at = log.CheckpointAt(requested);
  if (absl::IsNotFound(at.status())) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": no signed checkpoint of size ", requested,
        "; use 0 for the latest, or a size from `breakglass audit checkpoint`"));
  }
  return at;
}

// Removes a directory tree when it goes out of scope.
class ScratchDir final {
 public:
  explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  const fs::path path_;
};

absl::Status StreamFile(const fs::path& root, const fs::path& file,
                        const StreamWriter<pb::BundleChunk>& write) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("export: cannot read ", file.string()));
  crypto::Sha256Hasher hasher;
  pb::BundleChunk chunk;
  chunk.set_path(fs::relative(file, root).string());
  std::string buffer(kChunkBytes, '\0');
  uint64_t offset = 0;
  while (true) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t n = static_cast<size_t>(in.gcount());
    chunk.set_offset(offset);
    chunk.set_data(buffer.substr(0, n));
    hasher.Update(chunk.data());
    offset += n;
    const bool last = n < buffer.size() || in.peek() == std::char_traits<char>::eof();
    chunk.set_last(last);
    if (last) chunk.set_file_sha256(crypto::DigestString(hasher.Finish()));
    if (!write(chunk)) return absl::CancelledError("the client went away during the export");
    if (last) return absl::OkStatus();
  }
}

// An event type as the log writes them: 1..64 of [a-z_].
absl::Status CheckEventType(const std::string& field, const std::string& type) {
  bool ok = !type.empty() && type.size() <= 64;
  for (char c : type) ok = ok && ((c >= 'a' && c <= 'z') || c == '_');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": an event type is 1..64 of a-z and '_', e.g. \"request\", \"release\""));
}

// One audit leaf as a Watch event.
pb::Event LeafToEvent(uint64_t index, const std::string& leaf) {
  pb::Event event;
  event.set_index(index);
  event.set_leaf(leaf);
  const nlohmann::json j = nlohmann::json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return event;
  auto str = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto time = j.find("time");
  if (time != j.end() && time->is_number_integer()) event.set_time_unix(time->get<int64_t>() / 1000);
  event.set_type(str("type"));
  event.set_actor(str("actor"));
  event.set_subject(str("subject"));
  event.set_incident(str("incident"));
  event.set_summary(str("reason"));
  return event;
}

}  // namespace

absl::Status Handlers::GetCheckpoint(const Caller&, const pb::GetCheckpointRequest&,
                                     pb::GetCheckpointResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  audit::AuditLog& log = *backend_->log();
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint latest, log.LatestCheckpoint());
  BG_ASSIGN_OR_RETURN(merkle::Hash root, log.Root(latest.size));
  response->set_checkpoint(latest.note);
  response->set_tree_size(latest.size);
  response->set_root_hash(HashBytes(root));
  response->set_log_verifier_key(backend_->log_verifier_key());
  return absl::OkStatus();
}

absl::Status Handlers::GetInclusionProof(const Caller&, const pb::GetInclusionProofRequest& request,
                                         pb::GetInclusionProofResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  audit::AuditLog& log = *backend_->log();
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint cp, CheckpointFor(log, request.tree_size(), "tree_size"));
  if (request.leaf_index() >= cp.size) {
    return absl::InvalidArgumentError(absl::StrCat("leaf_index: ", request.leaf_index(),
                                                   " is not below tree_size ", cp.size));
  }
  BG_ASSIGN_OR_RETURN(merkle::Proof proof, log.InclusionProof(request.leaf_index(), cp.size));
  BG_ASSIGN_OR_RETURN(*response->mutable_leaf(), log.Leaf(request.leaf_index()));
  response->set_leaf_index(request.leaf_index());
  response->set_tree_size(cp.size);
  AddHashes(proof, response->mutable_hashes());
  response->set_checkpoint(cp.note);
  return absl::OkStatus();
}

absl::Status Handlers::GetConsistencyProof(const Caller&,
                                           const pb::GetConsistencyProofRequest& request,
                                           pb::GetConsistencyProofResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  audit::AuditLog& log = *backend_->log();
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint newer, CheckpointFor(log, request.new_size(), "new_size"));
  if (request.old_size() == 0 || request.old_size() > newer.size) {
    return absl::InvalidArgumentError(
        absl::StrCat("old_size: must be 1..", newer.size, " (the newer size)"));
  }
  BG_ASSIGN_OR_RETURN(audit::StoredCheckpoint older, CheckpointFor(log, request.old_size(), "old_size"));
  BG_ASSIGN_OR_RETURN(merkle::Proof proof, log.ConsistencyProof(older.size, newer.size));
  response->set_old_size(older.size);
  response->set_new_size(newer.size);
  AddHashes(proof, response->mutable_hashes());
  response->set_old_checkpoint(older.note);
  response->set_new_checkpoint(newer.note);
  return absl::OkStatus();
}

absl::Status Handlers::GetEntries(const Caller&, const pb::GetEntriesRequest& request,
                                  pb::GetEntriesResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  if (request.count() == 0 || request.count() > kMaxEntries) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be 1..", kMaxEntries));
  }
  audit::AuditLog& log = *backend_->log();
  BG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (request.start() >= size) {
    return absl::OutOfRangeError(
        absl::StrCat("start: ", request.start(), " is past the end of the log (size ", size, ")"));
  }
  const uint64_t end = std::min<uint64_t>(size, request.start() + request.count());
  BG_ASSIGN_OR_RETURN(std::vector<std::string> leaves, log.Leaves(request.start(), end));
  for (size_t i = 0; i < leaves.size(); ++i) {
    pb::LogEntry* entry = response->add_entries();
    entry->set_index(request.start() + i);
    entry->set_leaf(std::move(leaves[i]));
  }
  return absl::OkStatus();
}

absl::Status Handlers::ExportBundle(const Caller&, const pb::ExportBundleRequest& request,
                                    const StreamWriter<pb::BundleChunk>& write) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  if (request.tree_size() != 0) {
    return absl::InvalidArgumentError("tree_size: only 0 (the latest checkpoint) is supported");
  }
  AnchorTail();
  std::error_code ec;
  fs::create_directories(backend_->scratch_dir(), ec);
  base::SystemRandom random;
  std::array<uint8_t, 8> tag{};
  BG_RETURN_IF_ERROR(random.Fill(tag));
  ScratchDir dir(fs::path(backend_->scratch_dir()) /
                 ("bundle-" + base::HexEncode(std::string(tag.begin(), tag.end()))));
  audit::ExportOptions options;
  options.log_verifier_key = backend_->log_verifier_key();
  BG_RETURN_IF_ERROR(audit::ExportBundle(*backend_->runner(), dir.path(), options).status());
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) BG_RETURN_IF_ERROR(StreamFile(dir.path(), file, write));
  return absl::OkStatus();
}

void Handlers::AnchorTail() const {
  audit::AuditLog& log = *backend_->log();
  absl::StatusOr<uint64_t> size = log.Size();
  absl::StatusOr<audit::StoredCheckpoint> latest = log.LatestCheckpoint();
  if (!size.ok() || !latest.ok() || *size <= latest->size) return;
  // Best effort: during a rollback alarm the bundle is wanted all the more;
  // the verifier then reports the unanchored tail.
  if (audit::Anchorer* anchorer = backend_->anchorer(); anchorer != nullptr) {
    anchorer->AnchorNow(audit::AnchorKind::kRoutine).IgnoreError();
  }
}

absl::Status Handlers::GetTpmEvidence(const Caller&, const pb::GetTpmEvidenceRequest& request,
                                      pb::GetTpmEvidenceResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  audit::AuditLog& log = *backend_->log();
  response->set_attestation_key_pem(backend_->ak_public_key_pem());
  BG_ASSIGN_OR_RETURN(std::vector<audit::StoredCheckpoint> checkpoints, log.Checkpoints());
  for (const audit::StoredCheckpoint& cp : checkpoints) {
    if (cp.size < request.min_tree_size()) continue;
    BG_ASSIGN_OR_RETURN(std::vector<audit::AnchorEvidence> evidence, log.AnchorEvidenceAt(cp.size));
    for (const audit::AnchorEvidence& e : evidence) {
      pb::CounterCertification* c = response->add_certifications();
      c->set_counter(e.counter);
      c->set_value(e.value);
      c->set_checkpoint(cp.note);
      c->set_attest(e.attest);
      c->set_signature(e.signature);
    }
  }
  return absl::OkStatus();
}

absl::Status Handlers::Watch(const Caller&, const pb::WatchRequest& request,
                             const StreamWriter<pb::WatchResponse>& write,
                             const std::function<bool()>& stop) {
  audit::AuditLog& log = *backend_->log();
  for (int i = 0; i < request.types_size(); ++i) {
    BG_RETURN_IF_ERROR(CheckEventType(absl::StrCat("types[", i, "]"), request.types(i)));
  }
  const std::set<std::string> types(request.types().begin(), request.types().end());
  BG_ASSIGN_OR_RETURN(uint64_t next, log.Size());
  pb::WatchResponse ready;
  ready.mutable_ready()->set_log_size(next);
  if (!write(ready)) return absl::OkStatus();
  while (!stop()) {
    BG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
    if (size <= next) {
      absl::SleepFor(kWatchPoll);
      continue;
    }
    const uint64_t end = std::min(size, next + kWatchBatch);
    BG_ASSIGN_OR_RETURN(std::vector<std::string> leaves, log.Leaves(next, end));
    for (const std::string& leaf : leaves) {
      pb::WatchResponse item;
      *item.mutable_event() = LeafToEvent(next++, leaf);
      if (!types.empty() && types.count(item.event().type()) == 0) continue;
      if (!write(item)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace breakglass::api
