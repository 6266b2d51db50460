#include "tpm/tss/internal/primary_key.h"

#include "absl/strings/str_cat.h"
#include "tpm/tss/internal/esys_util.h"
#include "vault/base/status.h"

namespace breakglass::tpm::tss::internal {
namespace {

constexpr TPMA_OBJECT kCommonAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                                          TPMA_OBJECT_SENSITIVEDATAORIGIN |
                                          TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA;

TPM2B_PUBLIC EccTemplate() {
  TPM2B_PUBLIC t = {};
  t.publicArea.type = TPM2_ALG_ECC;
  t.publicArea.nameAlg = TPM2_ALG_SHA256;
  t.publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
  t.publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  return t;
}

void SetAes128Cfb(TPMT_SYM_DEF_OBJECT& sym) {
  sym.algorithm = TPM2_ALG_AES;
  sym.keyBits.aes = 128;
  sym.mode.aes = TPM2_ALG_CFB;
}

bool SameTemplate(const TPMT_PUBLIC& a, const TPMT_PUBLIC& b) {
  if (a.type != b.type || a.nameAlg != b.nameAlg || a.objectAttributes != b.objectAttributes) {
    return false;
  }
  if (a.type == TPM2_ALG_ECC) {
    const auto& x = a.parameters.eccDetail;
    const auto& y = b.parameters.eccDetail;
    return x.curveID == y.curveID && x.scheme.scheme == y.scheme.scheme &&
           x.symmetric.algorithm == y.symmetric.algorithm &&
           (x.scheme.scheme != TPM2_ALG_ECDSA ||
            x.scheme.details.ecdsa.hashAlg == y.scheme.details.ecdsa.hashAlg);
  }
  const auto& x = a.parameters.rsaDetail;
  const auto& y = b.parameters.rsaDetail;
  return x.keyBits == y.keyBits && x.symmetric.algorithm == y.symmetric.algorithm &&
         x.scheme.scheme == y.scheme.scheme;
}

ESYS_TR Hierarchy(PrimaryKind kind) {
  return kind == PrimaryKind::kAttestationKey ? ESYS_TR_RH_ENDORSEMENT : ESYS_TR_RH_OWNER;
}

absl::Status CreateAndPersist(TssContext::Lease& lease, PrimaryKind kind, uint32_t handle) {
  const TPM2B_PUBLIC in_public = PrimaryTemplate(kind);
  const TPM2B_SENSITIVE_CREATE in_sensitive = {};
  const TPM2B_DATA outside = {};
  const TPML_PCR_SELECTION creation_pcrs = {};
  ScopedTransient transient(lease);
  TPM2B_PUBLIC* out_public = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  TSS2_RC rc =
      Esys_CreatePrimary(lease.esys(), Hierarchy(kind), ESYS_TR_PASSWORD, ESYS_TR_NONE,
                         ESYS_TR_NONE, &in_sensitive, &in_public, &outside, &creation_pcrs,
                         transient.out(), &out_public, &creation_data, &creation_hash, &ticket);
  EsysPtr<TPM2B_PUBLIC> p1(out_public);
  EsysPtr<TPM2B_CREATION_DATA> p2(creation_data);
  EsysPtr<TPM2B_DIGEST> p3(creation_hash);
  EsysPtr<TPMT_TK_CREATION> p4(ticket);
  BG_RETURN_IF_ERROR(
      lease.Check(absl::StrCat("TPM2_CreatePrimary(", PrimaryKindName(kind), ")"), rc));
  ESYS_TR persistent = ESYS_TR_NONE;
  BG_RETURN_IF_ERROR(lease.Check(
      absl::StrCat("TPM2_EvictControl(", PrimaryKindName(kind), " -> ", HandleHex(handle), ")"),
      Esys_EvictControl(lease.esys(), ESYS_TR_RH_OWNER, transient.get(), ESYS_TR_PASSWORD,
                        ESYS_TR_NONE, ESYS_TR_NONE, handle, &persistent)));
  Esys_TR_Close(lease.esys(), &persistent);  // Resolve() makes the cached one
  return absl::OkStatus();
}

absl::StatusOr<TPM2B_PUBLIC> ReadPublic(TssContext::Lease& lease, ESYS_TR tr) {
  TPM2B_PUBLIC* pub = nullptr;
  TPM2B_NAME* name = nullptr;
  TPM2B_NAME* qualified = nullptr;
  TSS2_RC rc = Esys_ReadPublic(lease.esys(), tr, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub,
                               &name, &qualified);
  EsysPtr<TPM2B_PUBLIC> p1(pub);
  EsysPtr<TPM2B_NAME> p2(name);
  EsysPtr<TPM2B_NAME> p3(qualified);
  BG_RETURN_IF_ERROR(lease.Check("TPM2_ReadPublic", rc));
  return *p1;
}

}  // namespace

const char* PrimaryKindName(PrimaryKind kind) {
  switch (kind) {
    case PrimaryKind::kAttestationKey:
      return "attestation key (ECC P-256, restricted signing, endorsement hierarchy)";
    case PrimaryKind::kSrkEccP256:
      return "storage root key (ECC P-256)";
    case PrimaryKind::kSrkRsa2048:
      return "storage root key (RSA-2048)";
  }
  return "?";
}

TPM2B_PUBLIC PrimaryTemplate(PrimaryKind kind) {
  if (kind == PrimaryKind::kAttestationKey) {
    TPM2B_PUBLIC t = EccTemplate();
    t.publicArea.objectAttributes =
        kCommonAttributes | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
    t.publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    t.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
    t.publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
    return t;
  }
  TPM2B_PUBLIC t = {};
  if (kind == PrimaryKind::kSrkEccP256) {
    t = EccTemplate();
    SetAes128Cfb(t.publicArea.parameters.eccDetail.symmetric);
    t.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
  } else {
    t.publicArea.type = TPM2_ALG_RSA;
    t.publicArea.nameAlg = TPM2_ALG_SHA256;
    SetAes128Cfb(t.publicArea.parameters.rsaDetail.symmetric);
    t.publicArea.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
    t.publicArea.parameters.rsaDetail.keyBits = 2048;
    t.publicArea.parameters.rsaDetail.exponent = 0;
  }
  t.publicArea.objectAttributes = kCommonAttributes | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
  return t;
}

absl::StatusOr<TPM2B_PUBLIC> EnsurePersistentPrimary(TssContext::Lease& lease, PrimaryKind kind,
                                                     uint32_t handle, bool create_if_absent) {
  absl::StatusOr<uint32_t> tr = lease.Resolve(handle);
  if (absl::IsNotFound(tr.status())) {
    if (!create_if_absent) {
      return absl::NotFoundError(absl::StrCat("no ", PrimaryKindName(kind),
                                              " at persistent handle ", HandleHex(handle),
                                              "; provision it first"));
    }
    BG_RETURN_IF_ERROR(CreateAndPersist(lease, kind, handle));
    tr = lease.Resolve(handle);
  }
  if (!tr.ok()) return tr.status();
  BG_ASSIGN_OR_RETURN(TPM2B_PUBLIC pub, ReadPublic(lease, *tr));
  if (!SameTemplate(pub.publicArea, PrimaryTemplate(kind).publicArea)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "persistent handle ", HandleHex(handle), " holds a key that is not the expected ",
        PrimaryKindName(kind), "; evict it or name another handle in firmware-config"));
  }
  return pub;
}

}  // namespace breakglass::tpm::tss::internal
