// `breakglass report REQUEST --format md|html [--out FILE]`: the incident
// report of one request, made on the client from an audit bundle it
// downloads (bundle_download.h) and verifies offline with the auditor's trust
// inputs (trust_flags.h, the same as `audit verify`), so the reader trusts
// their own keys rather than the appliance (vault/report/builder.h).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/cli/bundle_download.h"
#include "api/cli/commands.h"
#include "api/cli/trust_flags.h"
#include "vault/base/status.h"
#include "vault/report/builder.h"
#include "vault/report/render.h"

namespace breakglass::cli {
namespace {

namespace fs = std::filesystem;

struct ReportFlags {
  std::string request;
  std::string format = "md";
  std::string out;
  uint64_t size = 0;
  TrustFlags trust;
};

// A fresh private directory, removed with its contents at scope exit.
class ScratchDir final {
 public:
  static absl::StatusOr<ScratchDir> Create() {
    std::string tmpl = (fs::temp_directory_path() / "breakglass-report-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot create a temporary directory for the "
                       "bundle under ",
                       fs::temp_directory_path().string(), " (set TMPDIR)"));
    }
    return ScratchDir(tmpl);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

// Writes `text` to `path` (mode 0644) through a temporary file renamed into
// place, so a reader never sees half a report.
absl::Status WriteReport(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  std::error_code ec;
  fs::permissions(partial,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read,
                  ec);
  if (!ec) fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Render(const Context& ctx, const ReportFlags& f,
                                   const report::Timeline& t) {
  if (ctx.json) return t.ToJson() + "\n";
  if (f.format == "html") return report::RenderHtml(t);
  return report::RenderMarkdown(t);
}

absl::Status MakeReport(Context& ctx, const ReportFlags& f) {
  if (f.format != "md" && f.format != "html") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format: '", f.format, "' is not md or html (--json prints JSON)"));
  }
  BG_ASSIGN_OR_RETURN(const verify::VerifyOptions options, VerifyOptionsFrom(f.trust));
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  BG_ASSIGN_OR_RETURN(const ScratchDir scratch, ScratchDir::Create());
  const fs::path bundle = scratch.path() / "bundle";
  BG_RETURN_IF_ERROR(DownloadBundle(*client, f.size, bundle).status());
  absl::StatusOr<report::Timeline> t =
      report::BuildTimeline(bundle, f.request, options, absl::Now());
  if (t.status().code() == absl::StatusCode::kDataLoss) {
    return absl::DataLossError(
        absl::StrCat("the audit bundle does NOT verify, so no report was "
                     "made: ",
                     t.status().message()));
  }
  BG_RETURN_IF_ERROR(t.status());
  BG_ASSIGN_OR_RETURN(const std::string text, Render(ctx, f, *t));
  if (f.out.empty()) {
    *ctx.out << text;
  } else {
    BG_RETURN_IF_ERROR(WriteReport(f.out, text));
    *ctx.out << "report of " << t->request_id << " written to " << f.out << ": "
             << report::Headline(*t) << "\n";
  }
  if (!t->ok()) {
    return absl::DataLossError(absl::StrCat("the report of ", t->request_id, ": ",
                                            report::Headline(*t), "; see its FAILED lines"));
  }
  return absl::OkStatus();
}

}  // namespace

void AddReportCommand(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Incident report of a request (reviewer, auditor): its timeline from the audit "
      "log, every line re-verified offline");
  cmd->add_option("request", f->request, "Request id")->required();
  cmd->add_option("--format", f->format, "md (Markdown) or html (one self-contained page)")
      ->capture_default_str();
  cmd->add_option("--out", f->out, "Write the report to this file (mode 0644) instead of stdout");
  cmd->add_option("--size", f->size, "Tree size of the bundle to use (default: latest checkpoint)");
  AddTrustFlags(*cmd, &f->trust);
  cmd->footer(
      "Exports the audit bundle, verifies it with the keys you pin (as audit verify), "
      "and lists the request's events with their log index and the TPM-anchored "
      "checkpoint covering each. Exit 4 when the bundle or a line does not verify.\n"
      "Example: breakglass --profile rita report REQ-ID --format html --out incident.html "
      "--log-key 'bg.example/log+1a2b3c4d+AbC...' --ak-fingerprint SHA256:...");
  cmd->callback([&ctx, f] { ctx.action = [&ctx, f] { return MakeReport(ctx, *f); }; });
}

}  // namespace breakglass::cli
