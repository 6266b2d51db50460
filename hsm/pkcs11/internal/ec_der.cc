#include "hsm/pkcs11/internal/ec_der.h"

#include "absl/strings/str_cat.h"

namespace breakglass::hsm::pkcs11::internal {

bool IsEd25519Params(std::string_view ec_params) {
  return ec_params == kEd25519OidDer || ec_params == kEdwards25519NameDer;
}

bool IsP256Params(std::string_view ec_params) { return ec_params == kP256OidDer; }

absl::StatusOr<std::string> EcPointFromAttribute(std::string_view value, size_t point_size) {
  constexpr char kOctetString = 0x04;
  if (point_size < 0x80 && value.size() == point_size + 2 && value[0] == kOctetString &&
      static_cast<unsigned char>(value[1]) == point_size) {
    return std::string(value.substr(2));
  }
  if (value.size() == point_size) return std::string(value);
  return absl::InvalidArgumentError(absl::StrCat("CKA_EC_POINT of ", value.size(),
                                                 " bytes is neither a ", point_size,
                                                 "-byte point nor a DER OCTET STRING of one"));
}

}  // namespace breakglass::hsm::pkcs11::internal
