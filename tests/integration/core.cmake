# The core's quorum release on real devices (issue 5): SoftHSM2 (hsm/pkcs11)
# and swtpm (tpm/tss) behind the Vault, the audit log and its Anchorer.
breakglass_library(breakglass_core_integration ALIAS core_integration
  SOURCES core_world.cc
  DEPS breakglass::core_testing breakglass::hsm_pkcs11_testing breakglass::tpm_tss_testing
       breakglass::tpm_evidence breakglass::audit_anchor)

breakglass_test(core_release_test
  SOURCES core_release_test.cc
  DEPS breakglass::core_integration
  LABELS hsm tpm
  TIMEOUT 300)
