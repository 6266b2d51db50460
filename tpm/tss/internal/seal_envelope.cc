#include "tpm/tss/internal/seal_envelope.h"

#include <tss2/tss2_mu.h>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::tpm::tss::internal {
namespace {

constexpr std::string_view kMagic = "BGTS";

void PutUint(std::string& out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

absl::Status Malformed(std::string_view field, size_t offset) {
  return absl::InvalidArgumentError(absl::StrCat("TPM seal envelope: field '", std::string(field),
                                                 "' malformed at offset ", offset));
}

// Reads big-endian integers and TPM structures, naming the field on error.
class Reader {
 public:
  explicit Reader(std::string_view b)
      : data_(reinterpret_cast<const uint8_t*>(b.data())), size_(b.size()) {}

  absl::StatusOr<uint64_t> Uint(std::string_view field, size_t width) {
    if (size_ - pos_ < width) return Malformed(field, pos_);
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += width;
    return v;
  }
  absl::StatusOr<std::string> Bytes(std::string_view field, size_t n) {
    if (size_ - pos_ < n) return Malformed(field, pos_);
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }
  template <typename T>
  absl::Status Tpm(std::string_view field,
                   TSS2_RC (*unmarshal)(const uint8_t[], size_t, size_t*, T*), T* out) {
    size_t offset = pos_;
    if (unmarshal(data_, size_, &offset, out) != TSS2_RC_SUCCESS) return Malformed(field, pos_);
    pos_ = offset;
    return absl::OkStatus();
  }
  absl::Status End() const {
    return pos_ == size_ ? absl::OkStatus() : Malformed("end (trailing bytes)", pos_);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

template <typename T>
absl::Status AppendTpm(std::string& out, const T& value,
                       TSS2_RC (*marshal)(const T*, uint8_t[], size_t, size_t*)) {
  uint8_t buffer[sizeof(T) + 16];
  size_t offset = 0;
  if (marshal(&value, buffer, sizeof(buffer), &offset) != TSS2_RC_SUCCESS) {
    return absl::InternalError("marshalling the sealed object failed");
  }
  out.append(reinterpret_cast<const char*>(buffer), offset);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EncodeSealEnvelope(const SealEnvelope& e) {
  BG_ASSIGN_OR_RETURN(std::string out, EncodeSealEnvelopePrefix(e));
  PutUint(out, e.aead.size(), 4);
  out += e.aead;
  return out;
}

absl::StatusOr<std::string> EncodeSealEnvelopePrefix(const SealEnvelope& e) {
  std::string out(kMagic);
  PutUint(out, kSealEnvelopeVersion, 1);
  PutUint(out, e.srk_handle, 4);
  PutUint(out, e.srk_name.size(), 2);
  out += e.srk_name;
  PutUint(out, e.pcr_bank, 2);
  PutUint(out, e.pcr_select.size(), 1);
  out += e.pcr_select;
  BG_RETURN_IF_ERROR(AppendTpm(out, e.public_area, &Tss2_MU_TPM2B_PUBLIC_Marshal));
  BG_RETURN_IF_ERROR(AppendTpm(out, e.private_area, &Tss2_MU_TPM2B_PRIVATE_Marshal));
  return out;
}

absl::StatusOr<SealEnvelope> DecodeSealEnvelope(std::string_view bytes) {
  Reader r(bytes);
  BG_ASSIGN_OR_RETURN(std::string magic, r.Bytes("magic", kMagic.size()));
  if (magic != kMagic) {
    return absl::InvalidArgumentError("not a TPM seal envelope (magic is not \"BGTS\")");
  }
  BG_ASSIGN_OR_RETURN(uint64_t version, r.Uint("version", 1));
  if (version != kSealEnvelopeVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("TPM seal envelope version ", version, " is not supported (only 1)"));
  }
  SealEnvelope e;
  BG_ASSIGN_OR_RETURN(uint64_t handle, r.Uint("srk_handle", 4));
  e.srk_handle = static_cast<uint32_t>(handle);
  BG_ASSIGN_OR_RETURN(uint64_t name_size, r.Uint("srk_name.size", 2));
  BG_ASSIGN_OR_RETURN(e.srk_name, r.Bytes("srk_name", name_size));
  BG_ASSIGN_OR_RETURN(uint64_t bank, r.Uint("pcr_bank", 2));
  e.pcr_bank = static_cast<uint16_t>(bank);
  BG_ASSIGN_OR_RETURN(uint64_t select_size, r.Uint("pcr_select.size", 1));
  if (select_size > sizeof(TPMS_PCR_SELECTION::pcrSelect)) return Malformed("pcr_select", 0);
  BG_ASSIGN_OR_RETURN(e.pcr_select, r.Bytes("pcr_select", select_size));
  BG_RETURN_IF_ERROR(r.Tpm("public", &Tss2_MU_TPM2B_PUBLIC_Unmarshal, &e.public_area));
  BG_RETURN_IF_ERROR(r.Tpm("private", &Tss2_MU_TPM2B_PRIVATE_Unmarshal, &e.private_area));
  BG_ASSIGN_OR_RETURN(uint64_t aead_size, r.Uint("aead_size", 4));
  BG_ASSIGN_OR_RETURN(e.aead, r.Bytes("aead", aead_size));
  BG_RETURN_IF_ERROR(r.End());
  // Tss2_MU does not check a TPM2B's size against its contents; re-encoding
  // must give back exactly the input, so no byte goes unchecked.
  BG_ASSIGN_OR_RETURN(std::string canonical, EncodeSealEnvelope(e));
  if (canonical != bytes) {
    return absl::InvalidArgumentError(
        "TPM seal envelope: a size field disagrees with its contents");
  }
  return e;
}

}  // namespace breakglass::tpm::tss::internal
