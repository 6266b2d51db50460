// Connection settings of the breakglass CLI: the server address, the
// identity's client certificate and key, the CA that issued the server's
// certificate, the custodian's signing key and the directory for request keys.
//
// They come from a named profile in the CLI's config file — $BREAKGLASS_CONFIG,
// else $XDG_CONFIG_HOME/breakglass/cli.toml, else ~/.config/breakglass/cli.toml —
// and global flags override them, as cloud CLIs do:
//
//   default_profile = "alice"
//   [profiles.alice]
//   server = "127.0.0.1:8443"
//   cert = "/home/alice/.breakglass/alice.crt"
//   key = "/home/alice/.breakglass/alice.key"
//   ca = "/home/alice/.breakglass/ca.crt"
//   signing_key = "pkcs11:token=alice;object=approval"   # a key on your token
//   # signing_key_file = "/home/alice/.breakglass/sign.pem"  # or a PEM file
//   state_dir = "/home/alice/.local/state/breakglass"
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_API_CLI_PROFILE_H_
#define BREAKGLASS_API_CLI_PROFILE_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::cli {

struct Settings {
  std::string server;       // host:port of breakglassd
  std::string cert;         // PEM client certificate (its CN is the identity)
  std::string key;          // PEM private key of `cert`
  std::string ca;           // PEM CA that issued breakglassd's certificate
  std::string signing_key;  // default --key (pkcs11: URI) for approve/deny/review
  std::string signing_key_file;  // default --key-file (PEM private key)
  std::string state_dir;    // request private keys live in <state_dir>/requests

  // Each non-empty field of `flags` replaces this one's.
  Settings OverriddenBy(const Settings& flags) const;
  // OK when server, cert, key and ca are set; INVALID_ARGUMENT naming the
  // first missing one and where to set it.
  absl::Status CheckConnectable() const;
};

// $BREAKGLASS_CONFIG, else the XDG location above.
std::filesystem::path DefaultConfigPath();

// The state directory when no profile or flag sets one:
// $XDG_STATE_HOME/breakglass, else ~/.local/state/breakglass.
std::string DefaultStateDir();

// Loads profile `name` from `path`; an empty name means the file's
// default_profile, or no profile at all. A missing file is fine when no name
// is asked for. Errors: NOT_FOUND for a missing file or profile (listing the
// profiles there); INVALID_ARGUMENT naming an unknown key or bad value.
absl::StatusOr<Settings> LoadProfile(const std::filesystem::path& path, std::string_view name);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_PROFILE_H_
