// In-memory MonotonicCounter with real evidence, for tests of the layers
// above (vault/audit, vault/core) and as the reference the conformance suite
// (tests/conformance) holds tpm/tss to.
//
// FakeAttestationKey signs TPMS_ATTEST structures in exactly the format a TPM
// produces for TPM2_NV_Certify (tpm/evidence/attest.h) with an in-memory
// ECDSA P-256 key, so tpm/evidence's verifier is exercised with fakes too.
// FakeCounter follows TPM semantics: a counter never written reads as
// FAILED_PRECONDITION; its first increment jumps to an arbitrary start value
// (`initial_value` + 1, as a TPM starts a new counter at or above any it had);
// its Name carries TPMA_NV_WRITTEN once written; clock ticks per command.
//
// Thread-safety: all classes here are safe to call from many threads.
#ifndef BREAKGLASS_TPM_FAKE_FAKE_COUNTER_H_
#define BREAKGLASS_TPM_FAKE_FAKE_COUNTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tpm/evidence/attest.h"
#include "tpm/monotonic_counter.h"
#include "vault/crypto/signature.h"

namespace breakglass::tpm {

// Attributes of the breakglass counters (see tpm/tss/nv_counter.h): counter,
// not orderly, no DA, written with the index auth value, read with owner auth.
inline constexpr uint32_t kDefaultCounterAttributes =
    kTpmaNvCounter | kTpmaNvNoDa | kTpmaNvAuthWrite | kTpmaNvOwnerRead;

class FakeAttestationKey final {
 public:
  // A fresh P-256 key. INTERNAL when OpenSSL fails.
  static absl::StatusOr<std::shared_ptr<const FakeAttestationKey>> Generate();

  // SubjectPublicKeyInfo PEM, as tpm/tss exports a real AK.
  std::string PublicKeyPem() const { return key_.public_key().ToPem(); }
  // Stand-in for the AK's qualified Name: 0x000b || SHA-256(SPKI DER).
  std::string QualifiedName() const;
  // Marshals `attest` and signs it: evidence as TPM2_NV_Certify returns it.
  absl::StatusOr<CounterEvidence> Sign(const NvCertifyAttest& attest) const;
  // Signs arbitrary attest bytes (for tests of the verifier's checks that
  // come after the signature: magic, type, Name, offset).
  absl::StatusOr<CounterEvidence> SignBytes(std::string attest) const;

 private:
  explicit FakeAttestationKey(crypto::SigningKey key) : key_(std::move(key)) {}
  crypto::SigningKey key_;
};

struct FakeCounterOptions {
  std::string label = "checkpoint";  // "release" or "checkpoint"
  uint32_t nv_index = 0x01500011;
  uint32_t attributes = kDefaultCounterAttributes;
  // The value the TPM would start a new counter from; the first Increment of
  // a never-written counter returns initial_value + 1.
  uint64_t initial_value = 0;
  // When true the counter starts written, reading initial_value.
  bool written = false;
  ClockInfo clock_info = {.clock = 1000, .reset_count = 3, .restart_count = 0, .safe = true};
  uint64_t firmware_version = 0x2019012700000000;
};

class FakeCounter final : public MonotonicCounter {
 public:
  // INVALID_ARGUMENT when `ak` is null, the label empty, or the attributes are
  // not a counter's.
  static absl::StatusOr<std::unique_ptr<FakeCounter>> Create(
      FakeCounterOptions options, std::shared_ptr<const FakeAttestationKey> ak);

  absl::StatusOr<uint64_t> Read() override;
  absl::StatusOr<uint64_t> Increment() override;
  absl::StatusOr<CounterEvidence> Certify(std::string_view qualifying_data) override;
  std::string Label() const override { return options_.label; }

  // The NV index Name as a TPM reports it now (TPMA_NV_WRITTEN once written).
  std::string IndexName() const;
  // The Name once written: what provisioning records and evidence carries.
  std::string WrittenIndexName() const;
  uint32_t nv_index() const { return options_.nv_index; }
  const FakeAttestationKey& ak() const { return *ak_; }

  // Test controls: a TPM Reset (resetCount+1, restartCount 0) or Restart.
  void SimulateReset();
  void SimulateRestart();

 private:
  FakeCounter(FakeCounterOptions options, std::shared_ptr<const FakeAttestationKey> ak)
      : options_(std::move(options)),
        ak_(std::move(ak)),
        value_(options_.initial_value),
        written_(options_.written),
        clock_(options_.clock_info) {}
  std::string NameWithAttributes(uint32_t attributes) const;

  const FakeCounterOptions options_;
  const std::shared_ptr<const FakeAttestationKey> ak_;
  mutable absl::Mutex mu_;
  uint64_t value_ ABSL_GUARDED_BY(mu_);
  bool written_ ABSL_GUARDED_BY(mu_);
  ClockInfo clock_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::tpm

#endif  // BREAKGLASS_TPM_FAKE_FAKE_COUNTER_H_
