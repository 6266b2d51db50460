// LeafStream: reads leaves.jsonl in order, in batches of whole lines, and
// prepares each leaf — its RFC 9162 leaf hash, the canonical-JSON check of
// leaf_scanner.h, and "seq == line index" — on up to `threads` threads. The
// caller consumes batches strictly in file order, so what it sees (and the
// first failure it reports) does not depend on the thread count.
//
// Memory stays bounded whatever the file size: at most kBatchesAhead + 1
// batches of about kBatchBytes each are alive (a longer leaf grows its batch
// up to kMaxLeafBytes).
//
// Line rules: each leaf is one line ending in "\n"; the bytes of a leaf
// exclude that newline. A last line without its newline is still delivered,
// marked `unterminated`, so the caller can name it.
//
// Thread-safety: Open/Next/destructor are called by one thread (the
// consumer); the helper threads are internal and joined by the destructor.
#ifndef BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_STREAM_H_
#define BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_STREAM_H_

#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vault/merkle/tree.h"
#include "vault/verify/internal/leaf_scanner.h"
#include "vault/verify/internal/tree_hasher.h"

namespace breakglass::verify::internal {

inline constexpr size_t kBatchBytes = size_t{1} << 20;
// Leaves are also hashed into complete subtrees of kBlockLeaves (level
// kBlockLevel) by the preparing threads, so the consumer can append a whole
// block to its tree with one call instead of ~kBlockLeaves node hashes.
inline constexpr uint8_t kBlockLevel = 8;
inline constexpr size_t kBlockLeaves = size_t{1} << kBlockLevel;
inline constexpr size_t kBatchesAhead = 2;
inline constexpr size_t kMaxLeafBytes = size_t{64} << 20;

struct PreparedLeaf {
  uint32_t offset = 0;  // in LeafBatch::buffer
  uint32_t length = 0;  // without the newline
  merkle::Hash hash{};  // SHA-256(0x00 || leaf)
  LeafFields fields;    // valid when status is OK
  absl::Status status;  // the scan or sequence failure, or OK
};

// Bytes read from the file. Grows without zero-filling and keeps its
// capacity across batches.
class ReadBuffer final {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  // Keeps the first min(n, size()) bytes; new bytes are uninitialised.
  void Resize(size_t n);

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

struct LeafBatch {
  uint64_t first_index = 0;  // leaf index of leaves[0]
  // Byte 0 is reserved; lines start at 1. The byte before each leaf (byte 0,
  // or the previous line's newline) becomes its 0x00 hashing prefix.
  ReadBuffer buffer;
  std::vector<PreparedLeaf> leaves;
  bool unterminated = false;  // the last leaf of the file lacks its newline
  // blocks[b] = MTH(leaves [b·kBlockLeaves, (b+1)·kBlockLeaves)) of this
  // batch, for every such complete block, when first_index is a multiple of
  // kBlockLeaves (HasBlock); batches are cut at block boundaries when they
  // can be.
  std::vector<merkle::Hash> blocks;
  int pending_chunks = 0;     // guarded by LeafStream's mutex

  bool HasBlock(size_t b) const {
    return first_index % kBlockLeaves == 0 && (b + 1) * kBlockLeaves <= leaves.size();
  }
  std::string_view Bytes(const PreparedLeaf& leaf) const {
    return std::string_view(buffer.data() + leaf.offset, leaf.length);
  }
};

class LeafStream final {
 public:
  // Opens `file`. `threads` (>= 1) counts the consumer too; threads - 1
  // helpers are started. NOT_FOUND / PERMISSION_DENIED / UNAVAILABLE when the
  // file cannot be opened (the message names it).
  static absl::StatusOr<std::unique_ptr<LeafStream>> Open(const std::filesystem::path& file,
                                                          int threads);
  ~LeafStream();
  LeafStream(const LeafStream&) = delete;
  LeafStream& operator=(const LeafStream&) = delete;

  // The next batch, fully prepared, valid until the next call; nullptr after
  // the last. UNAVAILABLE on a read error; OUT_OF_RANGE naming the leaf index
  // when a line exceeds kMaxLeafBytes.
  absl::StatusOr<const LeafBatch*> Next();

  // Bytes read so far, newlines included.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  struct Task {
    LeafBatch* batch;
    size_t begin, end;
  };
  LeafStream(std::unique_ptr<std::FILE, int (*)(std::FILE*)> file, std::string name)
      : file_(std::move(file)), name_(std::move(name)), hasher_(std::make_unique<TreeHasher>()) {}

  absl::Status ReadAhead();
  absl::StatusOr<std::unique_ptr<LeafBatch>> ReadBatch();
  absl::Status Fill(ReadBuffer* buffer, size_t want);
  void SplitLines(LeafBatch& batch, bool at_eof);
  void Enqueue(LeafBatch* batch);
  void WaitPrepared(LeafBatch* batch);
  void HelperLoop();

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  const std::string name_;
  bool eof_ = false;
  uint64_t next_index_ = 0;
  uint64_t bytes_read_ = 0;
  std::string carry_;  // a partial line read past the end of the last batch
  std::deque<std::unique_ptr<LeafBatch>> ahead_;
  std::unique_ptr<LeafBatch> current_;
  std::vector<std::unique_ptr<LeafBatch>> spare_;
  std::unique_ptr<TreeHasher> hasher_;  // the consumer's, for the tasks it helps with

  absl::Mutex mu_;
  absl::CondVar changed_;
  std::deque<Task> tasks_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> helpers_;
};

// Prepares leaves [begin, end) of `batch` with `hasher`, and the blocks that
// lie wholly inside that range (exposed for tests).
void PrepareLeaves(LeafBatch& batch, size_t begin, size_t end, TreeHasher& hasher);

}  // namespace breakglass::verify::internal

#endif  // BREAKGLASS_VAULT_VERIFY_INTERNAL_LEAF_STREAM_H_
