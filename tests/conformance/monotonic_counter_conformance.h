// The MonotonicCounter conformance suite (tpm/monotonic_counter.h; STYLE.md
// "One conformance suite per interface"), written once in
// monotonic_counter_conformance_test.cc and linked with one backend per
// binary: monotonic_counter_backend_fake.cc (tpm/fake, label unit) and
// monotonic_counter_backend_swtpm.cc (tpm/tss on swtpm, label tpm). Evidence
// is checked with tpm/evidence's offline verifier.
//
// Thread-safety: counters from a backend are used from several threads, as
// the port allows.
#ifndef BREAKGLASS_TESTS_CONFORMANCE_MONOTONIC_COUNTER_CONFORMANCE_H_
#define BREAKGLASS_TESTS_CONFORMANCE_MONOTONIC_COUNTER_CONFORMANCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tpm/monotonic_counter.h"

namespace breakglass::conformance {

class MonotonicCounterBackend {
 public:
  virtual ~MonotonicCounterBackend() = default;
  // A freshly defined counter, never written, labelled `label`. It stays
  // valid as long as the backend.
  virtual absl::StatusOr<std::unique_ptr<tpm::MonotonicCounter>> NewUnwrittenCounter(
      std::string label) = 0;
  // PEM of the attestation key that signs every counter's evidence.
  virtual std::string AkPublicKeyPem() = 0;
  // The NV index Name the evidence of `counter` (written) must carry,
  // computed independently of the counter (from how it was defined).
  virtual std::string ExpectedIndexName(const tpm::MonotonicCounter& counter) = 0;
};

// Defined by the backend linked into the test binary. REQUIREs success.
std::unique_ptr<MonotonicCounterBackend> MakeMonotonicCounterBackend();

}  // namespace breakglass::conformance

#endif  // BREAKGLASS_TESTS_CONFORMANCE_MONOTONIC_COUNTER_CONFORMANCE_H_
