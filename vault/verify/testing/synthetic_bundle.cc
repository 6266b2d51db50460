#include "vault/verify/testing/synthetic_bundle.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/note.h"
#include "vault/verify/bundle.h"
#include "vault/verify/internal/streaming_tree.h"

namespace breakglass::verify::testing {
namespace {

namespace fs = std::filesystem;

absl::Status Write(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return out.good() ? absl::OkStatus()
                    : absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
}

}  // namespace

std::string SyntheticLeaf(uint64_t seq, size_t leaf_bytes) {
  std::string head = absl::StrCat(R"({"actor":"custodian-)", seq % 97, R"(","incident":"INC-)",
                                   seq / 1000, R"(","reason":")");
  std::string tail = absl::StrCat(R"(","seq":)", seq, R"(,"subject":"request-)", seq,
                                  R"(","time":)", 1700000000000 + seq * 37, R"(,"type":"fetch"})");
  const size_t used = head.size() + tail.size();
  head.append(leaf_bytes > used ? leaf_bytes - used : 1, 'r');
  return head + tail;
}

absl::StatusOr<SyntheticBundle> WriteSyntheticBundle(const fs::path& dir,
                                                     const SyntheticOptions& options) {
  std::error_code ec;
  fs::create_directories(dir / kCheckpointsDir, ec);
  fs::create_directories(dir / kTpmDir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir.string()));
  BG_ASSIGN_OR_RETURN(const crypto::SigningKey key,
                      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519));
  BG_ASSIGN_OR_RETURN(
      const merkle::NoteSigner signer,
      merkle::NoteSigner::Create(options.origin, key.public_key().RawPublicKey(),
                                 [&key](std::string_view m) { return key.Sign(m); }));
  SyntheticBundle out;
  out.log_key = signer.verifier().ToString();
  BG_RETURN_IF_ERROR(Write(dir / kVerifierKeyFile, out.log_key + "\n"));
  std::ofstream leaves(dir / kLeavesFile, std::ios::binary | std::ios::trunc);
  std::ofstream hashes(dir / kLeafHashesFile, std::ios::binary | std::ios::trunc);
  internal::StreamingTree tree;
  internal::TreeHasher hasher;
  std::string latest;
  for (uint64_t i = 0; i < options.leaves; ++i) {
    const std::string leaf = SyntheticLeaf(i, options.leaf_bytes);
    leaves << leaf << '\n';
    out.leaf_bytes += leaf.size() + 1;
    const merkle::Hash h = hasher.Leaf(leaf);
    hashes.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size()));
    tree.Append(h);
    if ((i + 1) % options.checkpoint_every != 0 && i + 1 != options.leaves) continue;
    BG_ASSIGN_OR_RETURN(latest, merkle::SignCheckpoint({options.origin, i + 1, tree.Root()}, signer));
    BG_RETURN_IF_ERROR(Write(dir / CheckpointFile(i + 1), latest));
  }
  leaves.close();
  hashes.close();
  if (!leaves.good() || !hashes.good()) return absl::UnavailableError("cannot write the leaves");
  BG_RETURN_IF_ERROR(Write(dir / kLatestCheckpointFile, latest));
  BG_RETURN_IF_ERROR(Write(dir / kReadmeFile, BundleReadme()));
  return out;
}

}  // namespace breakglass::verify::testing
