// MonotonicCounter: a TPM NV counter (TPMA_NV_COUNTER) that anchors the audit
// log (DESIGN.md "Anchoring in the TPM"): the release counter and the
// checkpoint counter. It only ever moves up; reading needs no secret.
//
// Certify returns TPM2_NV_Certify evidence (TPM 2.0 Part 3 §31.16): the
// marshalled TPMS_ATTEST and TPMT_SIGNATURE by the attestation key, which
// tpm/evidence verifies offline with OpenSSL alone.
//
// Implementations: tpm/tss (ESAPI on a real TPM or swtpm) and tpm/fake. Both
// pass tests/conformance.
//
// Thread-safety: implementations are safe to call from many threads.
#ifndef BREAKGLASS_TPM_MONOTONIC_COUNTER_H_
#define BREAKGLASS_TPM_MONOTONIC_COUNTER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::tpm {

// TPM2_NV_Certify output, exactly as the TPM produced it.
struct CounterEvidence {
  std::string attest;     // marshalled TPMS_ATTEST (the TPM2B_ATTEST's buffer)
  std::string signature;  // marshalled TPMT_SIGNATURE (ECDSA P-256 / SHA-256)
};

class MonotonicCounter {
 public:
  virtual ~MonotonicCounter() = default;

  // The current value. Errors: UNAVAILABLE (TPM unreachable), NOT_FOUND (the
  // NV index is not defined), FAILED_PRECONDITION (defined but never written).
  virtual absl::StatusOr<uint64_t> Read() = 0;

  // Adds one and returns the new value. Retries TPM_RC_NV_RATE with backoff;
  // errors as Read, plus PERMISSION_DENIED when the write policy is not met.
  virtual absl::StatusOr<uint64_t> Increment() = 0;

  // Adds one like Increment, without reading the new value back: one TPM
  // command fewer (NV_Read) on the anchoring path, whose Certify evidence
  // states the value anyway. Same errors and retries as Increment. The
  // default calls Increment.
  virtual absl::Status Advance() { return Increment().status(); }

  // TPM2_NV_Certify of the whole counter with `qualifying_data` (at most 32
  // bytes; the audit log passes SHA-256 of the checkpoint text).
  virtual absl::StatusOr<CounterEvidence> Certify(std::string_view qualifying_data) = 0;

  // A stable label for errors and audit events: "release" or "checkpoint".
  virtual std::string Label() const = 0;
};

}  // namespace breakglass::tpm

#endif  // BREAKGLASS_TPM_MONOTONIC_COUNTER_H_
