#include "api/cli/exit_codes.h"

#include <catch2/catch.hpp>

namespace breakglass::cli {
namespace {

TEST_CASE("StatusCodesMapToTheDocumentedExitCodes", "[exit_codes]") {
  CHECK(ExitCodeFor(absl::OkStatus()) == 0);
  CHECK(ExitCodeFor(absl::InvalidArgumentError("x")) == 1);
  CHECK(ExitCodeFor(absl::PermissionDeniedError("x")) == 2);
  CHECK(ExitCodeFor(absl::UnauthenticatedError("x")) == 2);
  CHECK(ExitCodeFor(absl::FailedPreconditionError("x")) == 2);
  CHECK(ExitCodeFor(absl::NotFoundError("x")) == 3);
  CHECK(ExitCodeFor(absl::DataLossError("x")) == 4);
  CHECK(ExitCodeFor(absl::UnavailableError("x")) == 5);
  CHECK(ExitCodeFor(absl::UnimplementedError("x")) == 5);
  CHECK(ExitCodeFor(absl::InternalError("x")) == 6);
}

TEST_CASE("WithExitCodeOverridesTheStatusCode", "[exit_codes]") {
  const absl::Status marked = WithExitCode(absl::DataLossError("x"), kExitStatementMismatch);
  CHECK(ExitCodeFor(marked) == 7);
  CHECK(marked.code() == absl::StatusCode::kDataLoss);
  CHECK(marked.message() == "x");
  CHECK(ExitCodeFor(absl::DataLossError("x")) == 4);
}

}  // namespace
}  // namespace breakglass::cli
