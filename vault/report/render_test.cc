// The renderers over a timeline built by hand (the timeline of a real
// story, from a real bundle, is tested in tests/integration/report_test.cc).
#include "vault/report/render.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "vault/report/testing/html_check.h"

namespace breakglass::report {
namespace {

constexpr char kHostile[] = "db down <script>alert('x')</script> & \"quoted\" | *bold* [l](u)";

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Timeline Sample(std::string reason = "primary database is down") {
  Timeline t;
  t.request_id = "req-00ff";
  t.credential = "db-root";
  t.credential_version = 1;
  t.requester = "erin";
  t.incident = "INC-4711";
  t.reason = std::move(reason);
  t.state = "released, fetched; rotation pending; review pending";
  t.made_at_ms = 1'800'000'000'000;
  Coverage c;
  c.size = 14;
  c.root_hex = std::string(64, 'a');
  c.anchor_kind = "release";
  c.checkpoint_counter = 1003;
  c.release_counter = 41;
  c.certified = {{"release", 41, 5000, 0, 0, true}, {"checkpoint", 1003, 5001, 0, 0, true}};
  c.evidence = {"tpm", true, "TPM2_NV_Certify of 2 counter(s) verified"};
  t.checkpoints[14] = c;
  Entry request{10,
                1'800'000'000'123,
                "request",
                "erin",
                "erin requested db-root",
                {},
                "ab",
                14,
                {{"reason", true, "hash ok"}, {"inclusion", true, "proof ok"}},
                Verdict::kVerified};
  request.details = {{"reason", t.reason}, {"credential", "db-root"}};
  Entry approval{12,
                 1'800'000'060'000,
                 "approval",
                 "ann",
                 "ann approved (dba 1/2)",
                 {},
                 "cd",
                 14,
                 {{"signature", true, "signed by ann"}},
                 Verdict::kVerified};
  Entry late{20,
             1'800'000'120'000,
             "fetch",
             "erin",
             "erin fetched the credential",
             {},
             "ef",
             std::nullopt,
             {},
             Verdict::kNotAnchored};
  t.entries = {request, approval, late};
  t.trust.log_key = "breakglass.test/story+01020304+AAAA";
  t.trust.log_key_pinned = true;
  t.trust.ak_fingerprint = "SHA256:beef";
  t.trust.leaves = 21;
  t.trust.warnings = {"leaves [14, 21) are after the latest checkpoint"};
  return t;
}

TEST_CASE("MarkdownShowsEachEntryWithIndexCheckpointAndVerdict", "[report]") {
  const std::string md = RenderMarkdown(Sample());
  CHECK(Has(md, "# Incident report: request req-00ff"));
  CHECK(Has(md,
            "| 10 | 2027-01-15T08:00:00.123Z | request | erin | erin requested db-root | "
            "checkpoint 14 (anchor: release, checkpoint counter 1003, release counter 41) | "
            "verified |"));
  CHECK(Has(md, "| 12 |"));
  CHECK(Has(md, "| 20 |"));
  CHECK(Has(md, "none yet | not anchored |"));
  CHECK(Has(md, "TPM certified release=41"));
  CHECK(Has(md, "checkpoint=1003"));
  CHECK(Has(md, "check signature: ok — signed by ann"));
  CHECK(Has(md, "INC\\-4711") == false);  // '-' needs no escape
  CHECK(Has(md, "INC-4711"));
  CHECK(Has(md, "1 not anchored yet"));
  CHECK(Has(md, "(pinned: the key recorded at provisioning)"));
  CHECK(Has(md, "Warning: leaves \\[14, 21) are after"));
}

TEST_CASE("HtmlIsOneSelfContainedWellFormedPage", "[report]") {
  const std::string html = RenderHtml(Sample());
  auto text = testing::CheckHtml(html);
  INFO(text.status().ToString());
  REQUIRE(text.ok());
  CHECK(Has(*text, "Incident report: request req-00ff"));
  CHECK(Has(*text, "erin requested db-root"));
  CHECK(Has(*text, "checkpoint 14 (anchor: release, checkpoint counter 1003, release counter 41)"));
  CHECK(Has(*text, "not anchored"));
  CHECK(Has(html, "<style>"));
  CHECK_FALSE(Has(html, "http://"));
  CHECK_FALSE(Has(html, "https://"));
  CHECK_FALSE(Has(html, "<script"));
}

TEST_CASE("HostileTextFromTheLogIsEscapedInHtml", "[report]") {
  const std::string html = RenderHtml(Sample(kHostile));
  CHECK_FALSE(Has(html, "<script"));
  CHECK(Has(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"));
  auto text = testing::CheckHtml(html);
  INFO(text.status().ToString());
  REQUIRE(text.ok());
  CHECK(Has(*text, kHostile));  // shown as the very text, not dropped
}

TEST_CASE("HostileTextFromTheLogIsEscapedInMarkdown", "[report]") {
  const std::string md = RenderMarkdown(Sample(kHostile));
  CHECK_FALSE(Has(md, "<script>"));
  CHECK(Has(md, "\\<script\\>alert('x')\\</script\\> \\& \"quoted\" \\| \\*bold\\* \\[l\\](u)"));
  CHECK(EscapeMarkdown("a\nb\rc") == "a b c");
}

TEST_CASE("AFailedEntryIsTheHeadline", "[report]") {
  Timeline t = Sample();
  t.entries[1].checks[0] = {"signature", false, "the signature by ann does NOT verify"};
  t.entries[1].verdict = Verdict::kFailed;
  CHECK_FALSE(t.ok());
  CHECK(Headline(t).rfind("1 of 3 entries FAILED verification", 0) == 0);
  const std::string md = RenderMarkdown(t);
  CHECK(Has(md, "check signature: **FAILED** — the signature by ann does NOT verify"));
  const std::string html = RenderHtml(t);
  CHECK(Has(html, "class=\"headline bad\""));
  CHECK(testing::CheckHtml(html).ok());
}

TEST_CASE("JsonCarriesTheWholeTimeline", "[report]") {
  const nlohmann::json j = nlohmann::json::parse(Sample(kHostile).ToJson());
  CHECK(j.at("request") == "req-00ff");
  CHECK(j.at("reason") == kHostile);
  CHECK(j.at("ok") == true);
  REQUIRE(j.at("entries").size() == 3);
  CHECK(j.at("entries")[0].at("index") == 10);
  CHECK(j.at("entries")[0].at("covered_by") == 14);
  CHECK(j.at("entries")[2].at("covered_by").is_null());
  CHECK(j.at("entries")[2].at("verdict") == "not anchored");
  CHECK(j.at("checkpoints")[0].at("certified")[1].at("value") == 1003);
  CHECK(j.at("trust").at("log_key_pinned") == true);
}

}  // namespace
}  // namespace breakglass::report
