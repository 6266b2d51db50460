#include "vault/report/testing/html_check.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::report::testing {
namespace {

std::string Doc(const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>t</title>"
         "<style>p { color: red; }</style></head><body>" +
         body + "</body></html>\n";
}

TEST_CASE("HtmlCheckAcceptsWellFormedSelfContainedDocuments", "[report]") {
  auto text =
      CheckHtml(Doc("<p class=\"x\">a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;</p>"
                    "<br/><a href=\"#leaf-1\">1</a><!-- note -->"));
  INFO(text.status().ToString());
  REQUIRE(text.ok());
  CHECK(text->find("a <b> & \"c\" 'd'") != std::string::npos);
  CHECK(text->find("color") == std::string::npos);  // style text is left out
}

TEST_CASE("HtmlCheckRejectsMalformedOrUnsafeDocuments", "[report]") {
  const std::pair<std::string, std::string> bad[] = {
      {Doc("<p>open"), "</body> closes <p>"},
      {"<html><body>", "never closed"},
      {Doc("<p><b>x</p></b>"), "closes <b>"},
      {Doc("<p>a < b</p>"), "lower-case name"},
      {Doc("<p>&nbsp;</p>"), "'&'"},
      {Doc("<p>AT&T</p>"), "'&'"},
      {Doc("<script>alert(1)</script>"), "<script> is not allowed"},
      {Doc("<a href=\"https://evil.example/\">x</a>"), "href to outside"},
      {Doc("<p onclick=\"x()\">x</p>"), "event attribute"},
      {Doc("<p style=\"background: url(x.png)\">x</p>"), "url()"},
      {Doc("<p class=x>x</p>"), "double-quoted"},
      {Doc("<div/>"), "not a void element"},
      {Doc("") + "<html></html>", "second root"},
      {"<html><head><style>@import 'x.css';</style></head></html>", "@import"},
      {"text<html></html>", "outside the root"},
  };
  for (const auto& [html, why] : bad) {
    INFO(html);
    auto r = CheckHtml(html);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find(why) != std::string::npos);
  }
}

}  // namespace
}  // namespace breakglass::report::testing
