// Seal, Unseal and Sign through the Keystore/LogSigner interfaces on SoftHSM2,
// each beside the raw PKCS#11 primitive called directly on the same module,
// key and token in the same run (issue 3 "Benchmarks"). Prints JSON.
//
//   build/bench/hsm/hsm_bench [--seconds S] [--rounds R]
//
// Raw primitives (what each interface call must do at the least):
//   seal:   C_GenerateRandom(12) + C_EncryptInit(CKM_AES_GCM) + C_Encrypt
//   unseal: C_DecryptInit(CKM_AES_GCM) + C_Decrypt
//   sign:   C_SignInit(CKM_EDDSA) + C_Sign
// on one session kept open, with the key handle looked up once. Interface and
// raw loops alternate for R rounds; the median of each is reported, and
// overhead = raw ops/s / interface ops/s - 1 (target: <= 10%).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>
#include <algorithm>

#include "hsm/envelope/keystore_envelope.h"
#include "hsm/pkcs11/internal/pkcs11.h"
#include "hsm/pkcs11/internal/token_core.h"
#include "hsm/pkcs11/pkcs11_keystore.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"

namespace breakglass::hsm::pkcs11 {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kPlaintextSize = 64;
const std::string kAad = "credential=db-root;version=3;custodian=alice;share=2";
const std::string kCheckpoint =
    "breakglass.example/log\n123456\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n";

template <typename T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "hsm_bench: %s: %s\n", what, v.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(v);
}

void Check(CK_RV rv, const char* what) {
  if (rv != CKR_OK) {
    std::fprintf(stderr, "hsm_bench: %s failed: 0x%lx\n", what, rv);
    std::exit(1);
  }
}

// Ops per second of `op` run for about `seconds`.
double OpsPerSecond(const std::function<void()>& op, double seconds) {
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  int64_t n = 0;
  auto now = start;
  do {
    for (int i = 0; i < 16; ++i) op();
    n += 16;
    now = Clock::now();
  } while (now < until);
  return n / std::chrono::duration<double>(now - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Pair {
  const char* name;
  std::function<void()> interface_op;
  std::function<void()> raw_op;
};

// The raw primitives, on one session of the keystore's own module.
class Raw {
 public:
  Raw(internal::TokenCore& core, const std::string& header) : core_(core), header_(header) {
    Check(fns()->C_OpenSession(core.slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &s_),
          "C_OpenSession");
    aes_ = Must(core.FindOne(s_, {CKO_SECRET_KEY, "share-seal", std::nullopt}), "find aes");
    ed_ = Must(core.FindOne(s_, {CKO_PRIVATE_KEY, "log-signing", std::nullopt}), "find ed");
    gcm_aad_ = EnvelopeAad(header_, kAad);
    plaintext_.assign(kPlaintextSize, 'p');
    out_.resize(12 + kPlaintextSize + 16);
    Seal();
    sealed_ = out_;  // IV || ciphertext || tag, for Unseal
  }
  ~Raw() { fns()->C_CloseSession(s_); }

  void Seal() {
    auto* iv = reinterpret_cast<CK_BYTE*>(out_.data());
    Check(fns()->C_GenerateRandom(s_, iv, 12), "C_GenerateRandom");
    CK_GCM_PARAMS p = Params(iv);
    CK_MECHANISM m{CKM_AES_GCM, &p, sizeof(p)};
    Check(fns()->C_EncryptInit(s_, &m, aes_), "C_EncryptInit");
    CK_ULONG len = kPlaintextSize + 16;
    Check(fns()->C_Encrypt(s_, Bytes(plaintext_), kPlaintextSize, iv + 12, &len), "C_Encrypt");
  }
  void Unseal() {
    CK_GCM_PARAMS p = Params(Bytes(sealed_));
    CK_MECHANISM m{CKM_AES_GCM, &p, sizeof(p)};
    Check(fns()->C_DecryptInit(s_, &m, aes_), "C_DecryptInit");
    CK_BYTE pt[kPlaintextSize + 16];
    CK_ULONG len = sizeof(pt);
    Check(fns()->C_Decrypt(s_, Bytes(sealed_) + 12, kPlaintextSize + 16, pt, &len), "C_Decrypt");
  }
  void Sign() {
    CK_MECHANISM m{CKM_EDDSA, nullptr, 0};
    Check(fns()->C_SignInit(s_, &m, ed_), "C_SignInit");
    CK_BYTE sig[64];
    CK_ULONG len = sizeof(sig);
    Check(fns()->C_Sign(s_, Bytes(kCheckpoint), kCheckpoint.size(), sig, &len), "C_Sign");
  }

 private:
  CK_FUNCTION_LIST* fns() const { return core_.fns(); }
  static CK_BYTE* Bytes(const std::string& s) {
    return reinterpret_cast<CK_BYTE*>(const_cast<char*>(s.data()));
  }
  CK_GCM_PARAMS Params(CK_BYTE* iv) {
    CK_GCM_PARAMS p{};
    p.pIv = iv;
    p.ulIvLen = 12;
    p.ulIvBits = 96;
    p.pAAD = Bytes(gcm_aad_);
    p.ulAADLen = gcm_aad_.size();
    p.ulTagBits = 128;
    return p;
  }

  internal::TokenCore& core_;
  const std::string header_;
  CK_SESSION_HANDLE s_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE aes_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE ed_ = CK_INVALID_HANDLE;
  std::string gcm_aad_, plaintext_, out_, sealed_;
};

int Run(double seconds, int rounds) {
  testing::SoftHsmAppliance a = Must(testing::SoftHsmAppliance::Create(), "SoftHSM2 token");
  auto keystore = Must(Pkcs11Keystore::Open(a.token, a.seal_uri()), "keystore");
  auto signer = Must(Pkcs11LogSigner::Open(a.token, a.log_uri()), "log signer");
  const std::string header = Must(EncodeEnvelopeHeader(SealMechanism::kAes256Gcm, "share-seal"),
                                  "header");
  Raw raw(a.token->core(), header);
  const base::SecretBytes plaintext = base::SecretBytes::CopyFrom(std::string(kPlaintextSize, 'p'));
  const std::string envelope = Must(keystore->Seal(plaintext, kAad), "seal");
  std::vector<Pair> pairs = {
      {"seal", [&] { Must(keystore->Seal(plaintext, kAad), "Seal"); }, [&] { raw.Seal(); }},
      {"unseal", [&] { Must(keystore->Unseal(envelope, kAad), "Unseal"); },
       [&] { raw.Unseal(); }},
      {"sign", [&] { Must(signer->Sign(kCheckpoint), "Sign"); }, [&] { raw.Sign(); }},
  };
  std::printf("{\n  \"module\": \"%s\",\n  \"plaintext_bytes\": %zu,\n  \"rounds\": %d,\n"
              "  \"seconds_per_round\": %.2f,\n  \"results\": [\n",
              a.hsm->module_path().c_str(), kPlaintextSize, rounds, seconds);
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::vector<double> iface, direct;
    for (int r = 0; r < rounds; ++r) {
      iface.push_back(OpsPerSecond(pairs[i].interface_op, seconds));
      direct.push_back(OpsPerSecond(pairs[i].raw_op, seconds));
    }
    const double io = Median(iface), ro = Median(direct);
    std::printf("    {\"op\": \"%s\", \"interface_ops_per_s\": %.0f, \"raw_ops_per_s\": %.0f, "
                "\"interface_us\": %.2f, \"raw_us\": %.2f, \"ratio_raw_over_interface\": %.3f, "
                "\"overhead_percent\": %.1f}%s\n",
                pairs[i].name, io, ro, 1e6 / io, 1e6 / ro, ro / io, (ro / io - 1) * 100,
                i + 1 < pairs.size() ? "," : "");
  }
  std::printf("  ]\n}\n");
  return 0;
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11

int main(int argc, char** argv) {
  double seconds = 1.0;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  return breakglass::hsm::pkcs11::Run(seconds, rounds);
}
