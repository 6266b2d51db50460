#include "vault/core/sealed_credential.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/share_envelope.h"
#include "vault/crypto/shamir.h"

namespace breakglass::core {
namespace {

namespace shamir = crypto::shamir;

absl::StatusOr<std::string> SealCommitmentKey(hsm::Keystore& keystore, const base::SecretBytes& key,
                                              std::string_view credential_id, int64_t version) {
  BG_ASSIGN_OR_RETURN(std::string aad, CommitmentKeyAad(credential_id, version));
  return SealEnvelope(keystore, key, aad,
                      absl::StrCat("the commitment key of ", std::string(credential_id), " v",
                                   version));
}

absl::StatusOr<base::SecretBytes> OpenCommitmentKey(hsm::Keystore& keystore,
                                                    const CredentialRecord& c) {
  BG_ASSIGN_OR_RETURN(std::string aad, CommitmentKeyAad(c.id, c.version));
  return OpenEnvelope(keystore, c.commitment_key, aad,
                      absl::StrCat("the commitment key of ", c.id, " v", c.version));
}

// Adds the custodians' names to shamir's "shares 2, 5 do not match" errors.
absl::Status NameCustodians(const absl::Status& s, const std::vector<ShareBinding>& bindings) {
  if (s.ok() || s.code() != absl::StatusCode::kDataLoss) return s;
  std::string who;
  for (const ShareBinding& b : bindings) {
    absl::StrAppend(&who, who.empty() ? "" : ", ", b.share_index, "=", b.custodian);
  }
  return absl::DataLossError(absl::StrCat(
      std::string(s.message()), " [share index = custodian: ", who,
      "]; the keystore returned wrong or swapped share bytes — stop releases from this "
      "credential, investigate the keystore and rotate"));
}

}  // namespace

absl::StatusOr<SealedVersion> SplitAndSeal(hsm::Keystore& keystore, base::Random& random,
                                           std::string_view credential_id, int64_t version,
                                           const QuorumPolicy& policy,
                                           const base::SecretBytes& secret) {
  if (secret.empty() || secret.size() > kMaxSecretSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret: must be 1 to ", kMaxSecretSize, " bytes, got ", secret.size()));
  }
  const auto& custodians = policy.custodians();
  const int n = static_cast<int>(custodians.size());
  BG_ASSIGN_OR_RETURN(std::vector<shamir::Share> shares,
                      shamir::Split(secret, policy.threshold(), n, random));
  BG_ASSIGN_OR_RETURN(base::SecretBytes key, shamir::GenerateCommitmentKey(random));
  BG_ASSIGN_OR_RETURN(auto commitments,
                      shamir::Commitments::Create(key, secret, policy.threshold(), shares));
  SealedVersion out;
  out.commitment = commitments.Encode();
  BG_ASSIGN_OR_RETURN(out.commitment_key,
                      SealCommitmentKey(keystore, key, credential_id, version));
  for (int i = 0; i < n; ++i) {
    const ShareBinding b{std::string(credential_id), version, custodians[i], i + 1};
    BG_ASSIGN_OR_RETURN(std::string envelope, SealShare(keystore, shares[i].y, b));
    out.shares.push_back({i + 1, custodians[i], std::move(envelope)});
  }
  return out;
}

absl::StatusOr<base::SecretBytes> OpenAndCombine(hsm::Keystore& keystore,
                                                 const CredentialRecord& credential,
                                                 const std::vector<ShareRecord>& shares,
                                                 const std::vector<std::string>& custodians) {
  BG_ASSIGN_OR_RETURN(auto commitments, shamir::Commitments::Decode(credential.commitment));
  if (static_cast<int>(custodians.size()) < commitments.threshold()) {
    return absl::FailedPreconditionError(absl::StrCat(
        custodians.size(), " approving custodians, but credential ", credential.id,
        " needs ", commitments.threshold(), " shares"));
  }
  std::vector<ShareBinding> bindings;
  std::vector<shamir::Share> opened;
  for (const std::string& c : custodians) {
    const ShareRecord* record = nullptr;
    for (const ShareRecord& s : shares) record = s.custodian == c ? &s : record;
    if (record == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "custodian ", c, " holds no share of ", credential.id, " v", credential.version));
    }
    bindings.push_back({credential.id, credential.version, c, record->index});
    BG_ASSIGN_OR_RETURN(base::SecretBytes y, OpenShare(keystore, record->envelope, bindings.back()));
    opened.push_back({static_cast<uint8_t>(record->index), std::move(y)});
  }
  BG_ASSIGN_OR_RETURN(base::SecretBytes key, OpenCommitmentKey(keystore, credential));
  auto secret = shamir::CombineVerified(key, commitments, opened);
  if (!secret.ok()) return NameCustodians(secret.status(), bindings);
  return secret;
}

}  // namespace breakglass::core
