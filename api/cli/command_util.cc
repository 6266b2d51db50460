#include "api/cli/command_util.h"

#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace breakglass::cli {

absl::StatusOr<pb::Role> ParseRoleFlag(std::string_view name) {
  pb::Role role;
  std::string upper = absl::AsciiStrToUpper(absl::StrCat("ROLE_", std::string(name)));
  if (name.empty() || !pb::Role_Parse(upper, &role) || role == pb::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--role: unknown role '", std::string(name),
                     "'; valid: operator, custodian, requester, reviewer, auditor"));
  }
  return role;
}

absl::StatusOr<pb::RequestState> ParseStateFlag(std::string_view name) {
  pb::RequestState state;
  std::string upper = absl::AsciiStrToUpper(absl::StrCat("REQUEST_STATE_", std::string(name)));
  if (name.empty() || !pb::RequestState_Parse(upper, &state) ||
      state == pb::REQUEST_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--state: unknown state '", std::string(name),
        "'; valid: pending, approved, released, reviewed, denied, expired, cancelled"));
  }
  return state;
}

absl::StatusOr<std::string> ReadTextFile(std::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(flag), ": cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status ReadSecretInto(const std::string& path, std::string& out) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (!path.empty()) {
    file.open(path, std::ios::binary);
    if (!file) return absl::InvalidArgumentError(absl::StrCat("--secret-file: cannot read ", path));
    in = &file;
  }
  out.clear();
  out.reserve(64 * 1024);  // credentials are small; avoid reallocating copies
  char chunk[4096];
  while (in->read(chunk, sizeof(chunk)) || in->gcount() > 0) {
    out.append(chunk, static_cast<size_t>(in->gcount()));
  }
  OPENSSL_cleanse(chunk, sizeof(chunk));
  if (out.empty()) {
    return absl::InvalidArgumentError(
        path.empty() ? "no secret on stdin; pipe it in or pass --secret-file FILE"
                     : absl::StrCat("--secret-file: ", path, " is empty"));
  }
  return absl::OkStatus();
}

void WipeString(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

}  // namespace breakglass::cli
