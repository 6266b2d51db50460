# The incident report (vault/report) of a whole incident played on the real
# store, audit log and anchoring protocol (tpm/fake counters with
# real-format evidence, a software log key), from the exported bundle.
breakglass_library(breakglass_report_integration ALIAS report_integration
  SOURCES report_world.cc
  DEPS breakglass::core_testing breakglass::audit_anchor breakglass::audit_export
       breakglass::tpm_fake breakglass::hsm_fake breakglass::report breakglass::verify
       Catch2::Catch2 nlohmann_json::nlohmann_json)

breakglass_test(report_story_test
  SOURCES report_test.cc
  DEPS breakglass::report_integration breakglass::report_testing
  TIMEOUT 120)
