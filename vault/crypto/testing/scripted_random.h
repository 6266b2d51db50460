// Test-only: a base::Random that hands out exactly the bytes it was given and
// then fails with UNAVAILABLE, so tests can pin the "random" values a
// primitive consumes (known-answer vectors) and exercise entropy failure.
//
// Thread-safety: not thread-safe; one test at a time.
#ifndef BREAKGLASS_VAULT_CRYPTO_TESTING_SCRIPTED_RANDOM_H_
#define BREAKGLASS_VAULT_CRYPTO_TESTING_SCRIPTED_RANDOM_H_

#include <cstring>
#include <string>

#include "vault/base/random.h"

namespace breakglass::crypto::testing {

class ScriptedRandom final : public base::Random {
 public:
  explicit ScriptedRandom(std::string bytes) : bytes_(std::move(bytes)) {}

  absl::Status Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size() - used_) {
      return absl::UnavailableError("scripted random bytes exhausted");
    }
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + used_, out.size());
    used_ += out.size();
    return absl::OkStatus();
  }

  size_t remaining() const { return bytes_.size() - used_; }

 private:
  std::string bytes_;
  size_t used_ = 0;
};

}  // namespace breakglass::crypto::testing

#endif  // BREAKGLASS_VAULT_CRYPTO_TESTING_SCRIPTED_RANDOM_H_
