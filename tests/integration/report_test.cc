// The incident report (vault/report) of a whole incident played on the real
// store, audit log and anchoring protocol (report_world.h), from the bundle
// the appliance exports: what it shows, that every line is re-verified, that
// a tampered bundle gives no report, and that a lying log is caught.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/time/clock.h"
#include "tests/integration/report_world.h"
#include "vault/audit/export_test_util.h"
#include "vault/core/statement.h"
#include "vault/report/builder.h"
#include "vault/report/checks.h"
#include "vault/report/render.h"
#include "vault/report/testing/html_check.h"
#include "vault/verify/finding.h"

namespace breakglass::report::integration {
namespace {

constexpr char kReason[] = "primary database is down <script>alert('pwned')</script> & more";

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::unique_ptr<ReportWorld> Story(bool anchor_all = true) {
  auto world = ReportWorld::Create();
  INFO(world.status().ToString());
  REQUIRE(world.ok());
  absl::Status s = (*world)->RunStory(kReason);
  INFO(s.ToString());
  REQUIRE(s.ok());
  if (anchor_all) REQUIRE((*world)->AnchorAll().ok());
  return *std::move(world);
}

Timeline Report(ReportWorld& w, const std::string& bundle_name) {
  auto bundle = w.Export(bundle_name);
  REQUIRE(bundle.ok());
  auto t = BuildTimeline(*bundle, w.id(), w.Pinned(), absl::Now());
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  return *std::move(t);
}

const Entry* Find(const Timeline& t, const std::string& type, const std::string& actor = "") {
  for (const Entry& e : t.entries) {
    if (e.type == type && (actor.empty() || e.actor == actor)) return &e;
  }
  return nullptr;
}

bool CheckOk(const Entry& e, const std::string& what) {
  for (const Check& c : e.checks) {
    if (c.what == what) return c.ok;
  }
  return false;
}

TEST_CASE("TheReportOfAFinishedIncidentShowsEveryStepVerified", "[report]") {
  auto w = Story();
  const Timeline t = Report(*w, "bundle");
  CHECK(t.ok());
  CHECK(t.request_id == w->id());
  CHECK(t.incident == "INC-4711");
  CHECK(t.reason == kReason);
  CHECK(t.requester == "alice");
  CHECK(t.state == "released, fetched, a second fetch refused; closed (rotated and reviewed)");
  std::vector<std::string> types;
  for (const Entry& e : t.entries) types.push_back(e.type);
  CHECK(types == std::vector<std::string>{"request", "approval", "approval", "approval", "release",
                                          "alert_delivery", "fetch", "fetch_refused", "rotation",
                                          "review"});
  uint64_t previous = 0;
  for (const Entry& e : t.entries) {
    INFO(e.index << " " << e.type);
    CHECK(e.verdict == Verdict::kVerified);
    CHECK(e.index > previous);
    previous = e.index;
    REQUIRE(e.covered_by.has_value());
    CHECK(*e.covered_by > e.index);
    CHECK(CheckOk(e, "inclusion"));
    const Coverage& c = t.checkpoints.at(*e.covered_by);
    CHECK(c.evidence.ok);
    CHECK_FALSE(c.certified.empty());
  }
  for (const char* custodian : {"ann", "bob", "sam"}) {
    const Entry* a = Find(t, "approval", custodian);
    REQUIRE(a != nullptr);
    CHECK(CheckOk(*a, "statement"));
    CHECK(CheckOk(*a, "signature"));
  }
  const Entry* release = Find(t, "release");
  REQUIRE(release != nullptr);
  CHECK(CheckOk(*release, "approvers"));
  const Coverage& released = t.checkpoints.at(*release->covered_by);
  CHECK(released.anchor_kind == "release");
  CHECK(released.certified.size() == 2);  // both counters moved and certified
  CHECK(CheckOk(*Find(t, "request"), "reason"));
  CHECK(CheckOk(*Find(t, "fetch"), "box"));
  CHECK(CheckOk(*Find(t, "review"), "statement"));
  CHECK(CheckOk(*Find(t, "review"), "signature"));
  CHECK(t.trust.log_key_pinned);
  CHECK(t.trust.ak_pinned);
}

TEST_CASE("TheMarkdownAndHtmlReportsShowTheTimelineAndEscapeTheReason", "[report]") {
  auto w = Story();
  const Timeline t = Report(*w, "bundle");
  const std::string md = RenderMarkdown(t);
  for (const Entry& e : t.entries) {
    CHECK(Has(md, "| " + std::to_string(e.index) + " | "));
    CHECK(Has(md, "### Leaf " + std::to_string(e.index) + ": "));
  }
  CHECK(Has(md, "ann approved"));
  CHECK(Has(md, "signed by bob with the key registered at leaf"));
  CHECK(Has(md, "alert release to hook: delivered (attempt 1)"));
  CHECK(Has(md, "a second fetch by alice was refused (already fetched)"));
  CHECK(Has(md, "db\\_root rotated to version 2 by oscar") == false);
  CHECK(Has(md, "db-root rotated to version 2 by oscar"));
  CHECK(Has(md, "review signed by sue; justified: yes; rotated to version 2"));
  CHECK(Has(md, "All 10 entries verified"));
  CHECK_FALSE(Has(md, "<script>"));
  const std::string html = RenderHtml(t);
  auto text = testing::CheckHtml(html);
  INFO(text.status().ToString());
  REQUIRE(text.ok());
  CHECK_FALSE(Has(html, "<script"));
  CHECK(Has(*text, kReason));
  CHECK(Has(*text, "ann approved"));
  CHECK(Has(*text, "TPM certified release="));
}

TEST_CASE("EventsAfterTheLastAnchorAreShownAsNotAnchored", "[report]") {
  auto w = Story(/*anchor_all=*/false);
  const Timeline t = Report(*w, "bundle");
  CHECK(t.ok());
  // The review is logged last, and nothing anchored after it.
  const Entry* review = Find(t, "review");
  REQUIRE(review != nullptr);
  CHECK(review->verdict == Verdict::kNotAnchored);
  CHECK_FALSE(review->covered_by.has_value());
  CHECK(CheckOk(*review, "signature"));
  CHECK(Find(t, "fetch_refused")->verdict == Verdict::kVerified);  // the rotation anchored it
  CHECK(Find(t, "release")->verdict == Verdict::kVerified);
  CHECK(Has(Headline(t), "not anchored yet"));
}

TEST_CASE("ATamperedBundleGivesNoReportButTheVerifiersFinding", "[report]") {
  auto w = Story();
  auto bundle = w->Export("bundle");
  REQUIRE(bundle.ok());
  auto lines = audit::testing::Lines(*bundle / "leaves.jsonl");
  size_t request = 0;
  while (request < lines.size() && !Has(lines[request], "\"type\":\"request\"")) ++request;
  REQUIRE(request < lines.size());
  const size_t at = lines[request].find("primary database");
  REQUIRE(at != std::string::npos);
  lines[request].replace(at, 7, "PRIMARY");
  audit::testing::WriteLines(*bundle / "leaves.jsonl", lines);
  auto t = BuildTimeline(*bundle, w->id(), w->Pinned(), absl::Now());
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == absl::StatusCode::kDataLoss);
  const auto finding = verify::FindingOf(t.status());
  REQUIRE(finding.has_value());
  CHECK(*finding == verify::Finding{verify::Where::kLeaf, request});
}

TEST_CASE("AnUnpinnedOrWrongKeyIsRefusedOrShown", "[report]") {
  auto w = Story();
  auto bundle = w->Export("bundle");
  REQUIRE(bundle.ok());
  verify::VerifyOptions other = w->Pinned();
  other.trusted_ak_fingerprint = "SHA256:" + std::string(64, '0');
  CHECK(BuildTimeline(*bundle, w->id(), other, absl::Now()).status().code() ==
        absl::StatusCode::kDataLoss);
  auto unpinned = BuildTimeline(*bundle, w->id(), {}, absl::Now());
  REQUIRE(unpinned.ok());
  CHECK_FALSE(unpinned->trust.log_key_pinned);
  CHECK(Has(RenderMarkdown(*unpinned), "NOT pinned"));
}

TEST_CASE("AnUnknownRequestIsNotFound", "[report]") {
  auto w = Story();
  auto bundle = w->Export("bundle");
  REQUIRE(bundle.ok());
  CHECK(BuildTimeline(*bundle, "req-0000", w->Pinned(), absl::Now()).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(BuildTimeline(*bundle, "req\"x", w->Pinned(), absl::Now()).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

// An appliance whose log is intact but that logged an approval nobody signed
// (the log key signs what it is given): the report's own checks catch it.
TEST_CASE("AnApprovalTheCustodianNeverSignedFailsItsLine", "[report]") {
  auto w = Story(/*anchor_all=*/false);
  core::VaultEvent forged;
  forged.type = "approval";
  forged.actor = "carl";
  forged.subject = w->id();
  forged.incident = "INC-4711";
  forged.fields.Set("statement", R"({"request":"other"})")
      .Set("signature", "AAAA")
      .Set("key_fingerprint", "SHA256:00");
  REQUIRE(w->Log(std::move(forged)).ok());
  REQUIRE(w->AnchorAll().ok());
  const Timeline t = Report(*w, "bundle");
  CHECK_FALSE(t.ok());
  CHECK(t.failed() == 1);
  const Entry* bad = Find(t, "approval", "carl");
  REQUIRE(bad != nullptr);
  CHECK(bad->verdict == Verdict::kFailed);
  CHECK_FALSE(CheckOk(*bad, "statement"));
  CHECK_FALSE(CheckOk(*bad, "signature"));
  CHECK(CheckOk(*bad, "inclusion"));  // it IS in the log: the appliance wrote it
  CHECK(Has(RenderMarkdown(t), "1 of 11 entries FAILED verification"));
}

TEST_CASE("AReviewSignedForAnotherReleaseFailsItsLine", "[report]") {
  auto w = Story(/*anchor_all=*/false);
  REQUIRE(w->Review(/*index_offset=*/1).ok());  // validly signed, but not of this release
  REQUIRE(w->AnchorAll().ok());
  const Timeline t = Report(*w, "bundle");
  CHECK(t.failed() == 1);
  const Entry& bad = t.entries.back();
  REQUIRE(bad.type == "review");
  CHECK(bad.verdict == Verdict::kFailed);
  CHECK(CheckOk(bad, "signature"));
  CHECK_FALSE(CheckOk(bad, "statement"));
  CHECK(Has(bad.checks[0].detail, "release_log_index"));
}

TEST_CASE("TheReportReadsTheCoresApprovalFormat", "[report]") {
  CHECK(std::string_view(kApprovalDomain) == core::kApprovalDomain);
}

}  // namespace
}  // namespace breakglass::report::integration
