#include "tests/integration/anchor_hardware.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"
#include "vault/base/status.h"
#include "tpm/evidence/attest.h"
#include "tpm/fake/fake_counter.h"
#include "vault/crypto/sha256.h"
#include "vault/crypto/signature.h"

namespace breakglass::audit::testing {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces `path` atomically (rename): a reader or a process killed midway
// sees the old or the new content, never a torn one.
absl::Status WriteFileAtomically(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot rename to ", path.string()));
  return absl::OkStatus();
}

constexpr uint32_t kFileCheckpointIndex = 0x01500020;
constexpr uint32_t kFileReleaseIndex = 0x01500021;

std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

// The Name a TPM reports for a written breakglass counter at `index`.
std::string WrittenName(uint32_t index) {
  return *tpm::NvIndexName({.nv_index = index,
                            .name_alg = tpm::kTpmAlgSha256,
                            .attributes = tpm::kDefaultCounterAttributes | tpm::kTpmaNvWritten,
                            .auth_policy = "",
                            .data_size = 8});
}

// A TPM NV counter stand-in kept in a file, certifying with an attestation
// key kept in a file: evidence in exactly the TPM's format (tpm/evidence).
class FileCounter final : public tpm::MonotonicCounter {
 public:
  FileCounter(fs::path path, std::string label, uint32_t index,
              std::shared_ptr<const crypto::SigningKey> ak)
      : path_(std::move(path)), label_(std::move(label)), index_(index), ak_(std::move(ak)) {}

  absl::StatusOr<uint64_t> Read() override {
    absl::MutexLock lock(&mu_);
    return ReadLocked();
  }
  absl::StatusOr<uint64_t> Increment() override {
    absl::MutexLock lock(&mu_);
    BG_ASSIGN_OR_RETURN(const uint64_t v, ReadLocked());
    BG_RETURN_IF_ERROR(WriteFileAtomically(path_, absl::StrCat(v + 1)));
    return v + 1;
  }
  absl::StatusOr<tpm::CounterEvidence> Certify(std::string_view qualifying_data) override {
    tpm::NvCertifyAttest attest;
    {
      absl::MutexLock lock(&mu_);
      BG_ASSIGN_OR_RETURN(const uint64_t v, ReadLocked());
      attest.nv_contents = BigEndian64(v);
    }
    attest.qualified_signer =
        std::string("\x00\x0b", 2) + crypto::Sha256String(ak_->public_key().spki_der());
    attest.extra_data = std::string(qualifying_data);
    attest.clock_info = {.clock = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())),
                         .reset_count = 1, .restart_count = 0, .safe = true};
    attest.index_name = WrittenName(index_);
    tpm::CounterEvidence ev{tpm::MarshalNvCertifyAttest(attest), ""};
    BG_ASSIGN_OR_RETURN(const std::string der, ak_->Sign(ev.attest));
    BG_ASSIGN_OR_RETURN(const std::string raw, crypto::EcdsaDerToRaw(der));
    ev.signature = tpm::MarshalEcdsaSignature(
        {.hash_alg = tpm::kTpmAlgSha256, .r = raw.substr(0, 32), .s = raw.substr(32, 32)});
    return ev;
  }
  std::string Label() const override { return label_; }

 private:
  absl::StatusOr<uint64_t> ReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    BG_ASSIGN_OR_RETURN(const std::string text, ReadFile(path_));
    uint64_t v = 0;
    if (!absl::SimpleAtoi(text, &v)) return absl::DataLossError("file counter: not a number");
    return v;
  }

  const fs::path path_;
  const std::string label_;
  const uint32_t index_;
  const std::shared_ptr<const crypto::SigningKey> ak_;
  absl::Mutex mu_;
};

absl::StatusOr<std::shared_ptr<const crypto::SigningKey>> LoadAk(const fs::path& dir) {
  BG_ASSIGN_OR_RETURN(const std::string pem, ReadFile(dir / "ak.pem"));
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key,
                      crypto::SigningKey::FromPem(base::SecretBytes::CopyFrom(pem)));
  return std::make_shared<const crypto::SigningKey>(std::move(key));
}

class SeedSigner final : public hsm::LogSigner {
 public:
  explicit SeedSigner(crypto::SigningKey key) : key_(std::move(key)) {}
  absl::StatusOr<std::string> Sign(std::string_view message) override { return key_.Sign(message); }
  absl::StatusOr<std::string> PublicKey() override { return key_.public_key().RawPublicKey(); }

 private:
  const crypto::SigningKey key_;
};

absl::StatusOr<Hardware> OpenFileHardware(const HardwareConfig& config) {
  const fs::path dir = config.dir;
  BG_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::SigningKey> ak, LoadAk(dir));
  Hardware hw;
  hw.checkpoint = std::make_unique<FileCounter>(dir / "checkpoint.counter", "checkpoint",
                                                kFileCheckpointIndex, ak);
  hw.release =
      std::make_unique<FileCounter>(dir / "release.counter", "release", kFileReleaseIndex, ak);
  BG_ASSIGN_OR_RETURN(hw.signer, OpenSeedSigner(config.dir));
  hw.provision = {ak->public_key().ToPem(), kFileCheckpointIndex,
                  base::HexEncode(WrittenName(kFileCheckpointIndex)), kFileReleaseIndex,
                  base::HexEncode(WrittenName(kFileReleaseIndex))};
  return hw;
}

}  // namespace

absl::StatusOr<std::unique_ptr<hsm::LogSigner>> OpenSeedSigner(const std::string& dir) {
  BG_ASSIGN_OR_RETURN(const std::string seed, ReadFile(fs::path(dir) / "log.seed"));
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key,
                      crypto::SigningKey::FromEd25519Seed(base::SecretBytes::CopyFrom(seed)));
  return std::make_unique<SeedSigner>(std::move(key));
}

std::vector<std::string> HardwareConfig::ToArgs() const {
  std::vector<std::string> args = {absl::StrCat("--hw-kind=", kind == Kind::kReal ? "real" : "files"),
                                   absl::StrCat("--hw-dir=", dir)};
  if (kind != Kind::kReal) return args;
  for (const auto& [flag, value] :
       std::vector<std::pair<const char*, std::string>>{{"tcti", tcti},
                                                        {"ak", absl::StrCat(ak_handle)},
                                                        {"checkpoint-index", absl::StrCat(checkpoint_index)},
                                                        {"release-index", absl::StrCat(release_index)},
                                                        {"module", module_path},
                                                        {"token", token_uri},
                                                        {"pin-file", pin_file},
                                                        {"log-key", log_key_uri}}) {
    args.push_back(absl::StrCat("--hw-", flag, "=", value));
  }
  return args;
}

absl::StatusOr<HardwareConfig> HardwareConfig::FromArgs(const std::vector<std::string>& args) {
  HardwareConfig c;
  auto value = [&](const std::string& a, const std::string& flag, std::string& out) {
    const std::string prefix = absl::StrCat("--hw-", flag, "=");
    if (a.rfind(prefix, 0) == 0) out = a.substr(prefix.size());
  };
  std::string ak, cp, rel;
  for (const std::string& a : args) {
    if (a == "--hw-kind=real") c.kind = Kind::kReal;
    value(a, "dir", c.dir);
    value(a, "tcti", c.tcti);
    value(a, "ak", ak);
    value(a, "checkpoint-index", cp);
    value(a, "release-index", rel);
    value(a, "module", c.module_path);
    value(a, "token", c.token_uri);
    value(a, "pin-file", c.pin_file);
    value(a, "log-key", c.log_key_uri);
  }
  if (c.dir.empty()) return absl::InvalidArgumentError("--hw-dir is required");
  if (c.kind == Kind::kReal &&
      (!absl::SimpleAtoi(ak, &c.ak_handle) || !absl::SimpleAtoi(cp, &c.checkpoint_index) ||
       !absl::SimpleAtoi(rel, &c.release_index) || c.tcti.empty() || c.token_uri.empty())) {
    return absl::InvalidArgumentError("real devices: --hw-tcti/ak/*-index/token are required");
  }
  return c;
}

absl::StatusOr<HardwareConfig> CreateFileHardware(const std::string& dir, uint64_t checkpoint_start,
                                                  uint64_t release_start) {
  fs::create_directories(dir);
  base::SystemRandom random;
  base::SecretBytes seed(32);
  BG_RETURN_IF_ERROR(random.Fill({seed.data(base::InsecureSecretAccess::Get()), seed.size()}));
  BG_RETURN_IF_ERROR(WriteFileAtomically(fs::path(dir) / "log.seed",
                                         seed.view(base::InsecureSecretAccess::Get())));
  BG_ASSIGN_OR_RETURN(const crypto::SigningKey ak,
                      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  BG_ASSIGN_OR_RETURN(const base::SecretBytes ak_pem, ak.ToPem());
  BG_RETURN_IF_ERROR(WriteFileAtomically(fs::path(dir) / "ak.pem",
                                         ak_pem.view(base::InsecureSecretAccess::Get())));
  BG_RETURN_IF_ERROR(
      WriteFileAtomically(fs::path(dir) / "checkpoint.counter", absl::StrCat(checkpoint_start)));
  BG_RETURN_IF_ERROR(
      WriteFileAtomically(fs::path(dir) / "release.counter", absl::StrCat(release_start)));
  HardwareConfig config;
  config.kind = HardwareConfig::Kind::kFiles;
  config.dir = dir;
  return config;
}

absl::StatusOr<Hardware> OpenHardware(const HardwareConfig& config) {
  if (config.kind == HardwareConfig::Kind::kFiles) return OpenFileHardware(config);
  return OpenRealHardware(config);
}

absl::Status ForeignIncrementFileCounter(const HardwareConfig& config, const std::string& label) {
  BG_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::SigningKey> ak, LoadAk(config.dir));
  FileCounter counter(fs::path(config.dir) / absl::StrCat(label, ".counter"), label,
                      kFileCheckpointIndex, ak);
  return counter.Increment().status();
}

absl::StatusOr<std::unique_ptr<Devices>> Devices::CreateFiles(const std::string& dir,
                                                             uint64_t checkpoint_start,
                                                             uint64_t release_start) {
  BG_ASSIGN_OR_RETURN(HardwareConfig config,
                      CreateFileHardware(dir, checkpoint_start, release_start));
  return std::unique_ptr<Devices>(new Devices(std::move(config)));
}


absl::StatusOr<std::unique_ptr<AnchoredState>> AnchoredState::Open(const HardwareConfig& config,
                                                                   const std::string& db,
                                                                   AnchorOptions options,
                                                                   AnchorStepHook hook) {
  std::unique_ptr<AnchoredState> s(new AnchoredState());
  BG_ASSIGN_OR_RETURN(s->hw_, OpenHardware(config));
  BG_ASSIGN_OR_RETURN(s->runner_, store::TransactionRunner::Open(db, AuditLog::Migrations()));
  BG_ASSIGN_OR_RETURN(s->log_, AuditLog::Create(s->runner_.get(), &s->clock_));
  if (options.origin.empty()) options.origin = kAnchorTestOrigin;
  AnchorDeps deps{s->runner_.get(),          s->log_.get(),        s->hw_.signer.get(),
                  s->hw_.checkpoint.get(), s->hw_.release.get(), std::move(hook)};
  BG_ASSIGN_OR_RETURN(s->anchorer_, Anchorer::Create(std::move(deps), &s->clock_, std::move(options)));
  return s;
}

}  // namespace breakglass::audit::testing
