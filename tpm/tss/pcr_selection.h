// PcrSelection: which PCRs of which bank a TPM policy covers (TPML_PCR_SELECTION,
// TPM 2.0 Part 2 §10.9.7), in a form free of TSS types, as firmware-config
// states it: bank "sha256", PCRs [0, 2, 4, 7].
//
// Thread-safety: a value type.
#ifndef BREAKGLASS_TPM_TSS_PCR_SELECTION_H_
#define BREAKGLASS_TPM_TSS_PCR_SELECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace breakglass::tpm::tss {

struct PcrSelection {
  std::string bank = "sha256";  // "sha1", "sha256" or "sha384"
  std::vector<uint32_t> pcrs;   // 0..23, ascending, no duplicates, at least one

  // OK, or INVALID_ARGUMENT naming the bank or PCR that is not allowed.
  absl::Status Validate() const;
  // "sha256:0,2,4,7", for errors and Describe().
  std::string ToString() const;

  friend bool operator==(const PcrSelection&, const PcrSelection&) = default;
};

}  // namespace breakglass::tpm::tss

#endif  // BREAKGLASS_TPM_TSS_PCR_SELECTION_H_
