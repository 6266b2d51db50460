#include "hsm/pkcs11/pkcs11_keystore.h"

#include "absl/strings/str_cat.h"
#include "hsm/envelope/keystore_envelope.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/object_ref.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/internal/uri.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using internal::CkCheck;
using internal::CkrOf;
using internal::TokenCore;

constexpr CK_ULONG kAes256KeyBytes = 32;
CK_BYTE kEmpty[1] = {0};  // a non-null pointer for zero-length input/output

CK_BYTE* Ptr(std::string_view s) {
  return s.empty() ? kEmpty : reinterpret_cast<CK_BYTE*>(const_cast<char*>(s.data()));
}

// FAILED_PRECONDITION unless `key` is a sensitive, non-extractable AES-256 key
// that may encrypt and decrypt.
absl::Status CheckSealingKey(const TokenCore& token, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                             const std::string& what) {
  BG_ASSIGN_OR_RETURN(CK_ULONG type, token.GetUlong(s, key, CKA_KEY_TYPE, what));
  BG_ASSIGN_OR_RETURN(CK_ULONG len, token.GetUlong(s, key, CKA_VALUE_LEN, what));
  BG_ASSIGN_OR_RETURN(bool sensitive, token.GetBool(s, key, CKA_SENSITIVE, what));
  BG_ASSIGN_OR_RETURN(bool extractable, token.GetBool(s, key, CKA_EXTRACTABLE, what));
  BG_ASSIGN_OR_RETURN(bool encrypt, token.GetBool(s, key, CKA_ENCRYPT, what));
  BG_ASSIGN_OR_RETURN(bool decrypt, token.GetBool(s, key, CKA_DECRYPT, what));
  if (type != CKK_AES || len != kAes256KeyBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " is not an AES-256 key; re-provision the token"));
  }
  if (!sensitive || extractable) {
    return absl::FailedPreconditionError(
        absl::StrCat(what,
                     " is not sensitive or is extractable, so it could leave the token; "
                     "re-provision it with CKA_SENSITIVE=true, CKA_EXTRACTABLE=false"));
  }
  if (!encrypt || !decrypt) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " may not encrypt and decrypt; re-provision the token"));
  }
  return absl::OkStatus();
}

// How C_Decrypt reports a GCM tag mismatch: v2.40 says
// CKR_ENCRYPTED_DATA_INVALID; SoftHSM2 2.6 returns CKR_GENERAL_ERROR. Either
// way no plaintext is released, so both mean DATA_LOSS.
bool IsTagFailure(CK_RV rv) {
  return rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
         rv == CKR_GENERAL_ERROR;
}

CK_GCM_PARAMS GcmParams(CK_BYTE* iv, const std::string& aad) {
  CK_GCM_PARAMS params{};
  params.pIv = iv;
  params.ulIvLen = kEnvelopeIvSize;
  params.ulIvBits = kEnvelopeIvSize * 8;
  params.pAAD = Ptr(aad);
  params.ulAADLen = aad.size();
  params.ulTagBits = kEnvelopeTagSize * 8;
  return params;
}

}  // namespace

Pkcs11Keystore::Pkcs11Keystore(std::shared_ptr<Token> token,
                               std::unique_ptr<internal::ObjectRef> key, std::string header)
    : token_(std::move(token)), key_(std::move(key)), header_(std::move(header)) {}

Pkcs11Keystore::~Pkcs11Keystore() = default;

absl::StatusOr<std::unique_ptr<Pkcs11Keystore>> Pkcs11Keystore::Open(std::shared_ptr<Token> token,
                                                                     std::string_view object_uri) {
  TokenCore& core = token->core();
  BG_ASSIGN_OR_RETURN(internal::ObjectQuery query,
                      internal::QueryFromUri(core, object_uri, CKO_SECRET_KEY));
  BG_RETURN_IF_ERROR(
      core.RequireMechanism(CKM_AES_GCM, CKF_ENCRYPT | CKF_DECRYPT, "seal shares (AES-256-GCM)"));
  BG_ASSIGN_OR_RETURN(std::string header,
                      EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, query.label));
  const std::string what = core.DescribeObject(query);
  BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE handle,
                      core.Run([&](CK_SESSION_HANDLE s) -> absl::StatusOr<CK_OBJECT_HANDLE> {
                        BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, core.FindOne(s, query));
                        BG_RETURN_IF_ERROR(CheckSealingKey(core, s, key, what));
                        return key;
                      }));
  auto key = std::make_unique<internal::ObjectRef>(&core, std::move(query), handle);
  return std::unique_ptr<Pkcs11Keystore>(
      new Pkcs11Keystore(std::move(token), std::move(key), std::move(header)));
}

absl::StatusOr<std::string> Pkcs11Keystore::Seal(const base::SecretBytes& plaintext,
                                                 std::string_view aad) {
  TokenCore& core = token_->core();
  const std::string gcm_aad = EnvelopeAad(header_, aad);
  const std::string_view pt = plaintext.view(base::InsecureSecretAccess::Get());
  const std::string& what = key_->description();
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::StatusOr<std::string> {
    BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, key_->Get(s));
    std::string out = header_;
    out.resize(header_.size() + kEnvelopeIvSize + pt.size() + kEnvelopeTagSize);
    auto* iv = reinterpret_cast<CK_BYTE*>(out.data() + header_.size());
    BG_RETURN_IF_ERROR(
        CkCheck(core.fns()->C_GenerateRandom(s, iv, kEnvelopeIvSize), "C_GenerateRandom", what));
    CK_GCM_PARAMS params = GcmParams(iv, gcm_aad);
    CK_MECHANISM mech{CKM_AES_GCM, &params, sizeof(params)};
    BG_RETURN_IF_ERROR(CkCheck(core.fns()->C_EncryptInit(s, &mech, key), "C_EncryptInit", what));
    CK_BYTE* ct = iv + kEnvelopeIvSize;
    CK_ULONG ct_len = pt.size() + kEnvelopeTagSize;
    BG_RETURN_IF_ERROR(
        CkCheck(core.fns()->C_Encrypt(s, Ptr(pt), pt.size(), ct, &ct_len), "C_Encrypt", what));
    if (ct_len != pt.size() + kEnvelopeTagSize) {
      return absl::InternalError(absl::StrCat("C_Encrypt with ", what, " returned ", ct_len,
                                              " bytes, expected ", pt.size() + 16));
    }
    return out;
  });
}

absl::StatusOr<base::SecretBytes> Pkcs11Keystore::Unseal(std::string_view envelope,
                                                         std::string_view aad) {
  BG_ASSIGN_OR_RETURN(EnvelopeView view, ParseEnvelope(envelope));
  if (view.key_label != key_->label()) {
    return absl::InvalidArgumentError(
        absl::StrCat("envelope was sealed under key '", std::string(view.key_label),
                     "', but this keystore holds ", key_->description()));
  }
  TokenCore& core = token_->core();
  const std::string gcm_aad = EnvelopeAad(view.header, aad);
  const std::string& what = key_->description();
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::StatusOr<base::SecretBytes> {
    BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, key_->Get(s));
    CK_GCM_PARAMS params = GcmParams(Ptr(view.iv), gcm_aad);
    CK_MECHANISM mech{CKM_AES_GCM, &params, sizeof(params)};
    BG_RETURN_IF_ERROR(CkCheck(core.fns()->C_DecryptInit(s, &mech, key), "C_DecryptInit", what));
    // Modules may insist on room for ciphertext || tag (SoftHSM2 does), even
    // though the tag is not output; the secret is truncated afterwards.
    base::SecretBytes out(view.ciphertext_and_tag.size());
    CK_BYTE* pt = out.data(base::InsecureSecretAccess::Get());
    CK_ULONG pt_len = out.size();
    const CK_RV rv = core.fns()->C_Decrypt(s, Ptr(view.ciphertext_and_tag),
                                           view.ciphertext_and_tag.size(), pt, &pt_len);
    if (IsTagFailure(rv)) {
      return absl::DataLossError(absl::StrCat(
          "C_Decrypt (CKM_AES_GCM) with ", what, ": ", internal::CkrName(rv),
          ": authentication failed — the associated data differs, the envelope was modified, "
          "or it was sealed under another key of the same label"));
    }
    BG_RETURN_IF_ERROR(CkCheck(rv, "C_Decrypt", what));
    if (pt_len != view.ciphertext.size()) {
      return absl::InternalError(absl::StrCat("C_Decrypt with ", what, " returned ", pt_len,
                                              " bytes, expected ", view.ciphertext.size()));
    }
    out.Truncate(pt_len);
    return out;
  });
}

std::string Pkcs11Keystore::Describe() const {
  return absl::StrCat(token_->Describe(), ";object=", internal::PercentEncode(key_->label()));
}

}  // namespace breakglass::hsm::pkcs11
