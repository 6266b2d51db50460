#include "tpm/tss/pcr_selection.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::tpm::tss {

constexpr uint32_t kMaxPcr = 23;

absl::Status PcrSelection::Validate() const {
  if (bank != "sha1" && bank != "sha256" && bank != "sha384") {
    return absl::InvalidArgumentError(
        absl::StrCat("PCR bank '", bank, "' is not one of sha1, sha256, sha384"));
  }
  if (pcrs.empty()) return absl::InvalidArgumentError("PCR selection is empty");
  for (size_t i = 0; i < pcrs.size(); ++i) {
    if (pcrs[i] > kMaxPcr) {
      return absl::InvalidArgumentError(absl::StrCat("PCR ", pcrs[i], " is out of range 0..23"));
    }
    if (i > 0 && pcrs[i] <= pcrs[i - 1]) {
      return absl::InvalidArgumentError("PCRs must be listed ascending without duplicates");
    }
  }
  return absl::OkStatus();
}

std::string PcrSelection::ToString() const {
  return absl::StrCat(bank, ":", absl::StrJoin(pcrs, ","));
}

}  // namespace breakglass::tpm::tss
