#include "hsm/pkcs11/provisioning.h"

#include "absl/strings/str_cat.h"
#include "hsm/envelope/keystore_envelope.h"
#include "hsm/pkcs11/internal/attribute_template.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/ec_der.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/internal/uri.h"
#include "hsm/pkcs11/pkcs11_signer.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using crypto::SignatureAlgorithm;
using internal::AttributeTemplate;
using internal::CkCheck;
using internal::TokenCore;

constexpr size_t kIdSize = 16;

absl::Status CheckLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxKeyLabelSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a key label must be 1..", kMaxKeyLabelSize, " bytes, not ", label.size()));
  }
  return absl::OkStatus();
}

// ALREADY_EXISTS when any object on the token carries `label`.
absl::Status CheckLabelFree(TokenCore& core, std::string_view label) {
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
    AttributeTemplate tmpl;
    tmpl.Bytes(CKA_LABEL, label);
    BG_ASSIGN_OR_RETURN(std::vector<CK_OBJECT_HANDLE> found,
                        core.FindAll(s, tmpl.data(), tmpl.size()));
    if (found.empty()) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat(
        core.name(), " already holds ", found.size(), " object(s) labelled '", std::string(label),
        "'; provisioning twice would make a second key — remove the old "
        "one deliberately first if you mean to replace it"));
  });
}

absl::StatusOr<std::string> RandomId(TokenCore& core, CK_SESSION_HANDLE s) {
  std::string id(kIdSize, '\0');
  BG_RETURN_IF_ERROR(
      CkCheck(core.fns()->C_GenerateRandom(s, reinterpret_cast<CK_BYTE*>(id.data()), id.size()),
              "C_GenerateRandom", core.name()));
  return id;
}

absl::Status GenerateAes256(TokenCore& core, std::string_view label) {
  const std::string what = absl::StrCat("new AES key '", std::string(label), "' on ", core.name());
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
    BG_ASSIGN_OR_RETURN(std::string id, RandomId(core, s));
    AttributeTemplate t;
    t.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Ulong(CKA_VALUE_LEN, 32);
    t.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SENSITIVE, true);
    t.Bool(CKA_EXTRACTABLE, false).Bool(CKA_MODIFIABLE, false);
    t.Bool(CKA_ENCRYPT, true).Bool(CKA_DECRYPT, true).Bool(CKA_WRAP, false);
    t.Bool(CKA_UNWRAP, false).Bool(CKA_SIGN, false).Bool(CKA_VERIFY, false);
    t.Bool(CKA_DERIVE, false).Bytes(CKA_LABEL, label).Bytes(CKA_ID, id);
    CK_MECHANISM mech{CKM_AES_KEY_GEN, nullptr, 0};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    return CkCheck(core.fns()->C_GenerateKey(s, &mech, t.data(), t.size(), &key),
                   "C_GenerateKey (CKM_AES_KEY_GEN)", what);
  });
}

absl::Status GenerateKeyPair(TokenCore& core, std::string_view label, SignatureAlgorithm alg) {
  const bool ed = alg == SignatureAlgorithm::kEd25519;
  const std::string what = absl::StrCat("new key pair '", std::string(label), "' on ", core.name());
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::Status {
    BG_ASSIGN_OR_RETURN(std::string id, RandomId(core, s));
    AttributeTemplate pub;
    pub.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, ed ? CKK_EC_EDWARDS : CKK_EC);
    pub.Bytes(CKA_EC_PARAMS, ed ? internal::kEd25519OidDer : internal::kP256OidDer);
    pub.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, false).Bool(CKA_VERIFY, true);
    pub.Bool(CKA_ENCRYPT, false).Bool(CKA_WRAP, false).Bool(CKA_DERIVE, false);
    pub.Bool(CKA_MODIFIABLE, false).Bytes(CKA_LABEL, label).Bytes(CKA_ID, id);
    AttributeTemplate priv;
    priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, ed ? CKK_EC_EDWARDS : CKK_EC);
    priv.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SENSITIVE, true);
    priv.Bool(CKA_EXTRACTABLE, false).Bool(CKA_SIGN, true).Bool(CKA_DECRYPT, false);
    priv.Bool(CKA_UNWRAP, false).Bool(CKA_DERIVE, false).Bool(CKA_MODIFIABLE, false);
    priv.Bytes(CKA_LABEL, label).Bytes(CKA_ID, id);
    CK_MECHANISM mech{ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE, priv_key = CK_INVALID_HANDLE;
    return CkCheck(core.fns()->C_GenerateKeyPair(s, &mech, pub.data(), pub.size(), priv.data(),
                                                 priv.size(), &pub_key, &priv_key),
                   absl::StrCat("C_GenerateKeyPair (", internal::CkmName(mech.mechanism), ")"),
                   what);
  });
}

absl::Status RequireKeyPairMechanisms(const TokenCore& core, SignatureAlgorithm alg) {
  const bool ed = alg == SignatureAlgorithm::kEd25519;
  BG_RETURN_IF_ERROR(core.RequireMechanism(
      ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR,
      ed ? "generate Ed25519 keys" : "generate ECDSA P-256 keys"));
  return core.RequireMechanism(ed ? CKM_EDDSA : CKM_ECDSA, CKF_SIGN,
                               ed ? "sign with Ed25519" : "sign with ECDSA P-256");
}

absl::Status RequireSealingMechanisms(const TokenCore& core) {
  BG_RETURN_IF_ERROR(
      core.RequireMechanism(CKM_AES_KEY_GEN, CKF_GENERATE, "generate the share-sealing key"));
  return core.RequireMechanism(CKM_AES_GCM, CKF_ENCRYPT | CKF_DECRYPT, "seal shares (AES-256-GCM)");
}

absl::StatusOr<crypto::PublicKey> ReadBack(const std::shared_ptr<Token>& token,
                                           std::string_view label) {
  BG_ASSIGN_OR_RETURN(
      std::unique_ptr<Pkcs11Signer> signer,
      Pkcs11Signer::Open(token, absl::StrCat("pkcs11:object=", internal::PercentEncode(label))));
  return signer->public_key();
}

}  // namespace

absl::Status CreateSealingKey(const std::shared_ptr<Token>& token, std::string_view label) {
  TokenCore& core = token->core();
  BG_RETURN_IF_ERROR(CheckLabel(label));
  BG_RETURN_IF_ERROR(RequireSealingMechanisms(core));
  BG_RETURN_IF_ERROR(CheckLabelFree(core, label));
  return GenerateAes256(core, label);
}

absl::StatusOr<crypto::PublicKey> CreateSigningKeyPair(const std::shared_ptr<Token>& token,
                                                       std::string_view label,
                                                       SignatureAlgorithm algorithm) {
  TokenCore& core = token->core();
  BG_RETURN_IF_ERROR(CheckLabel(label));
  BG_RETURN_IF_ERROR(RequireKeyPairMechanisms(core, algorithm));
  BG_RETURN_IF_ERROR(CheckLabelFree(core, label));
  BG_RETURN_IF_ERROR(GenerateKeyPair(core, label, algorithm));
  return ReadBack(token, label);
}

absl::StatusOr<crypto::PublicKey> ProvisionApplianceKeys(const std::shared_ptr<Token>& token,
                                                         const ApplianceKeyLabels& labels) {
  TokenCore& core = token->core();
  BG_RETURN_IF_ERROR(CheckLabel(labels.share_seal));
  BG_RETURN_IF_ERROR(CheckLabel(labels.log_signing));
  if (labels.share_seal == labels.log_signing) {
    return absl::InvalidArgumentError(
        absl::StrCat("the share-sealing and log keys need different labels, not both '",
                     labels.share_seal, "'"));
  }
  BG_RETURN_IF_ERROR(RequireSealingMechanisms(core));
  BG_RETURN_IF_ERROR(RequireKeyPairMechanisms(core, SignatureAlgorithm::kEd25519));
  BG_RETURN_IF_ERROR(CheckLabelFree(core, labels.share_seal));
  BG_RETURN_IF_ERROR(CheckLabelFree(core, labels.log_signing));
  BG_RETURN_IF_ERROR(GenerateAes256(core, labels.share_seal));
  BG_RETURN_IF_ERROR(GenerateKeyPair(core, labels.log_signing, SignatureAlgorithm::kEd25519));
  return ReadBack(token, labels.log_signing);
}

}  // namespace breakglass::hsm::pkcs11
