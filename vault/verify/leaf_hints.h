// LeafHints: the bundle's leaf_hashes file, read alongside leaves.jsonl.
//
// The hints are never trusted. While streaming, each leaf's computed hash is
// compared with its hint and the first disagreement remembered. Only when
// verification fails is that index put to use: the hints from the last
// verified checkpoint up to the next signed checkpoint are hashed into a tree
// and, if that gives the checkpoint's signed root, they are the hashes the log
// key signed (by SHA-256 collision resistance), so the first leaf that
// disagrees with them is exactly the first altered leaf.
//
// Without the file (or with a damaged one) nothing is lost but the precision
// of the failure message.
//
// Thread-safety: not thread-safe; one verification.
#ifndef BREAKGLASS_VAULT_VERIFY_LEAF_HINTS_H_
#define BREAKGLASS_VAULT_VERIFY_LEAF_HINTS_H_

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/merkle/frontier.h"
#include "vault/merkle/tree.h"
#include "vault/verify/checkpoints.h"

namespace breakglass::verify {

class LeafHints final {
 public:
  // Opens `dir`/leaf_hashes; a bundle without one gives hints that know
  // nothing. UNAVAILABLE when it exists but cannot be opened.
  static absl::StatusOr<LeafHints> Open(const std::filesystem::path& dir);

  // Reads the hints of leaves [first, first + count) (those the file has).
  // UNAVAILABLE on a read error.
  absl::Status Load(uint64_t first, size_t count);
  // Compares leaf `index` (loaded) with its hint; remembers the first
  // disagreement, a missing hint included.
  void Compare(uint64_t index, const merkle::Hash& computed);
  std::optional<uint64_t> first_mismatch() const { return first_mismatch_; }

  // Whether the hints of leaves [from.size(), entry.size), appended to
  // `from`, give the root `entry` signs. Reader errors as Load.
  absl::StatusOr<bool> Authenticate(const merkle::Frontier& from, const CheckpointEntry& entry);

  // After a successful verification of `leaves` leaves: a warning when the
  // hints disagree with the leaves or have a different length.
  void Finish(uint64_t leaves, std::vector<std::string>* warnings) const;

 private:
  LeafHints(std::unique_ptr<std::FILE, int (*)(std::FILE*)> file, uint64_t count)
      : file_(std::move(file)), count_(count) {}
  absl::Status ReadAt(uint64_t first, size_t count, std::vector<uint8_t>* out);

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  uint64_t count_ = 0;          // whole hashes in the file
  bool ragged_ = false;         // its size is not a multiple of 32
  uint64_t loaded_first_ = 0;
  std::vector<uint8_t> loaded_;
  std::optional<uint64_t> first_mismatch_;
};

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_LEAF_HINTS_H_
