#include "api/server/tls_policy.h"

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"

namespace breakglass::api {
namespace {

// Applied to every SSL_CTX made after loading (OpenSSL "system_default").
constexpr char kTls13Only[] =
    "openssl_conf = breakglass_init\n"
    "[breakglass_init]\n"
    "ssl_conf = breakglass_ssl\n"
    "[breakglass_ssl]\n"
    "system_default = breakglass_tls\n"
    "[breakglass_tls]\n"
    "MinProtocol = TLSv1.3\n"
    "Protocol = -ALL, TLSv1.3\n";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct ConfFree {
  void operator()(CONF* c) const { NCONF_free(c); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string OpenSslReason() {
  const unsigned long err = ERR_get_error();  // NOLINT(runtime/int): OpenSSL API
  ERR_clear_error();
  if (err == 0) return "no OpenSSL error recorded";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

absl::Status LoadTls13Config() {
  if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL init failed: ", OpenSslReason()));
  }
  BioPtr bio(BIO_new_mem_buf(kTls13Only, -1));
  std::unique_ptr<CONF, ConfFree> conf(NCONF_new(nullptr));
  long error_line = 0;  // NOLINT(runtime/int): OpenSSL API
  if (!bio || !conf || NCONF_load_bio(conf.get(), bio.get(), &error_line) != 1) {
    return absl::InternalError(
        absl::StrCat("building the TLS 1.3 policy failed: ", OpenSslReason()));
  }
  if (CONF_modules_load(conf.get(), nullptr, 0) != 1) {
    return absl::InternalError(
        absl::StrCat("loading the TLS 1.3 policy failed: ", OpenSslReason()));
  }
  return absl::OkStatus();
}

BioPtr ReadOnlyBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

}  // namespace

absl::Status RequireTls13ForProcess() {
  // The policy is process-wide by nature (OpenSSL's system_default), so it
  // is loaded once; C++ makes this initialisation thread-safe.
  static const absl::Status kResult = LoadTls13Config();
  return kResult;
}

absl::Status CheckServerTlsMaterial(std::string_view cert_pem,
                                    const base::SecretBytes& key_pem,
                                    std::string_view ca_pem,
                                    const TlsMaterialNames& names) {
  BioPtr cert_bio = ReadOnlyBio(cert_pem);
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(names.cert), ": not a PEM X.509 certificate (",
                     OpenSslReason(), ")"));
  }
  BioPtr key_bio = ReadOnlyBio(key_pem.view(base::InsecureSecretAccess::Get()));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();  // never echo details of a key parse
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(names.key), ": not an unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(names.key), ": does not match the public key of ", std::string(names.cert)));
  }
  BioPtr ca_bio = ReadOnlyBio(ca_pem);
  std::unique_ptr<X509, X509Free> ca(PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr));
  if (!ca) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(names.ca), ": not a PEM X.509 certificate (", OpenSslReason(),
                     ")"));
  }
  return absl::OkStatus();
}

}  // namespace breakglass::api
