#include "tpm/tss/internal/policy.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::tpm::tss::internal {
namespace {

TPMI_ALG_HASH BankAlg(const std::string& bank) {
  if (bank == "sha1") return TPM2_ALG_SHA1;
  if (bank == "sha384") return TPM2_ALG_SHA384;
  return TPM2_ALG_SHA256;
}

constexpr TPMT_SYM_DEF kAes128Cfb = {
    .algorithm = TPM2_ALG_AES, .keyBits = {.aes = 128}, .mode = {.aes = TPM2_ALG_CFB}};
constexpr TPMT_SYM_DEF kNoSymmetric = {.algorithm = TPM2_ALG_NULL, .keyBits = {}, .mode = {}};

absl::Status RunPolicy(TssContext::Lease& lease, const PcrSelection& selection, ESYS_TR session,
                       AuthProof proof) {
  BG_ASSIGN_OR_RETURN(TPML_PCR_SELECTION pcrs, ToTpml(selection));
  TPM2B_DIGEST empty = {.size = 0, .buffer = {}};  // the TPM hashes the current values
  BG_RETURN_IF_ERROR(
      lease.Check("TPM2_PolicyPCR", Esys_PolicyPCR(lease.esys(), session, ESYS_TR_NONE,
                                                   ESYS_TR_NONE, ESYS_TR_NONE, &empty, &pcrs)));
  if (proof == AuthProof::kHmac) {
    return lease.Check(
        "TPM2_PolicyAuthValue",
        Esys_PolicyAuthValue(lease.esys(), session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE));
  }
  return lease.Check("TPM2_PolicyPassword", Esys_PolicyPassword(lease.esys(), session, ESYS_TR_NONE,
                                                                ESYS_TR_NONE, ESYS_TR_NONE));
}

}  // namespace

absl::Status StartSession(TssContext::Lease& lease, TPM2_SE type, ESYS_TR salt_key,
                          ScopedTransient& session) {
  const TPMT_SYM_DEF& sym = salt_key == ESYS_TR_NONE ? kNoSymmetric : kAes128Cfb;
  return lease.Check(
      "TPM2_StartAuthSession",
      Esys_StartAuthSession(lease.esys(), salt_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                            ESYS_TR_NONE, nullptr, type, &sym, TPM2_ALG_SHA256, session.out()));
}

absl::StatusOr<TPML_PCR_SELECTION> ToTpml(const PcrSelection& selection) {
  BG_RETURN_IF_ERROR(selection.Validate());
  TPML_PCR_SELECTION out = {};
  out.count = 1;
  out.pcrSelections[0].hash = BankAlg(selection.bank);
  out.pcrSelections[0].sizeofSelect = 3;
  for (uint32_t pcr : selection.pcrs) {
    out.pcrSelections[0].pcrSelect[pcr / 8] |= static_cast<uint8_t>(1u << (pcr % 8));
  }
  return out;
}

absl::StatusOr<TPM2B_DIGEST> TrialPolicyDigest(TssContext::Lease& lease,
                                               const PcrSelection& selection) {
  ScopedTransient session(lease);
  BG_RETURN_IF_ERROR(StartSession(lease, TPM2_SE_TRIAL, ESYS_TR_NONE, session));
  BG_RETURN_IF_ERROR(RunPolicy(lease, selection, session.get(), AuthProof::kPassword));
  TPM2B_DIGEST* digest = nullptr;
  BG_RETURN_IF_ERROR(lease.Check("TPM2_PolicyGetDigest",
                                 Esys_PolicyGetDigest(lease.esys(), session.get(), ESYS_TR_NONE,
                                                      ESYS_TR_NONE, ESYS_TR_NONE, &digest)));
  EsysPtr<TPM2B_DIGEST> owned(digest);
  return *owned;
}

absl::Status StartPcrPolicySession(TssContext::Lease& lease, const PcrSelection& selection,
                                   ESYS_TR salt_key, AuthProof proof, ScopedTransient& session) {
  BG_RETURN_IF_ERROR(StartSession(lease, TPM2_SE_POLICY, salt_key, session));
  return RunPolicy(lease, selection, session.get(), proof);
}

}  // namespace breakglass::tpm::tss::internal
