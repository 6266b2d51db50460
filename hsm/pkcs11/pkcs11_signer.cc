#include "hsm/pkcs11/pkcs11_signer.h"

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/internal/ck_status.h"
#include "hsm/pkcs11/internal/ec_der.h"
#include "hsm/pkcs11/internal/module_leak_scope.h"
#include "hsm/pkcs11/internal/object_ref.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/internal/uri.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using crypto::SignatureAlgorithm;
using internal::CkCheck;
using internal::ObjectQuery;
using internal::TokenCore;

constexpr size_t kSignatureSize = 64;  // Ed25519, and ECDSA P-256 raw r || s
constexpr std::string_view kSelfTestMessage = "breakglass: PKCS#11 signing key self-test";

CK_MECHANISM_TYPE MechanismFor(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kEd25519 ? CKM_EDDSA : CKM_ECDSA;
}

absl::StatusOr<SignatureAlgorithm> AlgorithmOf(const TokenCore& core, CK_SESSION_HANDLE s,
                                               CK_OBJECT_HANDLE key, const std::string& what) {
  BG_ASSIGN_OR_RETURN(CK_ULONG type, core.GetUlong(s, key, CKA_KEY_TYPE, what));
  if (type == CKK_EC_EDWARDS || type == CKK_EC) {
    BG_ASSIGN_OR_RETURN(std::string params, core.GetAttribute(s, key, CKA_EC_PARAMS, what));
    if (type == CKK_EC_EDWARDS && internal::IsEd25519Params(params)) {
      return SignatureAlgorithm::kEd25519;
    }
    if (type == CKK_EC && internal::IsP256Params(params))
      return SignatureAlgorithm::kEcdsaP256Sha256;
  }
  return absl::FailedPreconditionError(
      absl::StrCat(what, " is neither an Ed25519 nor an ECDSA P-256 key (CKA_KEY_TYPE 0x",
                   absl::Hex(type), "); breakglass signs with those two only"));
}

absl::Status CheckSigningKey(const TokenCore& core, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key,
                             const std::string& what) {
  BG_ASSIGN_OR_RETURN(bool sign, core.GetBool(s, key, CKA_SIGN, what));
  BG_ASSIGN_OR_RETURN(bool sensitive, core.GetBool(s, key, CKA_SENSITIVE, what));
  BG_ASSIGN_OR_RETURN(bool extractable, core.GetBool(s, key, CKA_EXTRACTABLE, what));
  if (!sign) {
    return absl::FailedPreconditionError(absl::StrCat(what, " may not sign (CKA_SIGN false)"));
  }
  if (!sensitive || extractable) {
    return absl::FailedPreconditionError(
        absl::StrCat(what,
                     " is not sensitive or is extractable, so it could leave the token; use a key "
                     "generated with CKA_SENSITIVE=true, CKA_EXTRACTABLE=false"));
  }
  return absl::OkStatus();
}

absl::StatusOr<crypto::PublicKey> ReadPublicKey(const TokenCore& core, CK_SESSION_HANDLE s,
                                                const ObjectQuery& query,
                                                SignatureAlgorithm algorithm) {
  BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE pub, core.FindOne(s, query));
  const std::string what = core.DescribeObject(query);
  BG_ASSIGN_OR_RETURN(std::string value, core.GetAttribute(s, pub, CKA_EC_POINT, what));
  const bool ed = algorithm == SignatureAlgorithm::kEd25519;
  absl::StatusOr<std::string> raw = internal::EcPointFromAttribute(value, ed ? 32 : 65);
  absl::StatusOr<crypto::PublicKey> key = !raw.ok() ? raw.status()
                                          : ed      ? crypto::PublicKey::FromEd25519Raw(*raw)
                                                    : crypto::PublicKey::FromP256Point(*raw);
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " does not hold a usable public key: ", key.status().message()));
  }
  return key;
}

struct OpenedKey {
  CK_OBJECT_HANDLE handle;
  crypto::PublicKey public_key;
};

absl::StatusOr<OpenedKey> OpenKey(const TokenCore& core, CK_SESSION_HANDLE s,
                                  const ObjectQuery& query) {
  const std::string what = core.DescribeObject(query);
  BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, core.FindOne(s, query));
  BG_RETURN_IF_ERROR(CheckSigningKey(core, s, key, what));
  BG_ASSIGN_OR_RETURN(SignatureAlgorithm algorithm, AlgorithmOf(core, s, key, what));
  BG_ASSIGN_OR_RETURN(std::string id, core.GetAttribute(s, key, CKA_ID, what));
  ObjectQuery public_query{CKO_PUBLIC_KEY, query.label, std::nullopt};
  if (!id.empty()) public_query.id = id;
  BG_ASSIGN_OR_RETURN(crypto::PublicKey public_key,
                      ReadPublicKey(core, s, public_query, algorithm));
  return OpenedKey{key, std::move(public_key)};
}

}  // namespace

Pkcs11Signer::Pkcs11Signer(std::shared_ptr<Token> token, std::unique_ptr<internal::ObjectRef> key,
                           crypto::PublicKey public_key)
    : token_(std::move(token)), key_(std::move(key)), public_key_(std::move(public_key)) {}

Pkcs11Signer::~Pkcs11Signer() = default;

absl::StatusOr<std::unique_ptr<Pkcs11Signer>> Pkcs11Signer::Open(const std::string& module_path,
                                                                 std::string_view uri,
                                                                 base::SecretBytes user_pin) {
  BG_ASSIGN_OR_RETURN(
      std::shared_ptr<Token> token,
      Token::Open({.module_path = module_path, .uri = std::string(uri)}, std::move(user_pin)));
  return Open(std::move(token), uri);
}

absl::StatusOr<std::unique_ptr<Pkcs11Signer>> Pkcs11Signer::Open(std::shared_ptr<Token> token,
                                                                 std::string_view object_uri) {
  TokenCore& core = token->core();
  BG_ASSIGN_OR_RETURN(ObjectQuery query, internal::QueryFromUri(core, object_uri, CKO_PRIVATE_KEY));
  BG_ASSIGN_OR_RETURN(OpenedKey opened,
                      core.Run([&](CK_SESSION_HANDLE s) { return OpenKey(core, s, query); }));
  const SignatureAlgorithm algorithm = opened.public_key.algorithm();
  BG_RETURN_IF_ERROR(core.RequireMechanism(
      MechanismFor(algorithm), CKF_SIGN,
      absl::StrCat("sign with ", std::string(crypto::SignatureAlgorithmName(algorithm)), " keys")));
  auto key = std::make_unique<internal::ObjectRef>(&core, query, opened.handle);
  std::unique_ptr<Pkcs11Signer> signer(
      new Pkcs11Signer(std::move(token), std::move(key), std::move(opened.public_key)));
  BG_ASSIGN_OR_RETURN(std::string signature, signer->Sign(kSelfTestMessage));
  if (!signer->public_key_.Verify(kSelfTestMessage, signature).ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the public key labelled '", query.label, "' does not belong to ",
                     core.DescribeObject(query), "; fix the key pair on the token"));
  }
  return signer;
}

absl::StatusOr<std::string> Pkcs11Signer::Sign(std::string_view message) {
  TokenCore& core = token_->core();
  const bool ed = algorithm() == SignatureAlgorithm::kEd25519;
  std::string data = ed ? std::string(message) : crypto::Sha256String(message);
  CK_MECHANISM mech{MechanismFor(algorithm()), nullptr, 0};
  const std::string& what = key_->description();
  return core.Run([&](CK_SESSION_HANDLE s) -> absl::StatusOr<std::string> {
    BG_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, key_->Get(s));
    internal::ModuleLeakScope module_leaks;  // SoftHSM2 leaks per Ed25519 sign
    BG_RETURN_IF_ERROR(CkCheck(core.fns()->C_SignInit(s, &mech, key), "C_SignInit", what));
    std::string signature(kSignatureSize, '\0');
    CK_ULONG len = signature.size();
    CK_BYTE empty = 0;
    CK_BYTE* in = data.empty() ? &empty : reinterpret_cast<CK_BYTE*>(data.data());
    BG_RETURN_IF_ERROR(CkCheck(
        core.fns()->C_Sign(s, in, data.size(), reinterpret_cast<CK_BYTE*>(signature.data()), &len),
        "C_Sign", what));
    if (len != kSignatureSize) {
      return absl::InternalError(
          absl::StrCat("C_Sign with ", what, " returned ", len, " bytes, expected 64"));
    }
    return signature;
  });
}

std::string Pkcs11Signer::Describe() const {
  return absl::StrCat(token_->Describe(), ";object=", internal::PercentEncode(key_->label()));
}

}  // namespace breakglass::hsm::pkcs11
