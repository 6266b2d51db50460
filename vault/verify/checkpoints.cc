#include "vault/verify/checkpoints.h"

#include <algorithm>
#include <map>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/verify/bundle.h"
#include "vault/verify/finding.h"

namespace breakglass::verify {
namespace {

CheckpointEntry Open(uint64_t size, std::string file, const std::string& note,
                     const merkle::NoteVerifier& verifier) {
  CheckpointEntry e;
  e.size = size;
  e.file = std::move(file);
  e.note_sha256_hex = base::HexEncode(crypto::Sha256String(note));
  absl::StatusOr<merkle::Checkpoint> c = merkle::OpenCheckpoint(note, verifier);
  if (!c.ok()) {
    e.status = absl::InvalidArgumentError(
        absl::StrCat(e.file, " does not verify with the log key: ", c.status().message()));
    return e;
  }
  if (c->size != size) {
    e.status = absl::InvalidArgumentError(
        absl::StrCat(e.file, " states tree size ", c->size, ", not the size it is filed under"));
    return e;
  }
  e.checkpoint = *c;
  e.body = *merkle::FormatCheckpoint(*c);  // OpenCheckpoint accepted the origin
  return e;
}

// checkpoints/: size -> note bytes.
absl::StatusOr<std::map<uint64_t, std::string>> ReadCheckpointDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir / kCheckpointsDir, ec);
  if (ec) return BundleFailure(absl::StrCat(kCheckpointsDir, "/ is missing or unreadable"));
  std::map<uint64_t, std::string> notes;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    const std::optional<uint64_t> size = ParseDecimal(name);
    if (!size.has_value()) {
      return BundleFailure(
          absl::StrCat(kCheckpointsDir, "/", name, " is not named by a tree size"));
    }
    BG_ASSIGN_OR_RETURN(notes[*size], ReadBundleFile(dir, CheckpointFile(*size)));
  }
  return notes;
}

}  // namespace

absl::StatusOr<CheckpointSet> LoadCheckpoints(const std::filesystem::path& dir,
                                              const merkle::NoteVerifier& verifier) {
  BG_ASSIGN_OR_RETURN(const std::string latest_note, ReadBundleFile(dir, kLatestCheckpointFile));
  absl::StatusOr<merkle::Checkpoint> latest = merkle::OpenCheckpoint(latest_note, verifier);
  if (!latest.ok()) {
    return BundleFailure(absl::StrCat("the latest checkpoint (", kLatestCheckpointFile,
                                      ") does not verify with the log key: ",
                                      latest.status().message()));
  }
  BG_ASSIGN_OR_RETURN(auto notes, ReadCheckpointDir(dir));
  CheckpointSet set;
  set.latest_size = latest->size;
  if (!notes.empty() && notes.rbegin()->first > latest->size) {
    return CheckpointFailure(latest->size, absl::StrCat(
        "is presented as the latest checkpoint, but ", CheckpointFile(notes.rbegin()->first),
        " is newer: the bundle was rolled back, or mixes exports"));
  }
  for (const auto& [size, note] : notes) {
    set.entries.push_back(Open(size, CheckpointFile(size), note, verifier));
  }
  const auto same = notes.find(latest->size);
  if (same == notes.end()) {
    set.entries.push_back(Open(latest->size, kLatestCheckpointFile, latest_note, verifier));
  } else if (same->second != latest_note) {
    set.entries.back().status = absl::InvalidArgumentError(absl::StrCat(
        kLatestCheckpointFile, " and ", CheckpointFile(latest->size),
        " differ: two different notes for one tree size"));
  }
  return set;
}

}  // namespace breakglass::verify
