// The breakglass PCR policy: TPM2_PolicyPCR over the configured selection,
// then TPM2_PolicyPassword (the object's auth value, sent as a password in
// the policy session; TPM 2.0 Part 3 §23.7 and §23.18). Used by the sealing
// keystore (auth value = SHA-256 of the AAD) and by counters whose writes are
// bound to PCRs (auth value = the NV write secret).
//
// Thread-safety: call under the Lease passed in.
#ifndef BREAKGLASS_TPM_TSS_INTERNAL_POLICY_H_
#define BREAKGLASS_TPM_TSS_INTERNAL_POLICY_H_

#include <tss2/tss2_esys.h>

#include <string>

#include "absl/status/statusor.h"
#include "tpm/tss/internal/esys_util.h"
#include "tpm/tss/pcr_selection.h"
#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss::internal {

// TPML_PCR_SELECTION for `selection` (validated). INVALID_ARGUMENT otherwise.
absl::StatusOr<TPML_PCR_SELECTION> ToTpml(const PcrSelection& selection);

// The policy digest PolicyPCR(current values of `selection`) || PolicyPassword,
// computed by the TPM in a trial session (so it binds the PCR values now).
absl::StatusOr<TPM2B_DIGEST> TrialPolicyDigest(TssContext::Lease& lease,
                                               const PcrSelection& selection);

// Starts a session of `type` (TPM2_SE_HMAC/POLICY/TRIAL) with SHA-256; when
// `salt_key` is not ESYS_TR_NONE it is salted with that key and allows
// AES-128-CFB parameter encryption. Flushed when `session` goes out of scope.
absl::Status StartSession(TssContext::Lease& lease, TPM2_SE type, ESYS_TR salt_key,
                          ScopedTransient& session);

// How the auth value is proven in a policy session. Both give the same policy
// digest (TPM 2.0 Part 3 §23.18: PolicyPassword extends TPM_CC_PolicyAuthValue).
enum class AuthProof {
  kPassword,  // PolicyPassword: the value in clear; cheapest
  kHmac,      // PolicyAuthValue: an HMAC keyed with it; needed with parameter encryption
};

// Starts a policy session (salted with `salt_key` and AES-128-CFB parameter
// encryption when it is not ESYS_TR_NONE) and runs PolicyPCR + PolicyPassword
// (or PolicyAuthValue, per `proof`) in it. The session is flushed when `session` goes out of scope.
absl::Status StartPcrPolicySession(TssContext::Lease& lease, const PcrSelection& selection,
                                   ESYS_TR salt_key, AuthProof proof, ScopedTransient& session);

}  // namespace breakglass::tpm::tss::internal

#endif  // BREAKGLASS_TPM_TSS_INTERNAL_POLICY_H_
