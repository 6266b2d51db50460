#include "vault/core/share_envelope.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::core {
namespace {

constexpr std::string_view kAadDomain{"breakglass-share-aad-v1\0", 24};
constexpr std::string_view kCommitmentAadDomain{"breakglass-commitment-key-aad-v1\0", 33};
constexpr std::string_view kMagic = "BGSE";
constexpr size_t kMaxLayers = 8;

void PutInt(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void PutBytes(std::string& out, std::string_view s, int len_bytes) {
  PutInt(out, s.size(), len_bytes);
  out.append(s.data(), s.size());
}

// Reads big-endian fields from an envelope; any overrun is DATA_LOSS.
class Cursor {
 public:
  explicit Cursor(std::string_view in) : in_(in) {}
  absl::StatusOr<uint64_t> Int(int bytes) {
    if (in_.size() < static_cast<size_t>(bytes)) return Truncated();
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in_[i]);
    in_.remove_prefix(bytes);
    return v;
  }
  absl::StatusOr<std::string> Bytes(int len_bytes) {
    BG_ASSIGN_OR_RETURN(uint64_t len, Int(len_bytes));
    if (in_.size() < len) return Truncated();
    std::string out(in_.substr(0, len));
    in_.remove_prefix(len);
    return out;
  }
  bool empty() const { return in_.empty(); }

 private:
  static absl::Status Truncated() {
    return absl::DataLossError("share envelope is truncated; restore the share from backup");
  }
  std::string_view in_;
};

std::string Describe(const ShareBinding& b) {
  return absl::StrCat("share ", b.share_index, " (custodian ", b.custodian, ") of ",
                      b.credential_id, " v", b.version);
}

}  // namespace

absl::StatusOr<std::string> ShareAad(const ShareBinding& b) {
  if (b.credential_id.empty() || b.credential_id.size() > 0xFFFF) {
    return absl::InvalidArgumentError("share.credential_id: must be 1 to 65535 bytes");
  }
  if (b.custodian.empty() || b.custodian.size() > 0xFFFF) {
    return absl::InvalidArgumentError("share.custodian: must be 1 to 65535 bytes");
  }
  if (b.version < 1) return absl::InvalidArgumentError("share.version: must be at least 1");
  if (b.share_index < 1 || b.share_index > 255) {
    return absl::InvalidArgumentError("share.share_index: must be between 1 and 255");
  }
  std::string out(kAadDomain);
  PutBytes(out, b.credential_id, 2);
  PutInt(out, static_cast<uint64_t>(b.version), 8);
  PutBytes(out, b.custodian, 2);
  PutInt(out, static_cast<uint64_t>(b.share_index), 1);
  return out;
}

std::string ShareEnvelope::Encode() const {
  std::string out(kMagic);
  PutInt(out, kFormatVersion, 1);
  PutInt(out, layers.size(), 1);
  for (const EnvelopeLayer& l : layers) {
    PutInt(out, static_cast<uint8_t>(l.kind), 1);
    PutBytes(out, l.label, 2);
  }
  PutBytes(out, ciphertext, 4);
  return out;
}

absl::StatusOr<ShareEnvelope> ShareEnvelope::Decode(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("share envelope does not start with \"BGSE\"");
  }
  Cursor c(bytes.substr(kMagic.size()));
  BG_ASSIGN_OR_RETURN(uint64_t version, c.Int(1));
  if (version != kFormatVersion) {
    return absl::DataLossError(absl::StrCat("share envelope format version ", version,
                                            " is not supported (this build reads version 1)"));
  }
  BG_ASSIGN_OR_RETURN(uint64_t count, c.Int(1));
  if (count < 1 || count > kMaxLayers) {
    return absl::DataLossError(absl::StrCat("share envelope has ", count, " layers (1..8 allowed)"));
  }
  ShareEnvelope env;
  for (uint64_t i = 0; i < count; ++i) {
    BG_ASSIGN_OR_RETURN(uint64_t kind, c.Int(1));
    BG_ASSIGN_OR_RETURN(std::string label, c.Bytes(2));
    env.layers.push_back({static_cast<LayerKind>(kind), std::move(label)});
  }
  BG_ASSIGN_OR_RETURN(env.ciphertext, c.Bytes(4));
  if (!c.empty()) return absl::DataLossError("share envelope has trailing bytes");
  return env;
}

absl::StatusOr<std::string> CommitmentKeyAad(std::string_view credential_id, int64_t version) {
  if (credential_id.empty() || credential_id.size() > 0xFFFF) {
    return absl::InvalidArgumentError("commitment.credential_id: must be 1 to 65535 bytes");
  }
  if (version < 1) return absl::InvalidArgumentError("commitment.version: must be at least 1");
  std::string out(kCommitmentAadDomain);
  PutBytes(out, credential_id, 2);
  PutInt(out, static_cast<uint64_t>(version), 8);
  return out;
}

absl::StatusOr<std::string> SealEnvelope(hsm::Keystore& keystore, const base::SecretBytes& secret,
                                         std::string_view aad, std::string_view what) {
  auto sealed = keystore.Seal(secret, aad);
  if (!sealed.ok()) {
    return base::Annotate(sealed.status(), absl::StrCat("keystore ", keystore.Describe(),
                                                        ": sealing ", std::string(what)));
  }
  ShareEnvelope env;
  env.layers.push_back({LayerKind::kKeystore, keystore.Describe()});
  env.ciphertext = *std::move(sealed);
  return env.Encode();
}

absl::StatusOr<base::SecretBytes> OpenEnvelope(hsm::Keystore& keystore, std::string_view envelope,
                                               std::string_view aad, std::string_view what) {
  BG_ASSIGN_OR_RETURN(ShareEnvelope env, ShareEnvelope::Decode(envelope));
  if (env.layers.size() != 1 || env.layers[0].kind != LayerKind::kKeystore) {
    return absl::FailedPreconditionError(absl::StrCat(
        std::string(what), " has a layer this build cannot open (custodian-held layers need a "
                           "newer breakglass)"));
  }
  auto opened = keystore.Unseal(env.ciphertext, aad);
  if (!opened.ok()) {
    return base::Annotate(opened.status(),
                          absl::StrCat("keystore ", keystore.Describe(), ": unsealing ",
                                       std::string(what), " (sealed by ", env.layers[0].label, ")"));
  }
  return *std::move(opened);
}

absl::StatusOr<std::string> SealShare(hsm::Keystore& keystore, const base::SecretBytes& share,
                                      const ShareBinding& binding) {
  BG_ASSIGN_OR_RETURN(std::string aad, ShareAad(binding));
  return SealEnvelope(keystore, share, aad, Describe(binding));
}

absl::StatusOr<base::SecretBytes> OpenShare(hsm::Keystore& keystore, std::string_view envelope,
                                            const ShareBinding& binding) {
  BG_ASSIGN_OR_RETURN(std::string aad, ShareAad(binding));
  return OpenEnvelope(keystore, envelope, aad, Describe(binding));
}

}  // namespace breakglass::core
