#include "tpm/fake/fake_counter.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::tpm {
namespace {

constexpr size_t kMaxQualifyingData = 32;

std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

absl::Status NeverWritten(std::string_view label) {
  return absl::FailedPreconditionError(absl::StrCat(
      "fake TPM counter '", std::string(label),
      "': NV index defined but never written (TPM_RC_NV_UNINITIALIZED); increment it once"));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const FakeAttestationKey>> FakeAttestationKey::Generate() {
  BG_ASSIGN_OR_RETURN(crypto::SigningKey key,
                      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  return std::shared_ptr<const FakeAttestationKey>(new FakeAttestationKey(std::move(key)));
}

std::string FakeAttestationKey::QualifiedName() const {
  return std::string("\x00\x0b", 2) + crypto::Sha256String(key_.public_key().spki_der());
}

absl::StatusOr<CounterEvidence> FakeAttestationKey::Sign(const NvCertifyAttest& attest) const {
  return SignBytes(MarshalNvCertifyAttest(attest));
}

absl::StatusOr<CounterEvidence> FakeAttestationKey::SignBytes(std::string attest) const {
  CounterEvidence ev;
  ev.attest = std::move(attest);
  BG_ASSIGN_OR_RETURN(std::string der, key_.Sign(ev.attest));
  BG_ASSIGN_OR_RETURN(std::string raw, crypto::EcdsaDerToRaw(der));
  ev.signature = MarshalEcdsaSignature(
      {.hash_alg = kTpmAlgSha256, .r = raw.substr(0, 32), .s = raw.substr(32, 32)});
  return ev;
}

absl::StatusOr<std::unique_ptr<FakeCounter>> FakeCounter::Create(
    FakeCounterOptions options, std::shared_ptr<const FakeAttestationKey> ak) {
  if (ak == nullptr) return absl::InvalidArgumentError("FakeCounter: no attestation key");
  if (options.label.empty()) return absl::InvalidArgumentError("FakeCounter: empty label");
  if ((options.attributes & kTpmaNvTypeMask) != kTpmaNvCounter) {
    return absl::InvalidArgumentError("FakeCounter: attributes are not TPM_NT_COUNTER");
  }
  return std::unique_ptr<FakeCounter>(new FakeCounter(std::move(options), std::move(ak)));
}

absl::StatusOr<uint64_t> FakeCounter::Read() {
  absl::MutexLock lock(&mu_);
  ++clock_.clock;
  if (!written_) return NeverWritten(options_.label);
  return value_;
}

absl::StatusOr<uint64_t> FakeCounter::Increment() {
  absl::MutexLock lock(&mu_);
  ++clock_.clock;
  written_ = true;
  return ++value_;
}

absl::StatusOr<CounterEvidence> FakeCounter::Certify(std::string_view qualifying_data) {
  if (qualifying_data.size() > kMaxQualifyingData) {
    return absl::InvalidArgumentError(absl::StrCat("qualifying data is ", qualifying_data.size(),
                                                   " bytes; at most 32 are allowed"));
  }
  NvCertifyAttest attest;
  {
    absl::MutexLock lock(&mu_);
    ++clock_.clock;
    if (!written_) return NeverWritten(options_.label);
    attest.clock_info = clock_;
    attest.nv_contents = BigEndian64(value_);
  }
  attest.qualified_signer = ak_->QualifiedName();
  attest.extra_data = std::string(qualifying_data);
  attest.firmware_version = options_.firmware_version;
  attest.index_name = WrittenIndexName();
  attest.offset = 0;
  return ak_->Sign(attest);
}

std::string FakeCounter::NameWithAttributes(uint32_t attributes) const {
  // Cannot fail: the name algorithm is always SHA-256 here.
  return *NvIndexName({.nv_index = options_.nv_index,
                       .name_alg = kTpmAlgSha256,
                       .attributes = attributes,
                       .auth_policy = "",
                       .data_size = 8});
}

std::string FakeCounter::IndexName() const {
  absl::MutexLock lock(&mu_);
  return NameWithAttributes(options_.attributes | (written_ ? kTpmaNvWritten : 0));
}

std::string FakeCounter::WrittenIndexName() const {
  return NameWithAttributes(options_.attributes | kTpmaNvWritten);
}

void FakeCounter::SimulateReset() {
  absl::MutexLock lock(&mu_);
  ++clock_.reset_count;
  clock_.restart_count = 0;
}

void FakeCounter::SimulateRestart() {
  absl::MutexLock lock(&mu_);
  ++clock_.restart_count;
}

}  // namespace breakglass::tpm
