// SecretScan: finds copies of a secret in files — the plaintext bytes, their
// hex (either case) and their base64 (standard and URL-safe, at each of the
// three byte alignments a secret embedded in a longer encoded blob can have).
// The e2e story uses it to show that a released credential never reaches the
// appliance's disk, logs or the CLI's state, only the file the requester
// asked for.
//
// Thread-safety: pure functions (reads files).
#ifndef BREAKGLASS_TESTS_E2E_SECRET_SCAN_H_
#define BREAKGLASS_TESTS_E2E_SECRET_SCAN_H_

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::e2e {

// The forms searched for, each as {name, bytes}: "raw", "hex", "HEX",
// "base64+0", "base64+1", "base64+2" and their "base64url" twins (when they
// differ). The base64
// forms are the part of the encoding that is the same whatever precedes and
// follows the secret. `secret` should be at least 16 bytes.
std::vector<std::pair<std::string, std::string>> SecretForms(std::string_view secret);

// One "PATH: FORM" per regular file under each of `roots` (recursively; a
// missing root is skipped) that contains any form of `secret`, except the
// files in `except`. Entries that vanish or cannot be read while scanning are
// skipped.
std::vector<std::string> FilesContainingSecret(const std::vector<std::filesystem::path>& roots,
                                               std::string_view secret,
                                               const std::set<std::filesystem::path>& except = {});

}  // namespace breakglass::e2e

#endif  // BREAKGLASS_TESTS_E2E_SECRET_SCAN_H_
