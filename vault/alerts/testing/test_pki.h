// TestPki: a throw-away certificate authority and a server certificate for
// 127.0.0.1/localhost, generated in memory with OpenSSL (EC P-256, valid for
// one day). For tests only: the keys are not protected.
//
// Thread-safety: immutable after Create.
#ifndef BREAKGLASS_VAULT_ALERTS_TESTING_TEST_PKI_H_
#define BREAKGLASS_VAULT_ALERTS_TESTING_TEST_PKI_H_

#include <string>

#include "absl/status/statusor.h"

namespace breakglass::alerts::testing {

struct TestPki {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;  // PKCS#8, unencrypted

  // A fresh CA and a server certificate it signed (SAN IP:127.0.0.1 and
  // DNS:localhost). INTERNAL when OpenSSL fails.
  static absl::StatusOr<TestPki> Create();
};

}  // namespace breakglass::alerts::testing

#endif  // BREAKGLASS_VAULT_ALERTS_TESTING_TEST_PKI_H_
