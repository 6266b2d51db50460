#include "vault/crypto/shamir.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"
#include "vault/crypto/internal/gf256.h"
#include "vault/crypto/testing/scripted_random.h"

namespace breakglass::crypto::shamir {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;
using testing::ScriptedRandom;

std::string Unhex(std::string_view hex) { return base::HexDecode(hex).value(); }
std::string Hex(const SecretBytes& s) {
  return base::HexEncode(s.view(InsecureSecretAccess::Get()));
}
SecretBytes Secret(std::string_view s) { return SecretBytes::CopyFrom(s); }

std::vector<Share> Copy(const std::vector<Share>& shares, const std::vector<int>& indices) {
  std::vector<Share> out;
  for (int i : indices) out.push_back(Share{shares[i].x, shares[i].y.Clone()});
  return out;
}

// Calls `visit` with every k-subset of {0..n-1}, as sorted indices.
template <typename F>
void ForEachSubset(int n, int k, F visit) {
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    std::vector<int> subset;
    for (int i = 0; i < n; ++i) {
      if (mask & (1u << i)) subset.push_back(i);
    }
    visit(subset);
  }
}

struct Kat {
  int m, n;
  const char* secret;
  const char* random;
  std::vector<const char*> shares;  // x = 1..n
};

// Printed by tests/vectors/shamir_kat.py: an independent Python split with
// these fixed coefficient bytes, each cross-checked there by Lagrange
// interpolation over every m-subset.
const Kat kKats[] = {
    {3,
     5,
     "627265616b676c617373",
     "030a11181f262d343b424950575e656c737a8188",
     {"6b7b5c78127e65687a7a", "4c30c3eb0eaea100667c", "4539faf277b7a8096f75",
      "cead4fb8cb2fbc744519", "c7a476a1b236b57d4c10"}},
    {2, 2, "00ff80017f", "0102fe8000", {"01fd7e817f", "02fb671a7f"}},
    {5,
     7,
     "d3adb33f",
     "c8e70625446382a1c0dffe1d3c5b7a99",
     {"dfa94fbb", "bf30039e", "a715cd1d", "8d783ae6", "f9ba6a70", "41f6017f", "211563ee"}},
};

TEST_CASE("Split and Combine reproduce the independent known-answer vectors", "[shamir]") {
  for (const Kat& kat : kKats) {
    ScriptedRandom random(Unhex(kat.random));
    auto shares = Split(Secret(Unhex(kat.secret)), kat.m, kat.n, random);
    REQUIRE(shares.ok());
    REQUIRE(random.remaining() == 0);  // exactly (m-1)*len bytes consumed
    REQUIRE(shares->size() == kat.shares.size());
    for (size_t i = 0; i < shares->size(); ++i) {
      REQUIRE((*shares)[i].x == i + 1);
      REQUIRE(Hex((*shares)[i].y) == kat.shares[i]);
    }
    ForEachSubset(kat.n, kat.m, [&](const std::vector<int>& subset) {
      REQUIRE(Hex(Combine(Copy(*shares, subset)).value()) == kat.secret);
    });
  }
}

TEST_CASE("Every m-subset of n = 5 shares recovers the secret, for every m", "[shamir]") {
  base::SystemRandom random;
  const SecretBytes secret = Secret("postgres://root:correct-horse@db/prod");
  for (int m = 2; m <= 5; ++m) {
    auto shares = Split(secret, m, 5, random).value();
    for (int k = m; k <= 5; ++k) {
      ForEachSubset(5, k, [&](const std::vector<int>& subset) {
        INFO("m = " << m << ", " << subset.size() << " shares");
        REQUIRE(Combine(Copy(shares, subset)).value() == secret);
      });
    }
  }
}

TEST_CASE("One share of a 2-of-n split is consistent with every secret byte", "[shamir]") {
  // Fix share 1 as produced for secret 0x5a with coefficient 0x3c. For each of
  // the 256 candidate secrets exactly one coefficient byte makes Split emit
  // that same share: the share says nothing about the secret.
  ScriptedRandom fixed(std::string(1, '\x3c'));
  const SecretBytes observed = std::move(Split(Secret("\x5a"), 2, 2, fixed).value()[0].y);
  for (int s = 0; s < 256; ++s) {
    int consistent = 0;
    for (int c = 0; c < 256; ++c) {
      ScriptedRandom random(std::string(1, static_cast<char>(c)));
      auto shares = Split(Secret(std::string(1, static_cast<char>(s))), 2, 2, random).value();
      consistent += shares[0].y == observed;
    }
    REQUIRE(consistent == 1);
  }
}

TEST_CASE("Any 2 shares of a 3-of-n split are consistent with every secret byte", "[shamir]") {
  // Exhaustive over all degree-2 polynomials f(x) = s + a1 x + a2 x^2: for the
  // shares at x = 2 and x = 5 of a real split, each candidate s has exactly one
  // (a1, a2) through both points.
  base::InsecureFakeRandom random(3);
  auto shares = Split(Secret("\xa7"), 3, 5, random).value();
  const uint8_t y2 = shares[1].y.data(InsecureSecretAccess::Get())[0];
  const uint8_t y5 = shares[4].y.data(InsecureSecretAccess::Get())[0];
  using internal::GfMul;
  std::vector<uint8_t> times2(256), times4(256), times5(256), times25(256);
  for (int a = 0; a < 256; ++a) {
    const auto u = static_cast<uint8_t>(a);
    times2[a] = GfMul(u, 2), times4[a] = GfMul(u, GfMul(2, 2));
    times5[a] = GfMul(u, 5), times25[a] = GfMul(u, GfMul(5, 5));
  }
  for (int s = 0; s < 256; ++s) {
    int consistent = 0;
    for (int a1 = 0; a1 < 256; ++a1) {
      for (int a2 = 0; a2 < 256; ++a2) {
        consistent += (s ^ times2[a1] ^ times4[a2]) == y2 && (s ^ times5[a1] ^ times25[a2]) == y5;
      }
    }
    REQUIRE(consistent == 1);
  }
}

TEST_CASE("The limits m = n = 255 and m = n = 2 work", "[shamir]") {
  base::InsecureFakeRandom random(255);
  const SecretBytes secret = Secret("0123456789abcdef");
  auto all = Split(secret, 255, 255, random).value();
  REQUIRE(all.size() == 255);
  REQUIRE(all.back().x == 255);
  REQUIRE(Combine(all).value() == secret);
  std::vector<int> but_one;
  for (int i = 1; i < 255; ++i) but_one.push_back(i);
  REQUIRE_FALSE(Combine(Copy(all, but_one)).value() == secret);

  auto two = Split(secret, 2, 2, random).value();
  REQUIRE(Combine(two).value() == secret);
  REQUIRE(Combine(Copy(two, {0})).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Split refuses bad parameters, naming them", "[shamir]") {
  base::SystemRandom random;
  auto message = [&](const SecretBytes& secret, int m, int n) {
    const absl::Status s = Split(secret, m, n, random).status();
    REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
    return std::string(s.message());
  };
  const SecretBytes secret = Secret("pw");
  REQUIRE(message(secret, 1, 5).find("m (threshold) = 1") != std::string::npos);
  REQUIRE(message(secret, 0, 5).find("m (threshold) = 0") != std::string::npos);
  REQUIRE(message(secret, 6, 5).find("m (threshold) = 6") != std::string::npos);
  REQUIRE(message(secret, 2, 1).find("n (share count) = 1") != std::string::npos);
  REQUIRE(message(secret, 2, 256).find("n (share count) = 256") != std::string::npos);
  REQUIRE(message(SecretBytes(), 2, 3).find("secret") != std::string::npos);
  ScriptedRandom empty("");
  REQUIRE(Split(secret, 2, 3, empty).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("Combine refuses malformed share sets", "[shamir]") {
  base::SystemRandom random;
  auto shares = Split(Secret("pw"), 2, 3, random).value();
  auto expect = [](std::vector<Share> set, std::string_view needle) {
    const absl::Status s = Combine(set).status();
    REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
    REQUIRE(std::string(s.message()).find(std::string(needle)) != std::string::npos);
  };
  expect({}, "at least 2");
  expect(Copy(shares, {1, 1}), "share 2 is given twice");
  auto zero = Copy(shares, {0, 1});
  zero[0].x = 0;
  expect(std::move(zero), "index 0");
  auto uneven = Copy(shares, {0, 1});
  uneven[1].y = Secret("abc");
  expect(std::move(uneven), "equally long");
  auto empty = Copy(shares, {0, 1});
  empty[0].y = SecretBytes(), empty[1].y = SecretBytes();
  expect(std::move(empty), "non-empty");
}

}  // namespace
}  // namespace breakglass::crypto::shamir
