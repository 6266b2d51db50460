// request, requests, cancel, approve, deny, fetch, review.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "api/cli/command_util.h"
#include "api/cli/commands.h"
#include "api/cli/output.h"
#include "api/cli/secret_files.h"
#include "api/cli/sign_flow.h"
#include "api/cli/signer.h"
#include "api/cli/statement_check.h"
#include "vault/base/random.h"
#include "vault/base/status.h"
#include "vault/crypto/release_box.h"

namespace breakglass::cli {
namespace {

absl::StatusOr<std::string> StateDir(const Context& ctx) {
  BG_ASSIGN_OR_RETURN(Settings settings, ctx.ResolvedSettings());
  return settings.state_dir.empty() ? DefaultStateDir() : settings.state_dir;
}

// --- request / requests / cancel ---------------------------------------------

absl::Status CreateRequest(Context& ctx, pb::CreateRequestRequest request) {
  BG_ASSIGN_OR_RETURN(std::string state_dir, StateDir(ctx));
  BG_RETURN_IF_ERROR(EnsureRequestKeyDir(state_dir));
  base::SystemRandom random;
  BG_ASSIGN_OR_RETURN(crypto::release_box::X25519KeyPair pair,
                      crypto::release_box::Generate(random));
  request.set_release_public_key(pair.public_key);
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  BG_ASSIGN_OR_RETURN(auto response, client->CreateRequest(request));
  const std::string& id = response.request().id();
  absl::StatusOr<std::string> path = RequestKeyPath(state_dir, id);
  absl::Status saved = path.ok() ? WriteSecretFile(*path, pair.private_key) : path.status();
  if (!saved.ok()) {
    return absl::Status(saved.code(),
                        absl::StrCat("request ", id,
                                     " was created but its key "
                                     "could not be saved (",
                                     saved.message(), "); cancel it: breakglass cancel ", id));
  }
  Emit(ctx, response, [&] {
    return absl::StrCat(id, "\n", "request ", id,
                        " is pending; custodians have been alerted.\n"
                        "Its release key (custodians are shown it when they sign; tell them): ",
                        ReleaseKeyFingerprint(response.request()), "\n",
                        "When it is released: breakglass fetch ", id, "\n");
  });
  return absl::OkStatus();
}

void AddRequest(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<pb::CreateRequestRequest>();
  CLI::App* cmd = app.add_subcommand(
      "request",
      "Ask for a credential during an incident (requester). Generates this "
      "request's X25519 key; its private half stays in a 0600 file in the state dir.");
  cmd->add_option("credential", *r->mutable_credential_id(), "Credential id")->required();
  cmd->add_option("--incident", *r->mutable_incident(), "Incident id")->required();
  cmd->add_option("--reason", *r->mutable_reason(), "Why you need it")->required();
  cmd->footer(
      "Example: breakglass --profile erin request db-root --incident INC-4711 "
      "--reason 'primary down, need root to fail over'");
  cmd->callback([&ctx, r] { ctx.action = [&ctx, r] { return CreateRequest(ctx, *r); }; });
}

void AddRequests(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string id, credential;
    std::vector<std::string> states;
    int limit = 100;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("requests", "List requests, or show one");
  cmd->add_option("id", o->id, "Show this request in full");
  cmd->add_option("--state", o->states, "Only requests in this state (repeatable)");
  cmd->add_option("--credential", o->credential, "Only requests for this credential");
  cmd->add_option("--limit", o->limit, "At most this many")->capture_default_str();
  cmd->footer("Example: breakglass requests --state pending");
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      if (!o->id.empty()) {
        pb::GetRequestRequest get;
        get.set_id(o->id);
        BG_ASSIGN_OR_RETURN(auto response, client->GetRequest(get));
        Emit(ctx, response, [&] { return DescribeRequest(response.request()); });
        return absl::OkStatus();
      }
      pb::ListRequestsRequest list;
      for (const std::string& s : o->states) {
        BG_ASSIGN_OR_RETURN(pb::RequestState state, ParseStateFlag(s));
        list.add_states(state);
      }
      list.set_credential_id(o->credential);
      list.set_page_size(o->limit);
      BG_ASSIGN_OR_RETURN(auto response, client->ListRequests(list));
      Emit(ctx, response, [&] {
        std::string out;
        for (const auto& req : response.requests()) out += RequestLine(req) + "\n";
        return out;
      });
      return absl::OkStatus();
    };
  });
}

void AddCancel(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<pb::CancelRequestRequest>();
  CLI::App* cmd = app.add_subcommand("cancel", "Withdraw a pending request (requester, operator)");
  cmd->add_option("request", *r->mutable_id(), "Request id")->required();
  cmd->add_option("--reason", *r->mutable_reason(), "Why")->required();
  cmd->callback([&ctx, r] {
    ctx.action = [&ctx, r]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto response, client->CancelRequest(*r));
      Emit(ctx, response, [&] { return RequestLine(response.request()) + "\n"; });
      return absl::OkStatus();
    };
  });
}

// --- approve / deny (review: commands_review.cc) ------------------------------------------------

// The statement of GetStatement, checked against what is shown
// (statement_check.h), then shown and confirmed.
absl::Status CheckAndConfirm(Context& ctx, const SignOpts& o, pb::Decision decision,
                             const pb::GetStatementResponse& statement) {
  ShownDecision shown{o.request_id, "", decision, statement.request()};
  BG_ASSIGN_OR_RETURN(shown.custodian, MyIdentity(ctx));
  BG_ASSIGN_OR_RETURN(core::ApprovalStatement checked,
                      CheckStatementToSign(shown, statement.statement()));
  const bool approve = decision == pb::DECISION_APPROVE;
  return Confirm(ctx, o, statement.request(),
                 absl::StrCat(approve ? "APPROVE" : "DENY", " request ", checked.request_id, " as ",
                              checked.custodian, "\n  credential ", checked.credential_id, " v",
                              checked.credential_version, ", requester ", checked.requester,
                              ", incident ", checked.incident, "\n  reason sha256 ",
                              checked.reason_sha256, "\n  release key   ", checked.release_key,
                              "\n  approvals until ", FormatTime(checked.expires_unix)));
}

absl::Status Decide(Context& ctx, const SignOpts& o, pb::Decision decision) {
  BG_ASSIGN_OR_RETURN(SigningKeySpec key, KeySpec(ctx, o));  // usage errors first
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  pb::GetStatementRequest get;
  get.set_request_id(o.request_id);
  get.set_decision(decision);
  BG_ASSIGN_OR_RETURN(auto statement, client->GetStatement(get));
  const bool approve = decision == pb::DECISION_APPROVE;
  BG_RETURN_IF_ERROR(CheckAndConfirm(ctx, o, decision, statement));
  BG_ASSIGN_OR_RETURN(std::string signature, SignWith(key, statement.statement()));
  pb::Request after;
  if (approve) {
    pb::ApproveRequest request;
    request.set_request_id(o.request_id);
    request.set_statement(statement.statement());
    request.set_signature(signature);
    BG_ASSIGN_OR_RETURN(auto response, client->Approve(request));
    after = response.request();
    Emit(ctx, response, [&] { return "approved: " + RequestLine(after) + "\n"; });
  } else {
    pb::DenyRequest request;
    request.set_request_id(o.request_id);
    request.set_statement(statement.statement());
    request.set_signature(signature);
    BG_ASSIGN_OR_RETURN(auto response, client->Deny(request));
    after = response.request();
    Emit(ctx, response, [&] { return "denied: " + RequestLine(after) + "\n"; });
  }
  return absl::OkStatus();
}

void AddDecision(CLI::App& app, Context& ctx, pb::Decision decision) {
  auto o = std::make_shared<SignOpts>();
  const bool approve = decision == pb::DECISION_APPROVE;
  CLI::App* cmd = app.add_subcommand(
      approve ? "approve" : "deny",
      approve ? "Approve a request, signing its statement with your key (custodian)"
              : "Deny a request, signing its statement with your key (custodian)");
  AddSignOptions(*cmd, *o);
  cmd->footer(approve ? "Example: breakglass --profile alice approve REQ-ID "
                        "--key 'pkcs11:token=alice;object=approval'"
                      : "Example: breakglass --profile bob deny REQ-ID --key-file bob.sign.pem");
  cmd->callback([&ctx, o, decision] {
    ctx.action = [&ctx, o, decision] { return Decide(ctx, *o, decision); };
  });
}

// --- fetch ------------------------------------------------------------------

absl::Status Fetch(Context& ctx, const std::string& request_id, const std::string& out_path) {
  if (ctx.json && out_path.empty()) {
    return absl::InvalidArgumentError("--json with fetch needs --out FILE (no secret in JSON)");
  }
  BG_ASSIGN_OR_RETURN(std::string state_dir, StateDir(ctx));
  BG_ASSIGN_OR_RETURN(std::string key_path, RequestKeyPath(state_dir, request_id));
  absl::StatusOr<base::SecretBytes> key = ReadSecretFile(key_path);
  if (!key.ok()) {
    return absl::NotFoundError(absl::StrCat("no key for request ", request_id, " at ", key_path,
                                            "; fetch as the identity (and state dir) that "
                                            "created the request"));
  }
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  pb::FetchRequest request;
  request.set_request_id(request_id);
  BG_ASSIGN_OR_RETURN(auto response, client->Fetch(request));
  BG_ASSIGN_OR_RETURN(base::SecretBytes secret,
                      crypto::release_box::Open(*key, request_id, response.release_box()));
  if (out_path.empty()) {
    ctx.out->write(secret.view(base::InsecureSecretAccess::Get()).data(),
                   static_cast<std::streamsize>(secret.size()));
    ctx.out->flush();
    return absl::OkStatus();
  }
  BG_RETURN_IF_ERROR(WriteSecretFile(out_path, secret));
  Emit(ctx, response.request(), [&] {
    return absl::StrCat("credential of request ", request_id, " written to ", out_path,
                        " (mode 0600)\n");
  });
  return absl::OkStatus();
}

void AddFetch(CLI::App& app, Context& ctx) {
  auto id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "fetch",
      "Fetch and decrypt a released credential, once (requester). Writes it to stdout "
      "or to a new 0600 file.");
  cmd->add_option("request", *id, "Request id")->required();
  cmd->add_option("--out", *out, "Write to this new file (mode 0600) instead of stdout");
  cmd->footer("Example: breakglass --profile erin fetch REQ-ID --out ./db-root.secret");
  cmd->callback(
      [&ctx, id, out] { ctx.action = [&ctx, id, out] { return Fetch(ctx, *id, *out); }; });
}

}  // namespace

void AddRequestCommands(CLI::App& app, Context& ctx) {
  AddRequest(app, ctx);
  AddRequests(app, ctx);
  AddCancel(app, ctx);
  AddDecision(app, ctx, pb::DECISION_APPROVE);
  AddDecision(app, ctx, pb::DECISION_DENY);
  AddFetch(app, ctx);
  AddReviewCommand(app, ctx);
}

}  // namespace breakglass::cli
