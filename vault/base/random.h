// Random: the injected source of randomness (Shamir coefficients, request ids,
// nonces). Production uses the OS CSPRNG through OpenSSL's RAND_bytes.
//
// Thread-safety: implementations are safe to call from many threads.
#ifndef BREAKGLASS_VAULT_BASE_RANDOM_H_
#define BREAKGLASS_VAULT_BASE_RANDOM_H_

#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace breakglass::base {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. UNAVAILABLE when the source fails; callers
  // must fail closed (never fall back to a weaker source).
  virtual absl::Status Fill(std::span<uint8_t> out) = 0;
  // `n` random bytes as a string (for public values such as ids and nonces).
  absl::StatusOr<std::string> Bytes(size_t n);
};

// OpenSSL RAND_bytes (seeded from getrandom(2)).
class SystemRandom final : public Random {
 public:
  absl::Status Fill(std::span<uint8_t> out) override;
};

// A deterministic, insecure stream (SplitMix64) for reproducible tests only.
class InsecureFakeRandom final : public Random {
 public:
  explicit InsecureFakeRandom(uint64_t seed) : state_(seed) {}
  absl::Status Fill(std::span<uint8_t> out) override;

 private:
  std::mutex mu_;
  uint64_t state_;  // guarded by mu_
};

}  // namespace breakglass::base

#endif  // BREAKGLASS_VAULT_BASE_RANDOM_H_
