#include "hsm/envelope/keystore_envelope.h"

#include "absl/strings/str_cat.h"

namespace breakglass::hsm {
namespace {

constexpr char kMagic[] = {'B', 'K'};
constexpr size_t kFixedHeader = 5;  // magic, version, mechanism, label length

}  // namespace

absl::StatusOr<std::string> EncodeEnvelopeHeader(SealMechanism mechanism,
                                                 std::string_view key_label) {
  if (key_label.empty() || key_label.size() > kMaxKeyLabelSize) {
    return absl::InvalidArgumentError(absl::StrCat("a key label for the envelope must be 1..",
                                                   kMaxKeyLabelSize, " bytes, not ",
                                                   key_label.size()));
  }
  std::string header(kMagic, sizeof(kMagic));
  header.push_back(static_cast<char>(kEnvelopeVersion));
  header.push_back(static_cast<char>(mechanism));
  header.push_back(static_cast<char>(key_label.size()));
  header.append(key_label);
  return header;
}

absl::StatusOr<EnvelopeView> ParseEnvelope(std::string_view envelope) {
  if (envelope.size() < kFixedHeader || envelope.substr(0, 2) != std::string_view(kMagic, 2)) {
    return absl::InvalidArgumentError("not a breakglass keystore envelope (bad magic)");
  }
  if (static_cast<uint8_t>(envelope[2]) != kEnvelopeVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore envelope version ", static_cast<uint8_t>(envelope[2]),
                     " is not supported (this build reads version ", kEnvelopeVersion, ")"));
  }
  const auto mechanism = static_cast<uint8_t>(envelope[3]);
  if (mechanism != static_cast<uint8_t>(SealMechanism::kAes256Gcm)) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore envelope names unknown mechanism ", mechanism));
  }
  const size_t label_size = static_cast<uint8_t>(envelope[4]);
  const size_t header_size = kFixedHeader + label_size;
  if (label_size == 0 || envelope.size() < header_size + kEnvelopeIvSize + kEnvelopeTagSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore envelope is truncated (", envelope.size(), " bytes)"));
  }
  EnvelopeView view;
  view.mechanism = SealMechanism::kAes256Gcm;
  view.header = envelope.substr(0, header_size);
  view.key_label = envelope.substr(kFixedHeader, label_size);
  view.iv = envelope.substr(header_size, kEnvelopeIvSize);
  view.ciphertext_and_tag = envelope.substr(header_size + kEnvelopeIvSize);
  const size_t n = view.ciphertext_and_tag.size() - kEnvelopeTagSize;
  view.ciphertext = view.ciphertext_and_tag.substr(0, n);
  view.tag = view.ciphertext_and_tag.substr(n);
  return view;
}

std::string EnvelopeAad(std::string_view header, std::string_view aad) {
  std::string out;
  out.reserve(header.size() + aad.size());
  out.append(header);
  out.append(aad);
  return out;
}

std::string_view SealMechanismName(SealMechanism mechanism) {
  switch (mechanism) {
    case SealMechanism::kAes256Gcm:
      return "AES-256-GCM";
  }
  return "unknown";
}

}  // namespace breakglass::hsm
