#include "hsm/pkcs11/internal/ec_der.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::hsm::pkcs11::internal {
namespace {

TEST_CASE("EC params recognise Ed25519 in both forms and P-256", "[pkcs11]") {
  CHECK(IsEd25519Params(kEd25519OidDer));
  CHECK(
      IsEd25519Params(std::string("\x13\x0c"
                                  "edwards25519",
                                  14)));
  CHECK_FALSE(IsEd25519Params(kP256OidDer));
  CHECK(IsP256Params(kP256OidDer));
  CHECK_FALSE(IsP256Params(std::string("\x06\x05\x2b\x81\x04\x00\x22", 7)));  // P-384
}

TEST_CASE("EC point is read wrapped in an OCTET STRING or bare", "[pkcs11]") {
  const std::string point(32, '\x07');
  CHECK(*EcPointFromAttribute(std::string("\x04\x20", 2) + point, 32) == point);
  CHECK(*EcPointFromAttribute(point, 32) == point);
  const std::string p256 = "\x04" + std::string(64, '\x01');
  CHECK(*EcPointFromAttribute(std::string("\x04\x41", 2) + p256, 65) == p256);
  CHECK(*EcPointFromAttribute(p256, 65) == p256);
}

TEST_CASE("EC point of the wrong size or wrapping is refused", "[pkcs11]") {
  const std::string point(32, '\x07');
  CHECK(EcPointFromAttribute(point + "x", 32).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(EcPointFromAttribute(std::string("\x04\x21", 2) + point, 32).ok());
  CHECK_FALSE(EcPointFromAttribute(std::string("\x03\x20", 2) + point, 32).ok());
  CHECK_FALSE(EcPointFromAttribute("", 32).ok());
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11::internal
