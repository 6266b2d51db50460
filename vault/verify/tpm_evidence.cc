#include "vault/verify/tpm_evidence.h"

#include "absl/status/status.h"

namespace breakglass::verify {

absl::StatusOr<CertifiedCounter> VerifyCounterEvidence(std::string_view, std::string_view,
                                                       const crypto::PublicKey&) {
  return absl::UnimplementedError("TPM evidence verification awaits tpm/evidence");
}

}  // namespace breakglass::verify
