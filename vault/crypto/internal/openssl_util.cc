#include "vault/crypto/internal/openssl_util.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace breakglass::crypto::internal {

absl::Status OpenSslError(std::string_view what) {
  char buf[256] = "no error queued";
  const unsigned long code = ERR_peek_error();
  if (code != 0) ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(std::string(what), " failed (OpenSSL: ", buf, ")"));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace breakglass::crypto::internal
