// Splitting a credential version into sealed custodian shares, and putting
// exactly the approving custodians' shares back together (DESIGN.md
// "Secrets"; issue 5 "Split credentials").
//
// Split: Shamir over GF(2^8) (crypto/shamir.h) with threshold =
// QuorumPolicy::threshold() and one share per custodian in share order (share
// i = custodian i, x = i). Each share is sealed by the keystore bound to
// (credential, version, custodian, index) (share_envelope.h).
//
// Keyed commitments (crypto/shamir.h): a fresh 32-byte key per version,
// sealed by the keystore under CommitmentKeyAad(credential, version) like a
// share, and public tags over the secret and each share. Combining checks
// every opened share against its tag (a wrong or swapped share is named by
// index and custodian) and the combined secret against the secret tag.
//
// Thread-safety: stateless functions; as thread-safe as the Keystore and
// Random they are given.
#ifndef BREAKGLASS_VAULT_CORE_SEALED_CREDENTIAL_H_
#define BREAKGLASS_VAULT_CORE_SEALED_CREDENTIAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hsm/keystore.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"
#include "vault/core/policy.h"
#include "vault/core/records.h"

namespace breakglass::core {

inline constexpr size_t kMaxSecretSize = 4096;

struct SealedVersion {
  std::vector<ShareRecord> shares;  // share order
  std::string commitment;           // Commitments::Encode()
  std::string commitment_key;       // envelope of the commitment key
};

// Splits and seals `secret` (1..kMaxSecretSize bytes) for `policy`'s
// custodians. INVALID_ARGUMENT naming "secret" for a bad size; keystore and
// randomness errors annotated with the component. Nothing is stored here.
absl::StatusOr<SealedVersion> SplitAndSeal(hsm::Keystore& keystore, base::Random& random,
                                           std::string_view credential_id, int64_t version,
                                           const QuorumPolicy& policy,
                                           const base::SecretBytes& secret);

// Opens the shares of exactly `custodians` (names; each must hold a share in
// `shares`), verifies them against the commitments, combines them and
// verifies the result. Errors: FAILED_PRECONDITION when fewer custodians than
// the threshold are given or one holds no share; DATA_LOSS naming the shares
// that do not match their commitments (index and custodian), or when the
// combined secret does not match; keystore
// errors (UNAVAILABLE, FAILED_PRECONDITION, DATA_LOSS) naming the keystore
// and the share.
absl::StatusOr<base::SecretBytes> OpenAndCombine(hsm::Keystore& keystore,
                                                 const CredentialRecord& credential,
                                                 const std::vector<ShareRecord>& shares,
                                                 const std::vector<std::string>& custodians);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_SEALED_CREDENTIAL_H_
