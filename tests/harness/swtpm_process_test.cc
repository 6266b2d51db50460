// Proof that the swtpm harness works (issue 2): a private swtpm on free ports,
// reached through tpm2-tss with Tss2_TctiLdr_Initialize; TPM_PT_MANUFACTURER
// read through ESAPI; a freshly defined NV counter incremented; state kept
// across SIGKILL + restart; the process stopped by PID on destruction.
#include "tests/harness/swtpm_process.h"

#include <signal.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace breakglass::testing {
namespace {

// Minimal RAII ESAPI context over a TCTI string, for this test only (the
// product's is tpm/tss/tss_context.h).
class Esys {
 public:
  explicit Esys(const std::string& tcti) {
    TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti.c_str(), &tcti_);
    INFO("Tss2_TctiLdr_Initialize: " << Tss2_RC_Decode(rc));
    REQUIRE(rc == TSS2_RC_SUCCESS);
    rc = Esys_Initialize(&ctx_, tcti_, nullptr);
    INFO("Esys_Initialize: " << Tss2_RC_Decode(rc));
    REQUIRE(rc == TSS2_RC_SUCCESS);
  }
  ~Esys() {
    Esys_Finalize(&ctx_);
    Tss2_TctiLdr_Finalize(&tcti_);
  }
  ESYS_CONTEXT* get() { return ctx_; }

 private:
  TSS2_TCTI_CONTEXT* tcti_ = nullptr;
  ESYS_CONTEXT* ctx_ = nullptr;
};

constexpr TPM2_HANDLE kIndex = 0x01500001;

ESYS_TR DefineCounter(Esys& esys) {
  TPM2B_NV_PUBLIC pub{};
  pub.nvPublic.nvIndex = kIndex;
  pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
  pub.nvPublic.attributes = TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_NO_DA |
                            (TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT);
  pub.nvPublic.dataSize = 8;
  TPM2B_AUTH auth{};
  ESYS_TR nv = ESYS_TR_NONE;
  TSS2_RC rc = Esys_NV_DefineSpace(esys.get(), ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                   ESYS_TR_NONE, &auth, &pub, &nv);
  INFO("Esys_NV_DefineSpace: " << Tss2_RC_Decode(rc));
  REQUIRE(rc == TSS2_RC_SUCCESS);
  return nv;
}

void Increment(Esys& esys, ESYS_TR nv) {
  TSS2_RC rc = Esys_NV_Increment(esys.get(), ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                 ESYS_TR_NONE);
  INFO("Esys_NV_Increment: " << Tss2_RC_Decode(rc));
  REQUIRE(rc == TSS2_RC_SUCCESS);
}

uint64_t ReadCounter(Esys& esys, ESYS_TR nv) {
  TPM2B_MAX_NV_BUFFER* data = nullptr;
  TSS2_RC rc = Esys_NV_Read(esys.get(), ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                            ESYS_TR_NONE, 8, 0, &data);
  INFO("Esys_NV_Read: " << Tss2_RC_Decode(rc));
  REQUIRE(rc == TSS2_RC_SUCCESS);
  REQUIRE(data->size == 8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data->buffer[i];
  Esys_Free(data);
  return v;
}

ESYS_TR OpenIndex(Esys& esys) {
  ESYS_TR nv = ESYS_TR_NONE;
  TSS2_RC rc =
      Esys_TR_FromTPMPublic(esys.get(), kIndex, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nv);
  INFO("Esys_TR_FromTPMPublic: " << Tss2_RC_Decode(rc));
  REQUIRE(rc == TSS2_RC_SUCCESS);
  return nv;
}

TEST_CASE("ReadsManufacturerAndIncrementsFreshNvCounter", "[tpm]") {
  auto swtpm = SwtpmProcess::Start();
  INFO(swtpm.status().ToString());
  REQUIRE(swtpm.ok());
  Esys esys((*swtpm)->Tcti());

  TPMS_CAPABILITY_DATA* cap = nullptr;
  TPMI_YES_NO more = 0;
  TSS2_RC rc = Esys_GetCapability(esys.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                  TPM2_CAP_TPM_PROPERTIES, TPM2_PT_MANUFACTURER, 1, &more, &cap);
  INFO("Esys_GetCapability: " << Tss2_RC_Decode(rc));
  REQUIRE(rc == TSS2_RC_SUCCESS);
  REQUIRE(cap->data.tpmProperties.count == 1);
  CHECK(cap->data.tpmProperties.tpmProperty[0].property == TPM2_PT_MANUFACTURER);
  CHECK(cap->data.tpmProperties.tpmProperty[0].value == 0x49424D00);  // "IBM\0": swtpm
  Esys_Free(cap);

  ESYS_TR nv = DefineCounter(esys);
  Increment(esys, nv);
  const uint64_t first = ReadCounter(esys, nv);
  Increment(esys, nv);
  CHECK(ReadCounter(esys, nv) == first + 1);
}

TEST_CASE("CounterSurvivesKillHardAndRestartOnSameState", "[tpm]") {
  auto swtpm = SwtpmProcess::Start();
  REQUIRE(swtpm.ok());
  uint64_t before = 0;
  {
    Esys esys((*swtpm)->Tcti());
    ESYS_TR nv = DefineCounter(esys);
    Increment(esys, nv);
    Increment(esys, nv);
    before = ReadCounter(esys, nv);
  }
  const std::string tcti = (*swtpm)->Tcti();
  (*swtpm)->KillHard();
  CHECK_FALSE((*swtpm)->running());
  REQUIRE((*swtpm)->Restart().ok());
  CHECK((*swtpm)->Tcti() == tcti);
  Esys esys((*swtpm)->Tcti());
  CHECK(ReadCounter(esys, OpenIndex(esys)) == before);
}

TEST_CASE("DestructionStopsProcessByPidAndRemovesStateDir", "[tpm]") {
  pid_t pid = -1;
  std::string dir;
  {
    auto swtpm = SwtpmProcess::Start();
    REQUIRE(swtpm.ok());
    pid = (*swtpm)->pid();
    dir = (*swtpm)->state_dir();
    REQUIRE(pid > 0);
    REQUIRE(kill(pid, 0) == 0);
    REQUIRE(std::filesystem::exists(dir));
  }
  CHECK(kill(pid, 0) != 0);  // reaped: no such process
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("TwoInstancesGetDistinctPorts", "[tpm]") {
  auto a = SwtpmProcess::Start();
  auto b = SwtpmProcess::Start();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a)->server_port() != (*b)->server_port());
  CHECK((*a)->ctrl_port() == (*a)->server_port() + 1);
}

TEST_CASE("MissingSwtpmIsAFailureNamingThePackage", "[tpm]") {
  // Each TEST_CASE runs in its own process under ctest, so changing PATH here
  // does not leak into other tests.
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent-breakglass", 1);
  auto swtpm = SwtpmProcess::Start();
  setenv("PATH", saved.c_str(), 1);
  REQUIRE_FALSE(swtpm.ok());
  CHECK(swtpm.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(swtpm.status().message()),
             Catch::Contains("install the Debian package 'swtpm'"));
}

}  // namespace
}  // namespace breakglass::testing
