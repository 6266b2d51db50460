#include "tpm/tss/backoff.h"

#include <algorithm>

namespace breakglass::tpm::tss {

int RetryWithBackoff(const Backoff& backoff, absl::FunctionRef<bool()> attempt,
                     absl::FunctionRef<void(absl::Duration)> sleep) {
  absl::Duration delay = backoff.initial;
  int calls = 0;
  while (true) {
    ++calls;
    if (!attempt() || calls >= backoff.max_attempts) return calls;
    sleep(delay);
    delay = std::min(delay * 2, backoff.max);
  }
}

}  // namespace breakglass::tpm::tss
