// The steps every signing command shares (approve, deny, review, rollback
// approve): the
// request and key options, showing what is about to be signed and asking,
// the CLI's own identity, and which key to sign with (signer.h).
//
// Key options: --key pkcs11:URI (a key on the signer's own token) with
// optionally --pin-file FILE (the token PIN, a 0600 file; the URI's
// pin-source), or --key-file PEM (an unencrypted PEM private key). Without
// either, the profile's signing_key / signing_key_file.
//
// Thread-safety: single-threaded (the CLI's main thread).
#ifndef BREAKGLASS_API_CLI_SIGN_FLOW_H_
#define BREAKGLASS_API_CLI_SIGN_FLOW_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/cli/cli11.h"
#include "api/cli/commands.h"
#include "api/cli/signer.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"

namespace breakglass::cli {

struct SignOpts {
  std::string request_id;
  std::string key;       // pkcs11: URI
  std::string pin_file;  // PIN for `key`
  std::string key_file;  // PEM private key
  bool yes = false;
};

// REQUEST, --key, --pin-file, --key-file, --yes.
void AddSignOptions(CLI::App& cmd, SignOpts& o);
// The same without REQUEST, for signing what is not about one request
// (`rollback approve`).
void AddKeyOptions(CLI::App& cmd, SignOpts& o);

// After the caller printed what is about to be signed: asks "Sign? [y/N]"
// unless `yes`. INVALID_ARGUMENT when stdin is not a terminal; CANCELLED
// when the answer is not yes.
absl::Status AskToSign(Context& ctx, bool yes);

// Prints the request and `what` (a description of the bytes to sign) to
// stderr and asks, unless --yes. INVALID_ARGUMENT when stdin is not a
// terminal and --yes is missing; CANCELLED when the answer is not yes.
absl::Status Confirm(Context& ctx, const SignOpts& o, const v1::Request& request,
                     std::string_view what);

// The CN of the client certificate this CLI presents.
absl::StatusOr<std::string> MyIdentity(const Context& ctx);

// The key to sign with (ResolveSigningKey over the flags and the profile),
// with --pin-file as the pin-source of a token key. INVALID_ARGUMENT naming
// --pin-file when the key is not on a token or its URI already names a
// pin-source; ResolveSigningKey's errors otherwise.
absl::StatusOr<SigningKeySpec> KeySpec(const Context& ctx, const SignOpts& o);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_SIGN_FLOW_H_
