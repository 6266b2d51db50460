#include "vault/audit/canonical_json.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::audit {
namespace {

using nlohmann::json;

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07;
  } else {
    return 0;  // continuation byte or 0xF8..0xFF
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// RFC 8785's two-character escapes; 0 for characters written as \u00xx.
char ShortEscape(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return 0;
  }
}

bool PrintableAscii(std::string_view key) {
  for (char c : key) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

absl::Status Bad(const std::string& path, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("audit event JSON at ", path.empty() ? "$" : path, ": ", std::string(what)));
}

absl::Status Check(const json& v, const std::string& path, int depth) {
  if (depth > kMaxDepth) return Bad(path, absl::StrCat("nested deeper than ", kMaxDepth));
  switch (v.type()) {
    case json::value_t::number_float:
      return Bad(path, "floats are not allowed (use an integer or a string)");
    case json::value_t::number_integer: {
      const int64_t n = v.get<int64_t>();
      if (n > kMaxSafeInteger || n < -kMaxSafeInteger) return Bad(path, "integer beyond 2^53");
      return absl::OkStatus();
    }
    case json::value_t::number_unsigned:
      if (v.get<uint64_t>() > static_cast<uint64_t>(kMaxSafeInteger)) {
        return Bad(path, "integer beyond 2^53");
      }
      return absl::OkStatus();
    case json::value_t::string:
      if (!IsValidUtf8(v.get_ref<const std::string&>())) return Bad(path, "invalid UTF-8");
      return absl::OkStatus();
    case json::value_t::array:
      for (size_t i = 0; i < v.size(); ++i) {
        BG_RETURN_IF_ERROR(Check(v[i], absl::StrCat(path, "[", i, "]"), depth + 1));
      }
      return absl::OkStatus();
    case json::value_t::object:
      for (const auto& [key, member] : v.items()) {
        if (!PrintableAscii(key)) return Bad(path, "object key outside printable ASCII");
        BG_RETURN_IF_ERROR(Check(member, absl::StrCat(path, ".", key), depth + 1));
      }
      return absl::OkStatus();
    case json::value_t::null:
    case json::value_t::boolean:
      return absl::OkStatus();
    default:  // binary, discarded
      return Bad(path, "not a JSON value");
  }
}

// Bracket depth of raw text (outside strings), so that hostile input cannot
// exhaust the stack of the recursive code below before Check sees it.
int MaxBracketDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

absl::Status AppendCanonicalString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out->size();
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out->resize(start);
        return absl::InvalidArgumentError("audit event JSON: invalid UTF-8 in a string");
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out->append(s.data() + run, i - run);
    out->push_back('\\');
    if (const char e = ShortEscape(c); e != 0) {
      out->push_back(e);
    } else {
      out->append("u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
    run = ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
  return absl::OkStatus();
}

absl::Status AppendCanonicalInteger(int64_t n, std::string* out) {
  if (n > kMaxSafeInteger || n < -kMaxSafeInteger) {
    return absl::InvalidArgumentError(absl::StrCat("audit event JSON: integer ", n,
                                                   " is beyond 2^53"));
  }
  absl::StrAppend(out, n);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CanonicalJson(const json& value) {
  BG_RETURN_IF_ERROR(Check(value, "", 0));
  try {
    return value.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::strict);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("audit event JSON: ", e.what()));
  }
}

absl::StatusOr<json> ParseCanonicalJson(std::string_view text) {
  if (MaxBracketDepth(text) > kMaxDepth + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event JSON: nested deeper than ", kMaxDepth));
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return absl::InvalidArgumentError("audit event JSON: malformed");
  BG_ASSIGN_OR_RETURN(const std::string canonical, CanonicalJson(value));
  if (canonical != text) {
    return absl::InvalidArgumentError(
        "audit event JSON: not in canonical form (spacing, key order, escaping, number form "
        "or duplicate keys)");
  }
  return value;
}

}  // namespace breakglass::audit
