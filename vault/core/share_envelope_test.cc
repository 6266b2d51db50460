#include "vault/core/share_envelope.h"

#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "vault/base/status.h"

namespace breakglass::core {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;

// A minimal keystore for this file: the "envelope" is a handle into a map
// that remembers the AAD; a different AAD is DATA_LOSS as in hsm/keystore.h.
class MapKeystore final : public hsm::Keystore {
 public:
  absl::StatusOr<std::string> Seal(const SecretBytes& plaintext, std::string_view aad) override {
    if (!up) return absl::UnavailableError("map keystore is down");
    std::lock_guard<std::mutex> lock(mu_);
    const std::string handle = "h" + std::to_string(entries_.size());
    entries_.emplace(handle, Entry{std::string(aad), plaintext.Clone()});
    return handle;
  }
  absl::StatusOr<SecretBytes> Unseal(std::string_view envelope, std::string_view aad) override {
    if (!up) return absl::UnavailableError("map keystore is down");
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(envelope));
    if (it == entries_.end()) return absl::InvalidArgumentError("unknown handle");
    if (it->second.aad != aad) return absl::DataLossError("authentication failed");
    return it->second.secret.Clone();
  }
  std::string Describe() const override { return "map:test"; }
  bool up = true;

 private:
  struct Entry {
    std::string aad;
    SecretBytes secret;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

ShareBinding Binding() { return {"db-root", 2, "bob", 3}; }

TEST_CASE("The share AAD has the documented exact bytes", "[share]") {
  auto aad = ShareAad(Binding());
  REQUIRE(aad.ok());
  const std::string expected = std::string("breakglass-share-aad-v1\0", 24) +
                               std::string("\x00\x07", 2) + "db-root" +
                               std::string("\x00\x00\x00\x00\x00\x00\x00\x02", 8) +
                               std::string("\x00\x03", 2) + "bob" + "\x03";
  CHECK(*aad == expected);
  CHECK_FALSE(ShareAad({"", 1, "bob", 1}).ok());
  CHECK_FALSE(ShareAad({"x", 0, "bob", 1}).ok());
  CHECK_FALSE(ShareAad({"x", 1, "bob", 256}).ok());
  CHECK_FALSE(ShareAad({"x", 1, "bob", 0}).ok());
}

TEST_CASE("A sealed share opens only with its own binding", "[share]") {
  MapKeystore ks;
  const SecretBytes share = SecretBytes::CopyFrom(std::string_view("\x01\x02\x03"));
  auto env = SealShare(ks, share, Binding());
  REQUIRE(env.ok());
  auto opened = OpenShare(ks, *env, Binding());
  REQUIRE(opened.ok());
  CHECK(*opened == share);
  for (ShareBinding other : {ShareBinding{"db-admin", 2, "bob", 3}, ShareBinding{"db-root", 1, "bob", 3},
                             ShareBinding{"db-root", 2, "carol", 3},
                             ShareBinding{"db-root", 2, "bob", 4}}) {
    auto r = OpenShare(ks, *env, other);
    CHECK(r.status().code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(r.status().message()).find("map:test") != std::string::npos);
  }
}

TEST_CASE("The envelope carries a version and a layer list", "[share]") {
  MapKeystore ks;
  auto env = SealShare(ks, SecretBytes::CopyFrom(std::string_view("s")), Binding());
  REQUIRE(env.ok());
  auto decoded = ShareEnvelope::Decode(*env);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->layers.size() == 1);
  CHECK(decoded->layers[0] == EnvelopeLayer{LayerKind::kKeystore, "map:test"});
  CHECK(decoded->Encode() == *env);

  // A future custodian-held inner layer decodes (no migration) but is refused here.
  ShareEnvelope two = *decoded;
  two.layers.push_back({LayerKind::kCustodian, "SHA256:abcd"});
  auto reparsed = ShareEnvelope::Decode(two.Encode());
  REQUIRE(reparsed.ok());
  CHECK(reparsed->layers.size() == 2);
  CHECK(OpenShare(ks, two.Encode(), Binding()).status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Damaged envelopes are data loss, never garbage", "[share]") {
  MapKeystore ks;
  auto env = SealShare(ks, SecretBytes::CopyFrom(std::string_view("s")), Binding());
  REQUIRE(env.ok());
  for (size_t cut = 0; cut < env->size(); ++cut) {
    INFO("truncated to " << cut);
    CHECK(ShareEnvelope::Decode(env->substr(0, cut)).status().code() ==
          absl::StatusCode::kDataLoss);
  }
  CHECK_FALSE(ShareEnvelope::Decode(*env + "x").ok());
  std::string v2 = *env;
  v2[4] = 2;
  CHECK(ShareEnvelope::Decode(v2).status().code() == absl::StatusCode::kDataLoss);
  std::string zero_layers = *env;
  zero_layers[5] = 0;
  CHECK_FALSE(ShareEnvelope::Decode(zero_layers).ok());
}

TEST_CASE("Keystore failures name the keystore and the share", "[share]") {
  MapKeystore ks;
  auto env = SealShare(ks, SecretBytes::CopyFrom(std::string_view("s")), Binding());
  REQUIRE(env.ok());
  ks.up = false;
  auto r = OpenShare(ks, *env, Binding());
  CHECK(r.status().code() == absl::StatusCode::kUnavailable);
  const std::string msg(r.status().message());
  CHECK(msg.find("keystore map:test") != std::string::npos);
  CHECK(msg.find("custodian bob") != std::string::npos);
  CHECK(SealShare(ks, SecretBytes::CopyFrom(std::string_view("s")), Binding()).status().code() ==
        absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace breakglass::core
