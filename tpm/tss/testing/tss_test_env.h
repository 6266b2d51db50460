// TssTestEnv: a private swtpm (tests/harness/swtpm_process.h) with an ESAPI
// context and a provisioned attestation key, plus helpers to define fresh
// counters and extend PCRs. For tests and benchmarks only.
//
// Thread-safety: the env is owned by one test thread; the counters and
// context it hands out are thread-safe.
#ifndef BREAKGLASS_TPM_TSS_TESTING_TSS_TEST_ENV_H_
#define BREAKGLASS_TPM_TSS_TESTING_TSS_TEST_ENV_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/harness/swtpm_process.h"
#include "tpm/tss/attestation_key.h"
#include "tpm/tss/nv_counter.h"
#include "tpm/tss/tss_context.h"

namespace breakglass::tpm::tss::testing {

inline constexpr uint32_t kTestAkHandle = 0x81010002;
inline constexpr uint32_t kTestSrkHandle = 0x81000001;
inline constexpr uint32_t kFirstTestNvIndex = 0x01500100;

class TssTestEnv final {
 public:
  // Starts swtpm, opens ESAPI on it, provisions the AK. Ignores SIGPIPE for
  // the process (as breakglassd does), so a killed swtpm is an error, not a
  // signal.
  static absl::StatusOr<std::unique_ptr<TssTestEnv>> Start();

  // The write secret every test counter is defined with.
  static base::SecretBytes CounterAuth();

  // Defines a counter at the next unused test index and opens it.
  absl::StatusOr<std::unique_ptr<TssNvCounter>> NewCounter(
      std::string label, NvWritePolicy policy = NvWritePolicy::kAuthValue, PcrSelection pcrs = {});
  // The spec NewCounter used for `label`'s last counter (for reopening).
  NvCounterSpec LastSpec() const { return last_spec_; }

  // TPM2_PCR_Extend of `pcr` (SHA-256 bank) with a fixed digest.
  absl::Status ExtendPcr(uint32_t pcr);

  ::breakglass::testing::SwtpmProcess& swtpm() { return *swtpm_; }
  TssContext& context() { return *context_; }
  AttestationKey& ak() { return *ak_; }

 private:
  TssTestEnv() = default;

  std::unique_ptr<::breakglass::testing::SwtpmProcess> swtpm_;
  std::unique_ptr<TssContext> context_;
  std::unique_ptr<AttestationKey> ak_;
  uint32_t next_index_ = kFirstTestNvIndex;
  NvCounterSpec last_spec_;
};

}  // namespace breakglass::tpm::tss::testing

#endif  // BREAKGLASS_TPM_TSS_TESTING_TSS_TEST_ENV_H_
