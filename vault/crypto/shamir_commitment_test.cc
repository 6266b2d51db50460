#include <catch2/catch.hpp>

#include "vault/crypto/shamir.h"
#include "vault/crypto/testing/scripted_random.h"

namespace breakglass::crypto::shamir {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;

SecretBytes Secret(std::string_view s) { return SecretBytes::CopyFrom(s); }

std::vector<Share> Copy(const std::vector<Share>& shares, const std::vector<int>& indices) {
  std::vector<Share> out;
  for (int i : indices) out.push_back(Share{shares[i].x, shares[i].y.Clone()});
  return out;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

struct Fixture {
  base::SystemRandom random;
  SecretBytes secret = Secret("hunter2-root-password");
  SecretBytes key = GenerateCommitmentKey(random).value();
  std::vector<Share> shares = Split(secret, 3, 5, random).value();
  Commitments commitments = Commitments::Create(key, secret, 3, shares).value();
};

TEST_CASE("Committed shares verify and combine for any threshold subset", "[shamir]") {
  Fixture f;
  REQUIRE(f.commitments.threshold() == 3);
  REQUIRE(f.commitments.share_count() == 5);
  REQUIRE(f.commitments.VerifyShares(f.key, f.shares).ok());
  REQUIRE(f.commitments.VerifySecret(f.key, f.secret).ok());
  REQUIRE(CombineVerified(f.key, f.commitments, Copy(f.shares, {4, 0, 2})).value() == f.secret);
  REQUIRE(CombineVerified(f.key, f.commitments, f.shares).value() == f.secret);
}

TEST_CASE("A damaged share is named by its index", "[shamir]") {
  Fixture f;
  auto set = Copy(f.shares, {0, 2, 3});
  set[1].y.data(InsecureSecretAccess::Get())[4] ^= 0x01;  // share 3
  const absl::Status s = CombineVerified(f.key, f.commitments, set).status();
  REQUIRE(s.code() == absl::StatusCode::kDataLoss);
  REQUIRE(Message(s).find("share 3 does not match its commitment") != std::string::npos);
  REQUIRE(Message(s).find("share 1") == std::string::npos);
  REQUIRE(Message(s).find("hunter2") == std::string::npos);
  // A truncated share is named the same way.
  set[1].y = Secret("short");
  REQUIRE(Message(f.commitments.VerifyShares(f.key, set)).find("share 3") != std::string::npos);
}

TEST_CASE("Swapped shares are named: the index is bound into each tag", "[shamir]") {
  Fixture f;
  auto set = Copy(f.shares, {0, 1, 3});
  std::swap(set[1].y, set[2].y);  // custodian 2 holds share 4's bytes and vice versa
  const absl::Status s = f.commitments.VerifyShares(f.key, set);
  REQUIRE(s.code() == absl::StatusCode::kDataLoss);
  REQUIRE(Message(s).find("shares 2, 4 do not match their commitments") != std::string::npos);
}

TEST_CASE("Shares of another split, a wrong key or too few shares are refused", "[shamir]") {
  Fixture f;
  // Same secret, same key, fresh split: every share differs from the committed ones.
  auto other = Split(f.secret, 3, 5, f.random).value();
  REQUIRE(f.commitments.VerifyShares(f.key, Copy(other, {0, 1, 2})).code() ==
          absl::StatusCode::kDataLoss);
  auto wrong_key = GenerateCommitmentKey(f.random).value();
  REQUIRE(
      Message(f.commitments.VerifyShares(wrong_key, Copy(f.shares, {0, 1}))).find("shares 1, 2") !=
      std::string::npos);
  const absl::Status few = CombineVerified(f.key, f.commitments, Copy(f.shares, {0, 1})).status();
  REQUIRE(few.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(few) == "2 shares given, threshold is 3");
  REQUIRE(f.commitments.VerifySecret(f.key, Secret("hunter3-root-password")).code() ==
          absl::StatusCode::kDataLoss);
  REQUIRE(f.commitments.VerifySecret(wrong_key, f.secret).code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("Commitment inputs are validated", "[shamir]") {
  Fixture f;
  auto outside = Copy(f.shares, {0, 1});
  outside[1].x = 6;
  REQUIRE(Message(f.commitments.VerifyShares(f.key, outside)).find("outside 1..5") !=
          std::string::npos);
  REQUIRE(f.commitments.VerifyShares(f.key, Copy(f.shares, {0, 0})).code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(f.commitments.VerifyShares(SecretBytes(16), f.shares).code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(Commitments::Create(f.key, f.secret, 6, f.shares).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(Commitments::Create(f.key, f.secret, 3, Copy(f.shares, {0, 1, 1})).status().code() ==
          absl::StatusCode::kInvalidArgument);
  testing::ScriptedRandom empty("");
  REQUIRE(GenerateCommitmentKey(empty).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("Commitments round-trip through their encoding; damage is DATA_LOSS", "[shamir]") {
  Fixture f;
  const std::string bytes = f.commitments.Encode();
  REQUIRE(bytes.size() == 11 + 32 * 6);
  REQUIRE(bytes.substr(0, 5) == std::string("BGSC\x01"));
  auto decoded = Commitments::Decode(bytes);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->Encode() == bytes);
  REQUIRE(CombineVerified(f.key, *decoded, Copy(f.shares, {1, 2, 3})).value() == f.secret);

  for (std::string bad :
       {bytes.substr(0, bytes.size() - 1), bytes + "x", std::string("BGSX") + bytes.substr(4),
        bytes.substr(0, 4) + "\x02" + bytes.substr(5),
        bytes.substr(0, 5) + std::string("\x06\x05", 2) + bytes.substr(7)}) {
    REQUIRE(Commitments::Decode(bad).status().code() == absl::StatusCode::kDataLoss);
  }
  // A flipped tag byte decodes but no longer verifies share 2.
  std::string flipped = bytes;
  flipped[11 + 32 * 2] ^= 1;
  REQUIRE(
      Message(Commitments::Decode(flipped)->VerifyShares(f.key, f.shares)).find("share 2 does") !=
      std::string::npos);
}

}  // namespace
}  // namespace breakglass::crypto::shamir
