#include "hsm/pkcs11/internal/ck_status.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::hsm::pkcs11::internal {
namespace {

TEST_CASE("CkrName names common codes and hex for unknown ones", "[pkcs11]") {
  CHECK(CkrName(CKR_OK) == "CKR_OK");
  CHECK(CkrName(CKR_PIN_INCORRECT) == "CKR_PIN_INCORRECT");
  CHECK(CkrName(CKR_USER_NOT_LOGGED_IN) == "CKR_USER_NOT_LOGGED_IN");
  CHECK(CkrName(0x1234) == "CKR_0x00001234");
  CHECK(CkmName(CKM_AES_GCM) == "CKM_AES_GCM");
}

TEST_CASE("CkError names function, context, code and advice", "[pkcs11]") {
  const absl::Status s = CkError(CKR_PIN_INCORRECT, "C_Login", "token 'bg'");
  CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  const std::string m(s.message());
  CHECK(m.find("C_Login on token 'bg': CKR_PIN_INCORRECT: ") == 0);
  CHECK(m.find("PIN file") != std::string::npos);
}

TEST_CASE("CkError maps codes per the port contracts", "[pkcs11]") {
  CHECK(CkError(CKR_DEVICE_REMOVED, "f", "c").code() == absl::StatusCode::kUnavailable);
  CHECK(CkError(CKR_USER_NOT_LOGGED_IN, "f", "c").code() == absl::StatusCode::kFailedPrecondition);
  CHECK(CkError(CKR_MECHANISM_INVALID, "f", "c").code() == absl::StatusCode::kFailedPrecondition);
  CHECK(CkError(CKR_ENCRYPTED_DATA_INVALID, "f", "c").code() == absl::StatusCode::kDataLoss);
  CHECK(CkError(CKR_ATTRIBUTE_SENSITIVE, "f", "c").code() == absl::StatusCode::kPermissionDenied);
  CHECK(CkError(CKR_VENDOR_DEFINED + 5, "f", "c").code() == absl::StatusCode::kUnknown);
  CHECK(CkError(0x777, "f", "c").code() == absl::StatusCode::kInternal);
}

TEST_CASE("CkrOf recovers the CK_RV only from CkError statuses", "[pkcs11]") {
  CHECK(CkrOf(CkError(CKR_SESSION_HANDLE_INVALID, "f", "c")) == CKR_SESSION_HANDLE_INVALID);
  CHECK_FALSE(CkrOf(absl::UnavailableError("x")).has_value());
  CHECK_FALSE(CkrOf(absl::OkStatus()).has_value());
  CHECK(CkCheck(CKR_OK, "f", "c").ok());
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11::internal
