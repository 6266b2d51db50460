// Persistent primary keys: the attestation key (endorsement hierarchy) and
// the storage root key (owner hierarchy). TPM2_CreatePrimary from a fixed
// template, then TPM2_EvictControl to the persistent handle firmware-config
// names (TPM 2.0 Part 3 §24.1, §28.5); an existing key at the handle is
// re-used when its template matches, refused otherwise.
//
// Templates (TPM 2.0 Part 2 §12.2.4 object attributes):
//   AK   ECC NIST P-256, ECDSA/SHA-256, restricted|sign, fixedTPM|fixedParent|
//        sensitiveDataOrigin|userWithAuth|noDA, no symmetric, in TPM_RH_ENDORSEMENT
//   SRK  ECC NIST P-256 or RSA-2048, AES-128-CFB, restricted|decrypt, same
//        flags, in TPM_RH_OWNER (the TCG "SRK template" shape)
//
// Thread-safety: call under the Lease passed in.
#ifndef BREAKGLASS_TPM_TSS_INTERNAL_PRIMARY_KEY_H_
#define BREAKGLASS_TPM_TSS_INTERNAL_PRIMARY_KEY_H_

#include <tss2/tss2_esys.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss::internal {

enum class PrimaryKind { kAttestationKey, kSrkEccP256, kSrkRsa2048 };

const char* PrimaryKindName(PrimaryKind kind);
TPM2B_PUBLIC PrimaryTemplate(PrimaryKind kind);

// The public area of the key of `kind` at `handle`. When nothing is there:
// creates and persists it if `create_if_absent`, else NOT_FOUND.
// FAILED_PRECONDITION when the handle holds a key of another template.
absl::StatusOr<TPM2B_PUBLIC> EnsurePersistentPrimary(TssContext::Lease& lease, PrimaryKind kind,
                                                     uint32_t handle, bool create_if_absent);

}  // namespace breakglass::tpm::tss::internal

#endif  // BREAKGLASS_TPM_TSS_INTERNAL_PRIMARY_KEY_H_
