// FakeAnchor: an in-memory Anchor (vault/core/anchor.h) for tests, with
// injectable failures. It records how many anchors of each kind were made.
//
// Thread-safety: safe to call from many threads.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_FAKE_ANCHOR_H_
#define BREAKGLASS_VAULT_CORE_TESTING_FAKE_ANCHOR_H_

#include <functional>

#include "absl/synchronization/mutex.h"
#include "vault/core/anchor.h"

namespace breakglass::core::testing {

class FakeAnchor final : public Anchor {
 public:
  absl::Status Ready(AnchorKind) override {
    absl::MutexLock lock(&mu_);
    return ready_error_;
  }
  absl::Status AnchorNow(AnchorKind kind) override {
    absl::MutexLock lock(&mu_);
    if (!anchor_error_.ok()) return anchor_error_;
    if (observer_) observer_(kind);
    ++(kind == AnchorKind::kRelease ? release_anchors_ : routine_anchors_);
    return absl::OkStatus();
  }

  AnchoredCommit CommitAndAnchor(AnchorKind kind, store::TransactionRunner& runner,
                                 store::Unit unit) override {
    AnchoredCommit done{runner.Run(std::move(unit)), absl::OkStatus()};
    if (done.committed.ok()) done.anchored = AnchorNow(kind);
    return done;
  }

  // Every later Ready() returns `s` (OK to heal).
  void FailReady(absl::Status s) {
    absl::MutexLock lock(&mu_);
    ready_error_ = std::move(s);
  }
  // Every later AnchorNow() returns `s` (OK to heal).
  void FailAnchor(absl::Status s) {
    absl::MutexLock lock(&mu_);
    anchor_error_ = std::move(s);
  }
  // Both at once: the device is down (or back, with OK).
  void Down(const absl::Status& s) {
    FailReady(s);
    FailAnchor(s);
  }
  // Called (under the anchor's lock) at every successful anchor, e.g. to check
  // that the events it must cover are committed.
  void SetObserver(std::function<void(AnchorKind)> observer) {
    absl::MutexLock lock(&mu_);
    observer_ = std::move(observer);
  }
  int release_anchors() const {
    absl::MutexLock lock(&mu_);
    return release_anchors_;
  }
  int routine_anchors() const {
    absl::MutexLock lock(&mu_);
    return routine_anchors_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Status ready_error_ ABSL_GUARDED_BY(mu_);
  absl::Status anchor_error_ ABSL_GUARDED_BY(mu_);
  int release_anchors_ ABSL_GUARDED_BY(mu_) = 0;
  int routine_anchors_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<void(AnchorKind)> observer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_FAKE_ANCHOR_H_
