#include "api/cli/sign_flow.h"

#include <unistd.h>

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/cli/output.h"
#include "api/cli/statement_check.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

// RFC 3986 percent-encoding of a path for a pkcs11: URI query value.
std::string PercentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

void AddSignOptions(CLI::App& cmd, SignOpts& o) {
  cmd.add_option("request", o.request_id, "Request id")->required();
  AddKeyOptions(cmd, o);
}

void AddKeyOptions(CLI::App& cmd, SignOpts& o) {
  cmd.add_option("--key", o.key,
                 "Your signing key on your token: pkcs11:URI (default: the profile's "
                 "signing_key). Not the TLS client key, which is the global --key before the "
                 "command");
  cmd.add_option("--pin-file", o.pin_file,
                 "The PIN of your token, a 0600 file (the --key URI's pin-source)");
  cmd.add_option("--key-file", o.key_file,
                 "Or your signing key as a PEM private key file (default: the profile's "
                 "signing_key_file)");
  cmd.add_flag("--yes", o.yes, "Sign without asking (needed when stdin is not a terminal)");
}

absl::Status Confirm(Context& ctx, const SignOpts& o, const pb::Request& request,
                     std::string_view what) {
  *ctx.err << DescribeRequest(request) << "\nYou are about to sign: " << what << "\n";
  return AskToSign(ctx, o.yes);
}

absl::Status AskToSign(Context& ctx, bool yes) {
  if (yes) return absl::OkStatus();
  if (!isatty(STDIN_FILENO)) {
    return absl::InvalidArgumentError(
        "stdin is not a terminal: pass --yes to sign without a prompt");
  }
  *ctx.err << "Sign? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return absl::OkStatus();
  return absl::CancelledError("not signed; nothing was sent");
}

absl::StatusOr<std::string> MyIdentity(const Context& ctx) {
  BG_ASSIGN_OR_RETURN(Settings settings, ctx.ResolvedSettings());
  return CertificateIdentity(settings.cert);
}

absl::StatusOr<SigningKeySpec> KeySpec(const Context& ctx, const SignOpts& o) {
  BG_ASSIGN_OR_RETURN(Settings settings, ctx.ResolvedSettings());
  BG_ASSIGN_OR_RETURN(SigningKeySpec key, ResolveSigningKey(o.key, o.key_file, settings.signing_key,
                                                            settings.signing_key_file));
  if (o.pin_file.empty()) return key;
  if (key.pkcs11_uri.empty()) {
    return absl::InvalidArgumentError("--pin-file: only with a key on a token (--key pkcs11:URI)");
  }
  if (absl::StrContains(key.pkcs11_uri, "pin-source=")) {
    return absl::InvalidArgumentError(
        "--pin-file: the --key URI already names a pin-source; give one of them");
  }
  key.pkcs11_uri = absl::StrCat(key.pkcs11_uri, absl::StrContains(key.pkcs11_uri, "?") ? "&" : "?",
                                "pin-source=file:", PercentEncode(o.pin_file));
  return key;
}

}  // namespace breakglass::cli
