#include "tpm/tss/attestation_key.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>

#include "absl/strings/str_cat.h"
#include "tpm/tss/internal/esys_util.h"
#include "tpm/tss/internal/primary_key.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"

namespace breakglass::tpm::tss {
namespace {

using internal::EsysPtr;

constexpr size_t kMaxQualifyingData = 32;
constexpr uint16_t kCounterSize = 8;

std::string Pad32(const TPM2B_ECC_PARAMETER& p) {
  std::string v = internal::Bytes(p.buffer, p.size);
  return v.size() >= 32 ? v : std::string(32 - v.size(), '\0') + v;
}

absl::StatusOr<std::string> PemOf(const TPM2B_PUBLIC& pub) {
  const TPMS_ECC_POINT& point = pub.publicArea.unique.ecc;
  std::string uncompressed = "\x04" + Pad32(point.x) + Pad32(point.y);
  BG_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromP256Point(uncompressed));
  return key.ToPem();
}

absl::StatusOr<std::string> NameOf(TssContext::Lease& lease, uint32_t tr) {
  TPM2B_NAME* name = nullptr;
  BG_RETURN_IF_ERROR(lease.Check("Esys_TR_GetName", Esys_TR_GetName(lease.esys(), tr, &name)));
  EsysPtr<TPM2B_NAME> owned(name);
  return internal::Bytes(owned->name, owned->size);
}

absl::StatusOr<std::string> MarshalSignature(const TPMT_SIGNATURE& sig) {
  uint8_t buffer[sizeof(TPMT_SIGNATURE)];
  size_t offset = 0;
  TSS2_RC rc = Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, buffer, sizeof(buffer), &offset);
  if (rc != TSS2_RC_SUCCESS) {
    return absl::InternalError(absl::StrCat("Tss2_MU_TPMT_SIGNATURE_Marshal: ", rc));
  }
  return internal::Bytes(buffer, offset);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AttestationKey>> AttestationKey::Provision(TssContext* ctx,
                                                                          uint32_t handle) {
  return Load(ctx, handle, /*create_if_absent=*/true);
}

absl::StatusOr<std::unique_ptr<AttestationKey>> AttestationKey::Open(TssContext* ctx,
                                                                     uint32_t handle) {
  return Load(ctx, handle, /*create_if_absent=*/false);
}

absl::StatusOr<std::unique_ptr<AttestationKey>> AttestationKey::Load(TssContext* ctx,
                                                                     uint32_t handle,
                                                                     bool create_if_absent) {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx->Acquire());
  BG_ASSIGN_OR_RETURN(TPM2B_PUBLIC pub,
                      internal::EnsurePersistentPrimary(
                          lease, internal::PrimaryKind::kAttestationKey, handle, create_if_absent));
  BG_ASSIGN_OR_RETURN(std::string pem, PemOf(pub));
  BG_ASSIGN_OR_RETURN(uint32_t tr, lease.Resolve(handle));
  BG_ASSIGN_OR_RETURN(std::string name, NameOf(lease, tr));
  return std::unique_ptr<AttestationKey>(
      new AttestationKey(ctx, handle, std::move(pem), std::move(name)));
}

absl::StatusOr<CounterEvidence> AttestationKey::CertifyNvCounter(
    uint32_t nv_index, std::string_view qualifying_data) const {
  if (qualifying_data.size() > kMaxQualifyingData) {
    return absl::InvalidArgumentError(absl::StrCat("qualifying data is ", qualifying_data.size(),
                                                   " bytes; at most 32 are allowed"));
  }
  TPM2B_DATA qualifying = {};
  qualifying.size = static_cast<uint16_t>(qualifying_data.size());
  std::copy(qualifying_data.begin(), qualifying_data.end(), qualifying.buffer);
  const TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL, .details = {}};  // the key's own

  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  BG_ASSIGN_OR_RETURN(uint32_t ak, lease.Resolve(handle_));
  BG_ASSIGN_OR_RETURN(uint32_t nv, lease.Resolve(nv_index));
  TPM2B_ATTEST* attest = nullptr;
  TPMT_SIGNATURE* signature = nullptr;
  TSS2_RC rc =
      Esys_NV_Certify(lease.esys(), ak, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_PASSWORD,
                      ESYS_TR_NONE, &qualifying, &scheme, kCounterSize, 0, &attest, &signature);
  EsysPtr<TPM2B_ATTEST> owned_attest(attest);
  EsysPtr<TPMT_SIGNATURE> owned_signature(signature);
  BG_RETURN_IF_ERROR(
      lease.Check(absl::StrCat("TPM2_NV_Certify(", internal::HandleHex(nv_index), ")"), rc));
  CounterEvidence evidence;
  evidence.attest = internal::Bytes(owned_attest->attestationData, owned_attest->size);
  BG_ASSIGN_OR_RETURN(evidence.signature, MarshalSignature(*owned_signature));
  return evidence;
}

}  // namespace breakglass::tpm::tss
