#include "vault/merkle/tree.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vault/base/encoding.h"
#include "vault/merkle/frontier.h"

namespace breakglass::merkle {
namespace {

std::string Hex(const Hash& h) { return base::HexEncode(HashBytes(h)); }

// The RFC 6962 test leaves (as used by Certificate Transparency and the
// transparency-dev/merkle test data) and the published roots of their prefixes.
const std::vector<std::string>& TestLeavesHex() {
  static const auto* kLeaves = new std::vector<std::string>{"",
                                                            "00",
                                                            "10",
                                                            "2021",
                                                            "3031",
                                                            "40414243",
                                                            "5051525354555657",
                                                            "606162636465666768696a6b6c6d6e6f"};
  return *kLeaves;
}

const char* const kRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

TEST_CASE("Leaf, node and empty hashes follow RFC 9162 domain separation", "[merkle]") {
  REQUIRE(Hex(EmptyRoot()) == kRoots[0]);
  REQUIRE(Hex(HashLeaf("")) == kRoots[1]);
  // SHA-256(0x00) and SHA-256(0x01 || l || r) computed independently.
  REQUIRE(HashLeaf("") == crypto::Sha256(std::string(1, '\0')));
  const Hash l = HashLeaf("a");
  const Hash r = HashLeaf("b");
  REQUIRE(HashChildren(l, r) == crypto::Sha256(std::string(1, '\1') + std::string(HashBytes(l)) +
                                               std::string(HashBytes(r))));
  REQUIRE(HashChildren(l, r) != HashChildren(r, l));
  TreeHasher hasher;
  REQUIRE(hasher.Leaf("a") == l);
  REQUIRE(hasher.Children(l, r) == HashChildren(l, r));
}

TEST_CASE("Frontier roots match the RFC 6962 test tree at sizes 0 to 8", "[merkle]") {
  Frontier frontier;
  std::vector<Subtree> completed;
  REQUIRE(Hex(frontier.Root()) == kRoots[0]);
  for (size_t i = 0; i < TestLeavesHex().size(); ++i) {
    absl::StatusOr<std::string> leaf = base::HexDecode(TestLeavesHex()[i]);
    REQUIRE(leaf.ok());
    REQUIRE(frontier.Append(HashLeaf(*leaf), &completed).ok());
    INFO("size " << i + 1);
    REQUIRE(Hex(frontier.Root()) == kRoots[i + 1]);
  }
}

TEST_CASE("HashFromBytes accepts exactly 32 bytes and names the value", "[merkle]") {
  const Hash h = HashLeaf("x");
  absl::StatusOr<Hash> back = HashFromBytes(HashBytes(h), "root");
  REQUIRE(back.ok());
  REQUIRE(*back == h);
  absl::StatusOr<Hash> shorter = HashFromBytes(HashBytes(h).substr(1), "root");
  REQUIRE(shorter.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(shorter.status().message()) == "root is 31 bytes; a SHA-256 tree hash is 32");
}

TEST_CASE("NodeId prints level and index", "[merkle]") {
  REQUIRE(NodeId{3, 17}.ToString() == "(level 3, index 17)");
}

}  // namespace
}  // namespace breakglass::merkle
