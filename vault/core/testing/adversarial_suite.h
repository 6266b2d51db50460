// The adversarial suite of issue 5, written once and run against any world:
// fakes in vault/core (unit), SoftHSM2 + swtpm in tests/integration (hsm;tpm).
// Every attack must be refused with a reason a person can act on AND leave no
// state change: no row and no event (RequireRefused compares snapshots).
//
// Header-only, for Catch2 test binaries.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_ADVERSARIAL_SUITE_H_
#define BREAKGLASS_VAULT_CORE_TESTING_ADVERSARIAL_SUITE_H_

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "vault/base/encoding.h"
#include "vault/base/random.h"
#include "vault/core/testing/vault_harness.h"
#include "vault/crypto/release_box.h"

namespace breakglass::core::testing {

// A harness plus the means to break and heal its devices.
struct AdversarialWorld {
  VaultHarness* h = nullptr;
  std::function<void()> tpm_down, tpm_up;      // anchoring impossible / possible
  std::function<void()> hsm_logout, hsm_login;  // keystore logged out / back
  std::string tpm_name = "tpm";                 // expected in the TPM error
  absl::StatusCode tpm_code = absl::StatusCode::kUnavailable;
  std::string hsm_name;                         // expected in the keystore error
  absl::StatusCode hsm_code = absl::StatusCode::kFailedPrecondition;
};

inline absl::Status AsStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// `attempt` must fail with `code`, its message must contain `needle`, and the
// store and the log must be exactly as before.
template <typename F>
void RequireRefused(VaultHarness& h, absl::StatusCode code, std::string_view needle, F&& attempt) {
  auto before = h.Snap();
  REQUIRE(before.ok());
  const absl::Status s = AsStatus(attempt());
  INFO("status: " << s.ToString());
  CHECK(s.code() == code);
  CHECK(std::string(s.message()).find(std::string(needle)) != std::string::npos);
  auto after = h.Snap();
  REQUIRE(after.ok());
  CHECK(after->events == before->events);
  CHECK(after->rows == before->rows);
}

// A request by alice with `approvers`' approvals already recorded.
inline RequestRecord FileWith(VaultHarness& h, std::vector<std::string> approvers,
                              std::string_view requester = "alice") {
  auto r = h.File(requester);
  REQUIRE(r.ok());
  for (const auto& a : approvers) {
    auto d = h.Decide(a, r->id);
    INFO(a << ": " << d.status().ToString());
    REQUIRE(d.ok());
  }
  return *r;
}

inline int CountLeaves(VaultHarness& h, std::string_view type) {
  auto leaves = h.Leaves();
  REQUIRE(leaves.ok());
  int n = 0;
  const std::string needle = "\"type\":\"" + std::string(type) + "\"";
  for (const auto& l : *leaves) n += l.find(needle) != std::string::npos;
  return n;
}

inline void SelfApprovalIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {}, "cat");  // cat is a dba custodian and a requester
  RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "cannot approve or deny their own",
                 [&] { return w.h->Decide("cat", r.id); });
}

inline void SecondApprovalBySameCustodianIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"bob"});
  RequireRefused(*w.h, absl::StatusCode::kAlreadyExists, "counts once",
                 [&] { return w.h->Decide("bob", r.id); });
  RequireRefused(*w.h, absl::StatusCode::kAlreadyExists, "counts once",
                 [&] { return w.h->Decide("bob", r.id, Decision::kDeny); });
}

inline void ApprovalForAnotherRequestIsNotReplayable(AdversarialWorld& w) {
  RequestRecord r1 = FileWith(*w.h, {});
  RequestRecord r2 = FileWith(*w.h, {});
  auto st1 = w.h->vault().StatementFor(r1.id, "bob", Decision::kApprove);
  REQUIRE(st1.ok());
  auto sig1 = w.h->Sign("bob", *st1);
  REQUIRE(sig1.ok());
  // The same signed statement, submitted for the other request.
  RequireRefused(*w.h, absl::StatusCode::kInvalidArgument, "request is '" + r1.id + "'",
                 [&] { return w.h->vault().Approve("bob", r2.id, *st1, *sig1); });
  // The other request's statement with this request's signature.
  auto st2 = w.h->vault().StatementFor(r2.id, "bob", Decision::kApprove);
  REQUIRE(st2.ok());
  RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "does not verify",
                 [&] { return w.h->vault().Approve("bob", r2.id, *st2, *sig1); });
}

inline void SignatureByAnotherCustodiansKeyIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {});
  auto st = w.h->vault().StatementFor(r.id, "bob", Decision::kApprove);
  REQUIRE(st.ok());
  auto by_ann = w.h->key("ann").Sign(*st->SignedBytes());
  REQUIRE(by_ann.ok());
  RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "registered key",
                 [&] { return w.h->vault().Approve("bob", r.id, *st, *by_ann); });
  // ann's own statement and signature, submitted by bob's session.
  auto st_ann = w.h->vault().StatementFor(r.id, "ann", Decision::kApprove);
  auto sig_ann = w.h->Sign("ann", *st_ann);
  REQUIRE(sig_ann.ok());
  RequireRefused(*w.h, absl::StatusCode::kInvalidArgument, "custodian is 'ann'",
                 [&] { return w.h->vault().Approve("bob", r.id, *st_ann, *sig_ann); });
}

inline void TamperedStatementIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {});
  auto st = w.h->vault().StatementFor(r.id, "bob", Decision::kApprove);
  REQUIRE(st.ok());
  ApprovalStatement tampered = *st;
  tampered.incident = "INC-9999";
  auto sig_tampered = w.h->Sign("bob", tampered);
  REQUIRE(sig_tampered.ok());
  RequireRefused(*w.h, absl::StatusCode::kInvalidArgument, "incident is 'INC-9999'",
                 [&] { return w.h->vault().Approve("bob", r.id, tampered, *sig_tampered); });
  // The right statement, but the signature was made over the tampered one.
  RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "does not verify",
                 [&] { return w.h->vault().Approve("bob", r.id, *st, *sig_tampered); });
  // A flipped signature byte.
  auto sig = w.h->Sign("bob", *st);
  REQUIRE(sig.ok());
  std::string flipped = *sig;
  flipped[flipped.size() / 2] ^= 0x01;
  auto s = w.h->vault().Approve("bob", r.id, *st, flipped);
  CHECK_FALSE(s.ok());
}

inline void ApprovalAfterTheWindowIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"ann", "bob"});
  w.h->clock().Advance(absl::Hours(1) + absl::Seconds(1));
  RequireRefused(*w.h, absl::StatusCode::kFailedPrecondition, "approval window",
                 [&] { return w.h->Decide("sam", r.id); });
}

inline void FetchAfterTheUseWindowIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"ann", "bob", "sam"});
  w.h->clock().Advance(absl::Minutes(15) + absl::Seconds(1));
  RequireRefused(*w.h, absl::StatusCode::kFailedPrecondition, "use window",
                 [&] { return w.h->vault().Fetch("alice", r.id); });
}

inline void RemovedCustodianIsRefusedAndStopsCounting(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"bob", "sam"});
  REQUIRE(w.h->vault().RemoveIdentity("oscar", "bob").ok());
  RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "was removed",
                 [&] { return w.h->Decide("bob", r.id, Decision::kDeny); });
  // bob's earlier approval no longer counts: ann alone is dba 1/2.
  auto d = w.h->Decide("ann", r.id);
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kPending);
  CHECK(d->progress == "dba 1/2, security 1/1");
}

inline void ApprovalsForARotatedAwayVersionAreRefused(AdversarialWorld& w) {
  RequestRecord old = FileWith(*w.h, {"ann"});
  auto st_old = w.h->vault().StatementFor(old.id, "bob", Decision::kApprove);
  auto sig_old = w.h->Sign("bob", *st_old);
  REQUIRE(sig_old.ok());
  auto v2 = w.h->vault().RotateCredential("oscar", "db-root",
                                          base::SecretBytes::CopyFrom(std::string_view("v2 secret")),
                                          std::nullopt);
  REQUIRE(v2.ok());
  CHECK(*v2 == 2);
  RequireRefused(*w.h, absl::StatusCode::kFailedPrecondition, "rotated to version 2",
                 [&] { return w.h->vault().Approve("bob", old.id, *st_old, *sig_old); });
  // A statement naming version 1 is refused for a version-2 request.
  RequestRecord fresh = FileWith(*w.h, {});
  auto st = w.h->vault().StatementFor(fresh.id, "bob", Decision::kApprove);
  ApprovalStatement v1 = *st;
  v1.credential_version = 1;
  auto sig_v1 = w.h->Sign("bob", v1);
  REQUIRE(sig_v1.ok());
  RequireRefused(*w.h, absl::StatusCode::kInvalidArgument, "credential_version is 1",
                 [&] { return w.h->vault().Approve("bob", fresh.id, v1, *sig_v1); });
}

inline void ConcurrentApprovalsReleaseExactlyOnce(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {});
  const std::vector<std::string> all = {"ann", "bob", "cat", "sam", "sue"};
  std::vector<absl::Status> results(all.size());
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < all.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[i] = AsStatus(w.h->Decide(all[i], r.id));
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int ok = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    INFO(all[i] << ": " << results[i].ToString());
    if (results[i].ok()) {
      ++ok;
    } else {
      CHECK(results[i].code() == absl::StatusCode::kFailedPrecondition);
      CHECK(std::string(results[i].message()).find("released") != std::string::npos);
    }
  }
  CHECK(ok >= 3);
  CHECK(CountLeaves(*w.h, "release") == 1);
  CHECK(CountLeaves(*w.h, "approval") == ok);
  auto status = w.h->vault().GetRequest(r.id);
  REQUIRE(status.ok());
  CHECK(status->request.state == RequestState::kReleased);
  CHECK(static_cast<int>(status->decisions.size()) == ok);
  auto secret = w.h->FetchAndOpen("alice", r.id);
  REQUIRE(secret.ok());
  CHECK(secret->view(base::InsecureSecretAccess::Get()) == kSecret);
}

inline void FetchByAnyoneButTheRequesterIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"ann", "bob", "sam"});
  for (const char* who : {"rita", "bob", "oscar", "mallory"}) {
    RequireRefused(*w.h, absl::StatusCode::kPermissionDenied, "only the requester alice",
                   [&] { return w.h->vault().Fetch(who, r.id); });
  }
  CHECK(w.h->FetchAndOpen("alice", r.id).ok());
}

// A request must bring a release key no earlier request used — whoever holds
// that key's private half could otherwise open this request's release box.
inline void ReusedReleaseKeyIsRefused(AdversarialWorld& w) {
  base::SystemRandom random;
  auto pair = crypto::release_box::Generate(random);
  REQUIRE(pair.ok());
  const NewRequest ask{"db-root", std::string(kIncident), std::string(kReason), pair->public_key};
  auto first = w.h->vault().CreateRequest("alice", ask);
  REQUIRE(first.ok());
  for (const char* who : {"alice", "rita"}) {
    RequireRefused(*w.h, absl::StatusCode::kInvalidArgument,
                   "request.release_key: X25519 key " + base::HexEncode(pair->public_key) +
                       " was already used by an earlier request",
                   [&] { return w.h->vault().CreateRequest(who, ask); });
  }
  // Still refused once the first request is over.
  REQUIRE(w.h->vault().Cancel("alice", first->id, "filed by mistake").ok());
  RequireRefused(*w.h, absl::StatusCode::kInvalidArgument, "already used",
                 [&] { return w.h->vault().CreateRequest("alice", ask); });
  CHECK(w.h->File("alice").ok());  // a fresh key is fine
}

inline void ReleaseWhileTheTpmIsUnreachableIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"ann", "bob"});
  w.tpm_down();
  RequireRefused(*w.h, w.tpm_code, w.tpm_name,
                 [&] { return w.h->Decide("sam", r.id); });
  w.tpm_up();
  auto d = w.h->Decide("sam", r.id);
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  CHECK(d->state == RequestState::kReleased);
  CHECK(w.h->FetchAndOpen("alice", r.id).ok());
}

inline void ReleaseWhileTheHsmIsLoggedOutIsRefused(AdversarialWorld& w) {
  RequestRecord r = FileWith(*w.h, {"ann", "bob"});
  w.hsm_logout();
  RequireRefused(*w.h, w.hsm_code, w.hsm_name,
                 [&] { return w.h->Decide("sam", r.id); });
  w.hsm_login();
  auto d = w.h->Decide("sam", r.id);
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  auto secret = w.h->FetchAndOpen("alice", r.id);
  REQUIRE(secret.ok());
  CHECK(secret->view(base::InsecureSecretAccess::Get()) == kSecret);
}

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_ADVERSARIAL_SUITE_H_
