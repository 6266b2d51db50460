// How a failed verification names what failed: the first bad leaf (by index),
// checkpoint (by tree size), or the bundle as a whole (a missing or stray
// file). Every verification failure is DATA_LOSS with the message
// "leaf 17: <why>", "checkpoint 12: <why>" or "bundle: <why>", and carries
// the same location as a payload that FindingOf reads back, so programs and
// tests need not parse messages.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_VERIFY_FINDING_H_
#define BREAKGLASS_VAULT_VERIFY_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace breakglass::verify {

enum class Where { kLeaf, kCheckpoint, kBundle };

struct Finding {
  Where where = Where::kBundle;
  uint64_t position = 0;  // leaf index or checkpoint tree size; 0 for kBundle

  friend bool operator==(const Finding&, const Finding&) = default;
  // "leaf 17", "checkpoint 12" or "bundle".
  std::string ToString() const;
};

// DATA_LOSS "<where>: <why>" carrying `finding`.
absl::Status Failure(Finding finding, absl::string_view why);
inline absl::Status LeafFailure(uint64_t index, absl::string_view why) {
  return Failure({Where::kLeaf, index}, why);
}
inline absl::Status CheckpointFailure(uint64_t size, absl::string_view why) {
  return Failure({Where::kCheckpoint, size}, why);
}
inline absl::Status BundleFailure(absl::string_view why) { return Failure({Where::kBundle, 0}, why); }

// The finding a verification failure carries; nullopt for other statuses
// (OK, or an error that is not a verdict on the bundle, e.g. bad options).
std::optional<Finding> FindingOf(const absl::Status& status);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_FINDING_H_
