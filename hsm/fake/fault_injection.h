// Forwarding wrappers that inject failures into a Keystore or LogSigner, for
// tests of the layers above (STYLE.md: "Each interface has an in-memory fake
// and a forwarding wrapper for fault injection", after LevelDB's EnvWrapper).
//
//   FakeKeystore fake = ...;
//   FaultInjectingKeystore keystore(&fake);
//   keystore.FailNext(2, absl::UnavailableError("HSM unplugged"));
//   // the next two Seal/Unseal calls return that error; then calls go through
//
// FailNext counts calls of any method that returns a Status (Seal and Unseal;
// Sign and PublicKey); Describe always forwards. A failed call never reaches
// the wrapped object.
//
// Thread-safety: safe from many threads if the wrapped object is. The wrapped
// object is borrowed and must outlive the wrapper.
#ifndef BREAKGLASS_HSM_FAKE_FAULT_INJECTION_H_
#define BREAKGLASS_HSM_FAKE_FAULT_INJECTION_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "hsm/keystore.h"
#include "hsm/log_signer.h"

namespace breakglass::hsm {

// The shared fault schedule: fail the next N calls with a status.
class FaultSchedule final {
 public:
  // The next `count` calls fail with `status` (must not be OK); replaces any
  // earlier schedule.
  void FailNext(int64_t count, absl::Status status);
  // Every call fails with `status` until Clear().
  void FailAlways(absl::Status status);
  void Clear();
  // The error for this call, if it is to fail; counts the call either way.
  std::optional<absl::Status> NextCall();
  // Calls that went through to the wrapped object.
  int64_t forwarded() const;

 private:
  mutable std::mutex mu_;
  int64_t remaining_ = 0;  // guarded by mu_; -1 = always
  absl::Status status_;    // guarded by mu_
  int64_t forwarded_ = 0;  // guarded by mu_
};

class FaultInjectingKeystore final : public Keystore {
 public:
  explicit FaultInjectingKeystore(Keystore* base) : base_(base) {}

  FaultSchedule& faults() { return faults_; }
  void FailNext(int64_t count, absl::Status status) { faults_.FailNext(count, std::move(status)); }

  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                   std::string_view aad) override;
  absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                           std::string_view aad) override;
  std::string Describe() const override { return base_->Describe(); }

 private:
  Keystore* const base_;
  FaultSchedule faults_;
};

class FaultInjectingLogSigner final : public LogSigner {
 public:
  explicit FaultInjectingLogSigner(LogSigner* base) : base_(base) {}

  FaultSchedule& faults() { return faults_; }
  void FailNext(int64_t count, absl::Status status) { faults_.FailNext(count, std::move(status)); }

  absl::StatusOr<std::string> Sign(std::string_view message) override;
  absl::StatusOr<std::string> PublicKey() override;

 private:
  LogSigner* const base_;
  FaultSchedule faults_;
};

}  // namespace breakglass::hsm

#endif  // BREAKGLASS_HSM_FAKE_FAULT_INJECTION_H_
