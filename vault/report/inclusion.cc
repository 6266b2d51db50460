#include "vault/report/inclusion.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/merkle/frontier.h"
#include "vault/merkle/proof.h"
#include "vault/merkle/verify.h"
#include "vault/verify/bundle.h"

namespace breakglass::report {
namespace {

using Key = std::pair<uint8_t, uint64_t>;  // level, index

// Answers with zero hashes and remembers what was asked: run a proof
// generator against it to learn which subtrees the proof reads.
class Recorder final : public merkle::SubtreeReader {
 public:
  absl::StatusOr<merkle::Hash> Get(const merkle::NodeId& id) override {
    wanted_.emplace(Key{id.level, id.index}, merkle::Hash{});
    return merkle::Hash{};
  }
  std::map<Key, merkle::Hash> Take() { return std::move(wanted_); }

 private:
  std::map<Key, merkle::Hash> wanted_;
};

// The kept subtrees, as a reader for the proof generator.
class Kept final : public merkle::SubtreeReader {
 public:
  explicit Kept(std::map<Key, merkle::Hash> hashes) : hashes_(std::move(hashes)) {}
  absl::StatusOr<merkle::Hash> Get(const merkle::NodeId& id) override {
    const auto it = hashes_.find(Key{id.level, id.index});
    if (it == hashes_.end()) return absl::NotFoundError(absl::StrCat("subtree ", id.ToString()));
    return it->second;
  }
  // Stores `s` when it is wanted.
  void Offer(const merkle::Subtree& s) {
    const auto it = hashes_.find(Key{s.id.level, s.id.index});
    if (it != hashes_.end()) it->second = s.hash;
  }

 private:
  std::map<Key, merkle::Hash> hashes_;
};

// Hashes the first `size` leaves of the bundle, keeping what `kept` wants.
absl::Status StreamLeaves(const std::filesystem::path& dir, uint64_t size, Kept& kept) {
  const std::filesystem::path file = dir / verify::kLeavesFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", file.string()));
  merkle::TreeHasher hasher;
  merkle::Frontier frontier;
  std::vector<merkle::Subtree> completed;
  std::string line;
  while (frontier.size() < size && std::getline(in, line)) {
    completed.clear();
    BG_RETURN_IF_ERROR(frontier.Append(hasher.Leaf(line), &completed));
    for (const merkle::Subtree& s : completed) kept.Offer(s);
  }
  if (frontier.size() < size) {
    return absl::DataLossError(absl::StrCat(file.string(), " ends after ", frontier.size(),
                                            " leaves, before checkpoint ", size));
  }
  return absl::OkStatus();
}

Check ProveOne(const InclusionTarget& t, Kept& kept) {
  Check check{"inclusion", false, ""};
  absl::StatusOr<merkle::Proof> proof = merkle::InclusionProof(t.index, t.size, kept);
  absl::Status ok = proof.status();
  if (ok.ok()) ok = merkle::VerifyInclusion(t.index, t.size, t.leaf_hash, *proof, t.root);
  if (!ok.ok()) {
    check.detail = absl::StrCat("leaf ", t.index, " is NOT in checkpoint ", t.size,
                                " as the report read it: ", ok.message());
    return check;
  }
  check.ok = true;
  check.detail =
      absl::StrCat("leaf ", t.index, " is in checkpoint ", t.size, ": RFC 9162 inclusion proof of ",
                   proof->size(), " hashes verified against its signed root");
  return check;
}

}  // namespace

absl::StatusOr<std::vector<Check>> CheckInclusion(const std::filesystem::path& dir,
                                                  absl::Span<const InclusionTarget> targets) {
  Recorder recorder;
  uint64_t last = 0;
  for (const InclusionTarget& t : targets) {
    if (t.index >= t.size) {
      return absl::InvalidArgumentError(
          absl::StrCat("leaf ", t.index, " is not in a tree of ", t.size, " leaves"));
    }
    BG_RETURN_IF_ERROR(merkle::InclusionProof(t.index, t.size, recorder).status());
    last = std::max(last, t.size);
  }
  Kept kept(recorder.Take());
  BG_RETURN_IF_ERROR(StreamLeaves(dir, last, kept));
  std::vector<Check> out;
  out.reserve(targets.size());
  for (const InclusionTarget& t : targets) out.push_back(ProveOne(t, kept));
  return out;
}

}  // namespace breakglass::report
