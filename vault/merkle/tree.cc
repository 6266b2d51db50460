#include "vault/merkle/tree.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::merkle {
namespace {

constexpr char kLeafPrefix[1] = {0x00};
constexpr char kNodePrefix[1] = {0x01};

}  // namespace

absl::StatusOr<Hash> HashFromBytes(std::string_view bytes, std::string_view what) {
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " is ", bytes.size(), " bytes; a SHA-256 tree hash is 32"));
  }
  Hash h;
  std::memcpy(h.data(), bytes.data(), kHashSize);
  return h;
}

TreeHasher::TreeHasher() : sha_(std::make_unique<crypto::Sha256Hasher>()) {}

Hash TreeHasher::Leaf(std::string_view leaf) {
  return sha_->Update(std::string_view(kLeafPrefix, 1)).Update(leaf).Finish();
}

Hash TreeHasher::Children(const Hash& left, const Hash& right) {
  return sha_->Update(std::string_view(kNodePrefix, 1))
      .Update(HashBytes(left))
      .Update(HashBytes(right))
      .Finish();
}

Hash HashLeaf(std::string_view leaf) { return TreeHasher().Leaf(leaf); }

Hash HashChildren(const Hash& left, const Hash& right) {
  return TreeHasher().Children(left, right);
}

Hash EmptyRoot() { return crypto::Sha256(""); }

std::string NodeId::ToString() const {
  return absl::StrCat("(level ", level, ", index ", index, ")");
}

absl::StatusOr<std::vector<Hash>> SubtreeReader::GetMany(absl::Span<const NodeId> ids) {
  std::vector<Hash> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) {
    BG_ASSIGN_OR_RETURN(Hash h, Get(id));
    out.push_back(h);
  }
  return out;
}

}  // namespace breakglass::merkle
