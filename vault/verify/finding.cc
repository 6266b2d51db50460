#include "vault/verify/finding.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "vault/verify/bundle.h"

namespace breakglass::verify {
namespace {

constexpr char kPayloadUrl[] = "type.breakglass.dev/breakglass.verify.Finding";

}  // namespace

std::string Finding::ToString() const {
  switch (where) {
    case Where::kLeaf:
      return absl::StrCat("leaf ", position);
    case Where::kCheckpoint:
      return absl::StrCat("checkpoint ", position);
    case Where::kBundle:
      break;
  }
  return "bundle";
}

absl::Status Failure(Finding finding, absl::string_view why) {
  absl::Status s = absl::DataLossError(absl::StrCat(finding.ToString(), ": ", why));
  s.SetPayload(kPayloadUrl, absl::Cord(finding.ToString()));
  return s;
}

std::optional<Finding> FindingOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::string text(*payload);
  for (const auto& [prefix, where] :
       {std::pair{"leaf ", Where::kLeaf}, {"checkpoint ", Where::kCheckpoint}}) {
    const std::string_view p(prefix);
    if (text.rfind(p, 0) == 0) {
      const std::optional<uint64_t> n = ParseDecimal(text.substr(p.size()));
      if (n.has_value()) return Finding{where, *n};
    }
  }
  return Finding{Where::kBundle, 0};
}

}  // namespace breakglass::verify
