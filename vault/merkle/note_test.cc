// Signed-note tests, anchored on the published vectors of
// golang.org/x/mod/sumdb/note (note_test.go): the PeterNeumann and EnochRoot
// keys and their signatures over the same text.
#include "vault/merkle/note.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/secret_bytes.h"
#include "vault/crypto/signature.h"

namespace breakglass::merkle {
namespace {

using Catch::Matchers::Contains;

constexpr std::string_view kPeterKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
// The base64 part of Go's "PRIVATE+KEY+PeterNeumann+c74f20a3+..." signer key:
// 0x01 || the 32-byte Ed25519 seed.
constexpr std::string_view kPeterPrivate = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochKey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

NoteVerifier Verifier(std::string_view vkey) {
  absl::StatusOr<NoteVerifier> v = NoteVerifier::Parse(vkey);
  REQUIRE(v.ok());
  return *v;
}

crypto::SigningKey PeterSigningKey() {
  absl::StatusOr<std::string> raw = base::Base64Decode(kPeterPrivate);
  REQUIRE(raw.ok());
  absl::StatusOr<crypto::SigningKey> key =
      crypto::SigningKey::FromEd25519Seed(base::SecretBytes::CopyFrom(raw->substr(1)));
  REQUIRE(key.ok());
  return *std::move(key);
}

NoteSigner SignerFor(const crypto::SigningKey& key, std::string_view name) {
  absl::StatusOr<NoteSigner> signer = NoteSigner::Create(
      name, key.public_key().RawPublicKey(), [&key](std::string_view m) { return key.Sign(m); });
  REQUIRE(signer.ok());
  return *std::move(signer);
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("Verifier keys parse, print back and derive the key ID", "[merkle][note]") {
  const NoteVerifier peter = Verifier(kPeterKey);
  REQUIRE(peter.name() == "PeterNeumann");
  REQUIRE(peter.key_id() == 0xc74f20a3u);
  REQUIRE(peter.ToString() == kPeterKey);
  REQUIRE(Ed25519KeyId("PeterNeumann", peter.public_key()) == 0xc74f20a3u);
  REQUIRE(Verifier(kEnochKey).key_id() == 0xaf0cfe78u);
}

TEST_CASE("Every mangled verifier key is rejected", "[merkle][note]") {
  const std::string key(kPeterKey);
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      INFO(key.substr(i, j - i));
      REQUIRE_FALSE(NoteVerifier::Parse(key.substr(i, j - i)).ok());
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string bad = key;
    ++bad[i];
    INFO(bad);
    REQUIRE_FALSE(NoteVerifier::Parse(bad).ok());
  }
  // Go's cases: wrong key length, and unknown signature type, each with a
  // matching key ID. (The first is also non-canonical base64 here.)
  REQUIRE_FALSE(NoteVerifier::Parse("PeterNeumann+cc469956+"
                                    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                    .ok());
  REQUIRE_THAT(Message(NoteVerifier::Parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                                           "LDE4izWy10TW")
                           .status()),
               Contains("signature type 0x01"));
  // A 31-byte key whose key ID matches it.
  const std::string key31 = Verifier(kPeterKey).public_key().substr(1);
  char id[9];
  std::snprintf(id, sizeof(id), "%08x", Ed25519KeyId("PeterNeumann", key31));
  const std::string vkey31 =
      absl::StrCat("PeterNeumann+", id, "+", base::Base64Encode("\x01" + key31));
  REQUIRE_THAT(Message(NoteVerifier::Parse(vkey31).status()), Contains("must be 32"));
}

TEST_CASE("Signing reproduces the published PeterNeumann note byte for byte", "[merkle][note]") {
  const crypto::SigningKey key = PeterSigningKey();
  const NoteSigner signer = SignerFor(key, "PeterNeumann");
  REQUIRE(signer.verifier().ToString() == kPeterKey);
  absl::StatusOr<std::string> note = signer.Sign(kText);
  REQUIRE(note.ok());
  REQUIRE(*note == std::string(kText) + "\n" + kPeterSig);
}

TEST_CASE("Open verifies known keys and ignores unknown ones", "[merkle][note]") {
  const std::string note = std::string(kText) + "\n" + kPeterSig + kEnochSig;
  const NoteVerifier peter = Verifier(kPeterKey);
  const NoteVerifier enoch = Verifier(kEnochKey);
  absl::StatusOr<OpenedNote> one = OpenNote(note, {peter});
  REQUIRE(one.ok());
  REQUIRE(one->text == kText);
  REQUIRE(one->verified.size() == 1);
  REQUIRE(one->verified[0].name == "PeterNeumann");
  REQUIRE(one->unverified.size() == 1);
  REQUIRE(one->unverified[0].key_id == 0xaf0cfe78u);
  absl::StatusOr<OpenedNote> both = OpenNote(note, {peter, enoch});
  REQUIRE(both.ok());
  REQUIRE(both->verified.size() == 2);
  REQUIRE(both->unverified.empty());
}

TEST_CASE("Open rejects a note with no trusted signature, naming the signers", "[merkle][note]") {
  const std::string note = std::string(kText) + "\n" + kPeterSig + kEnochSig;
  absl::StatusOr<OpenedNote> none = OpenNote(note, {});
  REQUIRE(none.status().code() == absl::StatusCode::kUnauthenticated);
  REQUIRE_THAT(Message(none.status()), Contains("PeterNeumann+c74f20a3, EnochRoot+af0cfe78"));
  // Same name, other key ID; and same key ID, other name: both unknown keys.
  std::string renamed = std::string(kText) + "\n" + kPeterSig;
  renamed.replace(renamed.find("PeterNeumann"), 12, "CarmenSandiego");
  REQUIRE(OpenNote(renamed, {Verifier(kPeterKey)}).status().code() ==
          absl::StatusCode::kUnauthenticated);
  std::string rekeyed = std::string(kText) + "\n" + kPeterSig;
  rekeyed.replace(rekeyed.find("x08g"), 4, "xxxx");
  REQUIRE(OpenNote(rekeyed, {Verifier(kPeterKey)}).status().code() ==
          absl::StatusCode::kUnauthenticated);
}

TEST_CASE("Open rejects a known key's bad signature and ambiguous verifiers", "[merkle][note]") {
  const NoteVerifier peter = Verifier(kPeterKey);
  const std::string bad_sig = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  absl::StatusOr<OpenedNote> bad = OpenNote(std::string(kText) + "\n" + bad_sig, {peter});
  REQUIRE(bad.status().code() == absl::StatusCode::kPermissionDenied);
  REQUIRE_THAT(Message(bad.status()), Contains("PeterNeumann+c74f20a3 does not verify"));
  // A second, bad signature by the same known key also fails the note.
  absl::StatusOr<OpenedNote> twice =
      OpenNote(std::string(kText) + "\n" + kPeterSig + bad_sig, {peter});
  REQUIRE(twice.status().code() == absl::StatusCode::kPermissionDenied);
  // Bad signatures by unknown keys are ignored.
  const std::string enoch_bad = kEnochSig.substr(0, 60) + "ABCD" + kEnochSig.substr(60);
  REQUIRE(
      OpenNote(std::string(kText) + "\n" + kPeterSig + kPeterSig + kEnochSig + enoch_bad, {peter})
          .ok());
  const NoteVerifier enoch = Verifier(kEnochKey);
  REQUIRE(OpenNote(std::string(kText) + "\n" + kEnochSig, {enoch, peter, enoch}).status().code() ==
          absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Open rejects malformed notes with the reason", "[merkle][note]") {
  const NoteVerifier peter = Verifier(kPeterKey);
  const std::string text(kText);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {text, "no blank line"},
      {text + "\n", "no signature lines"},
      {text + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1), "does not end in a newline"},
      {"\x01" + text + "\n" + kPeterSig, "control character at byte 0"},
      {"\xff" + text + "\n" + kPeterSig, "invalid UTF-8 at byte 0"},
      {text + "\n\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
              "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "base64"},
      {text + "\n" + kPeterSig + "Unexpected line.\n", "line 2 does not start with an em dash"},
      {text + "\n-- PeterNeumann AAAA\n", "em dash"},
      {text + "\n\xE2\x80\x94 PeterNeumann AAAA\n", "shorter than a key ID"},
      {text + "\n\xE2\x80\x94 Peter+Neumann AAAAAAAA\n", "invalid key name"},
      {text + "\r\n" + kPeterSig, "control character"},
  };
  for (const auto& [note, reason] : cases) {
    INFO(note);
    absl::StatusOr<OpenedNote> opened = OpenNote(note, {peter});
    REQUIRE(opened.status().code() == absl::StatusCode::kInvalidArgument);
    REQUIRE_THAT(Message(opened.status()), Contains(reason));
  }
}

TEST_CASE("Open caps the number of signatures at 100", "[merkle][note]") {
  const NoteVerifier peter = Verifier(kPeterKey);
  std::string sigs;
  for (int i = 0; i < 100; ++i) sigs += kPeterSig;
  REQUIRE(OpenNote(std::string(kText) + "\n" + sigs, {peter}).ok());
  absl::StatusOr<OpenedNote> many = OpenNote(std::string(kText) + "\n" + sigs + kPeterSig, {peter});
  REQUIRE(many.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_THAT(Message(many.status()), Contains("more than 100 signatures"));
}

TEST_CASE("Signer refuses text a note cannot carry", "[merkle][note]") {
  const crypto::SigningKey key = PeterSigningKey();
  const NoteSigner signer = SignerFor(key, "PeterNeumann");
  REQUIRE(signer.Sign("abc").status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(signer.Sign("").status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(signer.Sign("a\tb\n").status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_FALSE(
      NoteSigner::Create("bad name", key.public_key().RawPublicKey(), [&key](std::string_view m) {
        return key.Sign(m);
      }).ok());
  // Text with blank lines is allowed: the last blank line separates.
  absl::StatusOr<std::string> note = signer.Sign("a\n\nb\n\n");
  REQUIRE(note.ok());
  absl::StatusOr<OpenedNote> opened = OpenNote(*note, {signer.verifier()});
  REQUIRE(opened.ok());
  REQUIRE(opened->text == "a\n\nb\n\n");
}

TEST_CASE("Signer passes callback errors through and refuses a wrong key", "[merkle][note]") {
  const crypto::SigningKey key = PeterSigningKey();
  absl::StatusOr<NoteSigner> down =
      NoteSigner::Create("PeterNeumann", key.public_key().RawPublicKey(),
                         [](std::string_view) -> absl::StatusOr<std::string> {
                           return absl::UnavailableError("token removed");
                         });
  REQUIRE(down.ok());
  absl::StatusOr<std::string> failed = down->Sign(kText);
  REQUIRE(failed.status().code() == absl::StatusCode::kUnavailable);
  REQUIRE_THAT(Message(failed.status()), Contains("token removed"));

  absl::StatusOr<crypto::SigningKey> other =
      crypto::SigningKey::Generate(crypto::SignatureAlgorithm::kEd25519);
  REQUIRE(other.ok());
  absl::StatusOr<NoteSigner> wrong =
      NoteSigner::Create("PeterNeumann", key.public_key().RawPublicKey(),
                         [&other](std::string_view m) { return other->Sign(m); });
  REQUIRE(wrong.ok());
  REQUIRE(wrong->Sign(kText).status().code() == absl::StatusCode::kInternal);
}

// A LogSigner over a software key, standing in for the HSM.
class SoftLogSigner final : public hsm::LogSigner {
 public:
  explicit SoftLogSigner(const crypto::SigningKey& key) : key_(key) {}
  absl::StatusOr<std::string> Sign(std::string_view message) override {
    ++calls_;
    return key_.Sign(message);
  }
  absl::StatusOr<std::string> PublicKey() override { return key_.public_key().RawPublicKey(); }
  int calls_ = 0;

 private:
  const crypto::SigningKey& key_;
};

TEST_CASE("A LogSigner signs notes that open with its verifier key", "[merkle][note]") {
  const crypto::SigningKey key = PeterSigningKey();
  SoftLogSigner log_signer(key);
  absl::StatusOr<NoteSigner> signer = NoteSigner::FromLogSigner("PeterNeumann", log_signer);
  REQUIRE(signer.ok());
  absl::StatusOr<std::string> note = signer->Sign(kText);
  REQUIRE(note.ok());
  REQUIRE(log_signer.calls_ == 1);
  REQUIRE(*note == std::string(kText) + "\n" + kPeterSig);
  REQUIRE(OpenNote(*note, {Verifier(kPeterKey)}).ok());
}

}  // namespace
}  // namespace breakglass::merkle
