// TestKeystore: an in-memory AES-256-GCM Keystore (hsm/keystore.h) for the
// core's tests, with the device faults the release path must survive:
// unreachable (UNAVAILABLE), logged out (FAILED_PRECONDITION), and a device
// that returns wrong share bytes on one unseal (to prove the commitments name
// the share). It also counts unseals.
//
// Not a product keystore: the key lives in process memory.
//
// Thread-safety: safe to call from many threads.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_TEST_KEYSTORE_H_
#define BREAKGLASS_VAULT_CORE_TESTING_TEST_KEYSTORE_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "hsm/keystore.h"
#include "vault/base/random.h"
#include "vault/crypto/aead.h"

namespace breakglass::core::testing {

class TestKeystore final : public hsm::Keystore {
 public:
  enum class Fault { kNone, kUnreachable, kLoggedOut };

  TestKeystore();

  absl::StatusOr<std::string> Seal(const base::SecretBytes& plaintext,
                                   std::string_view aad) override;
  absl::StatusOr<base::SecretBytes> Unseal(std::string_view envelope,
                                           std::string_view aad) override;
  std::string Describe() const override { return "test:memory"; }

  void SetFault(Fault fault);
  // The next unseal whose plaintext is `share_size` bytes long returns those
  // bytes with the first one flipped.
  void CorruptNextUnsealOfSize(size_t share_size);
  int unseals() const;

 private:
  absl::Status FaultStatus() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  base::SystemRandom random_;
  std::unique_ptr<crypto::Aes256Gcm> aead_;
  mutable absl::Mutex mu_;
  Fault fault_ ABSL_GUARDED_BY(mu_) = Fault::kNone;
  size_t corrupt_size_ ABSL_GUARDED_BY(mu_) = 0;
  int unseals_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_TEST_KEYSTORE_H_
