#include "vault/merkle/verify.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/merkle/proof.h"

namespace breakglass::merkle {
namespace {

bool Lsb(uint64_t x) { return (x & 1) != 0; }

// "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0"
void ShiftUntilLsbOrZero(uint64_t& fn, uint64_t& sn) {
  while (!Lsb(fn) && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

std::string Hex(const Hash& h) { return base::HexEncode(HashBytes(h)); }

absl::Status WrongLength(std::string_view kind, size_t got, size_t want, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(kind), " proof has ", got, " hashes; ",
                                                 std::string(what), " needs ", want));
}

absl::Status Mismatch(std::string_view which, const Hash& computed, const Hash& expected) {
  return absl::InvalidArgumentError(absl::StrCat("proof does not verify: it leads to ",
                                                 std::string(which), " ", Hex(computed),
                                                 ", expected ", Hex(expected)));
}

absl::StatusOr<std::vector<Hash>> ProofFromBytes(absl::Span<const std::string> proof) {
  std::vector<Hash> out;
  out.reserve(proof.size());
  for (size_t i = 0; i < proof.size(); ++i) {
    BG_ASSIGN_OR_RETURN(Hash h, HashFromBytes(proof[i], absl::StrCat("proof[", i, "]")));
    out.push_back(h);
  }
  return out;
}

// RFC 9162 §2.1.4.2 steps 1–7 for 0 < first < second.
absl::Status VerifyConsistencyPath(uint64_t first, uint64_t second, const Hash& first_hash,
                                   const Hash& second_hash, absl::Span<const Hash> proof) {
  const std::string what = absl::StrCat("size ", first, " to ", second);
  const size_t want = ConsistencyProofSize(first, second);
  // Step 1.
  if (proof.empty()) return WrongLength("consistency", 0, want, what);
  // Step 2: the path, with first_hash in front when first is a power of two.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if ((first & (first - 1)) == 0) path.push_back(first_hash);
  path.insert(path.end(), proof.begin(), proof.end());
  // Steps 3–5.
  uint64_t fn = first - 1;
  uint64_t sn = second - 1;
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  // Step 6.
  TreeHasher hasher;
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return WrongLength("consistency", proof.size(), want, what);
    if (Lsb(fn) || fn == sn) {
      fr = hasher.Children(c, fr);
      sr = hasher.Children(c, sr);
      if (!Lsb(fn)) ShiftUntilLsbOrZero(fn, sn);
    } else {
      sr = hasher.Children(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return WrongLength("consistency", proof.size(), want, what);
  if (fr != first_hash)
    return Mismatch(absl::StrCat("old root (size ", first, ")"), fr, first_hash);
  if (sr != second_hash) {
    return Mismatch(absl::StrCat("new root (size ", second, ")"), sr, second_hash);
  }
  return absl::OkStatus();
}

// The size rules shared by both overloads. Sets *done when they settle the
// answer (equal sizes).
absl::Status CheckConsistencySizes(uint64_t old_size, uint64_t new_size, size_t proof_size,
                                   bool roots_equal, bool* done) {
  *done = true;
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency: old size ", old_size, " is larger than new size ", new_size));
  }
  if (old_size == 0) {
    return absl::InvalidArgumentError(
        "consistency: there is no proof from the empty tree (old size 0); RFC 9162 §2.1.4 "
        "requires 0 < old size");
  }
  if (old_size == new_size) {
    if (proof_size != 0) {
      return absl::InvalidArgumentError(absl::StrCat("consistency: sizes are equal (", old_size,
                                                     ") so the proof must be empty; it has ",
                                                     proof_size, " hashes"));
    }
    if (!roots_equal) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency: two different roots for the same tree size ", old_size));
    }
    return absl::OkStatus();
  }
  *done = false;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                            absl::Span<const Hash> proof) {
  // Step 1.
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion: leaf index ", index, " is not below tree size ", size));
  }
  const std::string what = absl::StrCat("leaf ", index, " of size ", size);
  const size_t want = InclusionProofSize(index, size);
  // Steps 2–3.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  // Step 4.
  TreeHasher hasher;
  for (const Hash& p : proof) {
    if (sn == 0) return WrongLength("inclusion", proof.size(), want, what);
    if (Lsb(fn) || fn == sn) {
      r = hasher.Children(p, r);
      if (!Lsb(fn)) ShiftUntilLsbOrZero(fn, sn);
    } else {
      r = hasher.Children(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5, first half.
  if (sn != 0) return WrongLength("inclusion", proof.size(), want, what);
  return r;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  BG_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) return Mismatch(absl::StrCat("root (size ", size, ")"), computed, root);
  return absl::OkStatus();
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             absl::Span<const std::string> proof, std::string_view root) {
  BG_ASSIGN_OR_RETURN(Hash leaf, HashFromBytes(leaf_hash, "inclusion: leaf hash"));
  BG_ASSIGN_OR_RETURN(Hash want_root, HashFromBytes(root, "inclusion: root"));
  BG_ASSIGN_OR_RETURN(std::vector<Hash> path, ProofFromBytes(proof));
  return VerifyInclusion(index, size, leaf, path, want_root);
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                               const Hash& new_root, absl::Span<const Hash> proof) {
  bool done = false;
  BG_RETURN_IF_ERROR(
      CheckConsistencySizes(old_size, new_size, proof.size(), old_root == new_root, &done));
  if (done) return absl::OkStatus();
  return VerifyConsistencyPath(old_size, new_size, old_root, new_root, proof);
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                               std::string_view new_root, absl::Span<const std::string> proof) {
  bool done = false;
  BG_RETURN_IF_ERROR(
      CheckConsistencySizes(old_size, new_size, proof.size(), old_root == new_root, &done));
  if (done) return absl::OkStatus();
  BG_ASSIGN_OR_RETURN(Hash first, HashFromBytes(old_root, "consistency: old root"));
  BG_ASSIGN_OR_RETURN(Hash second, HashFromBytes(new_root, "consistency: new root"));
  BG_ASSIGN_OR_RETURN(std::vector<Hash> path, ProofFromBytes(proof));
  return VerifyConsistencyPath(old_size, new_size, first, second, path);
}

}  // namespace breakglass::merkle
