#include "vault/verify/leaf_hints.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/verify/bundle.h"
#include "vault/verify/internal/streaming_tree.h"

namespace breakglass::verify {

absl::StatusOr<LeafHints> LeafHints::Open(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kLeafHashesFile;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return LeafHints(std::unique_ptr<std::FILE, int (*)(std::FILE*)>(nullptr, &std::fclose), 0);
  }
  const uint64_t bytes = std::filesystem::file_size(path, ec);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr || ec) {
    if (f != nullptr) std::fclose(f);
    return absl::UnavailableError(
        absl::StrCat("bundle: cannot open ", kLeafHashesFile, ": ", std::strerror(errno)));
  }
  LeafHints hints(std::unique_ptr<std::FILE, int (*)(std::FILE*)>(f, &std::fclose),
                  bytes / merkle::kHashSize);
  hints.ragged_ = bytes % merkle::kHashSize != 0;
  return hints;
}

absl::Status LeafHints::ReadAt(uint64_t first, size_t count, std::vector<uint8_t>* out) {
  out->clear();
  if (file_ == nullptr || first >= count_) return absl::OkStatus();
  count = static_cast<size_t>(std::min<uint64_t>(count, count_ - first));
  out->resize(count * merkle::kHashSize);
  if (fseeko(file_.get(), static_cast<off_t>(first * merkle::kHashSize), SEEK_SET) != 0 ||
      std::fread(out->data(), 1, out->size(), file_.get()) != out->size()) {
    return absl::UnavailableError(
        absl::StrCat("bundle: cannot read ", kLeafHashesFile, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status LeafHints::Load(uint64_t first, size_t count) {
  loaded_first_ = first;
  if (first_mismatch_.has_value()) {  // nothing more to learn
    loaded_.clear();
    return absl::OkStatus();
  }
  return ReadAt(first, count, &loaded_);
}

void LeafHints::Compare(uint64_t index, const merkle::Hash& computed) {
  if (file_ == nullptr || first_mismatch_.has_value()) return;
  const uint64_t offset = (index - loaded_first_) * merkle::kHashSize;
  if (index < loaded_first_ || offset + merkle::kHashSize > loaded_.size() ||
      std::memcmp(loaded_.data() + offset, computed.data(), merkle::kHashSize) != 0) {
    first_mismatch_ = index;
  }
}

absl::StatusOr<bool> LeafHints::Authenticate(const merkle::Frontier& from,
                                             const CheckpointEntry& entry) {
  if (file_ == nullptr || entry.size > count_) return false;
  internal::StreamingTree tree(from);
  constexpr size_t kChunk = 1 << 14;
  std::vector<uint8_t> chunk;
  for (uint64_t i = from.size(); i < entry.size; i += kChunk) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, entry.size - i));
    BG_RETURN_IF_ERROR(ReadAt(i, n, &chunk));
    for (size_t j = 0; j < n; ++j) {
      merkle::Hash h;
      std::memcpy(h.data(), chunk.data() + j * merkle::kHashSize, merkle::kHashSize);
      tree.Append(h);
    }
  }
  return tree.Root() == entry.checkpoint.root;
}

void LeafHints::Finish(uint64_t leaves, std::vector<std::string>* warnings) const {
  if (file_ == nullptr) return;
  if (first_mismatch_.has_value()) {
    warnings->push_back(absl::StrCat(kLeafHashesFile, " disagrees with leaf ", *first_mismatch_,
                                     ": the hint file is damaged (the leaves themselves "
                                     "verified)"));
  } else if (count_ != leaves || ragged_) {
    warnings->push_back(absl::StrCat(kLeafHashesFile, " has ", count_, " hashes for ", leaves,
                                     " leaves: the hint file is damaged (the leaves verified)"));
  }
}

}  // namespace breakglass::verify
