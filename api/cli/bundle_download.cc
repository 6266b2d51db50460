#include "api/cli/bundle_download.h"

#include <fstream>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::cli {
namespace {

namespace fs = std::filesystem;

// Writes the streamed bundle files under `dir`, checking each file's hash.
class BundleWriter final {
 public:
  explicit BundleWriter(fs::path dir) : dir_(std::move(dir)) {}

  absl::Status Add(const pb::BundleChunk& chunk) {
    const fs::path rel(chunk.path());
    if (rel.empty() || rel.is_absolute() || chunk.path().find("..") != std::string::npos) {
      return absl::DataLossError(absl::StrCat("bundle names an unsafe path '", chunk.path(), "'"));
    }
    if (chunk.path() != current_) BG_RETURN_IF_ERROR(Open(chunk.path()));
    if (chunk.offset() != written_) {
      return absl::DataLossError(absl::StrCat(chunk.path(), ": chunk at ", chunk.offset(), " but ",
                                              written_, " bytes written"));
    }
    out_.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    hasher_->Update(chunk.data());
    written_ += chunk.data().size();
    if (!chunk.last()) return absl::OkStatus();
    out_.close();
    ++files_;
    if (crypto::DigestString(hasher_->Finish()) != chunk.file_sha256()) {
      return absl::DataLossError(absl::StrCat(chunk.path(), ": SHA-256 mismatch after download"));
    }
    current_.clear();
    return out_ ? absl::OkStatus() : absl::InternalError("write failed: " + chunk.path());
  }
  int files() const { return files_; }

 private:
  absl::Status Open(const std::string& rel) {
    const fs::path path = dir_ / rel;
    fs::create_directories(path.parent_path());
    out_ = std::ofstream(path, std::ios::binary | std::ios::trunc);
    if (!out_) return absl::InvalidArgumentError("--out: cannot write " + path.string());
    current_ = rel;
    written_ = 0;
    hasher_.emplace();
    return absl::OkStatus();
  }

  const fs::path dir_;
  std::ofstream out_;
  std::string current_;
  uint64_t written_ = 0;
  std::optional<crypto::Sha256Hasher> hasher_;
  int files_ = 0;
};

}  // namespace

absl::StatusOr<int> DownloadBundle(Client& client, uint64_t tree_size, const fs::path& dir) {
  pb::ExportBundleRequest request;
  request.set_tree_size(tree_size);
  BundleWriter writer(dir);
  BG_RETURN_IF_ERROR(client.ExportBundle(
      request, [&writer](const pb::BundleChunk& chunk) { return writer.Add(chunk); }));
  return writer.files();
}

}  // namespace breakglass::cli
