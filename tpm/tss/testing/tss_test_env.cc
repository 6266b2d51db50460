#include "tpm/tss/testing/tss_test_env.h"

#include <signal.h>
#include <tss2/tss2_esys.h>

#include "vault/base/status.h"

namespace breakglass::tpm::tss::testing {

absl::StatusOr<std::unique_ptr<TssTestEnv>> TssTestEnv::Start() {
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<TssTestEnv> env(new TssTestEnv());
  BG_ASSIGN_OR_RETURN(env->swtpm_, ::breakglass::testing::SwtpmProcess::Start());
  BG_ASSIGN_OR_RETURN(env->context_, TssContext::Open(env->swtpm_->Tcti()));
  BG_ASSIGN_OR_RETURN(env->ak_, AttestationKey::Provision(env->context_.get(), kTestAkHandle));
  return env;
}

base::SecretBytes TssTestEnv::CounterAuth() {
  return base::SecretBytes::CopyFrom(std::string_view("test-counter-write-secret"));
}

absl::StatusOr<std::unique_ptr<TssNvCounter>> TssTestEnv::NewCounter(std::string label,
                                                                     NvWritePolicy policy,
                                                                     PcrSelection pcrs) {
  NvCounterSpec spec{.label = std::move(label),
                     .nv_index = next_index_++,
                     .write_policy = policy,
                     .pcrs = std::move(pcrs),
                     .nv_rate_backoff = {}};
  BG_RETURN_IF_ERROR(TssNvCounter::Define(*context_, spec, CounterAuth()));
  last_spec_ = spec;
  return TssNvCounter::Open(context_.get(), std::move(spec), CounterAuth(), ak_.get());
}

absl::Status TssTestEnv::ExtendPcr(uint32_t pcr) {
  BG_ASSIGN_OR_RETURN(TssContext::Lease lease, context_->Acquire());
  TPML_DIGEST_VALUES digests = {};
  digests.count = 1;
  digests.digests[0].hashAlg = TPM2_ALG_SHA256;
  digests.digests[0].digest.sha256[0] = 0x42;
  return lease.Check("TPM2_PCR_Extend",
                     Esys_PCR_Extend(lease.esys(), ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD,
                                     ESYS_TR_NONE, ESYS_TR_NONE, &digests));
}

}  // namespace breakglass::tpm::tss::testing
