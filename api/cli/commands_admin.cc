// health, whoami, status, init, identity add|list|remove,
// credential add|list|show|rotate.
#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "api/cli/commands.h"
#include "api/cli/command_util.h"
#include "api/cli/output.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

// --- health, whoami, status, init ------------------------------------------

void AddHealth(CLI::App& app, Context& ctx) {
  auto service = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("health", "Is breakglassd serving? (grpc.health.v1)");
  cmd->add_option("--service", *service, "A breakglass.v1 service name; default: the server");
  cmd->callback([&ctx, service] {
    ctx.action = [&ctx, service]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(std::string status, client->Health(*service));
      if (ctx.json) {
        *ctx.out << "{\"status\":\"" << status << "\"}\n";
      } else {
        *ctx.out << status << "\n";
      }
      if (status == "SERVING") return absl::OkStatus();
      return absl::UnavailableError(absl::StrCat("breakglassd reports ", status));
    };
  });
}

void AddWhoAmI(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("whoami", "The identity and roles the appliance sees");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->WhoAmI({}));
      Emit(ctx, response, [&] { return DescribeIdentity(response.identity()) + "\n"; });
      return absl::OkStatus();
    };
  });
}

std::string DescribeStatus(const pb::GetStatusResponse& s) {
  return absl::StrCat(
      "initialized        ", s.initialized() ? "yes" : "no", "\n",
      "log size           ", s.log_size(), " (anchored ", s.anchored_size(), ")\n",
      "counters           release ", s.release_counter(), ", checkpoint ",
      s.checkpoint_counter(), "\n",
      "NV writes          ", s.nv_writes_this_year(), " of ", s.nv_write_budget(),
      " this year\n", "releases           ",
      s.release_block().empty() ? "allowed" : "BLOCKED: " + s.release_block(), "\n",
      "server version     ", s.server_version(), "\n");
}

void AddStatus(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("status", "Provisioning, log, counters and release state");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->GetStatus({}));
      Emit(ctx, response, [&] { return DescribeStatus(response); });
      return absl::OkStatus();
    };
  });
}

void AddInit(CLI::App& app, Context& ctx) {
  auto origin = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "init", "Provisioning ceremony: HSM keys, TPM counters and attestation key, genesis "
              "checkpoint (operator)");
  cmd->add_option("--log-origin", *origin, "Checkpoint origin, e.g. breakglass.example.com/log")
      ->required();
  cmd->footer("Record the printed log verifier key and attestation key fingerprint out of band:\n"
              "auditors check bundles against them.\n\n"
              "Example: breakglass --profile operator init --log-origin bg.example.com/log");
  cmd->callback([&ctx, origin] {
    ctx.action = [&ctx, origin]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      pb::InitRequest request;
      request.set_log_origin(*origin);
      BG_ASSIGN_OR_RETURN(auto r, client->Init(request));
      Emit(ctx, r, [&] {
        return absl::StrCat("appliance initialised\n", "log verifier key:   ",
                            r.log_verifier_key(), "\n", "attestation key:    SHA256:",
                            r.attestation_key_sha256_hex(), "\n", "counters start at:  release ",
                            r.release_counter_start(), ", checkpoint ",
                            r.checkpoint_counter_start(), "\n",
                            "Give both keys to your auditors now.\n");
      });
      return absl::OkStatus();
    };
  });
}

// --- identity ---------------------------------------------------------------

void AddIdentityAdd(CLI::App& parent, Context& ctx) {
  struct Opts {
    std::string name;
    std::vector<std::string> roles;
    std::string key_file;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = parent.add_subcommand("add", "Register an identity (operator)");
  cmd->add_option("name", o->name, "Identity name = the CN of its client certificate")
      ->required();
  cmd->add_option("--role", o->roles,
                  "operator, custodian, requester, reviewer or auditor (repeatable)")
      ->required();
  cmd->add_option("--signing-key-file", o->key_file,
                  "PEM public key (custodians and reviewers): their token's signing key");
  cmd->footer("Example: breakglass identity add alice --role custodian "
              "--signing-key-file alice.pub.pem");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> absl::Status {
      pb::AddIdentityRequest request;
      request.set_name(o->name);
      for (const std::string& role : o->roles) {
        BG_ASSIGN_OR_RETURN(pb::Role r, ParseRoleFlag(role));
        request.add_roles(r);
      }
      if (!o->key_file.empty()) {
        BG_ASSIGN_OR_RETURN(*request.mutable_signing_key_pem(),
                            ReadTextFile("--signing-key-file", o->key_file));
      }
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->AddIdentity(request));
      Emit(ctx, response, [&] { return "added " + DescribeIdentity(response.identity()) + "\n"; });
      return absl::OkStatus();
    };
  });
}

void AddIdentityList(CLI::App& parent, Context& ctx) {
  auto all = std::make_shared<bool>(false);
  CLI::App* cmd = parent.add_subcommand("list", "List identities (operator, auditor)");
  cmd->add_flag("--all", *all, "Include removed identities");
  cmd->callback([&ctx, all] {
    ctx.action = [&ctx, all]() -> absl::Status {
      pb::ListIdentitiesRequest request;
      request.set_include_inactive(*all);
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->ListIdentities(request));
      Emit(ctx, response, [&] {
        std::string out;
        for (const auto& id : response.identities()) out += DescribeIdentity(id) + "\n";
        return out;
      });
      return absl::OkStatus();
    };
  });
}

void AddIdentityRemove(CLI::App& parent, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand("remove", "Deactivate an identity (operator)");
  cmd->add_option("name", *name, "Identity name")->required();
  cmd->add_option("--reason", *reason, "Why, for the audit log")->required();
  cmd->callback([&ctx, name, reason] {
    ctx.action = [&ctx, name, reason]() -> absl::Status {
      pb::RemoveIdentityRequest request;
      request.set_name(*name);
      request.set_reason(*reason);
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->RemoveIdentity(request));
      Emit(ctx, response, [&] { return "removed " + DescribeIdentity(response.identity()) + "\n"; });
      return absl::OkStatus();
    };
  });
}

// --- credential -------------------------------------------------------------

// The post-incident review settings of a policy; unset flags keep the
// appliance's defaults (add) or the current values (rotate).
struct ReviewPolicyOpts {
  int reviewers_required = 0;
  std::string review_due;
  std::string review_overdue_repeat;
  int extra_approvals = -1;
  bool any() const {
    return reviewers_required != 0 || !review_due.empty() || !review_overdue_repeat.empty() ||
           extra_approvals != -1;
  }
};

void AddReviewPolicyOptions(CLI::App& cmd, ReviewPolicyOpts& r) {
  cmd.add_option("--reviewers-required", r.reviewers_required,
                 "Distinct reviewers who must sign each release's review (default 1)");
  cmd.add_option("--review-due", r.review_due,
                 "Time after a release by which its review must be signed (default 72h)");
  cmd.add_option("--review-overdue-repeat", r.review_overdue_repeat,
                 "Interval of repeated review_overdue alerts (default 24h)");
  cmd.add_option("--overdue-review-extra-approvals", r.extra_approvals,
                 "Blocking policy: approvals needed beyond the quorum while a release of this "
                 "credential has an overdue review (default 0: off)");
}

absl::StatusOr<int64_t> DurationSeconds(std::string_view flag, const std::string& text);

// Sets the review settings the flags give on `policy`.
absl::Status ApplyReviewPolicy(const ReviewPolicyOpts& r, pb::Policy& policy) {
  if (r.reviewers_required != 0) policy.set_reviewers_required(r.reviewers_required);
  if (!r.review_due.empty()) {
    BG_ASSIGN_OR_RETURN(int64_t due, DurationSeconds("review-due", r.review_due));
    policy.set_review_due_seconds(due);
  }
  if (!r.review_overdue_repeat.empty()) {
    BG_ASSIGN_OR_RETURN(int64_t repeat,
                        DurationSeconds("review-overdue-repeat", r.review_overdue_repeat));
    policy.set_review_overdue_repeat_seconds(repeat);
  }
  if (r.extra_approvals != -1) policy.set_overdue_review_extra_approvals(r.extra_approvals);
  return absl::OkStatus();
}

struct PolicyOpts {
  std::vector<std::string> factors;
  int deny_threshold = 1;
  std::string incident_pattern = "[A-Za-z0-9._-]+";
  int min_reason = 10;
  std::string approval_window = "1h";
  std::string use_window = "15m";
  std::vector<std::string> requester_roles = {"requester"};
  ReviewPolicyOpts review;
};

void AddPolicyOptions(CLI::App& cmd, PolicyOpts& p) {
  cmd.add_option("--factor", p.factors,
                 "NAME:REQUIRED:CUSTODIAN,CUSTODIAN,... — REQUIRED approvals from these "
                 "custodians; repeat for an AND of factors")
      ->required();
  cmd.add_option("--deny-threshold", p.deny_threshold, "Denials that end a request")
      ->capture_default_str();
  cmd.add_option("--incident-pattern", p.incident_pattern,
                 "Regular expression the whole incident id must match")
      ->capture_default_str();
  cmd.add_option("--min-reason", p.min_reason, "Minimum reason length (bytes)")
      ->capture_default_str();
  cmd.add_option("--approval-window", p.approval_window, "Time to collect approvals")
      ->capture_default_str();
  cmd.add_option("--use-window", p.use_window, "Time to fetch after release")
      ->capture_default_str();
  cmd.add_option("--requester-role", p.requester_roles, "Roles that may request (repeatable)")
      ->capture_default_str();
  AddReviewPolicyOptions(cmd, p.review);
}

absl::StatusOr<int64_t> DurationSeconds(std::string_view flag, const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", std::string(flag), ": '", text, "' is not a positive duration (e.g. 90s, 15m, 1h)"));
  }
  return absl::ToInt64Seconds(d);
}

absl::Status AddFactor(const std::string& spec, pb::Policy& policy) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits(':', 2));
  pb::Factor* f = policy.add_factors();
  int required = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &required)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--factor: '", spec, "' is not NAME:REQUIRED:CUSTODIAN,... (e.g. dba:2:alice,bob,carol)"));
  }
  f->set_name(parts[0]);
  f->set_required(required);
  for (absl::string_view c : absl::StrSplit(parts[2], ',')) f->add_custodians(std::string(c));
  return absl::OkStatus();
}

absl::StatusOr<pb::Policy> BuildPolicy(const PolicyOpts& p) {
  pb::Policy policy;
  for (const std::string& spec : p.factors) BG_RETURN_IF_ERROR(AddFactor(spec, policy));
  policy.set_deny_threshold(p.deny_threshold);
  policy.set_incident_pattern(p.incident_pattern);
  policy.set_min_reason_length(p.min_reason);
  BG_ASSIGN_OR_RETURN(int64_t approval, DurationSeconds("approval-window", p.approval_window));
  BG_ASSIGN_OR_RETURN(int64_t use, DurationSeconds("use-window", p.use_window));
  policy.set_approval_window_seconds(approval);
  policy.set_use_window_seconds(use);
  for (const std::string& role : p.requester_roles) {
    BG_ASSIGN_OR_RETURN(pb::Role r, ParseRoleFlag(role));
    policy.add_requester_roles(r);
  }
  BG_RETURN_IF_ERROR(ApplyReviewPolicy(p.review, policy));
  return policy;
}

void AddCredentialAdd(CLI::App& parent, Context& ctx) {
  struct Opts {
    std::string id, description, secret_file;
    PolicyOpts policy;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = parent.add_subcommand(
      "add", "Store a credential, split among its custodians (operator). The secret is read "
             "from stdin or --secret-file, never from the command line.");
  cmd->add_option("id", o->id, "Credential id, e.g. db-root")->required();
  cmd->add_option("--description", o->description, "Free text for people");
  cmd->add_option("--secret-file", o->secret_file, "Read the secret from this file, not stdin");
  AddPolicyOptions(*cmd, o->policy);
  cmd->footer("Example: printf %s \"$PASS\" | breakglass credential add db-root "
              "--factor dba:2:alice,bob,carol --incident-pattern 'INC-[0-9]+'");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> absl::Status {
      pb::AddCredentialRequest request;
      request.set_id(o->id);
      request.set_description(o->description);
      BG_ASSIGN_OR_RETURN(*request.mutable_policy(), BuildPolicy(o->policy));
      BG_RETURN_IF_ERROR(ReadSecretInto(o->secret_file, *request.mutable_secret()));
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      absl::StatusOr<pb::AddCredentialResponse> response = client->AddCredential(request);
      WipeString(*request.mutable_secret());
      BG_RETURN_IF_ERROR(response.status());
      Emit(ctx, *response, [&] { return "stored " + DescribeCredential(response->credential()); });
      return absl::OkStatus();
    };
  });
}

void AddCredentialList(CLI::App& parent, Context& ctx) {
  CLI::App* cmd = parent.add_subcommand("list", "List credentials (no secrets)");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->ListCredentials({}));
      Emit(ctx, response, [&] {
        std::string out;
        for (const auto& c : response.credentials()) {
          absl::StrAppend(&out, c.id(), " v", c.version(), "  ", CredentialStateText(c.state()),
                          "  ", c.description(), "\n");
        }
        return out;
      });
      return absl::OkStatus();
    };
  });
}

void AddCredentialShow(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand("show", "One credential and its policy (no secret)");
  cmd->add_option("id", *id, "Credential id")->required();
  cmd->callback([&ctx, id] {
    ctx.action = [&ctx, id]() -> absl::Status {
      pb::GetCredentialRequest request;
      request.set_id(*id);
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->GetCredential(request));
      Emit(ctx, response, [&] { return DescribeCredential(response.credential()); });
      return absl::OkStatus();
    };
  });
}

void AddCredentialRotate(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<std::string>();
  auto secret_file = std::make_shared<std::string>();
  auto review = std::make_shared<ReviewPolicyOpts>();
  CLI::App* cmd = parent.add_subcommand(
      "rotate", "Store a new version of a credential and re-split it; pending requests are "
                "cancelled (operator). The new secret comes from stdin or --secret-file.");
  cmd->add_option("id", *id, "Credential id")->required();
  cmd->add_option("--secret-file", *secret_file, "Read the new secret from this file");
  AddReviewPolicyOptions(*cmd, *review);
  cmd->footer("The policy is kept; the review flags change only those settings of it.");
  cmd->callback([&ctx, id, secret_file, review] {
    ctx.action = [&ctx, id, secret_file, review]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      pb::GetCredentialRequest get;
      get.set_id(*id);
      BG_ASSIGN_OR_RETURN(auto current, client->GetCredential(get));
      pb::RotateCredentialRequest request;
      request.set_id(*id);
      request.set_expected_version(current.credential().version());
      if (review->any()) {
        *request.mutable_policy() = current.credential().policy();
        BG_RETURN_IF_ERROR(ApplyReviewPolicy(*review, *request.mutable_policy()));
      }
      BG_RETURN_IF_ERROR(ReadSecretInto(*secret_file, *request.mutable_secret()));
      absl::StatusOr<pb::RotateCredentialResponse> response = client->RotateCredential(request);
      WipeString(*request.mutable_secret());
      BG_RETURN_IF_ERROR(response.status());
      Emit(ctx, *response, [&] { return "rotated " + DescribeCredential(response->credential()); });
      return absl::OkStatus();
    };
  });
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx) {
  AddHealth(app, ctx);
  AddWhoAmI(app, ctx);
  AddStatus(app, ctx);
  AddInit(app, ctx);
  CLI::App* identity = app.add_subcommand("identity", "Manage identities (operator)");
  identity->require_subcommand(1);
  AddIdentityAdd(*identity, ctx);
  AddIdentityList(*identity, ctx);
  AddIdentityRemove(*identity, ctx);
  CLI::App* credential = app.add_subcommand("credential", "Manage credentials (operator)");
  credential->require_subcommand(1);
  AddCredentialAdd(*credential, ctx);
  AddCredentialList(*credential, ctx);
  AddCredentialShow(*credential, ctx);
  AddCredentialRotate(*credential, ctx);
}

}  // namespace breakglass::cli
