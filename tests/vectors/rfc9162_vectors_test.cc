// RFC 9162 / RFC 6962 proof verification against the transparency-dev/merkle
// test data in tests/vectors/rfc9162 (format in its README.md): every case
// marked wantErr=false verifies, every wantErr=true case is rejected.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vault/base/encoding.h"
#include "vault/merkle/verify.h"

namespace breakglass::merkle {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path VectorDir(const std::string& kind) {
  const char* root = std::getenv("BREAKGLASS_SOURCE_DIR");
  REQUIRE(root != nullptr);
  return fs::path(root) / "tests" / "vectors" / "rfc9162" / kind;
}

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

json Load(const fs::path& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  return json::parse(in);
}

std::string Bytes(const json& b64) {
  absl::StatusOr<std::string> raw = base::Base64Decode(b64.get<std::string>());
  REQUIRE(raw.ok());
  return *raw;
}

std::vector<std::string> ProofOf(const json& v) {
  std::vector<std::string> proof;
  if (v["proof"].is_null()) return proof;
  for (const json& h : v["proof"]) proof.push_back(Bytes(h));
  return proof;
}

struct Tally {
  int accepted = 0;
  int rejected = 0;
};

void Check(const fs::path& file, const json& v, const absl::Status& result, Tally& tally) {
  const bool want_err = v["wantErr"].get<bool>();
  INFO(file.string() << " (" << v["desc"].get<std::string>() << "): " << result.ToString());
  if (want_err) {
    REQUIRE_FALSE(result.ok());
    ++tally.rejected;
  } else {
    REQUIRE(result.ok());
    ++tally.accepted;
  }
}

TEST_CASE("RFC 9162 inclusion vectors: accepts verify, rejects fail", "[merkle][vectors]") {
  Tally tally;
  for (const fs::path& file : JsonFiles(VectorDir("inclusion"))) {
    const json v = Load(file);
    const absl::Status result =
        VerifyInclusion(v["leafIdx"].get<uint64_t>(), v["treeSize"].get<uint64_t>(),
                        Bytes(v["leafHash"]), ProofOf(v), Bytes(v["root"]));
    Check(file, v, result, tally);
  }
  // The data set as copied: 98 cases, 6 of them valid proofs.
  REQUIRE(tally.accepted == 6);
  REQUIRE(tally.rejected == 92);
}

TEST_CASE("RFC 9162 consistency vectors: accepts verify, rejects fail", "[merkle][vectors]") {
  Tally tally;
  for (const fs::path& file : JsonFiles(VectorDir("consistency"))) {
    const json v = Load(file);
    const absl::Status result =
        VerifyConsistency(v["size1"].get<uint64_t>(), v["size2"].get<uint64_t>(), Bytes(v["root1"]),
                          Bytes(v["root2"]), ProofOf(v));
    Check(file, v, result, tally);
  }
  REQUIRE(tally.accepted == 6);
  REQUIRE(tally.rejected == 92);
}

}  // namespace
}  // namespace breakglass::merkle
