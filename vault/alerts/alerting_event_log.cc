#include "vault/alerts/alerting_event_log.h"

#include "vault/alerts/alert.h"
#include "vault/alerts/outbox.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::alerts {

absl::Status EnqueueAlert(store::Txn& txn, const core::VaultEvent& event,
                          std::span<const std::string> sinks, base::Random& random) {
  BG_ASSIGN_OR_RETURN(std::string nonce, random.Bytes(16));
  BG_ASSIGN_OR_RETURN(Alert alert, BuildAlert(event, base::HexEncode(nonce)));
  return base::Annotate(Enqueue(txn, alert, sinks, absl::ToUnixMillis(event.time)),
                        "alert outbox");
}

absl::StatusOr<uint64_t> AlertingEventLog::AppendAt(store::Txn& txn,
                                                    const core::VaultEvent& event) {
  BG_ASSIGN_OR_RETURN(const uint64_t index, inner_->AppendAt(txn, event));
  std::span<const std::string> sinks = routing_->SinksFor(event.type);
  if (sinks.empty()) return index;
  BG_RETURN_IF_ERROR(EnqueueAlert(txn, event, sinks, *random_));
  if (wake_) wake_();
  return index;
}

}  // namespace breakglass::alerts
