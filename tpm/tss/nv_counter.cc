#include "tpm/tss/nv_counter.h"

#include <openssl/crypto.h>
#include <tss2/tss2_esys.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tpm/tss/internal/esys_util.h"
#include "tpm/tss/internal/policy.h"
#include "tpm/tss/internal/tss_error.h"
#include "vault/base/status.h"

namespace breakglass::tpm::tss {
namespace {

using internal::EsysPtr;
using internal::HandleHex;

// tpm/evidence spells the TPMA_NV bits without TSS headers; keep them equal.
static_assert(kTpmaNvAuthWrite == TPMA_NV_AUTHWRITE);
static_assert(kTpmaNvPolicyWrite == TPMA_NV_POLICYWRITE);
static_assert(kTpmaNvCounter == (TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT));
static_assert(kTpmaNvTypeMask == TPMA_NV_TPM2_NT_MASK);
static_assert(kTpmaNvOwnerRead == TPMA_NV_OWNERREAD);
static_assert(kTpmaNvNoDa == TPMA_NV_NO_DA);
static_assert(kTpmaNvOrderly == TPMA_NV_ORDERLY);
static_assert(kTpmaNvWritten == TPMA_NV_WRITTEN);
static_assert(kTpmAlgSha256 == TPM2_ALG_SHA256);

constexpr uint16_t kCounterSize = 8;
// Attributes the TPM sets by itself; ignored when comparing with the spec.
constexpr uint32_t kTpmSetAttributes = TPMA_NV_WRITTEN | TPMA_NV_WRITELOCKED | TPMA_NV_READLOCKED;

// The auth value as a TPM2B_AUTH, wiped when it goes out of scope.
class Auth final {
 public:
  explicit Auth(const base::SecretBytes& secret) {
    value_.size = static_cast<uint16_t>(secret.size());
    std::copy_n(secret.data(base::InsecureSecretAccess::Get()), secret.size(), value_.buffer);
  }
  ~Auth() { OPENSSL_cleanse(&value_, sizeof(value_)); }
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;
  const TPM2B_AUTH* get() const { return &value_; }

 private:
  TPM2B_AUTH value_ = {};
};

absl::Status CheckSpec(const NvCounterSpec& spec, const base::SecretBytes& auth) {
  if (spec.label.empty()) return absl::InvalidArgumentError("counter label is empty");
  if ((spec.nv_index >> 24) != TPM2_HT_NV_INDEX) {
    return absl::InvalidArgumentError(absl::StrCat(
        "NV index ", HandleHex(spec.nv_index), " is not in the NV range 0x01000000-0x01ffffff"));
  }
  if (auth.size() > sizeof(TPMU_HA::sha256)) {
    return absl::InvalidArgumentError("NV auth value is longer than 32 bytes");
  }
  if (spec.write_policy == NvWritePolicy::kAuthValueAndPcr) return spec.pcrs.Validate();
  return absl::OkStatus();
}

absl::StatusOr<TPM2B_NV_PUBLIC> ReadNvPublic(TssContext::Lease& lease, ESYS_TR nv) {
  TPM2B_NV_PUBLIC* pub = nullptr;
  TPM2B_NAME* name = nullptr;
  TSS2_RC rc =
      Esys_NV_ReadPublic(lease.esys(), nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, &name);
  EsysPtr<TPM2B_NV_PUBLIC> p1(pub);
  EsysPtr<TPM2B_NAME> p2(name);
  BG_RETURN_IF_ERROR(lease.Check("TPM2_NV_ReadPublic", rc));
  return *p1;
}

absl::StatusOr<uint64_t> ReadValue(TssContext::Lease& lease, ESYS_TR nv, uint32_t index) {
  TPM2B_MAX_NV_BUFFER* data = nullptr;
  TSS2_RC rc = Esys_NV_Read(lease.esys(), ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                            ESYS_TR_NONE, kCounterSize, 0, &data);
  EsysPtr<TPM2B_MAX_NV_BUFFER> owned(data);
  if (internal::TpmRcCode(rc) == TPM2_RC_HANDLE) lease.Forget(index);
  if (internal::TpmRcCode(rc) == TPM2_RC_NV_UNINITIALIZED) {
    return absl::FailedPreconditionError(
        absl::StrCat("TPM2_NV_Read: ", internal::DescribeRc(rc),
                     ": defined but never written; provisioning increments it once"));
  }
  BG_RETURN_IF_ERROR(lease.Check("TPM2_NV_Read", rc));
  if (owned->size != kCounterSize) {
    return absl::InternalError(absl::StrCat("TPM2_NV_Read returned ", owned->size, " bytes"));
  }
  return internal::BigEndian64(owned->buffer);
}

}  // namespace

uint32_t NvCounterAttributes(NvWritePolicy policy) {
  const uint32_t write =
      policy == NvWritePolicy::kAuthValue ? TPMA_NV_AUTHWRITE : TPMA_NV_POLICYWRITE;
  return (TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT) | TPMA_NV_NO_DA | TPMA_NV_OWNERREAD | write;
}

absl::Status TssNvCounter::Define(TssContext& ctx, const NvCounterSpec& spec,
                                  const base::SecretBytes& auth) {
  BG_RETURN_IF_ERROR(CheckSpec(spec, auth));
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx.Acquire());
  TPM2B_NV_PUBLIC pub = {};
  pub.nvPublic.nvIndex = spec.nv_index;
  pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
  pub.nvPublic.attributes = NvCounterAttributes(spec.write_policy);
  pub.nvPublic.dataSize = kCounterSize;
  if (spec.write_policy == NvWritePolicy::kAuthValueAndPcr) {
    BG_ASSIGN_OR_RETURN(pub.nvPublic.authPolicy, internal::TrialPolicyDigest(lease, spec.pcrs));
  }
  Auth value(auth);
  ESYS_TR nv = ESYS_TR_NONE;
  absl::Status defined =
      lease.Check("TPM2_NV_DefineSpace",
                  Esys_NV_DefineSpace(lease.esys(), ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
                                      ESYS_TR_NONE, ESYS_TR_NONE, value.get(), &pub, &nv));
  if (defined.ok()) Esys_TR_Close(lease.esys(), &nv);
  return base::Annotate(defined, absl::StrCat("defining TPM counter '", spec.label, "' at NV ",
                                              HandleHex(spec.nv_index)));
}

absl::Status TssNvCounter::Undefine(TssContext& ctx, uint32_t nv_index) {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx.Acquire());
  BG_ASSIGN_OR_RETURN(uint32_t nv, lease.Resolve(nv_index));
  absl::Status st =
      lease.Check(absl::StrCat("TPM2_NV_UndefineSpace(", HandleHex(nv_index), ")"),
                  Esys_NV_UndefineSpace(lease.esys(), ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD,
                                        ESYS_TR_NONE, ESYS_TR_NONE));
  if (st.ok()) lease.Forget(nv_index);
  return st;
}

absl::StatusOr<std::unique_ptr<TssNvCounter>> TssNvCounter::Open(TssContext* ctx,
                                                                 NvCounterSpec spec,
                                                                 base::SecretBytes auth,
                                                                 const AttestationKey* ak) {
  BG_RETURN_IF_ERROR(CheckSpec(spec, auth));
  if (ak == nullptr) return absl::InvalidArgumentError("TPM counter needs an attestation key");
  std::unique_ptr<TssNvCounter> counter(
      new TssNvCounter(ctx, std::move(spec), std::move(auth), ak));
  BG_ASSIGN_OR_RETURN(NvPublic pub, counter->ReadPublic());
  const uint32_t want = NvCounterAttributes(counter->spec_.write_policy);
  if ((pub.attributes & ~kTpmSetAttributes) != want || pub.data_size != kCounterSize) {
    return counter->Annotate(absl::FailedPreconditionError(absl::StrCat(
        "NV index has attributes 0x", absl::Hex(pub.attributes), " and size ", pub.data_size,
        "; expected 0x", absl::Hex(want), " and 8 (counter, not orderly, NO_DA, OWNERREAD, ",
        "write policy per firmware-config). Was it defined by someone else?")));
  }
  return counter;
}

absl::StatusOr<NvPublic> TssNvCounter::ReadPublic() {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  absl::StatusOr<uint32_t> nv = lease.Resolve(spec_.nv_index);
  if (!nv.ok()) return Annotate(nv.status());
  absl::StatusOr<TPM2B_NV_PUBLIC> pub = ReadNvPublic(lease, *nv);
  if (!pub.ok()) return Annotate(pub.status());
  const TPMS_NV_PUBLIC& p = pub->nvPublic;
  return NvPublic{.nv_index = p.nvIndex,
                  .name_alg = p.nameAlg,
                  .attributes = p.attributes,
                  .auth_policy = internal::Bytes(p.authPolicy.buffer, p.authPolicy.size),
                  .data_size = p.dataSize};
}

absl::StatusOr<uint64_t> TssNvCounter::Read() {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  absl::StatusOr<uint32_t> nv = lease.Resolve(spec_.nv_index);
  if (!nv.ok()) return Annotate(nv.status());
  absl::StatusOr<uint64_t> value = ReadValue(lease, *nv, spec_.nv_index);
  if (!value.ok()) return Annotate(value.status());
  return value;
}

absl::StatusOr<uint64_t> TssNvCounter::IncrementOnce(bool read_back, bool& nv_rate) {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, ctx_->Acquire());
  BG_ASSIGN_OR_RETURN(uint32_t nv, lease.Resolve(spec_.nv_index));
  internal::ScopedTransient policy(lease);
  ESYS_TR session = ESYS_TR_PASSWORD;
  if (spec_.write_policy == NvWritePolicy::kAuthValueAndPcr) {
    BG_RETURN_IF_ERROR(internal::StartPcrPolicySession(lease, spec_.pcrs, ESYS_TR_NONE,
                                                       internal::AuthProof::kPassword, policy));
    session = policy.get();
  }
  Auth value(auth_);
  Esys_TR_SetAuth(lease.esys(), nv, value.get());
  TSS2_RC rc = Esys_NV_Increment(lease.esys(), nv, nv, session, ESYS_TR_NONE, ESYS_TR_NONE);
  if (lease.esys() != nullptr) {
    const TPM2B_AUTH empty = {};
    Esys_TR_SetAuth(lease.esys(), nv, &empty);  // the secret does not linger in ESAPI
  }
  nv_rate = internal::TpmRcCode(rc) == TPM2_RC_NV_RATE;
  if (internal::TpmRcCode(rc) == TPM2_RC_HANDLE) lease.Forget(spec_.nv_index);
  BG_RETURN_IF_ERROR(lease.Check("TPM2_NV_Increment", rc));
  if (!read_back) return 0;
  return ReadValue(lease, nv, spec_.nv_index);
}

absl::StatusOr<uint64_t> TssNvCounter::Increment() { return IncrementWithRetry(true); }

absl::Status TssNvCounter::Advance() { return IncrementWithRetry(false).status(); }

absl::StatusOr<uint64_t> TssNvCounter::IncrementWithRetry(bool read_back) {
  absl::StatusOr<uint64_t> result = absl::InternalError("not attempted");
  const int attempts = RetryWithBackoff(
      spec_.nv_rate_backoff,
      [&] {
        bool nv_rate = false;
        result = IncrementOnce(read_back, nv_rate);
        return nv_rate;
      },
      [](absl::Duration d) { absl::SleepFor(d); });
  if (result.ok()) return result;
  if (attempts > 1) {
    return Annotate(base::Annotate(
        result.status(), absl::StrCat("TPM NV rate limit persisted over ", attempts, " attempts")));
  }
  if (spec_.write_policy == NvWritePolicy::kAuthValueAndPcr &&
      absl::IsPermissionDenied(result.status())) {
    return Annotate(base::Annotate(
        result.status(),
        absl::StrCat("write policy (auth value + PCR ", spec_.pcrs.ToString(), ") not satisfied")));
  }
  return Annotate(result.status());
}

absl::StatusOr<CounterEvidence> TssNvCounter::Certify(std::string_view qualifying_data) {
  absl::StatusOr<CounterEvidence> evidence = ak_->CertifyNvCounter(spec_.nv_index, qualifying_data);
  if (!evidence.ok()) return Annotate(evidence.status());
  return evidence;
}

absl::Status TssNvCounter::Annotate(const absl::Status& status) const {
  const std::string hint =
      absl::IsNotFound(status) ? " (not defined: provision the counter, see firmware-config)" : "";
  return base::Annotate(status, absl::StrCat("TPM counter '", spec_.label, "' (NV ",
                                             HandleHex(spec_.nv_index), ")", hint));
}

}  // namespace breakglass::tpm::tss
