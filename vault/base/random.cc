#include "vault/base/random.h"

#include <openssl/rand.h>

#include <climits>

namespace breakglass::base {

absl::StatusOr<std::string> Random::Bytes(size_t n) {
  std::string out(n, '\0');
  absl::Status s = Fill({reinterpret_cast<uint8_t*>(out.data()), n});
  if (!s.ok()) return s;
  return out;
}

absl::Status SystemRandom::Fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const size_t chunk = std::min<size_t>(out.size() - done, INT_MAX);
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
      return absl::UnavailableError(
          "the system random generator failed (OpenSSL RAND_bytes); refusing to continue");
    }
    done += chunk;
  }
  return absl::OkStatus();
}

absl::Status InsecureFakeRandom::Fill(std::span<uint8_t> out) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < out.size(); i += 8) {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (size_t j = 0; j < 8 && i + j < out.size(); ++j) out[i + j] = static_cast<uint8_t>(z >> (8 * j));
  }
  return absl::OkStatus();
}

}  // namespace breakglass::base
