// Interface overhead of the TPM counter (issue 3 "Benchmarks"): ops/s of
// MonotonicCounter::Increment and ::Certify (tpm/tss on a private swtpm)
// beside bare ESAPI loops in the same run, on the same connection:
//
//   increment.bare_increment      Esys_NV_Increment alone
//   increment.bare_increment_read Esys_NV_Increment + Esys_NV_Read: the TPM
//                                 work Increment() does (it returns the value
//                                 it produced, so it must read it back)
//   certify.bare_certify          Esys_NV_Certify
//
// Interface and bare loops alternate (and swap order) in `rounds` blocks of
// `ops` operations so drift and load from other processes hit both alike.
// `overhead` — what the target (<= 10%) applies to — is the median over
// rounds of interface time / bare time for the same TPM work; ops/s are over
// all rounds. Increment beside the lone NV_Increment is reported too, as
// `vs_bare_increment_only` (total time ratio).
//
//   tpm_bench [--ops=N] [--rounds=R]     (defaults 50 and 40)
#include <tss2/tss2_esys.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::tpm::tss {
namespace {

using Clock = std::chrono::steady_clock;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "tpm_bench: %s\n", what.c_str());
    std::exit(1);
  }
}

// Seconds for `ops` calls of `op`.
double Time(int ops, const std::function<void()>& op) {
  const auto start = Clock::now();
  for (int i = 0; i < ops; ++i) op();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `fn` with the raw ESAPI context and the ESYS_TRs of the NV index and
// the AK, holding one lease for the whole block (the interface takes one per
// call).
void WithRaw(TssContext& ctx, uint32_t index, uint32_t ak_handle,
             const std::function<void(ESYS_CONTEXT*, ESYS_TR, ESYS_TR)>& fn) {
  auto lease = ctx.Acquire();
  Check(lease.ok(), lease.status().ToString());
  auto nv = lease->Resolve(index);
  Check(nv.ok(), nv.status().ToString());
  auto ak = lease->Resolve(ak_handle);
  Check(ak.ok(), ak.status().ToString());
  fn(lease->esys(), *nv, *ak);
}

struct Totals {
  double interface = 0, bare = 0, bare_plus = 0;
  std::vector<double> ratios;  // per round: interface / same-work bare

  double MedianRatio() {
    std::sort(ratios.begin(), ratios.end());
    return ratios[ratios.size() / 2];
  }
};

std::string Json(const char* name, Totals& t, int n, const char* bare_name, const char* plus_name) {
  const double overhead = t.MedianRatio() - 1;
  std::string s = absl::StrFormat(
      "  \"%s\": {\"ops\": %d, \"interface_ops_per_s\": %.1f, \"%s_ops_per_s\": %.1f", name, n,
      n / t.interface, bare_name, n / t.bare);
  if (plus_name) {
    s += absl::StrFormat(", \"%s_ops_per_s\": %.1f, \"vs_bare_increment_only\": %.3f", plus_name,
                         n / t.bare_plus, t.interface / t.bare);
  }
  return s + absl::StrFormat(", \"overhead\": %.4f, \"within_target\": %s}", overhead,
                             overhead <= 0.10 ? "true" : "false");
}

int Run(int ops, int rounds) {
  auto env = testing::TssTestEnv::Start();
  Check(env.ok(), env.status().ToString());
  auto counter = (*env)->NewCounter("checkpoint");
  Check(counter.ok(), counter.status().ToString());
  Check((*counter)->Increment().ok(), "first increment");
  TssContext& ctx = (*env)->context();
  const uint32_t index = (*counter)->nv_index();
  const uint32_t ak_handle = (*env)->ak().handle();
  const base::SecretBytes auth = testing::TssTestEnv::CounterAuth();
  TPM2B_AUTH nv_auth = {};
  nv_auth.size = static_cast<uint16_t>(auth.size());
  std::copy_n(auth.data(base::InsecureSecretAccess::Get()), auth.size(), nv_auth.buffer);
  const std::string qualifying(32, 'q');
  TPM2B_DATA q = {};
  q.size = 32;
  std::copy(qualifying.begin(), qualifying.end(), q.buffer);
  const TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL, .details = {}};

  Totals inc, cert;
  for (int r = 0; r < rounds; ++r) {
    // Alternate which side runs first, so neither always follows the other.
    double inc_interface = 0, inc_bare_plus = 0, cert_interface = 0, cert_bare = 0;
    auto interface_inc = [&] {
      inc_interface = Time(ops, [&] { Check((*counter)->Increment().ok(), "Increment"); });
    };
    auto interface_cert = [&] {
      cert_interface = Time(ops, [&] { Check((*counter)->Certify(qualifying).ok(), "Certify"); });
    };
    if (r % 2 == 0) interface_inc();
    WithRaw(ctx, index, ak_handle, [&](ESYS_CONTEXT* esys, ESYS_TR nv, ESYS_TR) {
      Esys_TR_SetAuth(esys, nv, &nv_auth);
      inc.bare += Time(ops, [&] {
        Check(Esys_NV_Increment(esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE) == 0,
              "Esys_NV_Increment");
      });
      inc_bare_plus = Time(ops, [&] {
        Check(Esys_NV_Increment(esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE) == 0,
              "Esys_NV_Increment");
        TPM2B_MAX_NV_BUFFER* data = nullptr;
        Check(Esys_NV_Read(esys, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                           8, 0, &data) == 0,
              "Esys_NV_Read");
        Esys_Free(data);
      });
    });
    if (r % 2 == 1) interface_inc();
    if (r % 2 == 0) interface_cert();
    WithRaw(ctx, index, ak_handle, [&](ESYS_CONTEXT* esys, ESYS_TR nv, ESYS_TR ak) {
      cert_bare = Time(ops, [&] {
        TPM2B_ATTEST* attest = nullptr;
        TPMT_SIGNATURE* sig = nullptr;
        Check(Esys_NV_Certify(esys, ak, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD, ESYS_TR_PASSWORD,
                              ESYS_TR_NONE, &q, &scheme, 8, 0, &attest, &sig) == 0,
              "Esys_NV_Certify");
        Esys_Free(attest);
        Esys_Free(sig);
      });
    });
    if (r % 2 == 1) interface_cert();
    inc.interface += inc_interface;
    inc.bare_plus += inc_bare_plus;
    inc.ratios.push_back(inc_interface / inc_bare_plus);
    cert.interface += cert_interface;
    cert.bare += cert_bare;
    cert.ratios.push_back(cert_interface / cert_bare);
  }
  const int n = ops * rounds;
  std::printf("{\n%s,\n%s,\n  \"target_overhead\": 0.10\n}\n",
              Json("increment", inc, n, "bare_increment", "bare_increment_read").c_str(),
              Json("certify", cert, n, "bare_certify", nullptr).c_str());
  return 0;
}

int Flag(int argc, char** argv, const std::string& name, int fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    int v = 0;
    if (std::string(argv[i]).rfind(prefix, 0) == 0 &&
        absl::SimpleAtoi(std::string(argv[i]).substr(prefix.size()), &v) && v > 0) {
      return v;
    }
  }
  return fallback;
}

}  // namespace
}  // namespace breakglass::tpm::tss

int main(int argc, char** argv) {
  using breakglass::tpm::tss::Flag;
  return breakglass::tpm::tss::Run(Flag(argc, argv, "ops", 50), Flag(argc, argv, "rounds", 40));
}
