#include "tests/e2e/secret_scan.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "vault/base/encoding.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;

// The base64 characters that encode only `secret`'s bytes when it starts
// `offset` bytes (0..2) into a 3-byte group.
std::string StableBase64(std::string_view secret, size_t offset) {
  const std::string encoded = base::Base64Encode(std::string(offset, '\0') + std::string(secret));
  const size_t first_group = offset == 0 ? 0 : 1;
  const size_t end_group = (offset + secret.size()) / 3;
  return encoded.substr(4 * first_group, 4 * (end_group - first_group));
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SecretForms(std::string_view secret) {
  std::vector<std::pair<std::string, std::string>> forms = {
      {"raw", std::string(secret)},
      {"hex", base::HexEncode(secret)},
      {"HEX", absl::AsciiStrToUpper(base::HexEncode(secret))}};
  for (size_t offset = 0; offset < 3; ++offset) {
    const std::string b64 = StableBase64(secret, offset);
    const std::string suffix = "+" + std::to_string(offset);
    forms.push_back({"base64" + suffix, b64});
    const std::string url = absl::StrReplaceAll(b64, {{"+", "-"}, {"/", "_"}});
    if (url != b64) forms.push_back({"base64url" + suffix, url});
  }
  return forms;
}

std::vector<std::string> FilesContainingSecret(const std::vector<fs::path>& roots,
                                               std::string_view secret,
                                               const std::set<fs::path>& except) {
  const auto forms = SecretForms(secret);
  std::set<fs::path> skip;
  std::error_code ec;
  for (const fs::path& p : except) skip.insert(fs::weakly_canonical(p, ec));
  std::vector<std::string> found;
  for (const fs::path& root : roots) {
    fs::recursive_directory_iterator it(root, ec), end;
    // Files may come and go under a running daemon (journals): skip, not throw.
    for (; !ec && it != end; it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      if (!entry.is_regular_file(ec) || skip.count(fs::weakly_canonical(entry.path(), ec))) {
        continue;
      }
      const std::string contents = Slurp(entry.path());
      for (const auto& [name, bytes] : forms) {
        if (contents.find(bytes) == std::string::npos) continue;
        found.push_back(entry.path().string() + ": " + name);
      }
    }
  }
  return found;
}

}  // namespace breakglass::e2e
