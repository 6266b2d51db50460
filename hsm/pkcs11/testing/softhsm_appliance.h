// Test-only: a private SoftHSM2 token (tests/harness/softhsm_token.h) opened
// through hsm/pkcs11 and, by default, provisioned with the appliance keys.
//
// Members are destroyed in reverse order: the Token (sessions, C_Finalize)
// before the SoftHSM2 directory is removed.
//
// Thread-safety: as its members.
#ifndef BREAKGLASS_HSM_PKCS11_TESTING_SOFTHSM_APPLIANCE_H_
#define BREAKGLASS_HSM_PKCS11_TESTING_SOFTHSM_APPLIANCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/token.h"
#include "tests/harness/softhsm_token.h"

namespace breakglass::hsm::pkcs11::testing {

struct SoftHsmAppliance {
  std::unique_ptr<breakglass::testing::SoftHsmToken> hsm;
  std::shared_ptr<Token> token;
  ApplianceKeyLabels labels;

  // Token labelled "breakglass"; `provision` creates the appliance keys.
  // `extra_tokens` are initialised in the same SoftHSM2 directory first.
  static absl::StatusOr<SoftHsmAppliance> Create(bool provision = true,
                                                 std::vector<std::string> extra_tokens = {});

  std::string seal_uri() const { return "pkcs11:object=" + labels.share_seal; }
  std::string log_uri() const { return "pkcs11:object=" + labels.log_signing; }
  TokenOptions options() const { return {.module_path = hsm->module_path(), .uri = hsm->uri()}; }
};

}  // namespace breakglass::hsm::pkcs11::testing

#endif  // BREAKGLASS_HSM_PKCS11_TESTING_SOFTHSM_APPLIANCE_H_
