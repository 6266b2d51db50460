// Internal to hsm/pkcs11: the few DER encodings PKCS#11 EC keys need
// (PKCS#11 v3.0 §2.3.3 and §2.3.5; RFC 8410 §3; SEC 2 §2.4.2).
//
// CKA_EC_PARAMS holds the curve: an OBJECT IDENTIFIER (id-Ed25519
// 1.3.101.112, prime256v1 1.2.840.10045.3.1.7) or, for Edwards curves, the
// PrintableString "edwards25519". CKA_EC_POINT holds the public point as a DER
// OCTET STRING; some modules return the bare point, so both are read.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_EC_DER_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_EC_DER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::hsm::pkcs11::internal {

// DER OID 1.3.101.112 (id-Ed25519, RFC 8410).
inline constexpr std::string_view kEd25519OidDer{"\x06\x03\x2b\x65\x70", 5};
// DER PrintableString "edwards25519" (PKCS#11 v3.0 §2.3.5 alternative).
inline constexpr std::string_view kEdwards25519NameDer{
    "\x13\x0c"
    "edwards25519",
    14};
// DER OID 1.2.840.10045.3.1.7 (prime256v1 / secp256r1, SEC 2).
inline constexpr std::string_view kP256OidDer{"\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07", 10};

// True when `ec_params` names Ed25519 in either accepted form.
bool IsEd25519Params(std::string_view ec_params);
// True when `ec_params` is the P-256 OID.
bool IsP256Params(std::string_view ec_params);

// The `point_size`-byte point from a CKA_EC_POINT value: either a DER OCTET
// STRING (short-form length) wrapping exactly that many bytes, or exactly the
// bare point. INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> EcPointFromAttribute(std::string_view value, size_t point_size);

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_EC_DER_H_
