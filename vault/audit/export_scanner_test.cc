// The verifier's own canonical-JSON leaf checker (vault/verify, written apart
// from vault/audit on purpose) must agree with vault/audit's definition:
// random events and random one-byte mutations of them are accepted by one
// exactly when they are by the other.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "vault/audit/canonical_json.h"
#include "vault/audit/event.h"
#include "vault/verify/internal/leaf_scanner.h"

namespace breakglass::audit {
namespace {

using nlohmann::json;

json RandomValue(std::mt19937_64& rng, int depth) {
  switch (rng() % (depth > 3 ? 4 : 7)) {
    case 0: return static_cast<int64_t>(rng() % 2000) - 1000;
    case 1: return rng() % 2 == 0;
    case 2: return nullptr;
    case 3: {
      static const char* kStrings[] = {"", "a", "é", "\"q\"", "back\\slash", "tab\t", "\x01",
                                       "𝄞", "\x7f", "line\nbreak"};
      return kStrings[rng() % 10];
    }
    case 4: {
      json a = json::array();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      static const char* kKeys[] = {"a", "b", "z_1", "A", "a\"", "a#", " ", "~"};
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        o[kKeys[rng() % 8]] = RandomValue(rng, depth + 1);
      }
      return o;
    }
  }
}

// vault/audit's verdict on `leaf`, with the common-field rules of the verifier.
bool AuditAccepts(const std::string& leaf) {
  absl::StatusOr<json> j = ParseCanonicalJson(leaf);
  if (!j.ok() || !j->is_object()) return false;
  for (const char* key : {"actor", "incident", "reason", "subject", "type"}) {
    if (!j->contains(key) || !(*j)[key].is_string()) return false;
  }
  for (const char* key : {"seq", "time"}) {
    if (!j->contains(key) || !(*j)[key].is_number_integer()) return false;
  }
  return (*j)["seq"].get<int64_t>() >= 0;
}

bool VerifierAccepts(const std::string& leaf) {
  verify::internal::LeafFields fields;
  return verify::internal::ScanLeaf(leaf, &fields).ok();
}

TEST_CASE("The verifier's leaf checker agrees with canonical_json on random leaves",
          "[export]") {
  std::mt19937_64 rng(20240917);
  int accepted = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    Event e(EventType::kApproval);
    e.set_seq(rng() % 100000).set_actor("custodian-" + std::to_string(rng() % 9));
    for (int f = static_cast<int>(rng() % 4); f > 0; --f) {
      e.Set("field_" + std::to_string(rng() % 5), RandomValue(rng, 1));
    }
    const std::string leaf = *e.Canonical();
    REQUIRE(VerifierAccepts(leaf));
    for (int m = 0; m < 8; ++m) {
      std::string mutated = leaf;
      const size_t at = rng() % mutated.size();
      switch (rng() % 3) {
        case 0: mutated[at] = static_cast<char>(rng() % 256); break;
        case 1: mutated.insert(at, 1, " ,:\"\\{}[]0e.-"[rng() % 13]); break;
        default: mutated.erase(at, 1);
      }
      const bool want = AuditAccepts(mutated);
      INFO(mutated);
      REQUIRE(VerifierAccepts(mutated) == want);
      (want ? accepted : rejected)++;
    }
  }
  CHECK(accepted > 100);  // the mutations exercise both verdicts
  CHECK(rejected > 1000);
}

}  // namespace
}  // namespace breakglass::audit
