#include "tpm/tss/sealing_keystore.h"

#include <openssl/crypto.h>
#include <tss2/tss2_esys.h>

#include "absl/strings/str_cat.h"
#include "tpm/tss/internal/esys_util.h"
#include "tpm/tss/internal/policy.h"
#include "tpm/tss/internal/primary_key.h"
#include "tpm/tss/internal/seal_envelope.h"
#include "tpm/tss/internal/tss_error.h"
#include "vault/base/status.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/sha256.h"

namespace breakglass::tpm::tss {
namespace {

using internal::EsysPtr;
using internal::HandleHex;
using internal::ScopedTransient;

constexpr size_t kMaxPlaintext = 1 << 20;
constexpr std::string_view kAadDomain("breakglass/tpm-seal/v1\0", 23);
constexpr TPMA_OBJECT kSealedAttributes =
    TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_NODA | TPMA_OBJECT_ADMINWITHPOLICY;

internal::PrimaryKind SrkKind(SrkAlgorithm alg) {
  return alg == SrkAlgorithm::kEccP256 ? internal::PrimaryKind::kSrkEccP256
                                       : internal::PrimaryKind::kSrkRsa2048;
}

// The sealed object's auth value: binds it to the AAD.
TPM2B_AUTH AadAuth(std::string_view aad) {
  const crypto::Sha256Digest d = crypto::Sha256Hasher().Update(kAadDomain).Update(aad).Finish();
  TPM2B_AUTH auth = {};
  auth.size = static_cast<uint16_t>(d.size());
  std::copy(d.begin(), d.end(), auth.buffer);
  return auth;
}

std::string SelectBytes(const TPML_PCR_SELECTION& pcrs) {
  return internal::Bytes(pcrs.pcrSelections[0].pcrSelect, pcrs.pcrSelections[0].sizeofSelect);
}

// The outer AEAD authenticates the whole envelope prefix and the caller's AAD.
std::string AeadAad(std::string_view prefix, std::string_view aad) {
  return absl::StrCat(std::string(prefix), std::string(aad));
}

TPM2B_PUBLIC SealedTemplate(const TPM2B_DIGEST& policy) {
  TPM2B_PUBLIC t = {};
  t.publicArea.type = TPM2_ALG_KEYEDHASH;
  t.publicArea.nameAlg = TPM2_ALG_SHA256;
  t.publicArea.objectAttributes = kSealedAttributes;
  t.publicArea.authPolicy = policy;
  t.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
  return t;
}

absl::Status CheckSealedPublic(const TPMT_PUBLIC& p) {
  if (p.type != TPM2_ALG_KEYEDHASH || p.nameAlg != TPM2_ALG_SHA256 ||
      p.objectAttributes != kSealedAttributes || p.authPolicy.size != 32 ||
      p.parameters.keyedHashDetail.scheme.scheme != TPM2_ALG_NULL) {
    return absl::InvalidArgumentError(
        "TPM seal envelope: the object is not a breakglass sealed-data object "
        "(keyedHash, SHA-256, policy-only authorization)");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ResolveSrk(TssContext::Lease& lease, uint32_t handle) {
  absl::StatusOr<uint32_t> srk = lease.Resolve(handle);
  if (absl::IsNotFound(srk.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage root key missing at ", HandleHex(handle), "; provision the TPM keystore"));
  }
  return srk;
}

absl::StatusOr<std::string> SrkName(TssContext::Lease& lease, uint32_t srk) {
  TPM2B_NAME* name = nullptr;
  BG_RETURN_IF_ERROR(lease.Check("Esys_TR_GetName", Esys_TR_GetName(lease.esys(), srk, &name)));
  EsysPtr<TPM2B_NAME> owned(name);
  return internal::Bytes(owned->name, owned->size);
}

// Load failures the TPM reports for the object's own bytes mean tampering.
absl::Status LoadError(TssContext::Lease& lease, TSS2_RC rc, uint32_t srk_handle) {
  absl::Status st = lease.Check("TPM2_Load", rc);
  const uint32_t code = internal::TpmRcCode(rc);
  if (st.ok() || code == 0 || absl::IsUnavailable(st) || absl::IsResourceExhausted(st)) return st;
  return absl::DataLossError(
      absl::StrCat("sealed object does not load under the SRK at ", HandleHex(srk_handle),
                   " (tampered envelope, or sealed by another TPM): ", std::string(st.message())));
}

absl::Status UnsealError(TssContext::Lease& lease, TSS2_RC rc, const PcrSelection& pcrs) {
  absl::Status st = lease.Check("TPM2_Unseal", rc);
  const uint32_t code = internal::TpmRcCode(rc);
  if (code == TPM2_RC_POLICY_FAIL || code == TPM2_RC_PCR_CHANGED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PCR policy ", pcrs.ToString(), " not satisfied: a selected PCR changed since sealing (",
        std::string(st.message()), ")"));
  }
  if (code == TPM2_RC_AUTH_FAIL || code == TPM2_RC_BAD_AUTH) {
    return absl::DataLossError(absl::StrCat("associated data does not match this sealed share (",
                                            std::string(st.message()), ")"));
  }
  return st;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TpmSealingKeystore>> TpmSealingKeystore::Create(
    TssContext* ctx, SealingKeystoreOptions options) {
  BG_RETURN_IF_ERROR(base::Annotate(options.pcrs.Validate(), "TPM keystore PCR selection"));
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx->Acquire());
  absl::StatusOr<TPM2B_PUBLIC> srk = internal::EnsurePersistentPrimary(
      lease, SrkKind(options.srk_algorithm), options.srk_handle, options.create_srk_if_absent);
  if (absl::IsNotFound(srk.status())) return absl::FailedPreconditionError(srk.status().message());
  if (!srk.ok()) return srk.status();
  BG_ASSIGN_OR_RETURN(uint32_t srk_tr, lease.Resolve(options.srk_handle));
  BG_ASSIGN_OR_RETURN(std::string name, SrkName(lease, srk_tr));
  return std::unique_ptr<TpmSealingKeystore>(
      new TpmSealingKeystore(ctx, std::move(options), std::move(name)));
}

absl::StatusOr<internal::SealEnvelope> TpmSealingKeystore::SealDataKey(
    const base::SecretBytes& data_key, std::string_view aad) {
  BG_ASSIGN_OR_RETURN(TPML_PCR_SELECTION pcrs, internal::ToTpml(options_.pcrs));
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  BG_ASSIGN_OR_RETURN(uint32_t srk, ResolveSrk(lease, options_.srk_handle));
  BG_ASSIGN_OR_RETURN(TPM2B_DIGEST policy, internal::TrialPolicyDigest(lease, options_.pcrs));
  ScopedTransient encrypt(lease);
  BG_RETURN_IF_ERROR(internal::StartSession(lease, TPM2_SE_HMAC, srk, encrypt));
  BG_RETURN_IF_ERROR(lease.Check(
      "Esys_TRSess_SetAttributes",
      Esys_TRSess_SetAttributes(lease.esys(), encrypt.get(),
                                TPMA_SESSION_DECRYPT | TPMA_SESSION_CONTINUESESSION, 0xff)));

  TPM2B_SENSITIVE_CREATE sensitive = {};
  sensitive.sensitive.userAuth = AadAuth(aad);
  sensitive.sensitive.data.size = static_cast<uint16_t>(data_key.size());
  std::copy_n(data_key.data(base::InsecureSecretAccess::Get()), data_key.size(),
              sensitive.sensitive.data.buffer);
  const TPM2B_PUBLIC in_public = SealedTemplate(policy);
  const TPM2B_DATA outside = {};
  const TPML_PCR_SELECTION creation_pcrs = {};
  TPM2B_PRIVATE* out_private = nullptr;
  TPM2B_PUBLIC* out_public = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  TSS2_RC rc = Esys_Create(lease.esys(), srk, ESYS_TR_PASSWORD, encrypt.get(), ESYS_TR_NONE,
                           &sensitive, &in_public, &outside, &creation_pcrs, &out_private,
                           &out_public, &creation_data, &creation_hash, &ticket);
  OPENSSL_cleanse(&sensitive, sizeof(sensitive));
  EsysPtr<TPM2B_PRIVATE> p1(out_private);
  EsysPtr<TPM2B_PUBLIC> p2(out_public);
  EsysPtr<TPM2B_CREATION_DATA> p3(creation_data);
  EsysPtr<TPM2B_DIGEST> p4(creation_hash);
  EsysPtr<TPMT_TK_CREATION> p5(ticket);
  BG_RETURN_IF_ERROR(lease.Check("TPM2_Create(sealed data)", rc));

  internal::SealEnvelope e;
  e.srk_handle = options_.srk_handle;
  e.srk_name = srk_name_;
  e.pcr_bank = pcrs.pcrSelections[0].hash;
  e.pcr_select = SelectBytes(pcrs);
  e.public_area = *p2;
  e.private_area = *p1;
  return e;
}

absl::StatusOr<base::SecretBytes> TpmSealingKeystore::UnsealDataKey(const internal::SealEnvelope& e,
                                                                    std::string_view aad) {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  BG_ASSIGN_OR_RETURN(uint32_t srk, ResolveSrk(lease, options_.srk_handle));
  ScopedTransient object(lease);
  BG_RETURN_IF_ERROR(
      LoadError(lease,
                Esys_Load(lease.esys(), srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                          &e.private_area, &e.public_area, object.out()),
                options_.srk_handle));
  ScopedTransient session(lease);
  BG_RETURN_IF_ERROR(internal::StartPcrPolicySession(lease, options_.pcrs, srk,
                                                     internal::AuthProof::kHmac, session));
  BG_RETURN_IF_ERROR(lease.Check(
      "Esys_TRSess_SetAttributes",
      Esys_TRSess_SetAttributes(lease.esys(), session.get(),
                                TPMA_SESSION_ENCRYPT | TPMA_SESSION_CONTINUESESSION, 0xff)));
  const TPM2B_AUTH auth = AadAuth(aad);
  BG_RETURN_IF_ERROR(
      lease.Check("Esys_TR_SetAuth", Esys_TR_SetAuth(lease.esys(), object.get(), &auth)));
  TPM2B_SENSITIVE_DATA* out = nullptr;
  TSS2_RC rc =
      Esys_Unseal(lease.esys(), object.get(), session.get(), ESYS_TR_NONE, ESYS_TR_NONE, &out);
  EsysPtr<TPM2B_SENSITIVE_DATA> owned(out);
  BG_RETURN_IF_ERROR(UnsealError(lease, rc, options_.pcrs));
  base::SecretBytes key =
      base::SecretBytes::CopyFrom(std::span<const uint8_t>(owned->buffer, owned->size));
  OPENSSL_cleanse(owned.get(), sizeof(TPM2B_SENSITIVE_DATA));
  return key;
}

absl::StatusOr<std::string> TpmSealingKeystore::Seal(const base::SecretBytes& plaintext,
                                                     std::string_view aad) {
  if (plaintext.size() > kMaxPlaintext) {
    return absl::InvalidArgumentError(absl::StrCat("TPM seal: plaintext is ", plaintext.size(),
                                                   " bytes; at most 1 MiB can be sealed"));
  }
  BG_ASSIGN_OR_RETURN(base::SecretBytes data_key, crypto::GenerateAes256Key(*random_));
  BG_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead, crypto::Aes256Gcm::Create(data_key.Clone()));
  BG_ASSIGN_OR_RETURN(internal::SealEnvelope e, SealDataKey(data_key, aad));
  BG_ASSIGN_OR_RETURN(std::string prefix, internal::EncodeSealEnvelopePrefix(e));
  BG_ASSIGN_OR_RETURN(e.aead, aead.Seal(plaintext, AeadAad(prefix, aad), *random_));
  return internal::EncodeSealEnvelope(e);
}

absl::StatusOr<base::SecretBytes> TpmSealingKeystore::Unseal(std::string_view envelope,
                                                             std::string_view aad) {
  BG_ASSIGN_OR_RETURN(internal::SealEnvelope e, internal::DecodeSealEnvelope(envelope));
  BG_RETURN_IF_ERROR(CheckEnvelope(e));
  BG_ASSIGN_OR_RETURN(base::SecretBytes data_key, UnsealDataKey(e, aad));
  BG_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead, crypto::Aes256Gcm::Create(std::move(data_key)));
  BG_ASSIGN_OR_RETURN(std::string prefix, internal::EncodeSealEnvelopePrefix(e));
  absl::StatusOr<base::SecretBytes> plaintext = aead.Open(e.aead, AeadAad(prefix, aad));
  if (!plaintext.ok()) {
    return absl::DataLossError(
        "TPM seal envelope: the sealed share fails authentication (tampered ciphertext)");
  }
  return plaintext;
}

absl::Status TpmSealingKeystore::CheckEnvelope(const internal::SealEnvelope& e) const {
  BG_ASSIGN_OR_RETURN(TPML_PCR_SELECTION pcrs, internal::ToTpml(options_.pcrs));
  if (e.srk_handle != options_.srk_handle) {
    return absl::InvalidArgumentError(absl::StrCat("TPM seal envelope names another key (SRK ",
                                                   HandleHex(e.srk_handle), "); this keystore is ",
                                                   Describe()));
  }
  if (e.pcr_bank != pcrs.pcrSelections[0].hash || e.pcr_select != SelectBytes(pcrs)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TPM seal envelope names another PCR selection than ", options_.pcrs.ToString(),
        " (firmware-config changed? re-seal by rotating the credential)"));
  }
  if (e.srk_name != srk_name_) {
    return absl::DataLossError(absl::StrCat("TPM seal envelope was sealed under another SRK at ",
                                            HandleHex(e.srk_handle),
                                            " (a re-provisioned or foreign TPM)"));
  }
  return CheckSealedPublic(e.public_area.publicArea);
}

std::string TpmSealingKeystore::Describe() const {
  return absl::StrCat("tpm:srk=", HandleHex(options_.srk_handle),
                      ";pcr=", options_.pcrs.ToString());
}

}  // namespace breakglass::tpm::tss
