#include "hsm/pkcs11/testing/softhsm_appliance.h"

#include "hsm/pkcs11/pin.h"
#include "vault/base/status.h"

namespace breakglass::hsm::pkcs11::testing {

absl::StatusOr<SoftHsmAppliance> SoftHsmAppliance::Create(bool provision,
                                                          std::vector<std::string> extra_tokens) {
  SoftHsmAppliance a;
  BG_ASSIGN_OR_RETURN(a.hsm, breakglass::testing::SoftHsmToken::Create("breakglass"));
  for (const std::string& label : extra_tokens) BG_RETURN_IF_ERROR(a.hsm->AddToken(label));
  BG_ASSIGN_OR_RETURN(base::SecretBytes pin, ReadPinFile(a.hsm->pin_file().string()));
  BG_ASSIGN_OR_RETURN(a.token, Token::Open(a.options(), std::move(pin)));
  if (provision) BG_RETURN_IF_ERROR(ProvisionApplianceKeys(a.token, a.labels).status());
  return a;
}

}  // namespace breakglass::hsm::pkcs11::testing
