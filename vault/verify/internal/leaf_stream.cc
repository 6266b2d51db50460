#include "vault/verify/internal/leaf_stream.h"

#include <cerrno>
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/verify/internal/tree_hasher.h"

namespace breakglass::verify::internal {
namespace {

constexpr size_t kLeavesPerTask = 512;

absl::Status OpenError(const std::string& name, int err) {
  const std::string what = absl::StrCat("cannot open ", name, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(what);
  if (err == EACCES) return absl::PermissionDeniedError(what);
  return absl::UnavailableError(what);
}

// MTH of the block's leaves, reduced pairwise level by level.
merkle::Hash BlockHash(const LeafBatch& batch, size_t b, TreeHasher& hasher) {
  std::array<merkle::Hash, kBlockLeaves / 2> level;
  const PreparedLeaf* leaves = &batch.leaves[b * kBlockLeaves];
  for (size_t i = 0; i < kBlockLeaves / 2; ++i) {
    level[i] = hasher.Children(leaves[2 * i].hash, leaves[2 * i + 1].hash);
  }
  for (size_t n = kBlockLeaves / 2; n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; ++i) level[i] = hasher.Children(level[2 * i], level[2 * i + 1]);
  }
  return level[0];
}

}  // namespace

void ReadBuffer::Resize(size_t n) {
  if (n > capacity_) {
    const size_t capacity = std::max(n, capacity_ * 2);
    auto bigger = std::make_unique<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }
  size_ = n;
}

void PrepareLeaves(LeafBatch& batch, size_t begin, size_t end, TreeHasher& hasher) {
  for (size_t j = begin; j < end; ++j) {
    PreparedLeaf& leaf = batch.leaves[j];
    const std::string_view bytes = batch.Bytes(leaf);
    // The byte before the leaf is no leaf's byte: it becomes the 0x00 prefix.
    batch.buffer.data()[leaf.offset - 1] = 0x00;
    leaf.hash = hasher.PrefixedLeaf(std::string_view(bytes.data() - 1, bytes.size() + 1));
    leaf.status = ScanLeaf(bytes, &leaf.fields);
    const uint64_t index = batch.first_index + j;
    if (leaf.status.ok() && leaf.fields.seq != index) {
      leaf.status = absl::InvalidArgumentError(
          absl::StrCat("its \"seq\" is ", leaf.fields.seq, " but it is on line ", index + 1,
                       " (leaf ", index, "): a leaf was removed, inserted or moved"));
    }
  }
  for (size_t b = (begin + kBlockLeaves - 1) / kBlockLeaves; (b + 1) * kBlockLeaves <= end; ++b) {
    if (batch.HasBlock(b)) batch.blocks[b] = BlockHash(batch, b, hasher);
  }
}

absl::StatusOr<std::unique_ptr<LeafStream>> LeafStream::Open(const std::filesystem::path& file,
                                                             int threads) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return OpenError(file.string(), errno);
  auto stream = std::unique_ptr<LeafStream>(
      new LeafStream(std::unique_ptr<std::FILE, int (*)(std::FILE*)>(f, &std::fclose),
                     file.string()));
  for (int i = 1; i < threads; ++i) {
    stream->helpers_.emplace_back([s = stream.get()] { s->HelperLoop(); });
  }
  return stream;
}

LeafStream::~LeafStream() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  for (std::thread& t : helpers_) t.join();
}

absl::StatusOr<const LeafBatch*> LeafStream::Next() {
  if (current_ != nullptr) spare_.push_back(std::move(current_));
  if (absl::Status s = ReadAhead(); !s.ok()) return s;
  if (ahead_.empty()) return nullptr;
  current_ = std::move(ahead_.front());
  ahead_.pop_front();
  WaitPrepared(current_.get());
  // Keep the helpers busy on the following batch while the caller consumes.
  if (absl::Status s = ReadAhead(); !s.ok()) return s;
  return current_.get();
}

absl::Status LeafStream::ReadAhead() {
  while (ahead_.size() < kBatchesAhead && !eof_) {
    absl::StatusOr<std::unique_ptr<LeafBatch>> batch = ReadBatch();
    if (!batch.ok()) return batch.status();
    if ((*batch)->leaves.empty()) {
      spare_.push_back(*std::move(batch));
      continue;
    }
    Enqueue(batch->get());
    ahead_.push_back(*std::move(batch));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LeafBatch>> LeafStream::ReadBatch() {
  std::unique_ptr<LeafBatch> batch;
  if (spare_.empty()) {
    batch = std::make_unique<LeafBatch>();
  } else {
    batch = std::move(spare_.back());
    spare_.pop_back();
  }
  batch->buffer.Resize(1 + carry_.size());
  if (!carry_.empty()) std::memcpy(batch->buffer.data() + 1, carry_.data(), carry_.size());
  carry_.clear();
  batch->leaves.clear();
  batch->unterminated = false;
  batch->first_index = next_index_;
  size_t want = 1 + kBatchBytes;
  while (true) {
    if (absl::Status s = Fill(&batch->buffer, want); !s.ok()) return s;
    if (eof_ || std::memchr(batch->buffer.data() + 1, '\n', batch->buffer.size() - 1) != nullptr) {
      break;
    }
    if (batch->buffer.size() >= kMaxLeafBytes) {
      return absl::OutOfRangeError(absl::StrCat("leaf ", next_index_, ": longer than ",
                                                kMaxLeafBytes >> 20, " MiB without a newline"));
    }
    want = batch->buffer.size() * 2;  // one leaf longer than the batch: grow
  }
  SplitLines(*batch, eof_);
  next_index_ += batch->leaves.size();
  return batch;
}

// Reads until `buffer` holds `want` bytes or the file ends.
absl::Status LeafStream::Fill(ReadBuffer* buffer, size_t want) {
  size_t have = buffer->size();
  if (have >= want) return absl::OkStatus();
  buffer->Resize(want);
  while (have < want) {
    const size_t n = std::fread(buffer->data() + have, 1, want - have, file_.get());
    have += n;
    if (n == 0) {
      if (std::ferror(file_.get())) {
        return absl::UnavailableError(absl::StrCat("reading ", name_, ": ", std::strerror(errno)));
      }
      eof_ = true;
      break;
    }
  }
  buffer->Resize(have);
  return absl::OkStatus();
}

void LeafStream::SplitLines(LeafBatch& batch, bool at_eof) {
  const char* data = batch.buffer.data();
  const size_t size = batch.buffer.size();
  size_t start = 1;
  while (start < size) {
    const void* nl = std::memchr(data + start, '\n', size - start);
    if (nl == nullptr) break;
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data);
    PreparedLeaf leaf;
    leaf.offset = static_cast<uint32_t>(start);
    leaf.length = static_cast<uint32_t>(end - start);
    batch.leaves.push_back(leaf);
    start = end + 1;
  }
  // End a batch that holds whole blocks at a block boundary, so the next one
  // starts aligned (its blocks can be hashed by the helpers).
  const size_t n = batch.leaves.size();
  const size_t keep = (batch.first_index + n) / kBlockLeaves * kBlockLeaves - batch.first_index;
  if (!at_eof && n > kBlockLeaves && keep > 0 && keep < n) {
    start = batch.leaves[keep].offset;
    batch.leaves.resize(keep);
  }
  if (start < size && at_eof && batch.leaves.size() == n) {
    PreparedLeaf leaf;
    leaf.offset = static_cast<uint32_t>(start);
    leaf.length = static_cast<uint32_t>(size - start);
    batch.leaves.push_back(leaf);
    batch.unterminated = true;
    start = size;
  }
  carry_.assign(data + start, size - start);
  bytes_read_ += start - 1;
  batch.buffer.Resize(start);
  batch.blocks.resize(batch.leaves.size() / kBlockLeaves);
}

void LeafStream::Enqueue(LeafBatch* batch) {
  absl::MutexLock lock(&mu_);
  for (size_t begin = 0; begin < batch->leaves.size(); begin += kLeavesPerTask) {
    tasks_.push_back({batch, begin, std::min(begin + kLeavesPerTask, batch->leaves.size())});
    ++batch->pending_chunks;
  }
  changed_.SignalAll();
}

// Helps with queued tasks (any batch, oldest first) until `batch` is done.
void LeafStream::WaitPrepared(LeafBatch* batch) {
  absl::MutexLock lock(&mu_);
  while (batch->pending_chunks > 0) {
    if (tasks_.empty()) {
      changed_.Wait(&mu_);
      continue;
    }
    const Task task = tasks_.front();
    tasks_.pop_front();
    mu_.Unlock();
    PrepareLeaves(*task.batch, task.begin, task.end, *hasher_);
    mu_.Lock();
    if (--task.batch->pending_chunks == 0) changed_.SignalAll();
  }
}

void LeafStream::HelperLoop() {
  TreeHasher hasher;
  absl::MutexLock lock(&mu_);
  while (true) {
    while (!stop_ && tasks_.empty()) changed_.Wait(&mu_);
    if (stop_) return;
    const Task task = tasks_.front();
    tasks_.pop_front();
    mu_.Unlock();
    PrepareLeaves(*task.batch, task.begin, task.end, hasher);
    mu_.Lock();
    if (--task.batch->pending_chunks == 0) changed_.SignalAll();
  }
}

}  // namespace breakglass::verify::internal
