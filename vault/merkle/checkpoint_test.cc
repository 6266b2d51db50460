#include "vault/merkle/checkpoint.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/crypto/signature.h"

namespace breakglass::merkle {
namespace {

using Catch::Matchers::Contains;

constexpr std::string_view kOrigin = "breakglass.example/appliance-1";

std::string Message(const absl::Status& s) { return std::string(s.message()); }

Checkpoint Sample() { return Checkpoint{std::string(kOrigin), 1234, HashLeaf("root")}; }

TEST_CASE("Checkpoint text is origin, decimal size and base64 root", "[merkle][checkpoint]") {
  const Checkpoint c = Sample();
  absl::StatusOr<std::string> text = FormatCheckpoint(c);
  REQUIRE(text.ok());
  REQUIRE(*text ==
          std::string(kOrigin) + "\n1234\n" + base::Base64Encode(HashBytes(c.root)) + "\n");
  absl::StatusOr<Checkpoint> back = ParseCheckpoint(*text);
  REQUIRE(back.ok());
  REQUIRE(*back == c);
  REQUIRE(FormatCheckpoint({"has space", 1, c.root}).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE_FALSE(FormatCheckpoint({"", 1, c.root}).ok());
}

TEST_CASE("Parses the C2SP tlog-checkpoint example body", "[merkle][checkpoint]") {
  absl::StatusOr<Checkpoint> c = ParseCheckpoint(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  REQUIRE(c.ok());
  REQUIRE(c->origin == "example.com/behind-the-sofa");
  REQUIRE(c->size == 20852163);
  REQUIRE(base::Base64Encode(HashBytes(c->root)) == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
}

TEST_CASE("Checkpoint sizes: zero and 2^64-1 parse, anything loose does not",
          "[merkle][checkpoint]") {
  const std::string root = base::Base64Encode(HashBytes(HashLeaf("r")));
  auto parse = [&](std::string_view size) {
    return ParseCheckpoint(absl::StrCat("o\n", std::string(size), "\n", root, "\n"));
  };
  REQUIRE(parse("0").ok());
  REQUIRE(parse("18446744073709551615").ok());
  REQUIRE(parse("18446744073709551615")->size == UINT64_MAX);
  REQUIRE_THAT(Message(parse("18446744073709551616").status()), Contains("64 bits"));
  REQUIRE_THAT(Message(parse("007").status()), Contains("leading zero"));
  REQUIRE_THAT(Message(parse("00").status()), Contains("leading zero"));
  REQUIRE_THAT(Message(parse("+7").status()), Contains("not a decimal number"));
  REQUIRE_THAT(Message(parse("-1").status()), Contains("not a decimal number"));
  REQUIRE_THAT(Message(parse(" 7").status()), Contains("not a decimal number"));
  REQUIRE_THAT(Message(parse("").status()), Contains("size line is empty"));
}

TEST_CASE("Checkpoint parsing is strict about lines and the root", "[merkle][checkpoint]") {
  const std::string root = base::Base64Encode(HashBytes(HashLeaf("r")));
  const std::string good = "o\n5\n" + root + "\n";
  REQUIRE(ParseCheckpoint(good).ok());
  REQUIRE_THAT(Message(ParseCheckpoint(good + "ext\n").status()), Contains("extension lines"));
  REQUIRE_THAT(Message(ParseCheckpoint(good + "\n").status()), Contains("extension lines"));
  REQUIRE_THAT(Message(ParseCheckpoint("o\n5\n" + root).status()), Contains("end in a newline"));
  REQUIRE_THAT(Message(ParseCheckpoint("o\n5\n").status()), Contains("three lines"));
  REQUIRE_THAT(Message(ParseCheckpoint("\n5\n" + root + "\n").status()),
               Contains("origin line is empty"));
  REQUIRE_THAT(Message(ParseCheckpoint("o\r\n5\n" + root + "\n").status()),
               Contains("control character"));
  const std::string short_root = base::Base64Encode(HashBytes(HashLeaf("r")).substr(1));
  REQUIRE_THAT(Message(ParseCheckpoint("o\n5\n" + short_root + "\n").status()),
               Contains("31 bytes"));
  std::string loose = root;
  loose.pop_back();  // drop the padding
  REQUIRE_THAT(Message(ParseCheckpoint("o\n5\n" + loose + "\n").status()), Contains("root hash"));
}

struct LogKey {
  std::shared_ptr<crypto::SigningKey> key;
  NoteSigner signer;
};

// A fresh software Ed25519 key named `name`, standing in for the HSM's.
LogKey MakeKey(std::string_view name) {
  absl::StatusOr<crypto::SigningKey> key =
      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  REQUIRE(key.ok());
  auto shared = std::make_shared<crypto::SigningKey>(*std::move(key));
  absl::StatusOr<NoteSigner> signer =
      NoteSigner::Create(name, shared->public_key().RawPublicKey(),
                         [shared](std::string_view m) { return shared->Sign(m); });
  REQUIRE(signer.ok());
  return LogKey{shared, *std::move(signer)};
}

TEST_CASE("Signed checkpoints open with the log's verifier key", "[merkle][checkpoint]") {
  const LogKey log = MakeKey(kOrigin);
  const Checkpoint c = Sample();
  absl::StatusOr<std::string> note = SignCheckpoint(c, log.signer);
  REQUIRE(note.ok());
  absl::StatusOr<Checkpoint> opened = OpenCheckpoint(*note, log.signer.verifier());
  REQUIRE(opened.ok());
  REQUIRE(*opened == c);
  // Round trip through the published verifier key string.
  absl::StatusOr<NoteVerifier> published = NoteVerifier::Parse(log.signer.verifier().ToString());
  REQUIRE(published.ok());
  REQUIRE(OpenCheckpoint(*note, *published).ok());
}

TEST_CASE("Tampered or foreign checkpoints are refused", "[merkle][checkpoint]") {
  const LogKey log = MakeKey(kOrigin);
  absl::StatusOr<std::string> note = SignCheckpoint(Sample(), log.signer);
  REQUIRE(note.ok());
  std::string tampered = *note;
  tampered.replace(tampered.find("1234"), 4, "1235");
  REQUIRE(OpenCheckpoint(tampered, log.signer.verifier()).status().code() ==
          absl::StatusCode::kPermissionDenied);
  const LogKey other = MakeKey(kOrigin);
  REQUIRE(OpenCheckpoint(*note, other.signer.verifier()).status().code() ==
          absl::StatusCode::kUnauthenticated);
  // A key whose name is not the origin may neither sign nor vouch for it.
  const LogKey elsewhere = MakeKey("elsewhere.example/log");
  REQUIRE_THAT(Message(SignCheckpoint(Sample(), elsewhere.signer).status()),
               Contains("is not the origin"));
  absl::StatusOr<std::string> foreign_text = FormatCheckpoint(Sample());
  REQUIRE(foreign_text.ok());
  absl::StatusOr<std::string> foreign = elsewhere.signer.Sign(*foreign_text);
  REQUIRE(foreign.ok());
  REQUIRE_THAT(Message(OpenCheckpoint(*foreign, elsewhere.signer.verifier()).status()),
               Contains("is not the log key's name"));
}

}  // namespace
}  // namespace breakglass::merkle
