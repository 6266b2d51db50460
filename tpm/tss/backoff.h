// Exponential backoff for TPM_RC_NV_RATE (TPM 2.0 Part 1 §37.7.5: a TPM may
// refuse NV writes for a while to protect its NV from wear).
//
// Thread-safety: pure function.
#ifndef BREAKGLASS_TPM_TSS_BACKOFF_H_
#define BREAKGLASS_TPM_TSS_BACKOFF_H_

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"

namespace breakglass::tpm::tss {

struct Backoff {
  absl::Duration initial = absl::Milliseconds(10);
  absl::Duration max = absl::Seconds(1);
  int max_attempts = 10;  // ~4.6 s in total with the defaults
};

// Calls `attempt` until it returns false ("done", successfully or not) or
// `backoff.max_attempts` calls were made; between calls sleeps `initial`,
// then twice as long each time, capped at `max`. Returns the number of calls.
int RetryWithBackoff(const Backoff& backoff, absl::FunctionRef<bool()> attempt,
                     absl::FunctionRef<void(absl::Duration)> sleep);

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_BACKOFF_H_
