// audit checkpoint|proof|consistency|entries|export|verify|tpm-evidence, watch.
#include <filesystem>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/cli/bundle_download.h"
#include "api/cli/command_util.h"
#include "api/cli/commands.h"
#include "api/cli/output.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

namespace fs = std::filesystem;

std::string Hex(const std::string& bytes) { return base::HexEncode(bytes); }

std::string HashList(const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::string out;
  for (const std::string& h : hashes) absl::StrAppend(&out, "  ", Hex(h), "\n");
  return out;
}

// Adds a subcommand whose action is `run`.
CLI::App* Sub(CLI::App& parent, Context& ctx, const std::string& name, const std::string& help,
              std::function<absl::Status()> run) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  cmd->callback([&ctx, run = std::move(run)] { ctx.action = run; });
  return cmd;
}

void AddCheckpoint(CLI::App& audit, Context& ctx) {
  Sub(audit, ctx, "checkpoint", "The latest signed checkpoint (C2SP signed note)", [&ctx]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(auto r, client->GetCheckpoint({}));
    Emit(ctx, r, [&] {
      return absl::StrCat(r.checkpoint(), "\n# size ", r.tree_size(), ", root ",
                          Hex(r.root_hash()), "\n# verifier key ", r.log_verifier_key(), "\n");
    });
    return absl::OkStatus();
  });
}

void AddProof(CLI::App& audit, Context& ctx) {
  auto index = std::make_shared<uint64_t>(0);
  auto size = std::make_shared<uint64_t>(0);
  CLI::App* cmd = Sub(audit, ctx, "proof", "RFC 9162 inclusion proof of one leaf", [&ctx, index, size]() -> absl::Status {
    pb::GetInclusionProofRequest request;
    request.set_leaf_index(*index);
    request.set_tree_size(*size);
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(auto r, client->GetInclusionProof(request));
    Emit(ctx, r, [&] {
      return absl::StrCat("leaf ", r.leaf_index(), " of ", r.tree_size(), ": ", r.leaf(), "\n",
                          "audit path:\n", HashList(r.hashes()), r.checkpoint());
    });
    return absl::OkStatus();
  });
  cmd->add_option("index", *index, "0-based leaf index")->required();
  cmd->add_option("--size", *size, "Tree size to prove against (default: latest checkpoint)");
}

void AddConsistency(CLI::App& audit, Context& ctx) {
  auto old_size = std::make_shared<uint64_t>(0);
  auto new_size = std::make_shared<uint64_t>(0);
  CLI::App* cmd = Sub(audit, ctx, "consistency", "RFC 9162 consistency proof between two sizes",
                      [&ctx, old_size, new_size]() -> absl::Status {
    pb::GetConsistencyProofRequest request;
    request.set_old_size(*old_size);
    request.set_new_size(*new_size);
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(auto r, client->GetConsistencyProof(request));
    Emit(ctx, r, [&] {
      return absl::StrCat("consistency ", r.old_size(), " -> ", r.new_size(), ":\n",
                          HashList(r.hashes()));
    });
    return absl::OkStatus();
  });
  cmd->add_option("old", *old_size, "Older tree size")->required();
  cmd->add_option("new", *new_size, "Newer tree size (default: latest checkpoint)");
}

void AddEntries(CLI::App& audit, Context& ctx) {
  auto start = std::make_shared<uint64_t>(0);
  auto count = std::make_shared<uint32_t>(100);
  CLI::App* cmd = Sub(audit, ctx, "entries", "Log leaves by index range (canonical JSON)",
                      [&ctx, start, count]() -> absl::Status {
    pb::GetEntriesRequest request;
    request.set_start(*start);
    request.set_count(*count);
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(auto r, client->GetEntries(request));
    Emit(ctx, r, [&] {
      std::string out;
      for (const auto& e : r.entries()) absl::StrAppend(&out, e.index(), " ", e.leaf(), "\n");
      return out;
    });
    return absl::OkStatus();
  });
  cmd->add_option("start", *start, "First leaf index")->required();
  cmd->add_option("count", *count, "How many (1..1000)")->capture_default_str();
}

void AddExport(CLI::App& audit, Context& ctx) {
  auto out = std::make_shared<std::string>();
  auto size = std::make_shared<uint64_t>(0);
  CLI::App* cmd = Sub(audit, ctx, "export",
                      "Export a self-contained audit bundle to a new directory (auditor)",
                      [&ctx, out, size]() -> absl::Status {
    if (fs::exists(*out) && !fs::is_empty(*out)) {
      return absl::AlreadyExistsError(absl::StrCat("--out: ", *out, " exists and is not empty"));
    }
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(const int files, DownloadBundle(*client, *size, *out));
    if (ctx.json) {
      *ctx.out << "{\"out\":\"" << absl::CEscape(*out) << "\",\"files\":" << files << "}\n";
    } else {
      *ctx.out << "exported " << files << " files to " << *out
               << "\nverify offline: breakglass audit verify " << *out << "\n";
    }
    return absl::OkStatus();
  });
  cmd->add_option("--out", *out, "Directory to create")->required();
  cmd->add_option("--size", *size, "Tree size to export (default: latest checkpoint)");
}

void AddTpmEvidence(CLI::App& audit, Context& ctx) {
  auto min_size = std::make_shared<uint64_t>(0);
  CLI::App* cmd = Sub(audit, ctx, "tpm-evidence", "TPM2_NV_Certify evidence of the anchors",
                      [&ctx, min_size]() -> absl::Status {
    pb::GetTpmEvidenceRequest request;
    request.set_min_tree_size(*min_size);
    BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
    BG_ASSIGN_OR_RETURN(auto r, client->GetTpmEvidence(request));
    Emit(ctx, r, [&] {
      std::string out = r.attestation_key_pem();
      for (const auto& c : r.certifications()) {
        absl::StrAppend(&out, c.counter(), " = ", c.value(), "  (attest ", c.attest().size(),
                        " bytes, signature ", c.signature().size(), " bytes)\n");
      }
      return out;
    });
    return absl::OkStatus();
  });
  cmd->add_option("--min-size", *min_size, "Only anchors covering at least this tree size");
}

void AddWatch(CLI::App& app, Context& ctx) {
  auto types = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("watch", "Live audit events, one line each (Ctrl-C stops)");
  cmd->add_option("--type", *types, "Only these event types (repeatable)");
  cmd->footer("Example: breakglass --profile audrey watch --type request --type release");
  cmd->callback([&ctx, types] {
    ctx.action = [&ctx, types]() -> absl::Status {
      pb::WatchRequest request;
      for (const std::string& t : *types) request.add_types(t);
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      return client->Watch(request, [&ctx](const pb::WatchResponse& item) {
        if (ctx.json) {
          PrintJson(*ctx.out, item);
        } else if (item.has_ready()) {
          *ctx.err << "watching from log size " << item.ready().log_size() << "\n";
        } else {
          *ctx.out << EventLine(item.event()) << "\n";
        }
        ctx.out->flush();
        return absl::OkStatus();
      });
    };
  });
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "Read, export and verify the audit log (auditor)");
  audit->require_subcommand(1);
  AddCheckpoint(*audit, ctx);
  AddProof(*audit, ctx);
  AddConsistency(*audit, ctx);
  AddEntries(*audit, ctx);
  AddExport(*audit, ctx);
  AddAuditVerify(*audit, ctx);
  AddTpmEvidence(*audit, ctx);
  AddWatch(app, ctx);
}

}  // namespace breakglass::cli
