#include "vault/alerts/testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace breakglass::alerts::testing {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Key NewKey() { return Key(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `cn`, signed by `issuer_key` (self-signed when
// `issuer` is null).
Cert NewCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, long serial) {
  Cert cert(X509_new(), &X509_free);
  X509* c = cert.get();
  bool ok = X509_set_version(c, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(c), serial) &&
            X509_gmtime_adj(X509_getm_notBefore(c), -3600) && X509_gmtime_adj(X509_getm_notAfter(c), 86400) &&
            X509_set_pubkey(c, key) == 1;
  X509_NAME* name = X509_get_subject_name(c);
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer = issuer ? issuer : c;
  ok = ok && X509_set_issuer_name(c, X509_get_subject_name(signer)) == 1;
  if (issuer == nullptr) {
    ok = ok && AddExt(c, c, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExt(c, c, NID_key_usage, "critical,keyCertSign,cRLSign") &&
         AddExt(c, c, NID_subject_key_identifier, "hash");
  } else {
    ok = ok && AddExt(c, signer, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExt(c, signer, NID_key_usage, "critical,digitalSignature") &&
         AddExt(c, signer, NID_ext_key_usage, "serverAuth") &&
         AddExt(c, signer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
         AddExt(c, signer, NID_authority_key_identifier, "keyid:always");
  }
  ok = ok && X509_sign(c, issuer_key, EVP_sha256()) > 0;
  if (!ok) cert.reset();
  return cert;
}

std::string Pem(auto write, const auto* object) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || write(bio.get(), object) != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

absl::StatusOr<TestPki> TestPki::Create() {
  Key ca_key = NewKey();
  Key server_key = NewKey();
  if (!ca_key || !server_key) return absl::InternalError("test PKI: key generation failed");
  Cert ca = NewCert(ca_key.get(), "breakglass test CA", nullptr, ca_key.get(), 1);
  if (!ca) return absl::InternalError("test PKI: CA certificate failed");
  Cert server = NewCert(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), 2);
  if (!server) return absl::InternalError("test PKI: server certificate failed");
  TestPki pki;
  pki.ca_cert_pem = Pem([](BIO* b, const X509* x) { return PEM_write_bio_X509(b, x); }, ca.get());
  pki.server_cert_pem =
      Pem([](BIO* b, const X509* x) { return PEM_write_bio_X509(b, x); }, server.get());
  pki.server_key_pem = Pem(
      [](BIO* b, const EVP_PKEY* k) {
        return PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
      },
      server_key.get());
  if (pki.ca_cert_pem.empty() || pki.server_cert_pem.empty() || pki.server_key_pem.empty()) {
    return absl::InternalError("test PKI: PEM encoding failed");
  }
  return pki;
}

}  // namespace breakglass::alerts::testing
