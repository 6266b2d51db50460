// FaultyEventLog: a forwarding EventLog for tests that can make one append
// fail (a log write failure), to prove a state change never commits without
// its event.
//
// Thread-safety: Append runs on the store's writer thread; FailAppendAfter
// may be called from any thread.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_FAULTY_EVENT_LOG_H_
#define BREAKGLASS_VAULT_CORE_TESTING_FAULTY_EVENT_LOG_H_

#include <atomic>

#include "vault/core/event_log.h"

namespace breakglass::core::testing {

class FaultyEventLog final : public EventLog {
 public:
  // `target` is borrowed and must outlive this.
  explicit FaultyEventLog(EventLog* target) : target_(target) {}

  absl::StatusOr<uint64_t> AppendAt(store::Txn& txn, const VaultEvent& event) override {
    if (fail_after_.load() >= 0 && fail_after_-- == 0) {
      return absl::UnavailableError("test event log: write failed");
    }
    return target_->AppendAt(txn, event);
  }

  // After `skip` more successful appends, the next one fails with UNAVAILABLE.
  void FailAppendAfter(int skip) { fail_after_ = skip; }

 private:
  EventLog* const target_;
  std::atomic<int> fail_after_{-1};
};

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_FAULTY_EVENT_LOG_H_
