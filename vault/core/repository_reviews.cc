// Repository: the post-incident review rows (core_review) and the review
// columns of core_release (repository.h).
#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/internal/sql_helpers.h"
#include "vault/core/repository.h"

namespace breakglass::core::repo {
namespace {

using internal::Changed;
using internal::Strings;
using store::Txn;

// Sets `column` = now on the release of `request` where it is still NULL.
absl::Status MarkOnce(Txn& txn, const char* column, std::string_view request, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare(absl::StrCat("UPDATE core_release SET ", column,
                                               " = ? WHERE request = ? AND ", column, " IS NULL")));
  stmt->BindInt64(1, now).BindText(2, request);
  BG_RETURN_IF_ERROR(stmt->Run());
  return Changed(*stmt, absl::StrCat("release without ", column));
}

}  // namespace

absl::StatusOr<std::vector<ReviewRecord>> LoadReviews(Txn& txn, std::string_view request) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT reviewer, justified, statement, signature, "
                                             "key_fingerprint, at FROM core_review WHERE "
                                             "request = ? ORDER BY reviewer"));
  stmt->BindText(1, request);
  std::vector<ReviewRecord> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    ReviewRecord r;
    r.reviewer = stmt->ColumnText(0);
    r.justified = stmt->ColumnInt64(1) != 0;
    r.statement = stmt->ColumnText(2);
    r.signature = stmt->ColumnBlob(3);
    r.key_fingerprint = stmt->ColumnText(4);
    r.at = stmt->ColumnInt64(5);
    out.push_back(std::move(r));
  }
}

absl::Status InsertReview(Txn& txn, std::string_view request, const ReviewRecord& r) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT OR IGNORE INTO core_review (request, "
                                             "reviewer, justified, statement, signature, "
                                             "key_fingerprint, at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt->BindText(1, request)
      .BindText(2, r.reviewer)
      .BindInt64(3, r.justified ? 1 : 0)
      .BindText(4, r.statement)
      .BindBlob(5, r.signature)
      .BindText(6, r.key_fingerprint)
      .BindInt64(7, r.at);
  BG_RETURN_IF_ERROR(stmt->Run());
  if (stmt->Changes() == 1) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      "reviewer ", r.reviewer, " has already reviewed request ", std::string(request)));
}

absl::Status MarkReviewSigned(Txn& txn, std::string_view request, int64_t now) {
  return MarkOnce(txn, "reviewed_at", request, now);
}

absl::Status MarkReleaseClosed(Txn& txn, std::string_view request, int64_t now) {
  return MarkOnce(txn, "closed_at", request, now);
}

absl::Status MarkOverdueAlerted(Txn& txn, std::string_view request, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("UPDATE core_release SET overdue_alerted_at = ? "
                                             "WHERE request = ?"));
  stmt->BindInt64(1, now).BindText(2, request);
  BG_RETURN_IF_ERROR(stmt->Run());
  return Changed(*stmt, "release");
}

absl::StatusOr<std::vector<std::string>> FindOverdueReviews(
    Txn& txn, std::optional<std::string_view> credential, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT rel.request FROM core_release rel JOIN "
                                             "core_request req ON req.id = rel.request WHERE "
                                             "rel.reviewed_at IS NULL AND rel.review_due < ?1 "
                                             "AND (?2 IS NULL OR req.credential = ?2) "
                                             "ORDER BY rel.request"));
  stmt->BindInt64(1, now);
  credential ? stmt->BindText(2, *credential) : stmt->BindNull(2);
  return Strings(stmt);
}

absl::StatusOr<std::vector<std::string>> FindClosableReleases(Txn& txn, std::string_view credential,
                                                              int64_t current_version) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT rel.request FROM core_release rel JOIN "
                                             "core_request req ON req.id = rel.request WHERE "
                                             "req.credential = ? AND req.version < ? AND "
                                             "rel.reviewed_at IS NOT NULL AND rel.closed_at IS "
                                             "NULL ORDER BY rel.request"));
  stmt->BindText(1, credential).BindInt64(2, current_version);
  return Strings(stmt);
}

}  // namespace breakglass::core::repo
