#include "vault/verify/internal/leaf_scanner.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace breakglass::verify::internal {
namespace {

// Byte classes inside a JSON string.
enum ByteClass : uint8_t { kPlain, kQuote, kBackslash, kControl, kHigh };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = c < 0x20 ? kControl : c >= 0x80 ? kHigh : kPlain;
  }
  t['"'] = kQuote;
  t['\\'] = kBackslash;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

// The seven members every event has (vault/audit/event.h), in key order.
enum CommonField { kActor, kIncident, kReason, kSeq, kSubject, kTime, kType, kCommonCount };
constexpr std::array<std::string_view, kCommonCount> kCommonNames = {
    "actor", "incident", "reason", "seq", "subject", "time", "type"};

// An object key as it appears between its quotes. 16 bytes, passed and
// returned in registers: keys are compared once per member, and a key
// round-tripping through memory stalled on store forwarding.
struct Key {
  const char* data = nullptr;  // nullptr: no key (the scan failed)
  uint32_t size = 0;
  bool escaped = false;  // holds \" or \\ (the only escapes a key may hold)

  std::string_view raw() const { return {data, size}; }
};

std::string Unescape(Key k) {
  std::string out;
  for (size_t i = 0; i < k.size; ++i) {
    if (k.data[i] == '\\') ++i;
    out.push_back(k.data[i]);
  }
  return out;
}

// Byte order of short strings; keys nearly always differ in their first
// bytes, so a loop beats a memcmp call.
bool BytesLess(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

bool BytesEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

bool KeyLess(Key a, Key b) {
  if (!a.escaped && !b.escaped) return BytesLess(a.raw(), b.raw());
  return Unescape(a) < Unescape(b);
}

// The common field named `key`, or kCommonCount. Dispatches on the length so
// each key costs at most two short comparisons.
int CommonFieldOf(std::string_view key) {
  const auto is = [&](int f) { return BytesEqual(key, kCommonNames[f]) ? f : kCommonCount; };
  switch (key.size()) {
    case 3: return is(kSeq);
    case 4: return key[1] == 'i' ? is(kTime) : is(kType);
    case 5: return is(kActor);
    case 6: return is(kReason);
    case 7: return is(kSubject);
    case 8: return is(kIncident);
    default: return kCommonCount;
  }
}

// True when none of the 8 bytes in `w` needs a closer look inside a string:
// a quote, a backslash, a control character (< 0x20) or a non-ASCII byte.
bool AllPlain(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto has_zero = [&](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return ((w & kHighs) | below_space | has_zero(w ^ (kOnes * '"')) |
          has_zero(w ^ (kOnes * '\\'))) == 0;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

class Scanner {
 public:
  explicit Scanner(std::string_view s) : begin_(s.data()), p_(s.data()), end_(s.data() + s.size()) {}

  absl::Status Leaf(LeafFields* out) {
    if (TopObject(out) && p_ != end_) Fail("bytes after the closing brace");
    if (why_ == nullptr) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("byte ", at_ - begin_, ": ", why_));
  }

 private:
  // Records the first failure; always returns false so callers can `return Fail(..)`.
  bool Fail(const char* why) {
    if (why_ == nullptr) why_ = why, at_ = p_;
    return false;
  }
  bool More() const { return p_ < end_; }
  bool Expect(char c, const char* why) { return (More() && *p_ == c) ? (++p_, true) : Fail(why); }

  bool TopObject(LeafFields* out);
  bool CommonValue(int field, LeafFields* out);
  bool Value(int depth);
  bool Object(int depth);
  bool Array(int depth);
  // The key, or one with data == nullptr after a failure.
  Key KeyString();
  // A string value; the opening quote is at p_. Its bytes end at p_ - 1 after.
  bool String();
  bool Escape();
  bool Utf8();
  bool Number(int64_t* value);
  bool Literal(std::string_view word);

  const char* const begin_;
  const char* p_;
  const char* const end_;
  const char* why_ = nullptr;
  const char* at_ = nullptr;
};

Key Scanner::KeyString() {
  Key key;
  if (!Expect('"', "expected an object key")) return key;
  const char* start = p_;
  while (More() && *p_ != '"') {
    const unsigned char c = static_cast<unsigned char>(*p_);
    if (c < 0x20 || c > 0x7E) return Fail("object key outside printable ASCII"), key;
    if (c == '\\') {
      if (p_ + 1 >= end_ || (p_[1] != '"' && p_[1] != '\\')) {
        return Fail("object key outside printable ASCII or escaped non-canonically"), key;
      }
      key.escaped = true;
      ++p_;
    }
    ++p_;
  }
  if (!Expect('"', "unterminated object key")) return key;
  key.data = start;
  key.size = static_cast<uint32_t>(p_ - 1 - start);
  return key;
}

bool Scanner::TopObject(LeafFields* out) {
  if (!More() || *p_ != '{') return Fail("a leaf must be a JSON object");
  ++p_;
  uint32_t seen = 0;
  Key prev;
  for (bool first = true;; first = false) {
    if (More() && *p_ == '}' && first) break;
    const Key key = KeyString();
    if (key.data == nullptr) return false;
    if (!first && !KeyLess(prev, key)) return Fail("object keys out of order or repeated");
    prev = key;
    if (!Expect(':', "expected ':' after an object key")) return false;
    const int field = key.escaped ? kCommonCount : CommonFieldOf(key.raw());
    if (!(field < kCommonCount ? CommonValue(field, out) : Value(1))) return false;
    seen |= field < kCommonCount ? (1u << field) : 0;
    if (More() && *p_ == ',') {
      ++p_;
      continue;
    }
    break;
  }
  if (!Expect('}', "expected ',' or '}' in an object")) return false;
  if (seen != (1u << kCommonCount) - 1) {
    --p_;
    return Fail("a common event field (seq, time, type, actor, subject, incident, reason) "
                "is missing");
  }
  return true;
}

bool Scanner::CommonValue(int field, LeafFields* out) {
  if (field == kSeq || field == kTime) {
    if (!More() || (*p_ != '-' && (*p_ < '0' || *p_ > '9'))) {
      return Fail("\"seq\" and \"time\" must be integers");
    }
    int64_t v = 0;
    if (!Number(&v)) return false;
    if (field == kSeq && v < 0) return Fail("\"seq\" is negative");
    if (field == kSeq) out->seq = static_cast<uint64_t>(v);
    return true;
  }
  if (!More() || *p_ != '"') return Fail("common event fields other than seq and time are strings");
  const char* start = p_ + 1;
  if (!String()) return false;
  if (field == kType) out->type = std::string_view(start, static_cast<size_t>(p_ - 1 - start));
  return true;
}

bool Scanner::Value(int depth) {
  if (depth > kMaxLeafDepth) return Fail("nested deeper than 16");
  if (!More()) return Fail("a value is missing");
  int64_t number = 0;
  switch (*p_) {
    case '{': return Object(depth);
    case '[': return Array(depth);
    case '"': return String();
    case 't': return Literal("true");
    case 'f': return Literal("false");
    case 'n': return Literal("null");
    default:
      if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return Number(&number);
      return Fail("not a JSON value (or whitespace, which canonical JSON has none of)");
  }
}

bool Scanner::Object(int depth) {
  ++p_;
  if (More() && *p_ == '}') return ++p_, true;
  Key prev;
  for (bool first = true;; first = false) {
    const Key key = KeyString();
    if (key.data == nullptr) return false;
    if (!first && !KeyLess(prev, key)) return Fail("object keys out of order or repeated");
    prev = key;
    if (!Expect(':', "expected ':' after an object key") || !Value(depth + 1)) return false;
    if (More() && *p_ == ',') {
      ++p_;
      continue;
    }
    return Expect('}', "expected ',' or '}' in an object");
  }
}

bool Scanner::Array(int depth) {
  ++p_;
  if (More() && *p_ == ']') return ++p_, true;
  while (true) {
    if (!Value(depth + 1)) return false;
    if (More() && *p_ == ',') {
      ++p_;
      continue;
    }
    return Expect(']', "expected ',' or ']' in an array");
  }
}

bool Scanner::String() {
  ++p_;  // the opening quote
  while (true) {
    while (end_ - p_ >= 8) {
      uint64_t w;
      std::memcpy(&w, p_, 8);
      if (!AllPlain(w)) break;
      p_ += 8;
    }
    while (More() && kClass[static_cast<unsigned char>(*p_)] == kPlain) ++p_;
    if (!More()) return Fail("unterminated string");
    switch (kClass[static_cast<unsigned char>(*p_)]) {
      case kQuote:
        ++p_;
        return true;
      case kBackslash:
        if (!Escape()) return false;
        break;
      case kControl:
        return Fail("control character not escaped");
      default:
        if (!Utf8()) return false;
    }
  }
}

bool Scanner::Escape() {
  if (end_ - p_ < 2) return Fail("unterminated escape");
  switch (p_[1]) {
    case '"': case '\\': case 'b': case 't': case 'n': case 'f': case 'r':
      p_ += 2;
      return true;
    case 'u':
      break;
    default:
      return Fail("escape that canonical JSON does not use");
  }
  if (end_ - p_ < 6 || p_[2] != '0' || p_[3] != '0' || !IsLowerHex(p_[4]) || !IsLowerHex(p_[5])) {
    return Fail("\\u escape of a character that canonical JSON writes literally, or upper-case hex");
  }
  const int v = HexValue(p_[4]) * 16 + HexValue(p_[5]);
  if (v >= 0x20 || v == 0x08 || v == 0x09 || v == 0x0A || v == 0x0C || v == 0x0D) {
    return Fail("\\u escape where canonical JSON writes the character or a short escape");
  }
  p_ += 6;
  return true;
}

// One UTF-8 sequence of 2–4 bytes (RFC 3629 §4), no overlong form, no surrogate.
bool Scanner::Utf8() {
  const auto b = [&](ptrdiff_t k) { return static_cast<unsigned char>(p_[k]); };
  const unsigned char c = b(0);
  int len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return Fail("invalid UTF-8");
  }
  if (end_ - p_ < len || b(1) < lo || b(1) > hi) return Fail("invalid UTF-8");
  for (int k = 2; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return Fail("invalid UTF-8");
  }
  p_ += len;
  return true;
}

bool Scanner::Number(int64_t* value) {
  const bool negative = *p_ == '-';
  if (negative) ++p_;
  if (!More() || *p_ < '0' || *p_ > '9') return Fail("malformed number");
  uint64_t v = 0;
  if (*p_ == '0') {
    ++p_;
    if (negative) return Fail("\"-0\" is not canonical");
  } else {
    for (int digits = 0; More() && *p_ >= '0' && *p_ <= '9'; ++digits, ++p_) {
      if (digits == 16) return Fail("integer beyond 2^53");
      v = v * 10 + static_cast<uint64_t>(*p_ - '0');
    }
    if (v > kMaxSafeInteger) return Fail("integer beyond 2^53");
  }
  if (More() && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9'))) {
    return Fail("floats, exponents and leading zeros are not allowed");
  }
  *value = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool Scanner::Literal(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size() ||
      std::memcmp(p_, word.data(), word.size()) != 0) {
    return Fail("not a JSON value");
  }
  p_ += word.size();
  return true;
}

}  // namespace

absl::Status ScanLeaf(std::string_view leaf, LeafFields* out) { return Scanner(leaf).Leaf(out); }

}  // namespace breakglass::verify::internal
