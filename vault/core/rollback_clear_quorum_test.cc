// RollbackClearQuorum: who counts towards a rollback clear, and what is refused.
#include "vault/core/rollback_clear_quorum.h"

#include <catch2/catch.hpp>
#include <map>

#include "vault/crypto/signature.h"

namespace breakglass::core {
namespace {

constexpr char kStatement[] =
    "breakglass-rollback-clear-v1\n"
    "origin: breakglass.test/q\n"
    "log: size 3, root 00\n"
    "latest checkpoint: none\n"
    "counter release: log states 8, TPM holds 9; re-baseline counter release to 9\n"
    "counter checkpoint: log states 42, TPM holds 45; re-baseline counter checkpoint to 45\n";

struct Custodian {
  Identity identity;
  crypto::SigningKey key;
};

Custodian Make(const std::string& name, crypto::SignatureAlgorithm algorithm) {
  crypto::SigningKey key = *crypto::SigningKey::Generate(algorithm);
  Identity id{name, {Role::kCustodian}, key.public_key().ToPem(), true};
  return {std::move(id), std::move(key)};
}

struct Cast {
  Custodian alice = Make("alice", crypto::SignatureAlgorithm::kEd25519);
  Custodian bob = Make("bob", crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  Custodian carol = Make("carol", crypto::SignatureAlgorithm::kEd25519);
};

std::string Sign(const Custodian& c, std::string_view statement = kStatement) {
  return *c.key.Sign(statement);
}

absl::Status Add(RollbackClearQuorum& q, const Custodian& c, std::string_view current = kStatement,
                 std::string_view statement = kStatement) {
  return q.Add(c.identity, current, statement, Sign(c, statement));
}

RollbackClearQuorum Two() { return *RollbackClearQuorum::Create(2); }

TEST_CASE("Two distinct custodians meet a quorum of two; one is not enough", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  REQUIRE(Add(q, cast.alice).ok());
  CHECK_FALSE(q.met());
  REQUIRE(Add(q, cast.bob).ok());
  CHECK(q.met());
  CHECK(q.approvers() == std::vector<std::string>{"alice", "bob"});
  const audit::RollbackClearRecord record = q.Record();
  CHECK(record.statement == kStatement);
  CHECK(record.required == 2);
  REQUIRE(record.approvals.size() == 2);
  CHECK(record.approvals[1].key_fingerprint == cast.bob.key.public_key().FingerprintHex());
  CHECK(cast.bob.key.public_key().Verify(kStatement, record.approvals[1].signature).ok());
}

TEST_CASE("The same custodian twice counts once", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  REQUIRE(Add(q, cast.alice).ok());
  const absl::Status again = Add(q, cast.alice);
  CHECK(again.code() == absl::StatusCode::kAlreadyExists);
  CHECK_FALSE(q.met());
}

TEST_CASE("A signature by another key is refused", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  // bob's identity, carol's signature.
  const absl::Status s = q.Add(cast.bob.identity, kStatement, kStatement, Sign(cast.carol));
  INFO(s);
  CHECK((s.code() == absl::StatusCode::kPermissionDenied ||
         s.code() == absl::StatusCode::kInvalidArgument));
  CHECK(std::string(s.message()).find("custodian bob") != std::string::npos);
  CHECK(q.approvers().empty());
  // A valid signature over other bytes does not count either.
  const absl::Status other =
      q.Add(cast.alice.identity, kStatement, kStatement, Sign(cast.alice, "something else"));
  CHECK(other.code() == absl::StatusCode::kPermissionDenied);
  CHECK(q.approvers().empty());
}

TEST_CASE("Removed custodians and other roles are refused", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  Custodian removed = Make("dave", crypto::SignatureAlgorithm::kEd25519);
  removed.identity.active = false;
  CHECK(Add(q, removed).code() == absl::StatusCode::kPermissionDenied);
  Custodian operator_ = Make("olga", crypto::SignatureAlgorithm::kEd25519);
  operator_.identity.roles = {Role::kOperator, Role::kReviewer};
  CHECK(Add(q, operator_).code() == absl::StatusCode::kPermissionDenied);
  Custodian keyless = Make("kim", crypto::SignatureAlgorithm::kEd25519);
  keyless.identity.signing_key_pem.clear();
  CHECK(Add(q, keyless).code() == absl::StatusCode::kPermissionDenied);
  CHECK(q.approvers().empty());
}

TEST_CASE("A statement for other numbers is refused, naming the line", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  std::string other = kStatement;
  other.replace(other.find("TPM holds 45"), 12, "TPM holds 44");
  const absl::Status s = Add(q, cast.alice, kStatement, other);
  INFO(s);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("statement: line 6") != std::string::npos);
  CHECK(q.approvers().empty());
}

TEST_CASE("Approvals of a statement that changed stop counting", "[rollback_quorum]") {
  Cast cast;
  RollbackClearQuorum q = Two();
  REQUIRE(Add(q, cast.alice).ok());
  std::string moved = kStatement;
  moved.replace(moved.find("TPM holds 45"), 12, "TPM holds 46");
  REQUIRE(Add(q, cast.bob, moved, moved).ok());
  CHECK_FALSE(q.met());
  CHECK(q.approvers() == std::vector<std::string>{"bob"});
  CHECK(q.statement() == moved);
}

TEST_CASE("The required count is 1..64", "[rollback_quorum]") {
  CHECK(RollbackClearQuorum::Create(0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(RollbackClearQuorum::Create(65).status().code() == absl::StatusCode::kInvalidArgument);
  Cast cast;
  RollbackClearQuorum one = *RollbackClearQuorum::Create(1);
  REQUIRE(Add(one, cast.carol).ok());
  CHECK(one.met());
}

}  // namespace
}  // namespace breakglass::core
