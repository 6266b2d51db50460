// TLS policy for the API (DESIGN.md "API and identity": TLS 1.3 with client
// certificates), applied where gRPC's public API cannot express it.
//
// gRPC 1.51 (Debian 12) uses the system OpenSSL and offers no public setting
// for the minimum TLS version; it sets TLS 1.2..1.3 on every SSL_CTX it
// makes. RequireTls13ForProcess loads an OpenSSL configuration whose
// `system_default` section disables every protocol below TLS 1.3
// (SSL_OP_NO_TLSv1_2 and older, which a later SSL_CTX_set_min_proto_version
// does not undo). It applies to every SSL_CTX created afterwards in this
// process — the gRPC server and client, and any other TLS client in the
// process (e.g. alert webhooks must then speak TLS 1.3 too).
//
// CheckServerTlsMaterial parses the PEM inputs first so that a bad file is
// reported by name instead of as a silent listen failure inside gRPC.
//
// Thread-safety: RequireTls13ForProcess is idempotent and thread-safe;
// call it before creating any gRPC credentials.
#ifndef BREAKGLASS_API_SERVER_TLS_POLICY_H_
#define BREAKGLASS_API_SERVER_TLS_POLICY_H_

#include <string_view>

#include "absl/status/status.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::api {

// INTERNAL when OpenSSL refuses the configuration (names OpenSSL's reason).
absl::Status RequireTls13ForProcess();

// How errors name the three inputs (breakglassd passes its config keys).
struct TlsMaterialNames {
  std::string_view cert = "certificate";
  std::string_view key = "private key";
  std::string_view ca = "client CA";
};

// OK when `cert_pem` holds at least one certificate, `key_pem` a private key
// matching the first certificate, and `ca_pem` at least one CA certificate.
// INVALID_ARGUMENT starting with the name of the input that is wrong. Key
// parse details are never echoed.
absl::Status CheckServerTlsMaterial(std::string_view cert_pem,
                                    const base::SecretBytes& key_pem,
                                    std::string_view ca_pem,
                                    const TlsMaterialNames& names = {});

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_TLS_POLICY_H_
