#include "vault/audit/export.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/audit/anchor_event.h"
#include "vault/audit/event.h"
#include "vault/audit/log_tables.h"
#include "vault/base/status.h"
#include "vault/verify/bundle.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHashChunk = 4096;

absl::Status FileError(const fs::path& path, std::string_view what) {
  const std::string msg =
      absl::StrCat("export: ", std::string(what), " ", path.string(), ": ", std::strerror(errno));
  return errno == EACCES ? absl::PermissionDeniedError(msg) : absl::UnavailableError(msg);
}

absl::Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return out.good() ? absl::OkStatus() : FileError(path, "cannot write");
}

// A counter label becomes part of a file name.
bool IsPlainLabel(std::string_view label) {
  if (label.empty()) return false;
  for (char c : label) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

// Writes one snapshot of the log into `root` (an empty directory).
class Writer final {
 public:
  Writer(store::Txn& txn, fs::path root, const ExportOptions& options)
      : txn_(txn), root_(std::move(root)), options_(options) {}

  absl::StatusOr<ExportResult> Run() {
    BG_ASSIGN_OR_RETURN(result_.leaves, tables::LeafCount(txn_));
    BG_RETURN_IF_ERROR(WriteKeys());
    BG_RETURN_IF_ERROR(WriteCheckpoints());
    BG_RETURN_IF_ERROR(WriteLeaves());
    BG_RETURN_IF_ERROR(WriteLeafHashes());
    BG_RETURN_IF_ERROR(Put(verify::kReadmeFile, verify::BundleReadme()));
    return result_;
  }

 private:
  absl::Status Put(std::string_view relative, std::string_view bytes) {
    return WriteFile(root_ / std::string(relative), bytes);
  }

  // log.vkey, and from the provisioning record (leaf 0) tpm/ak.pem and
  // tpm/provisioning.json.
  absl::Status WriteKeys() {
    std::string vkey = options_.log_verifier_key;
    std::error_code ec;
    fs::create_directory(root_ / verify::kTpmDir, ec);
    if (ec) return FileError(root_ / verify::kTpmDir, "cannot create");
    if (result_.leaves > 0) {
      BG_ASSIGN_OR_RETURN(const std::string leaf0, tables::ReadLeaf(txn_, 0));
      // A damaged record is still exported (without the files derived from
      // it): the auditor's verifier is the one to say what is wrong.
      absl::StatusOr<Event> event = Event::Parse(leaf0);
      absl::StatusOr<ProvisionStatement> p =
          event.ok() ? ParseProvisionEvent(*event) : absl::StatusOr<ProvisionStatement>(event.status());
      if (p.ok()) {
        if (vkey.empty()) vkey = p->log_verifier_key;
        BG_RETURN_IF_ERROR(Put(verify::kAkFile, p->ak_public_key_pem));
        BG_RETURN_IF_ERROR(Put(verify::kProvisioningFile, absl::StrCat(leaf0, "\n")));
      }
    }
    if (vkey.empty()) {
      return absl::FailedPreconditionError(
          "export: no log verifier key: leaf 0 is not a provision event and none was given");
    }
    return Put(verify::kVerifierKeyFile, absl::StrCat(vkey, "\n"));
  }

  absl::Status WriteCheckpoints() {
    BG_ASSIGN_OR_RETURN(const std::vector<StoredCheckpoint> all, tables::ReadCheckpoints(txn_));
    if (all.empty()) {
      return absl::FailedPreconditionError(
          "export: no checkpoint is stored yet: anchor the log (provision the appliance) first");
    }
    std::error_code ec;
    fs::create_directory(root_ / verify::kCheckpointsDir, ec);
    if (ec) return FileError(root_ / verify::kCheckpointsDir, "cannot create");
    for (const StoredCheckpoint& cp : all) {
      BG_RETURN_IF_ERROR(Put(verify::CheckpointFile(cp.size), cp.note));
      BG_RETURN_IF_ERROR(WriteEvidence(cp.size));
    }
    result_.checkpoints = all.size();
    result_.latest_size = all.back().size;
    return Put(verify::kLatestCheckpointFile, all.back().note);
  }

  absl::Status WriteEvidence(uint64_t size) {
    BG_ASSIGN_OR_RETURN(const std::vector<AnchorEvidence> records,
                        tables::ReadAnchorEvidence(txn_, size));
    for (const AnchorEvidence& e : records) {
      if (!IsPlainLabel(e.counter)) {
        return absl::DataLossError(absl::StrCat("export: anchor evidence of checkpoint ", size,
                                                " names a malformed counter label"));
      }
      BG_RETURN_IF_ERROR(Put(verify::EvidenceAttestFile(size, e.counter), e.attest));
      BG_RETURN_IF_ERROR(Put(verify::EvidenceSignatureFile(size, e.counter), e.signature));
      ++result_.evidence;
    }
    return absl::OkStatus();
  }

  absl::Status WriteLeaves() {
    const fs::path path = root_ / verify::kLeavesFile;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    BG_RETURN_IF_ERROR(tables::ScanLeaves(txn_, 0, result_.leaves, [&](uint64_t, std::string_view leaf) {
      out.write(leaf.data(), static_cast<std::streamsize>(leaf.size()));
      out.put('\n');
      result_.leaf_bytes += leaf.size() + 1;
      return out.good() ? absl::OkStatus() : FileError(path, "cannot write");
    }));
    out.close();
    return out.good() ? absl::OkStatus() : FileError(path, "cannot write");
  }

  // The stored leaf hashes: complete subtrees (0, i), read in chunks.
  absl::Status WriteLeafHashes() {
    const fs::path path = root_ / verify::kLeafHashesFile;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    StoredSubtrees reader(txn_);
    std::vector<merkle::NodeId> ids;
    for (uint64_t first = 0; first < result_.leaves; first += kHashChunk) {
      ids.clear();
      for (uint64_t i = first; i < std::min(result_.leaves, first + kHashChunk); ++i) {
        ids.push_back({0, i});
      }
      BG_ASSIGN_OR_RETURN(const std::vector<merkle::Hash> hashes, reader.GetMany(ids));
      for (const merkle::Hash& h : hashes) {
        out.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size()));
      }
    }
    out.close();
    return out.good() ? absl::OkStatus() : FileError(path, "cannot write");
  }

  store::Txn& txn_;
  const fs::path root_;
  const ExportOptions& options_;
  ExportResult result_;
};

// A fresh directory beside `dir`, renamed into place when complete.
absl::StatusOr<fs::path> MakeStaging(const fs::path& dir) {
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  std::string tmpl = (parent / (dir.filename().string() + ".partial-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) return FileError(parent, "cannot create a directory in");
  return fs::path(tmpl);
}

}  // namespace

absl::StatusOr<ExportResult> ExportBundle(store::TransactionRunner& runner, const fs::path& dir,
                                          const ExportOptions& options) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat("export: ", dir.string(), " exists; choose a new directory"));
  }
  BG_ASSIGN_OR_RETURN(const fs::path staging, MakeStaging(dir));
  absl::StatusOr<ExportResult> result = absl::InternalError("export: snapshot did not run");
  absl::Status status = runner.Read([&](store::Txn& txn) {
    result = Writer(txn, staging, options).Run();
    return result.status();
  });
  if (status.ok()) {
    fs::rename(staging, dir, ec);
    if (ec) status = absl::UnavailableError(absl::StrCat("export: cannot rename ", staging.string(),
                                                         " to ", dir.string(), ": ", ec.message()));
  }
  if (!status.ok()) {
    fs::remove_all(staging, ec);
    return status;
  }
  return result;
}

}  // namespace breakglass::audit
