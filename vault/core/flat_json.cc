#include "vault/core/flat_json.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace breakglass::core {
namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Length of the UTF-8 sequence starting at s[i], or 0 when it is malformed.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A strict reader over canonical text; positions are byte offsets.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("canonical JSON: ", std::string(what), " at byte ", pos_));
  }

  absl::StatusOr<std::string> String() {
    if (!Consume('"')) return Error("expected '\"'");
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const char c = text_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      auto escaped = Escape();
      if (!escaped.ok()) return escaped.status();
      out += *escaped;
    }
    if (!Consume('"')) return Error("unterminated string");
    return out;
  }

  absl::StatusOr<int64_t> Integer() {
    const bool negative = Consume('-');
    const size_t start = pos_;
    int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start >= 16) return Error("integer too large");
      v = v * 10 + (text_[pos_++] - '0');
    }
    if (pos_ == start) return Error("expected a string or an integer");
    if (v > kMaxSafeInteger) return Error("integer magnitude is 2^53 or more");
    return negative ? -v : v;
  }

 private:
  absl::StatusOr<std::string> Escape() {
    if (pos_ >= text_.size()) return Error("unterminated escape");
    const char c = text_[pos_++];
    switch (c) {
      case '"': return std::string("\"");
      case '\\': return std::string("\\");
      case '/': return std::string("/");
      case 'b': return std::string("\b");
      case 'f': return std::string("\f");
      case 'n': return std::string("\n");
      case 'r': return std::string("\r");
      case 't': return std::string("\t");
      case 'u': break;
      default: return Error("unknown escape");
    }
    if (pos_ + 4 > text_.size()) return Error("short \\u escape");
    uint32_t cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = text_[pos_++];
      const int d = (h >= '0' && h <= '9')   ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
      if (d < 0) return Error("bad hex digit in \\u escape");
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return Error("surrogate in \\u escape");
    std::string out;
    AppendUtf8(out, cp);
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

FlatJson& FlatJson::Set(std::string key, std::string value) {
  members_[std::move(key)] = std::move(value);
  return *this;
}

FlatJson& FlatJson::Set(std::string key, int64_t value) {
  members_[std::move(key)] = value;
  return *this;
}

absl::StatusOr<std::string> FlatJson::Encode() const {
  std::string out = "{";
  for (const auto& [key, value] : members_) {
    for (char c : key) {
      if (c < 0x20 || c > 0x7E) return absl::InvalidArgumentError("JSON key is not printable ASCII");
    }
    if (out.size() > 1) out.push_back(',');
    AppendQuoted(out, key);
    out.push_back(':');
    if (const auto* s = std::get_if<std::string>(&value)) {
      if (!IsValidUtf8(*s)) {
        return absl::InvalidArgumentError(absl::StrCat("JSON value of '", key, "' is not valid UTF-8"));
      }
      AppendQuoted(out, *s);
    } else {
      const int64_t v = std::get<int64_t>(value);
      if (v > kMaxSafeInteger || v < -kMaxSafeInteger) {
        return absl::InvalidArgumentError(
            absl::StrCat("JSON value of '", key, "' has magnitude 2^53 or more"));
      }
      absl::StrAppend(&out, v);
    }
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<FlatJson> FlatJson::Parse(std::string_view text) {
  Reader r(text);
  FlatJson out;
  if (!r.Consume('{')) return r.Error("expected '{'");
  bool first = true;
  while (!r.Consume('}')) {
    if (!first && !r.Consume(',')) return r.Error("expected ',' or '}'");
    first = false;
    auto key = r.String();
    if (!key.ok()) return key.status();
    if (out.members_.count(*key) != 0) return r.Error("duplicate key");
    if (!r.Consume(':')) return r.Error("expected ':'");
    if (r.AtEnd()) return r.Error("expected a value");
    if (text[r.pos()] == '"') {
      auto s = r.String();
      if (!s.ok()) return s.status();
      out.members_[*std::move(key)] = *std::move(s);
    } else {
      auto i = r.Integer();
      if (!i.ok()) return i.status();
      out.members_[*std::move(key)] = *i;
    }
  }
  if (!r.AtEnd()) return r.Error("trailing bytes after the object");
  auto again = out.Encode();
  if (!again.ok()) return again.status();
  if (*again != text) {
    return absl::InvalidArgumentError(
        "canonical JSON: text is valid JSON but not in canonical form (RFC 8785: sorted keys, "
        "no whitespace, minimal escapes)");
  }
  return out;
}

absl::StatusOr<std::string> FlatJson::GetString(std::string_view key) const {
  auto it = members_.find(key);
  if (it == members_.end() || !std::holds_alternative<std::string>(it->second)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(key), "' is missing or not a string"));
  }
  return std::get<std::string>(it->second);
}

absl::StatusOr<int64_t> FlatJson::GetInt(std::string_view key) const {
  auto it = members_.find(key);
  if (it == members_.end() || !std::holds_alternative<int64_t>(it->second)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(key), "' is missing or not an integer"));
  }
  return std::get<int64_t>(it->second);
}

}  // namespace breakglass::core
