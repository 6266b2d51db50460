// The Keystore conformance suite (hsm/keystore.h; STYLE.md "One conformance
// suite per interface"), written once and linked with one backend per binary:
// keystore_backend_fake.cc (label unit) and keystore_backend_softhsm.cc
// (label hsm). A new Keystore implementation adds a backend file and a
// breakglass_test() line, nothing else.
//
// Thread-safety: a backend is used from the test's threads as the Keystore
// contract allows (its keystores must be thread-safe).
#ifndef BREAKGLASS_TESTS_CONFORMANCE_KEYSTORE_CONFORMANCE_H_
#define BREAKGLASS_TESTS_CONFORMANCE_KEYSTORE_CONFORMANCE_H_

#include <memory>
#include <string>

#include "hsm/keystore.h"

namespace breakglass::conformance {

class KeystoreBackend {
 public:
  virtual ~KeystoreBackend() = default;
  // The keystore under test.
  virtual hsm::Keystore& keystore() = 0;
  // Another key of the same kind under another name: its envelopes are
  // refused by keystore() before decryption (INVALID_ARGUMENT).
  virtual hsm::Keystore& other_named_keystore() = 0;
  // Another key that carries the same name as keystore()'s (a re-provisioned
  // or foreign device): its envelopes fail authentication (DATA_LOSS).
  virtual hsm::Keystore& same_named_other_keystore() = 0;
};

// Defined by the backend linked into the test binary. REQUIREs success.
std::unique_ptr<KeystoreBackend> MakeKeystoreBackend();

}  // namespace breakglass::conformance

#endif  // BREAKGLASS_TESTS_CONFORMANCE_KEYSTORE_CONFORMANCE_H_
