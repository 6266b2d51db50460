#include "vault/report/testing/html_check.h"

#include <cctype>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::report::testing {
namespace {

const std::set<std::string>& VoidElements() {
  static const auto* s = new std::set<std::string>{"meta", "br", "hr", "wbr", "col", "input"};
  return *s;
}

const std::set<std::string>& ForbiddenElements() {
  static const auto* s =
      new std::set<std::string>{"script", "link", "img",   "iframe", "object", "embed",
                                "base",   "form", "audio", "video",  "source"};
  return *s;
}

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (!first && ((c >= '0' && c <= '9') || c == '-'));
}

class Parser final {
 public:
  explicit Parser(std::string_view html) : s_(html) {}

  absl::StatusOr<std::string> Run() {
    if (s_.substr(0, 15) == "<!DOCTYPE html>") pos_ = 15;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '<') {
        BG_RETURN_IF_ERROR(Markup());
      } else {
        BG_RETURN_IF_ERROR(Char());
      }
    }
    if (!stack_.empty()) return Fail(absl::StrCat("<", stack_.back(), "> is never closed"));
    if (roots_ != 1) return Fail("the document must have exactly one root element, <html>");
    return text_;
  }

 private:
  absl::Status Fail(absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("byte ", pos_, ": ", why));
  }
  bool At(std::string_view what) const { return s_.substr(pos_, what.size()) == what; }

  absl::Status Markup() {
    if (At("<!--")) {
      const size_t end = s_.find("-->", pos_ + 4);
      if (end == std::string_view::npos) return Fail("unterminated comment");
      pos_ = end + 3;
      return absl::OkStatus();
    }
    if (At("</")) return CloseTag();
    return OpenTag();
  }

  absl::StatusOr<std::string> Name() {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_], pos_ == start)) ++pos_;
    if (pos_ == start) return Fail("expected a lower-case name");
    return std::string(s_.substr(start, pos_ - start));
  }

  absl::Status CloseTag() {
    pos_ += 2;
    BG_ASSIGN_OR_RETURN(const std::string name, Name());
    if (!At(">")) return Fail("expected '>' after a closing tag's name");
    ++pos_;
    if (stack_.empty() || stack_.back() != name) {
      return Fail(absl::StrCat("</", name, "> closes ",
                               stack_.empty() ? "nothing" : "<" + stack_.back() + ">"));
    }
    stack_.pop_back();
    text_ += ' ';
    return absl::OkStatus();
  }

  absl::Status OpenTag() {
    ++pos_;
    BG_ASSIGN_OR_RETURN(const std::string name, Name());
    if (ForbiddenElements().count(name) != 0) {
      return Fail(absl::StrCat("<", name, "> is not allowed in a self-contained report"));
    }
    if (stack_.empty() && roots_++ != 0) return Fail("a second root element");
    if (stack_.empty() && name != "html") return Fail("the root element must be <html>");
    while (true) {
      while (At(" ") || At("\n")) ++pos_;
      if (At(">") || At("/>")) break;
      BG_RETURN_IF_ERROR(Attribute());
    }
    const bool self_closed = At("/>");
    pos_ += self_closed ? 2 : 1;
    text_ += ' ';
    const bool is_void = VoidElements().count(name) != 0;
    if (self_closed && !is_void) return Fail(absl::StrCat("<", name, "/> is not a void element"));
    if (is_void) return absl::OkStatus();
    if (name == "style") return Style();
    stack_.push_back(name);
    return absl::OkStatus();
  }

  absl::Status Attribute() {
    BG_ASSIGN_OR_RETURN(const std::string name, Name());
    if (!At("=\"")) return Fail(absl::StrCat("attribute ", name, " needs a double-quoted value"));
    pos_ += 2;
    const size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '<') return Fail("raw '<' in an attribute value");
      if (s_[pos_] == '&') {
        BG_RETURN_IF_ERROR(Entity(nullptr));
      } else {
        ++pos_;
      }
    }
    if (pos_ >= s_.size()) return Fail("unterminated attribute value");
    const std::string_view value = s_.substr(start, pos_ - start);
    ++pos_;
    if (name.rfind("on", 0) == 0) return Fail(absl::StrCat("event attribute ", name));
    if (name == "src") return Fail("src attribute: an external resource");
    if (name == "href" && value.substr(0, 1) != "#") return Fail("href to outside the page");
    if (name == "style" && value.find("url(") != std::string_view::npos)
      return Fail("url() in style");
    return absl::OkStatus();
  }

  absl::Status Style() {
    const size_t end = s_.find("</style>", pos_);
    if (end == std::string_view::npos) return Fail("<style> is never closed");
    const std::string_view css = s_.substr(pos_, end - pos_);
    for (const char* bad : {"<", "url(", "@import", "&"}) {
      if (css.find(bad) != std::string_view::npos) {
        return Fail(absl::StrCat("'", bad, "' in <style>"));
      }
    }
    pos_ = end + 8;
    return absl::OkStatus();
  }

  absl::Status Char() {
    if (stack_.empty() && !std::isspace(static_cast<unsigned char>(s_[pos_]))) {
      return Fail("text outside the root element");
    }
    if (s_[pos_] == '&') return Entity(&text_);
    text_ += s_[pos_++];
    return absl::OkStatus();
  }

  // An entity reference at pos_; its character appended to `out` if given.
  absl::Status Entity(std::string* out) {
    static const std::pair<std::string_view, char> kNamed[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    for (const auto& [name, c] : kNamed) {
      if (!At(name)) continue;
      pos_ += name.size();
      if (out != nullptr) *out += c;
      return absl::OkStatus();
    }
    size_t i = pos_ + 1;
    if (i < s_.size() && s_[i] == '#') {
      ++i;
      const bool hex = i < s_.size() && s_[i] == 'x';
      if (hex) ++i;
      const size_t digits = i;
      while (i < s_.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s_[i]))
                                   : std::isdigit(static_cast<unsigned char>(s_[i]))))
        ++i;
      if (i > digits && i < s_.size() && s_[i] == ';') {
        pos_ = i + 1;
        if (out != nullptr) *out += '?';
        return absl::OkStatus();
      }
    }
    return Fail("'&' that is not one of the XML entities or a numeric reference");
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::vector<std::string> stack_;
  int roots_ = 0;
  std::string text_;
};

}  // namespace

absl::StatusOr<std::string> CheckHtml(std::string_view html) { return Parser(html).Run(); }

}  // namespace breakglass::report::testing
