// The LogSigner conformance suite (hsm/log_signer.h), written once and linked
// with one backend per binary: log_signer_backend_fake.cc (label unit) and
// log_signer_backend_softhsm.cc (label hsm). Signatures are checked with
// OpenSSL directly against PublicKey(), independent of breakglass's own
// verifier.
//
// Thread-safety: the signers must be thread-safe (the port says so).
#ifndef BREAKGLASS_TESTS_CONFORMANCE_LOG_SIGNER_CONFORMANCE_H_
#define BREAKGLASS_TESTS_CONFORMANCE_LOG_SIGNER_CONFORMANCE_H_

#include <memory>

#include "hsm/log_signer.h"

namespace breakglass::conformance {

class LogSignerBackend {
 public:
  virtual ~LogSignerBackend() = default;
  // The signer under test.
  virtual hsm::LogSigner& signer() = 0;
  // A signer with another key of the same kind.
  virtual hsm::LogSigner& other_signer() = 0;
};

// Defined by the backend linked into the test binary. REQUIREs success.
std::unique_ptr<LogSignerBackend> MakeLogSignerBackend();

}  // namespace breakglass::conformance

#endif  // BREAKGLASS_TESTS_CONFORMANCE_LOG_SIGNER_CONFORMANCE_H_
