#include "hsm/pkcs11/internal/uri.h"

#include <cctype>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace breakglass::hsm::pkcs11::internal {
namespace {

std::optional<std::string> BytesAttribute(P11KitUri* uri, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE* attr = p11_kit_uri_get_attribute(uri, type);
  if (attr == nullptr || attr->pValue == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(attr->pValue), attr->ulValueLen);
}

std::optional<CK_OBJECT_CLASS> ClassAttribute(P11KitUri* uri) {
  CK_ATTRIBUTE* attr = p11_kit_uri_get_attribute(uri, CKA_CLASS);
  if (attr == nullptr || attr->ulValueLen != sizeof(CK_OBJECT_CLASS)) return std::nullopt;
  return *static_cast<const CK_OBJECT_CLASS*>(attr->pValue);
}

}  // namespace

PkcsUri::PkcsUri(std::shared_ptr<P11KitUri> uri, std::string text)
    : uri_(std::move(uri)), text_(std::move(text)) {
  label_ = BytesAttribute(uri_.get(), CKA_LABEL);
  id_ = BytesAttribute(uri_.get(), CKA_ID);
  class_ = ClassAttribute(uri_.get());
}

absl::StatusOr<PkcsUri> PkcsUri::Parse(std::string_view text) {
  std::shared_ptr<P11KitUri> uri(p11_kit_uri_new(), Free());
  if (uri == nullptr) return absl::ResourceExhaustedError("p11_kit_uri_new: out of memory");
  const std::string s(text);
  const int rc = p11_kit_uri_parse(s.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
  if (rc != P11_KIT_URI_OK) {
    return absl::InvalidArgumentError(absl::StrCat("PKCS#11 URI '", s, "' does not parse (",
                                                   p11_kit_uri_message(rc),
                                                   "); expected e.g. pkcs11:token=breakglass;"
                                                   "object=share-seal (RFC 7512)"));
  }
  if (p11_kit_uri_get_pin_value(uri.get()) != nullptr ||
      p11_kit_uri_get_pin_source(uri.get()) != nullptr) {
    // Do not quote the URI: it holds a PIN or where to find one.
    return absl::InvalidArgumentError(
        "a PKCS#11 URI with pin-value or pin-source is refused; give the PIN as a file or a "
        "systemd credential");
  }
  if (p11_kit_uri_any_unrecognized(uri.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("PKCS#11 URI '", s,
                     "' has attributes p11-kit does not recognise (RFC 7512 allows "
                     "token, manufacturer, serial, model, slot-*, object, id, type, ...)"));
  }
  return PkcsUri(std::move(uri), s);
}

bool PkcsUri::MatchesSlot(CK_SLOT_ID id, const CK_SLOT_INFO& info) const {
  const CK_SLOT_ID wanted = p11_kit_uri_get_slot_id(uri_.get());
  if (wanted != static_cast<CK_SLOT_ID>(-1) && wanted != id) return false;
  return p11_kit_uri_match_slot_info(uri_.get(), &info) == 1;
}

bool PkcsUri::MatchesToken(const CK_TOKEN_INFO& info) const {
  return p11_kit_uri_match_token_info(uri_.get(), &info) == 1;
}

std::string PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 0xF]};
    }
  }
  return out;
}

std::string Unpad(const CK_UTF8CHAR* field, size_t size) {
  std::string s(reinterpret_cast<const char*>(field), size);
  const size_t end = s.find_last_not_of(' ');
  return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

std::string FormatTokenUri(const CK_TOKEN_INFO& info) {
  std::unique_ptr<P11KitUri, void (*)(P11KitUri*)> uri(p11_kit_uri_new(), p11_kit_uri_free);
  char* out = nullptr;
  if (uri == nullptr) return "pkcs11:";
  *p11_kit_uri_get_token_info(uri.get()) = info;
  if (p11_kit_uri_format(uri.get(), P11_KIT_URI_FOR_TOKEN, &out) != P11_KIT_URI_OK) {
    return absl::StrCat("pkcs11:token=", Unpad(info.label, sizeof(info.label)));
  }
  std::string formatted(out);
  std::free(out);
  return formatted;
}

}  // namespace breakglass::hsm::pkcs11::internal
