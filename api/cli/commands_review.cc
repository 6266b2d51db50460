// review: sign the post-incident review of a released request (reviewer).
//
//   breakglass review REQUEST --justified yes|no --actions TEXT --findings TEXT
//       [--follow-up TEXT]... [--key pkcs11:URI [--pin-file F] | --key-file PEM]
//       [--yes] [--json]
//
// Shows what is reviewed (credential, requester, incident, reason, the
// release's log index, rotated or not), fetches the review statement, checks
// it against what was shown and typed (statement_check.h), signs it like
// approve does (signer.h) and submits it.
#include "absl/strings/str_cat.h"
#include "api/cli/command_util.h"
#include "api/cli/commands.h"
#include "api/cli/output.h"
#include "api/cli/sign_flow.h"
#include "api/cli/signer.h"
#include "api/cli/statement_check.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

struct ReviewOpts {
  SignOpts sign;
  std::string justified;
  std::string actions;
  std::string findings;
  std::vector<std::string> follow_ups;
};

absl::StatusOr<core::ReviewInput> Input(const ReviewOpts& o) {
  core::ReviewInput input;
  if (o.justified != "yes" && o.justified != "no") {
    return absl::InvalidArgumentError(
        absl::StrCat("--justified: say yes or no, not '", PrintableText(o.justified), "'"));
  }
  input.justified = o.justified == "yes";
  input.actions = o.actions;
  input.findings = o.findings;
  input.follow_ups = o.follow_ups;
  return input;
}

pb::GetReviewStatementRequest StatementRequest(const ReviewOpts& o,
                                               const core::ReviewInput& input) {
  pb::GetReviewStatementRequest get;
  get.set_request_id(o.sign.request_id);
  get.set_justified(input.justified ? pb::ACCESS_JUSTIFIED_YES : pb::ACCESS_JUSTIFIED_NO);
  get.set_actions(input.actions);
  get.set_findings(input.findings);
  for (const std::string& f : input.follow_ups) get.add_follow_ups(f);
  return get;
}

// What the reviewer is about to sign, member by member.
std::string Summary(const core::ReviewStatement& s) {
  std::string out = absl::StrCat(
      "REVIEW of request ", s.request_id, " as ", s.reviewer, "\n  credential ", s.credential_id,
      " v", s.credential_version, ", requester ", s.requester, ", incident ",
      PrintableText(s.incident), "\n  reason sha256 ", s.reason_sha256,
      "\n  release at audit log index ", s.release_log_index, "; credential ",
      s.rotated_to_version == 0 ? std::string("NOT rotated since")
                                : absl::StrCat("rotated to version ", s.rotated_to_version),
      "\n  access justified: ", s.input.justified ? "yes" : "NO",
      "\n  actions:  ", PrintableText(s.input.actions),
      "\n  findings: ", PrintableText(s.input.findings));
  for (const std::string& f : s.input.follow_ups) {
    absl::StrAppend(&out, "\n  follow-up: ", PrintableText(f));
  }
  return out;
}

// The outcome for people: reviewed or how many more, closed or what is missing.
std::string Outcome(const pb::Request& r) {
  const pb::ReviewStatus& review = r.review();
  std::string out = absl::StrCat("reviewed: ", RequestLine(r), "\n");
  if (!review.review_signed()) {
    absl::StrAppend(&out, "the review needs ", review.reviewers_required(), " reviewers; ",
                    review.reviews_size(), " signed so far\n");
  }
  if (r.closed()) {
    absl::StrAppend(&out, "release closed: credential rotated and review signed\n");
  } else if (review.rotated_to_version() == 0) {
    absl::StrAppend(&out, "not closed yet: rotate the credential (breakglass credential rotate ",
                    r.credential_id(), ")\n");
  }
  return out;
}

absl::Status Review(Context& ctx, const ReviewOpts& o) {
  BG_ASSIGN_OR_RETURN(core::ReviewInput input, Input(o));
  BG_ASSIGN_OR_RETURN(SigningKeySpec key, KeySpec(ctx, o.sign));  // usage errors first
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  BG_ASSIGN_OR_RETURN(auto statement, client->GetReviewStatement(StatementRequest(o, input)));
  ShownReview shown{o.sign.request_id, "", statement.request(), input};
  BG_ASSIGN_OR_RETURN(shown.reviewer, MyIdentity(ctx));
  BG_ASSIGN_OR_RETURN(core::ReviewStatement checked,
                      CheckReviewStatementToSign(shown, statement.statement()));
  BG_RETURN_IF_ERROR(Confirm(ctx, o.sign, statement.request(), Summary(checked)));
  pb::SubmitReviewRequest request;
  request.set_request_id(o.sign.request_id);
  request.set_statement(statement.statement());
  BG_ASSIGN_OR_RETURN(*request.mutable_signature(), SignWith(key, statement.statement()));
  BG_ASSIGN_OR_RETURN(auto response, client->SubmitReview(request));
  Emit(ctx, response, [&] { return Outcome(response.request()); });
  return absl::OkStatus();
}

}  // namespace

void AddReviewCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReviewOpts>();
  CLI::App* cmd = app.add_subcommand(
      "review",
      "Sign the post-incident review of a released request with your key (reviewer). Shows "
      "what is reviewed, then signs the canonical review statement.");
  AddSignOptions(*cmd, o->sign);
  cmd->add_option("--justified", o->justified, "Was the access justified: yes or no")->required();
  cmd->add_option("--actions", o->actions, "What was done with the credential")->required();
  cmd->add_option("--findings", o->findings, "What the review found")->required();
  cmd->add_option("--follow-up", o->follow_ups, "A follow-up action (repeatable, up to 16)");
  cmd->footer(
      "Example: breakglass --profile rita review REQ-ID --justified yes --actions 'failed over "
      "db-1' --findings 'no lag alert' --follow-up 'add the alert' --key "
      "'pkcs11:token=rita;object=approval' --pin-file ~/.rita.pin");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Review(ctx, *o); }; });
}

}  // namespace breakglass::cli
