# TPM anchoring of the audit log (vault/audit/anchor*): crash, rollback and
# power-loss tests. anchor_crash_child is the process the crash tests kill.
breakglass_library(breakglass_anchor_integration ALIAS anchor_integration
  SOURCES anchor_hardware.cc anchor_hardware_real.cc anchor_check.cc anchor_crash.cc
  DEPS breakglass::audit_anchor breakglass::tpm_evidence breakglass::tpm_fake
       breakglass::tpm_tss breakglass::tpm_tss_testing breakglass::hsm_pkcs11
       breakglass::hsm_pkcs11_testing breakglass::audit_export breakglass::verify
       breakglass::crypto
       breakglass::base absl::status
       absl::statusor absl::strings absl::synchronization absl::time)

add_executable(anchor_crash_child anchor_crash_child.cc)
target_link_libraries(anchor_crash_child PRIVATE breakglass_anchor_integration)

# Crash injection on file-backed devices: real processes, SIGKILL and SQLite.
breakglass_test(anchor_crash_test
  SOURCES anchor_crash_test.cc
  DEPS breakglass::anchor_integration
  TIMEOUT 120)
target_compile_definitions(anchor_crash_test PRIVATE
  BREAKGLASS_ANCHOR_CRASH_CHILD="$<TARGET_FILE:anchor_crash_child>")
add_dependencies(anchor_crash_test anchor_crash_child)

# The same against the real components: swtpm through tpm/tss and SoftHSM2
# through hsm/pkcs11.
breakglass_test(anchor_hw_test
  SOURCES anchor_hw_test.cc
  DEPS breakglass::anchor_integration breakglass::test_harness_tpm
  LABELS hsm tpm
  TIMEOUT 240)
target_compile_definitions(anchor_hw_test PRIVATE
  BREAKGLASS_ANCHOR_CRASH_CHILD="$<TARGET_FILE:anchor_crash_child>")
add_dependencies(anchor_hw_test anchor_crash_child)
