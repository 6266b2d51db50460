#include "vault/verify/verifier.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/merkle/note.h"
#include "vault/merkle/proof.h"
#include "vault/merkle/verify.h"
#include "vault/verify/anchors.h"
#include "vault/verify/bundle.h"
#include "vault/verify/checkpoints.h"
#include "vault/verify/internal/leaf_stream.h"
#include "vault/verify/internal/streaming_tree.h"
#include "vault/verify/leaf_hints.h"

namespace breakglass::verify {
namespace {

constexpr std::string_view kClearType = "rollback_cleared";

int ThreadCount(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

// The last checkpoint whose root matched: everything before it is proven.
struct Verified {
  uint64_t size = 0;
  merkle::Hash root = merkle::EmptyRoot();
  merkle::Frontier frontier;
};

class Session final {
 public:
  Session(std::filesystem::path dir, const VerifyOptions& options)
      : dir_(std::move(dir)), options_(options) {}

  absl::StatusOr<Summary> Run();

 private:
  absl::Status LoadKeys();
  absl::Status AddKnownCheckpoint();
  absl::Status Stream();
  absl::Status OnLeaf(const internal::LeafBatch& batch, const internal::PreparedLeaf& leaf,
                      uint64_t index);
  bool UseBlock(const internal::LeafBatch& batch, size_t j) const;
  absl::Status OnClear(uint64_t index, std::string_view leaf, std::string root_hex);
  absl::Status AtCheckpoint(const CheckpointEntry& entry);
  void WatchNextConsistency();
  absl::Status Finish();
  // Names the first altered leaf when the hints allow it (file comment of
  // verifier.h); otherwise returns `failure` unchanged.
  absl::Status Diagnose(absl::Status failure, uint64_t position);

  const std::filesystem::path dir_;
  const VerifyOptions options_;
  Summary summary_;
  std::optional<merkle::NoteVerifier> log_key_;
  CheckpointSet checkpoints_;
  size_t next_checkpoint_ = 0;
  std::optional<AnchorChain> chain_;
  std::optional<LeafHints> hints_;
  internal::StreamingTree tree_;
  bool whole_block_ = false;  // the current block goes into tree_ as one subtree
  Verified verified_;
};

absl::StatusOr<Summary> Session::Run() {
  summary_.threads = ThreadCount(options_.threads);
  BG_RETURN_IF_ERROR(LoadKeys());
  BG_ASSIGN_OR_RETURN(checkpoints_, LoadCheckpoints(dir_, *log_key_));
  BG_RETURN_IF_ERROR(AddKnownCheckpoint());
  summary_.latest_size = checkpoints_.latest_size;
  if (options_.check_tpm) {
    BG_ASSIGN_OR_RETURN(chain_, AnchorChain::Create(dir_, log_key_->ToString(), log_key_->name(),
                                                    options_.trusted_ak_fingerprint,
                                                    options_.min_rollback_clear_approvals));
  } else {
    summary_.warnings.push_back("TPM anchoring NOT checked (check_tpm is off): the log key "
                                "alone vouches for this log");
  }
  BG_ASSIGN_OR_RETURN(hints_, LeafHints::Open(dir_));
  BG_RETURN_IF_ERROR(Stream());
  BG_RETURN_IF_ERROR(Finish());
  if (options_.strict && !summary_.warnings.empty()) {
    return BundleFailure(absl::StrCat("strict: ", summary_.warnings.front()));
  }
  return summary_;
}

absl::Status Session::LoadKeys() {
  BG_ASSIGN_OR_RETURN(std::string vkey, ReadBundleFile(dir_, kVerifierKeyFile));
  if (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
  absl::StatusOr<merkle::NoteVerifier> key = merkle::NoteVerifier::Parse(vkey);
  if (!key.ok()) {
    return BundleFailure(absl::StrCat(kVerifierKeyFile, ": ", key.status().message()));
  }
  if (options_.trusted_log_key.empty()) {
    summary_.warnings.push_back(absl::StrCat("the log key was taken from the bundle's ",
                                             kVerifierKeyFile, "; pass the key recorded at "
                                             "provisioning to pin it"));
  } else if (vkey != options_.trusted_log_key) {
    return BundleFailure(absl::StrCat(kVerifierKeyFile, " holds ", vkey,
                                      ", not the trusted log key ", options_.trusted_log_key));
  }
  if (options_.check_tpm && options_.trusted_ak_fingerprint.empty()) {
    summary_.warnings.push_back("the attestation key was taken from the log's provisioning "
                                "record; pass its fingerprint recorded at provisioning to pin it");
  }
  log_key_ = *std::move(key);
  summary_.log_key = log_key_->ToString();
  summary_.origin = log_key_->name();
  return absl::OkStatus();
}

// The auditor's known checkpoint joins the bundle's, so the stream checks
// its root like theirs.
absl::Status Session::AddKnownCheckpoint() {
  if (options_.known_checkpoint.empty()) return absl::OkStatus();
  absl::StatusOr<merkle::Checkpoint> known =
      merkle::OpenCheckpoint(options_.known_checkpoint, *log_key_);
  if (!known.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the known checkpoint does not verify with the log key: ", known.status().message()));
  }
  if (known->size > checkpoints_.latest_size) {
    return CheckpointFailure(checkpoints_.latest_size, absl::StrCat(
        "the bundle's latest checkpoint is older than the known checkpoint of size ",
        known->size, ": the log was rolled back, or the bundle is stale"));
  }
  auto& entries = checkpoints_.entries;
  auto at = std::lower_bound(entries.begin(), entries.end(), known->size,
                             [](const CheckpointEntry& e, uint64_t size) { return e.size < size; });
  if (at != entries.end() && at->size == known->size) {
    if (at->status.ok() && at->checkpoint.root != known->root) {
      at->status = absl::InvalidArgumentError(
          "its root differs from the known checkpoint of the same size: the log forked");
    }
    return absl::OkStatus();
  }
  CheckpointEntry entry;
  entry.size = known->size;
  entry.file = "the known checkpoint";
  entry.note_sha256_hex = base::HexEncode(crypto::Sha256String(options_.known_checkpoint));
  entry.checkpoint = *known;
  entry.body = *merkle::FormatCheckpoint(*known);
  entries.insert(at, std::move(entry));
  return absl::OkStatus();
}

absl::Status Session::Stream() {
  auto opened = internal::LeafStream::Open(dir_ / kLeavesFile, summary_.threads);
  if (opened.status().code() == absl::StatusCode::kNotFound) {
    return BundleFailure(absl::StrCat(kLeavesFile, " is missing"));
  }
  BG_ASSIGN_OR_RETURN(auto stream, std::move(opened));
  auto& entries = checkpoints_.entries;
  if (!entries.empty() && entries.front().size == 0) {
    BG_RETURN_IF_ERROR(AtCheckpoint(entries[next_checkpoint_++]));
  }
  WatchNextConsistency();
  while (true) {
    BG_ASSIGN_OR_RETURN(const internal::LeafBatch* batch, stream->Next());
    if (batch == nullptr) break;
    BG_RETURN_IF_ERROR(hints_->Load(batch->first_index, batch->leaves.size()));
    for (size_t j = 0; j < batch->leaves.size(); ++j) {
      const uint64_t index = batch->first_index + j;
      if (index % internal::kBlockLeaves == 0) whole_block_ = UseBlock(*batch, j);
      BG_RETURN_IF_ERROR(OnLeaf(*batch, batch->leaves[j], index));
    }
  }
  summary_.leaf_bytes = stream->bytes_read();
  return absl::OkStatus();
}

absl::Status Session::OnLeaf(const internal::LeafBatch& batch, const internal::PreparedLeaf& leaf,
                             uint64_t index) {
  hints_->Compare(index, leaf.hash);
  if (!leaf.status.ok()) return Diagnose(LeafFailure(index, leaf.status.message()), index);
  if (batch.unterminated && &leaf == &batch.leaves.back()) {
    return Diagnose(LeafFailure(index, "the last line of leaves.jsonl has no newline: the file "
                                       "was cut short or altered"),
                    index);
  }
  std::string root_before;  // of leaves [0, index), for a rollback clear
  if (chain_.has_value() && leaf.fields.type == kClearType) {
    root_before = base::HexEncode(merkle::HashBytes(tree_.Root()));  // UseBlock kept it exact
  }
  if (!whole_block_) {
    tree_.Append(leaf.hash);
  } else if ((index + 1) % internal::kBlockLeaves == 0) {
    tree_.AppendSubtree(internal::kBlockLevel,
                        batch.blocks[(index - batch.first_index) / internal::kBlockLeaves]);
  }
  if (chain_.has_value() && (index <= 1 || leaf.fields.type == "anchor" ||
                             leaf.fields.type == "provision")) {
    absl::Status s = chain_->OnLeaf(index, leaf.fields.type, batch.Bytes(leaf));
    if (!s.ok()) return Diagnose(std::move(s), index);
  }
  if (chain_.has_value() && leaf.fields.type.starts_with("identity_")) {
    chain_->OnIdentity(leaf.fields.type, batch.Bytes(leaf));
  }
  if (chain_.has_value() && leaf.fields.type == kClearType) {
    absl::Status s = OnClear(index, batch.Bytes(leaf), std::move(root_before));
    if (!s.ok()) return Diagnose(std::move(s), index);
  }
  const uint64_t size = index + 1;
  auto& entries = checkpoints_.entries;
  const bool at_checkpoint =
      next_checkpoint_ < entries.size() && entries[next_checkpoint_].size == size;
  if (at_checkpoint) BG_RETURN_IF_ERROR(AtCheckpoint(entries[next_checkpoint_]));
  if (chain_.has_value() && (at_checkpoint || chain_->Awaits(size))) {
    std::optional<std::string> body;
    if (at_checkpoint) body = entries[next_checkpoint_].body;
    BG_RETURN_IF_ERROR(chain_->OnTreeSize(size, body));
  }
  if (at_checkpoint) {
    ++next_checkpoint_;
    WatchNextConsistency();
  }
  summary_.leaves = size;
  return absl::OkStatus();
}

// Whether the block of leaves starting at batch leaf `j` can go into the tree
// as one subtree: the helpers hashed it, no checkpoint and no subtree a
// consistency proof needs lies strictly inside it, and no rollback clear
// (which needs the root of the leaves before it) is in it.
bool Session::UseBlock(const internal::LeafBatch& batch, size_t j) const {
  const uint64_t first = batch.first_index + j;
  const auto& entries = checkpoints_.entries;
  if (!batch.HasBlock(j / internal::kBlockLeaves) ||
      (next_checkpoint_ < entries.size() &&
       entries[next_checkpoint_].size < first + internal::kBlockLeaves) ||
      !tree_.CanAppendSubtree(internal::kBlockLevel)) {
    return false;
  }
  for (size_t k = j; k < j + internal::kBlockLeaves; ++k) {
    if (batch.leaves[k].fields.type == kClearType) return false;
  }
  return true;
}

// A rollback clear: the chain checks it against the log up to here.
absl::Status Session::OnClear(uint64_t index, std::string_view leaf, std::string root_hex) {
  uint64_t checkpoint_size = 0;
  std::string checkpoint_sha256;
  if (next_checkpoint_ > 0) {
    const CheckpointEntry& latest = checkpoints_.entries[next_checkpoint_ - 1];
    checkpoint_size = latest.size;
    checkpoint_sha256 = latest.note_sha256_hex;
  }
  return chain_->OnRollbackCleared(index, leaf, std::move(root_hex), checkpoint_size,
                                   std::move(checkpoint_sha256));
}

absl::Status Session::AtCheckpoint(const CheckpointEntry& entry) {
  if (!entry.status.ok()) return CheckpointFailure(entry.size, entry.status.message());
  const merkle::Hash root = tree_.Root();
  if (root != entry.checkpoint.root) {
    return Diagnose(CheckpointFailure(entry.size, absl::StrCat(
                        "its root is not the root of leaves [0, ", entry.size,
                        "): a leaf in [", verified_.size, ", ", entry.size,
                        ") was altered, or the checkpoint is not of this log")),
                    entry.size);
  }
  if (verified_.size > 0) {
    absl::StatusOr<merkle::Proof> proof =
        merkle::ConsistencyProof(verified_.size, entry.size, tree_.watched());
    absl::Status ok = proof.status();
    if (ok.ok()) {
      ok = merkle::VerifyConsistency(verified_.size, entry.size, verified_.root, root, *proof);
    }
    if (!ok.ok()) {
      return CheckpointFailure(entry.size, absl::StrCat("no valid consistency proof from checkpoint ",
                                                        verified_.size, ": ", ok.message()));
    }
    ++summary_.consistency_proofs;
  }
  verified_ = {entry.size, root, tree_.ToFrontier()};
  ++summary_.checkpoints;
  return absl::OkStatus();
}

// Tells the tree which subtrees the proof from the last verified checkpoint
// to the next one will read, so it keeps them while streaming.
void Session::WatchNextConsistency() {
  const auto& entries = checkpoints_.entries;
  if (next_checkpoint_ >= entries.size() || verified_.size == 0) return tree_.Watch({});
  internal::RecordingReader recorder;
  (void)merkle::ConsistencyProof(verified_.size, entries[next_checkpoint_].size, recorder);
  tree_.Watch(recorder.ids());
}

absl::Status Session::Finish() {
  const uint64_t leaves = summary_.leaves;
  if (leaves == 0) return BundleFailure("leaves.jsonl holds no leaf: the log was never provisioned");
  const auto& entries = checkpoints_.entries;
  if (next_checkpoint_ < entries.size()) {
    return Diagnose(LeafFailure(leaves, absl::StrCat(
                        "is missing: leaves.jsonl ends after ", leaves, " leaves, but ",
                        entries[next_checkpoint_].file, " covers ",
                        entries[next_checkpoint_].size)),
                    leaves);
  }
  if (chain_.has_value()) {
    BG_RETURN_IF_ERROR(chain_->Finish(&summary_.warnings));
    chain_->FillSummary(&summary_);
  }
  if (checkpoints_.latest_size < leaves) {
    summary_.unanchored_leaves = leaves - checkpoints_.latest_size;
    summary_.warnings.push_back(absl::StrCat(
        "leaves [", checkpoints_.latest_size, ", ", leaves, ") are after the latest checkpoint ",
        "(size ", checkpoints_.latest_size, "): not anchored yet, or the bundle's checkpoint was "
        "rolled back; nothing vouches for them"));
  }
  hints_->Finish(leaves, &summary_.warnings);
  return absl::OkStatus();
}

absl::Status Session::Diagnose(absl::Status failure, uint64_t position) {
  const std::optional<uint64_t> k = hints_->first_mismatch();
  if (!k.has_value() || *k > position || *k < verified_.size) return failure;
  for (const CheckpointEntry& entry : checkpoints_.entries) {
    if (entry.size <= *k || !entry.status.ok()) continue;
    absl::StatusOr<bool> authentic = hints_->Authenticate(verified_.frontier, entry);
    if (!authentic.ok() || !*authentic) return failure;
    return LeafFailure(*k, absl::StrCat(
        "altered: checkpoint ", entry.size, " signs a tree whose leaf ", *k,
        " is different (its hash per leaf_hashes, which that signed root authenticates); found "
        "while checking: ", failure.message()));
  }
  return failure;
}

}  // namespace

absl::StatusOr<Summary> VerifyBundle(const std::filesystem::path& dir,
                                     const VerifyOptions& options) {
  if (options.threads < 0) return absl::InvalidArgumentError("threads must be >= 0");
  return Session(dir, options).Run();
}

}  // namespace breakglass::verify
