#include "tpm/evidence/attest.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::tpm {
namespace {

// Upper bounds of the TPM2B buffers (Part 2; generous for any TPM profile).
constexpr size_t kMaxName = 2 + 64;    // sizeof(TPMU_NAME): nameAlg + SHA-512
constexpr size_t kMaxData = 2 + 64;    // sizeof(TPMT_HA)
constexpr size_t kMaxNvBuffer = 2048;  // MAX_NV_BUFFER_SIZE
constexpr size_t kMaxEccParameter = 128;

// Big-endian reader that names the field being read in every error.
class Reader {
 public:
  Reader(std::string_view bytes, std::string_view structure)
      : bytes_(bytes), structure_(structure) {}

  absl::StatusOr<uint64_t> Uint(std::string_view field, size_t width) {
    if (bytes_.size() - pos_ < width) return Truncated(field, width);
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(bytes_[pos_ + i]);
    pos_ += width;
    return v;
  }

  // A TPM2B: UINT16 size, then that many bytes (at most `max`).
  absl::StatusOr<std::string> Sized(std::string_view field, size_t max) {
    auto size = Uint(absl::StrCat(std::string(field), ".size"), 2);
    if (!size.ok()) return size.status();
    if (*size > max) {
      return absl::InvalidArgumentError(absl::StrCat(structure_, ".", std::string(field), ": size ",
                                                     *size, " exceeds the maximum ", max));
    }
    if (bytes_.size() - pos_ < *size) return Truncated(field, *size);
    std::string out(bytes_.substr(pos_, *size));
    pos_ += *size;
    return out;
  }

  absl::Status ExpectEnd() const {
    if (pos_ == bytes_.size()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(structure_, ": ", bytes_.size() - pos_,
                                                   " unexpected bytes after the structure"));
  }

  absl::Status Error(std::string_view field, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(structure_, ".", std::string(field), ": ", std::string(what)));
  }

 private:
  absl::Status Truncated(std::string_view field, size_t need) const {
    return absl::InvalidArgumentError(absl::StrCat(structure_, ".", std::string(field),
                                                   ": truncated at offset ", pos_, " (need ", need,
                                                   " bytes, have ", bytes_.size() - pos_, ")"));
  }

  std::string_view bytes_;
  std::string structure_;
  size_t pos_ = 0;
};

void PutUint(std::string& out, uint64_t v, size_t width) {
  for (size_t i = width; i-- > 0;) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutSized(std::string& out, std::string_view bytes) {
  PutUint(out, bytes.size(), 2);
  out.append(bytes);
}

absl::Status ReadHeader(Reader& r) {
  BG_ASSIGN_OR_RETURN(uint64_t magic, r.Uint("magic", 4));
  if (magic != kTpmGeneratedValue) {
    return r.Error("magic", absl::StrCat("0x", absl::Hex(magic),
                                         " is not TPM_GENERATED_VALUE "
                                         "0xff544347 (not produced by a TPM)"));
  }
  BG_ASSIGN_OR_RETURN(uint64_t type, r.Uint("type", 2));
  if (type != kTpmStAttestNv) {
    return r.Error("type", absl::StrCat("0x", absl::Hex(type),
                                        " is not TPM_ST_ATTEST_NV 0x8014 (not NV_Certify)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ClockInfo> ReadClockInfo(Reader& r) {
  ClockInfo c;
  BG_ASSIGN_OR_RETURN(c.clock, r.Uint("clockInfo.clock", 8));
  BG_ASSIGN_OR_RETURN(uint64_t reset, r.Uint("clockInfo.resetCount", 4));
  BG_ASSIGN_OR_RETURN(uint64_t restart, r.Uint("clockInfo.restartCount", 4));
  BG_ASSIGN_OR_RETURN(uint64_t safe, r.Uint("clockInfo.safe", 1));
  if (safe > 1) return r.Error("clockInfo.safe", "not a TPMI_YES_NO (0 or 1)");
  c.reset_count = static_cast<uint32_t>(reset);
  c.restart_count = static_cast<uint32_t>(restart);
  c.safe = safe == 1;
  return c;
}

}  // namespace

absl::StatusOr<NvCertifyAttest> ParseNvCertifyAttest(std::string_view bytes) {
  Reader r(bytes, "TPMS_ATTEST");
  BG_RETURN_IF_ERROR(ReadHeader(r));
  NvCertifyAttest a;
  BG_ASSIGN_OR_RETURN(a.qualified_signer, r.Sized("qualifiedSigner", kMaxName));
  BG_ASSIGN_OR_RETURN(a.extra_data, r.Sized("extraData", kMaxData));
  BG_ASSIGN_OR_RETURN(a.clock_info, ReadClockInfo(r));
  BG_ASSIGN_OR_RETURN(a.firmware_version, r.Uint("firmwareVersion", 8));
  BG_ASSIGN_OR_RETURN(a.index_name, r.Sized("attested.nv.indexName", kMaxName));
  BG_ASSIGN_OR_RETURN(uint64_t offset, r.Uint("attested.nv.offset", 2));
  a.offset = static_cast<uint16_t>(offset);
  BG_ASSIGN_OR_RETURN(a.nv_contents, r.Sized("attested.nv.nvContents", kMaxNvBuffer));
  BG_RETURN_IF_ERROR(r.ExpectEnd());
  return a;
}

std::string MarshalNvCertifyAttest(const NvCertifyAttest& a) {
  std::string out;
  PutUint(out, kTpmGeneratedValue, 4);
  PutUint(out, kTpmStAttestNv, 2);
  PutSized(out, a.qualified_signer);
  PutSized(out, a.extra_data);
  PutUint(out, a.clock_info.clock, 8);
  PutUint(out, a.clock_info.reset_count, 4);
  PutUint(out, a.clock_info.restart_count, 4);
  PutUint(out, a.clock_info.safe ? 1 : 0, 1);
  PutUint(out, a.firmware_version, 8);
  PutSized(out, a.index_name);
  PutUint(out, a.offset, 2);
  PutSized(out, a.nv_contents);
  return out;
}

absl::StatusOr<EcdsaSignature> ParseEcdsaSignature(std::string_view bytes) {
  Reader r(bytes, "TPMT_SIGNATURE");
  BG_ASSIGN_OR_RETURN(uint64_t alg, r.Uint("sigAlg", 2));
  if (alg != kTpmAlgEcdsa) {
    return r.Error("sigAlg", absl::StrCat("0x", absl::Hex(alg, absl::kZeroPad4),
                                          " is not TPM_ALG_ECDSA 0x0018"));
  }
  EcdsaSignature s;
  BG_ASSIGN_OR_RETURN(uint64_t hash, r.Uint("signature.ecdsa.hash", 2));
  s.hash_alg = static_cast<uint16_t>(hash);
  BG_ASSIGN_OR_RETURN(s.r, r.Sized("signature.ecdsa.signatureR", kMaxEccParameter));
  BG_ASSIGN_OR_RETURN(s.s, r.Sized("signature.ecdsa.signatureS", kMaxEccParameter));
  BG_RETURN_IF_ERROR(r.ExpectEnd());
  return s;
}

std::string MarshalEcdsaSignature(const EcdsaSignature& s) {
  std::string out;
  PutUint(out, kTpmAlgEcdsa, 2);
  PutUint(out, s.hash_alg, 2);
  PutSized(out, s.r);
  PutSized(out, s.s);
  return out;
}

std::string MarshalNvPublic(const NvPublic& p) {
  std::string out;
  PutUint(out, p.nv_index, 4);
  PutUint(out, p.name_alg, 2);
  PutUint(out, p.attributes, 4);
  PutSized(out, p.auth_policy);
  PutUint(out, p.data_size, 2);
  return out;
}

absl::StatusOr<std::string> NvIndexName(const NvPublic& p) {
  if (p.name_alg != kTpmAlgSha256) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TPMS_NV_PUBLIC.nameAlg: 0x", absl::Hex(p.name_alg), " unsupported (only SHA-256)"));
  }
  std::string name;
  PutUint(name, p.name_alg, 2);
  name += crypto::Sha256String(MarshalNvPublic(p));
  return name;
}

}  // namespace breakglass::tpm
