#include "vault/merkle/checkpoint.h"

#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::merkle {
namespace {

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("checkpoint: ", std::string(what)));
}

// Decimal, no sign, no leading zero except "0" itself, at most 2^64-1.
absl::StatusOr<uint64_t> ParseSize(std::string_view s) {
  if (s.empty()) return Bad("tree size line is empty");
  if (s.size() > 1 && s[0] == '0') return Bad("tree size has a leading zero");
  uint64_t v = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : s) {
    if (c < '0' || c > '9') return Bad("tree size is not a decimal number");
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (kMax - digit) / 10) return Bad("tree size does not fit in 64 bits");
    v = v * 10 + digit;
  }
  return v;
}

}  // namespace

absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& c) {
  if (!IsValidKeyName(c.origin)) {
    return Bad("origin must be non-empty UTF-8 without spaces or '+'");
  }
  return absl::StrCat(c.origin, "\n", c.size, "\n", base::Base64Encode(HashBytes(c.root)), "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  BG_RETURN_IF_ERROR(CheckNoteCharacters(text));
  if (text.empty() || text.back() != '\n') return Bad("text must end in a newline");
  text.remove_suffix(1);
  std::vector<std::string_view> lines;
  for (size_t start = 0;;) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (lines.size() < 3) return Bad("needs three lines: origin, tree size, root hash");
  if (lines.size() > 3) return Bad("has extension lines; breakglass checkpoints carry none");
  if (lines[0].empty()) return Bad("origin line is empty");
  Checkpoint c;
  c.origin = std::string(lines[0]);
  BG_ASSIGN_OR_RETURN(c.size, ParseSize(lines[1]));
  absl::StatusOr<std::string> root = base::Base64Decode(lines[2]);
  if (!root.ok()) return Bad(absl::StrCat("root hash: ", std::string(root.status().message())));
  BG_ASSIGN_OR_RETURN(c.root, HashFromBytes(*root, "checkpoint: root hash"));
  return c;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& c, const NoteSigner& signer) {
  if (signer.verifier().name() != c.origin) {
    return Bad(absl::StrCat("signing key name \"", signer.verifier().name(),
                            "\" is not the origin \"", c.origin, "\""));
  }
  BG_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(c));
  return signer.Sign(text);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& verifier) {
  BG_ASSIGN_OR_RETURN(OpenedNote opened, OpenNote(note, {verifier}));
  BG_ASSIGN_OR_RETURN(Checkpoint c, ParseCheckpoint(opened.text));
  if (c.origin != verifier.name()) {
    return Bad(absl::StrCat("origin \"", c.origin, "\" is not the log key's name \"",
                            verifier.name(), "\""));
  }
  return c;
}

}  // namespace breakglass::merkle
