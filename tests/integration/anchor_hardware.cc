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

// A TPM NV counter stand-in kept in a file. Evidence is a readable stand-in.
class FileCounter final : public tpm::MonotonicCounter {
 public:
  FileCounter(fs::path path, std::string label) : path_(std::move(path)), label_(std::move(label)) {}

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
    absl::MutexLock lock(&mu_);
    BG_ASSIGN_OR_RETURN(const uint64_t v, ReadLocked());
    return tpm::CounterEvidence{
        absl::StrCat("file-attest:", label_, ":", v, ":", base::HexEncode(qualifying_data)),
        "file-signature"};
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
  absl::Mutex mu_;
};

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
  BG_ASSIGN_OR_RETURN(const std::string seed, ReadFile(dir / "log.seed"));
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key,
                      crypto::SigningKey::FromEd25519Seed(base::SecretBytes::CopyFrom(seed)));
  Hardware hw;
  hw.checkpoint = std::make_unique<FileCounter>(dir / "checkpoint.counter", "checkpoint");
  hw.release = std::make_unique<FileCounter>(dir / "release.counter", "release");
  hw.signer = std::make_unique<SeedSigner>(std::move(key));
  hw.provision = {"-----BEGIN PUBLIC KEY-----\nfile-hardware\n-----END PUBLIC KEY-----\n",
                  0x01500020, "000bfile01", 0x01500021, "000bfile02"};
  return hw;
}

}  // namespace

std::vector<std::string> HardwareConfig::ToArgs() const {
  return {absl::StrCat("--hw-kind=", kind == Kind::kReal ? "real" : "files"),
          absl::StrCat("--hw-dir=", dir)};
}

absl::StatusOr<HardwareConfig> HardwareConfig::FromArgs(const std::vector<std::string>& args) {
  HardwareConfig c;
  for (const std::string& a : args) {
    if (a == "--hw-kind=real") c.kind = Kind::kReal;
    if (a.rfind("--hw-dir=", 0) == 0) c.dir = a.substr(9);
  }
  if (c.dir.empty()) return absl::InvalidArgumentError("--hw-dir is required");
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
  BG_RETURN_IF_ERROR(
      WriteFileAtomically(fs::path(dir) / "checkpoint.counter", absl::StrCat(checkpoint_start)));
  BG_RETURN_IF_ERROR(
      WriteFileAtomically(fs::path(dir) / "release.counter", absl::StrCat(release_start)));
  return HardwareConfig{HardwareConfig::Kind::kFiles, dir};
}

absl::StatusOr<Hardware> OpenHardware(const HardwareConfig& config) {
  if (config.kind == HardwareConfig::Kind::kFiles) return OpenFileHardware(config);
  return absl::UnimplementedError("real hardware: not wired yet");
}

absl::Status ForeignIncrementFileCounter(const HardwareConfig& config, const std::string& label) {
  FileCounter counter(fs::path(config.dir) / absl::StrCat(label, ".counter"), label);
  return counter.Increment().status();
}

}  // namespace breakglass::audit::testing
