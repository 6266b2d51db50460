// Internal to hsm/pkcs11: RFC 7512 PKCS#11 URIs, parsed by p11-kit
// (p11_kit_uri_parse), e.g. "pkcs11:token=breakglass;object=share-seal".
//
// The token and slot attributes select a token (p11_kit_uri_match_token_info /
// _slot_info); "object", "id" and "type" select an object. A URI carrying a PIN
// ("pin-value", "pin-source") is refused: the PIN comes from a file or a
// systemd credential only (hsm/pkcs11/pin.h). Unknown attributes are refused
// too, so a typo cannot silently widen a match.
//
// Thread-safety: a PkcsUri is immutable after Parse; const methods are safe
// from many threads.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_URI_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_URI_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

class PkcsUri final {
 public:
  // INVALID_ARGUMENT naming the problem (p11-kit's message) and the URI.
  static absl::StatusOr<PkcsUri> Parse(std::string_view uri);

  // True when the URI's slot and token attributes (if any) match.
  bool MatchesSlot(CK_SLOT_ID id, const CK_SLOT_INFO& info) const;
  bool MatchesToken(const CK_TOKEN_INFO& info) const;

  // The "object" (CKA_LABEL), "id" (CKA_ID) and "type" (CKA_CLASS) parts.
  const std::optional<std::string>& object_label() const { return label_; }
  const std::optional<std::string>& object_id() const { return id_; }
  const std::optional<CK_OBJECT_CLASS>& object_class() const { return class_; }

  const std::string& text() const { return text_; }

 private:
  struct Free {
    void operator()(P11KitUri* uri) const { p11_kit_uri_free(uri); }
  };
  PkcsUri(std::shared_ptr<P11KitUri> uri, std::string text);

  std::shared_ptr<P11KitUri> uri_;  // immutable after Parse
  std::string text_;
  std::optional<std::string> label_;
  std::optional<std::string> id_;
  std::optional<CK_OBJECT_CLASS> class_;
};

// A token's label, manufacturer, model and serial as a URI, for Describe()
// and error messages: "pkcs11:model=...;manufacturer=...;serial=...;token=...".
std::string FormatTokenUri(const CK_TOKEN_INFO& info);

// `value` percent-encoded for a URI path attribute (RFC 7512 §2.3): every
// byte outside A-Z a-z 0-9 - . _ ~ becomes %XX.
std::string PercentEncode(std::string_view value);

// A blank-padded CK_UTF8CHAR field (CK_TOKEN_INFO.label etc.) without padding.
std::string Unpad(const CK_UTF8CHAR* field, size_t size);

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_URI_H_
