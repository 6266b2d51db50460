#include "vault/base/secret_bytes.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace breakglass::base {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& os, const T& t) { os << t; };

std::vector<uint8_t>* g_seen = nullptr;
bool g_all_zero = false;

void RecordRelease(const uint8_t* data, size_t size) {
  g_all_zero = std::all_of(data, data + size, [](uint8_t b) { return b == 0; });
  if (g_seen) g_seen->push_back(static_cast<uint8_t>(size > 0));
}

TEST_CASE("SecretBytes cannot be streamed, copied or converted", "[secret]") {
  STATIC_REQUIRE_FALSE(Streamable<SecretBytes>);
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<SecretBytes>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<SecretBytes>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<SecretBytes, std::string>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<SecretBytes, std::string_view>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<std::string, SecretBytes>);
  STATIC_REQUIRE(Streamable<std::string>);  // the detector itself works
}

TEST_CASE("SecretBytes memory is zero after destruction", "[secret]") {
  std::vector<uint8_t> seen;
  g_seen = &seen;
  internal::SetSecretReleaseHookForTesting(&RecordRelease);
  {
    SecretBytes s = SecretBytes::CopyFrom(std::string_view("correct horse battery staple"));
    REQUIRE(s.size() == 28);
  }
  internal::SetSecretReleaseHookForTesting(nullptr);
  g_seen = nullptr;
  REQUIRE(seen.size() == 1);
  REQUIRE(g_all_zero);
}

TEST_CASE("SecretBytes wipes the old value on move-assignment", "[secret]") {
  std::vector<uint8_t> seen;
  g_seen = &seen;
  internal::SetSecretReleaseHookForTesting(&RecordRelease);
  SecretBytes a = SecretBytes::CopyFrom(std::string_view("aaaa"));
  SecretBytes b = SecretBytes::CopyFrom(std::string_view("bbbb"));
  a = std::move(b);
  REQUIRE(seen.size() == 1);
  REQUIRE(g_all_zero);
  REQUIRE(a.view(InsecureSecretAccess::Get()) == "bbbb");
  REQUIRE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  internal::SetSecretReleaseHookForTesting(nullptr);
  g_seen = nullptr;
}

TEST_CASE("SecretBytes compares by content", "[secret]") {
  auto a = SecretBytes::CopyFrom(std::string_view("same"));
  auto b = SecretBytes::CopyFrom(std::string_view("same"));
  auto c = SecretBytes::CopyFrom(std::string_view("diff"));
  auto d = SecretBytes::CopyFrom(std::string_view("longer"));
  REQUIRE(a == b);
  REQUIRE_FALSE(a == c);
  REQUIRE_FALSE(a == d);
  REQUIRE(SecretBytes() == SecretBytes());
  REQUIRE(a.Clone() == a);
}

TEST_CASE("SecretBytes of a given size starts zeroed", "[secret]") {
  SecretBytes s(100);
  const uint8_t* p = s.data(InsecureSecretAccess::Get());
  REQUIRE(std::all_of(p, p + 100, [](uint8_t x) { return x == 0; }));
}

TEST_CASE("SecretBytes Truncate keeps the prefix and wipes the tail at once", "[secret]") {
  SecretBytes s = SecretBytes::CopyFrom(std::string_view("share-bytes|tag-bytes-16"));
  const uint8_t* data = s.data(InsecureSecretAccess::Get());
  s.Truncate(11);
  CHECK(s.view(InsecureSecretAccess::Get()) == "share-bytes");
  CHECK(std::all_of(data + 11, data + 25, [](uint8_t b) { return b == 0; }));
  s.Truncate(40);  // never grows
  CHECK(s.size() == 11);
  s.Truncate(0);
  CHECK(s.empty());
  CHECK(data[0] == 0);
}

TEST_CASE("Small secrets live in the locked secure heap, large ones in their own mapping",
          "[secret]") {
  std::vector<uint8_t> seen;
  g_seen = &seen;
  internal::SetSecretReleaseHookForTesting(&RecordRelease);
  bool small_in_heap = false;
  bool large_in_heap = true;
  {
    SecretBytes small(64);
    SecretBytes large(512 * 1024);
    small_in_heap = CRYPTO_secure_allocated(small.data(InsecureSecretAccess::Get())) == 1;
    large_in_heap = CRYPTO_secure_allocated(large.data(InsecureSecretAccess::Get())) == 1;
    std::fill_n(large.data(InsecureSecretAccess::Get()), large.size(), uint8_t{0xAA});
  }
  internal::SetSecretReleaseHookForTesting(nullptr);
  g_seen = nullptr;
  CHECK(small_in_heap);
  CHECK_FALSE(large_in_heap);
  CHECK(seen.size() == 2);
  CHECK(g_all_zero);  // the last released (the large mapping) was wiped
}

}  // namespace
}  // namespace breakglass::base
