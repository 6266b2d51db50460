#include "vault/merkle/note.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"
#include "vault/crypto/signature.h"

namespace breakglass::merkle {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 em dash, space
constexpr size_t kEd25519KeySize = 32;
constexpr size_t kEd25519SigSize = 64;

bool InRange(uint8_t c, uint8_t lo, uint8_t hi) { return c >= lo && c <= hi; }

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4: no overlong
// forms, no surrogates, nothing above U+10FFFF), storing its code point; 0 if
// the bytes there are not one.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = 0;
  uint8_t lo = 0x80, hi = 0xBF;
  if (InRange(c, 0xC2, 0xDF)) {
    len = 2;
  } else if (InRange(c, 0xE0, 0xEF)) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (InRange(c, 0xF0, 0xF4)) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size() || !InRange(b(1), lo, hi)) return 0;
  char32_t v = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if (!InRange(b(k), 0x80, 0xBF)) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  *cp = v;
  return len;
}

// Unicode White_Space (what Go's unicode.IsSpace reports).
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

uint32_t ReadBigEndian32(std::string_view b) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

std::string BigEndian32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

std::string KeyIdHex(uint32_t id) { return base::HexEncode(BigEndian32(id)); }

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed signed note: ", std::string(what)));
}

// One line after the blank line, without its newline.
absl::StatusOr<NoteSignature> ParseSignatureLine(std::string_view line, size_t n) {
  const std::string where = absl::StrCat("signature line ", n);
  if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
    return Malformed(absl::StrCat(where, " does not start with an em dash and a space"));
  }
  line.remove_prefix(kSignaturePrefix.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Malformed(absl::StrCat(where, " has no space between key name and signature"));
  }
  const std::string_view name = line.substr(0, space);
  if (!IsValidKeyName(name)) return Malformed(absl::StrCat(where, " has an invalid key name"));
  absl::StatusOr<std::string> raw = base::Base64Decode(line.substr(space + 1));
  if (!raw.ok()) {
    return Malformed(absl::StrCat(where, ": ", std::string(raw.status().message())));
  }
  if (raw->size() < 5) return Malformed(absl::StrCat(where, " is shorter than a key ID"));
  return NoteSignature{std::string(name), ReadBigEndian32(*raw), raw->substr(4)};
}

const NoteVerifier* FindVerifier(absl::Span<const NoteVerifier> verifiers,
                                 const NoteSignature& sig) {
  for (const NoteVerifier& v : verifiers) {
    if (v.name() == sig.name && v.key_id() == sig.key_id) return &v;
  }
  return nullptr;
}

absl::Status CheckDistinct(absl::Span<const NoteVerifier> verifiers) {
  for (size_t i = 0; i < verifiers.size(); ++i) {
    for (size_t j = i + 1; j < verifiers.size(); ++j) {
      if (verifiers[i].name() == verifiers[j].name() &&
          verifiers[i].key_id() == verifiers[j].key_id()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "two verifiers share key name and ID ", verifiers[i].name(), "+",
            KeyIdHex(verifiers[i].key_id()), "; a trusted key list must not be ambiguous"));
      }
    }
  }
  return absl::OkStatus();
}

// Splits a note at its last blank line into text and signature block.
absl::Status SplitNote(std::string_view note, std::string_view* text, std::string_view* sigs) {
  BG_RETURN_IF_ERROR(CheckNoteCharacters(note));
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Malformed("no blank line separates the text from the signatures");
  }
  *text = note.substr(0, split + 1);
  *sigs = note.substr(split + 2);
  if (sigs->empty()) return Malformed("no signature lines after the blank line");
  if (sigs->back() != '\n') return Malformed("the last signature line does not end in a newline");
  return absl::OkStatus();
}

absl::Status Untrusted(const OpenedNote& note, absl::Span<const NoteVerifier> verifiers) {
  std::vector<std::string> seen;
  for (const NoteSignature& s : note.unverified) {
    seen.push_back(absl::StrCat(s.name, "+", KeyIdHex(s.key_id)));
  }
  std::vector<std::string> trusted;
  for (const NoteVerifier& v : verifiers) {
    trusted.push_back(absl::StrCat(v.name(), "+", KeyIdHex(v.key_id())));
  }
  return absl::UnauthenticatedError(
      absl::StrCat("signed note has no signature by a trusted key; signed by [",
                   absl::StrJoin(seen, ", "), "], trusted [", absl::StrJoin(trusted, ", "), "]"));
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    const size_t len = DecodeUtf8(name, i, &cp);
    if (len == 0 || cp == U'+' || IsUnicodeSpace(cp)) return false;
    i += len;
  }
  return true;
}

absl::Status CheckNoteCharacters(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) return Malformed(absl::StrCat("invalid UTF-8 at byte ", i));
    if (cp < 0x20 && cp != U'\n') {
      return Malformed(absl::StrCat("control character at byte ", i));
    }
    i += len;
  }
  return absl::OkStatus();
}

uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key) {
  crypto::Sha256Hasher h;
  const char type = static_cast<char>(kNoteSignatureTypeEd25519);
  const crypto::Sha256Digest d =
      h.Update(name).Update("\n").Update(std::string_view(&type, 1)).Update(public_key).Finish();
  return ReadBigEndian32(crypto::DigestString(d));
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromEd25519(std::string_view name,
                                                       std::string_view public_key) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(
        "note key name must be non-empty UTF-8 without spaces or '+'");
  }
  if (public_key.size() != kEd25519KeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 public key is ", public_key.size(), " bytes; it must be 32"));
  }
  return NoteVerifier(std::string(name), std::string(public_key), Ed25519KeyId(name, public_key));
}

absl::StatusOr<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  const size_t p1 = vkey.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "verifier key must read <name>+<8 hex digit key ID>+<base64 key>");
  }
  const std::string_view hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  absl::StatusOr<std::string> id = base::HexDecode(hex);
  if (hex.size() != 8 || !id.ok()) {
    return absl::InvalidArgumentError("verifier key ID must be 8 hex digits");
  }
  absl::StatusOr<std::string> key = base::Base64Decode(vkey.substr(p2 + 1));
  if (!key.ok()) return base::Annotate(key.status(), "verifier key");
  if (key->empty() || static_cast<uint8_t>((*key)[0]) != kNoteSignatureTypeEd25519) {
    return absl::InvalidArgumentError(
        "verifier key is not of signature type 0x01 (Ed25519), the only one supported");
  }
  BG_ASSIGN_OR_RETURN(NoteVerifier v, FromEd25519(vkey.substr(0, p1), key->substr(1)));
  if (v.key_id() != ReadBigEndian32(*id)) {
    return absl::InvalidArgumentError(absl::StrCat("verifier key ID ", std::string(hex),
                                                   " does not match its name and key (",
                                                   KeyIdHex(v.key_id()), ")"));
  }
  return v;
}

std::string NoteVerifier::ToString() const {
  const std::string typed =
      std::string(1, static_cast<char>(kNoteSignatureTypeEd25519)) + public_key_;
  return absl::StrCat(name_, "+", KeyIdHex(key_id_), "+", base::Base64Encode(typed));
}

absl::Status NoteVerifier::Verify(std::string_view text, std::string_view signature) const {
  if (signature.size() != kEd25519SigSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 signature is ", signature.size(), " bytes; it must be 64"));
  }
  return crypto::VerifyEd25519(public_key_, text, signature);
}

absl::StatusOr<NoteSigner> NoteSigner::Create(std::string_view name, std::string_view public_key,
                                              SignFn sign) {
  BG_ASSIGN_OR_RETURN(NoteVerifier verifier, NoteVerifier::FromEd25519(name, public_key));
  if (!sign) return absl::InvalidArgumentError("note signer needs a signing callback");
  return NoteSigner(std::move(verifier), std::move(sign));
}

absl::StatusOr<NoteSigner> NoteSigner::FromLogSigner(std::string_view name,
                                                     hsm::LogSigner& signer) {
  absl::StatusOr<std::string> public_key = signer.PublicKey();
  if (!public_key.ok()) return base::Annotate(public_key.status(), "reading the log public key");
  hsm::LogSigner* borrowed = &signer;
  return Create(name, *public_key,
                [borrowed](std::string_view message) { return borrowed->Sign(message); });
}

absl::StatusOr<std::string> NoteSigner::Sign(std::string_view text) const {
  BG_RETURN_IF_ERROR(CheckNoteCharacters(text));
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError("note text must be non-empty and end in a newline");
  }
  const std::string key = absl::StrCat(verifier_.name(), "+", KeyIdHex(verifier_.key_id()));
  absl::StatusOr<std::string> sig = sign_(text);
  if (!sig.ok()) return base::Annotate(sig.status(), absl::StrCat("signing note with ", key));
  if (absl::Status ok = verifier_.Verify(text, *sig); !ok.ok()) {
    return absl::InternalError(absl::StrCat("the signature from ", key,
                                            " does not verify under its public key (wrong key or "
                                            "faulty signer); no note was produced: ",
                                            std::string(ok.message())));
  }
  return absl::StrCat(std::string(text), "\n", std::string(kSignaturePrefix), verifier_.name(), " ",
                      base::Base64Encode(BigEndian32(verifier_.key_id()) + *sig), "\n");
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    absl::Span<const NoteVerifier> verifiers) {
  BG_RETURN_IF_ERROR(CheckDistinct(verifiers));
  std::string_view text, sigs;
  BG_RETURN_IF_ERROR(SplitNote(note, &text, &sigs));
  OpenedNote out;
  out.text = std::string(text);
  for (size_t n = 1; !sigs.empty(); ++n) {
    if (n > kMaxNoteSignatures) {
      return Malformed(absl::StrCat("more than ", kMaxNoteSignatures, " signatures"));
    }
    const size_t eol = sigs.find('\n');
    BG_ASSIGN_OR_RETURN(NoteSignature sig, ParseSignatureLine(sigs.substr(0, eol), n));
    sigs.remove_prefix(eol + 1);
    const NoteVerifier* verifier = FindVerifier(verifiers, sig);
    if (verifier == nullptr) {
      out.unverified.push_back(std::move(sig));
      continue;
    }
    if (absl::Status ok = verifier->Verify(text, sig.signature); !ok.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("signed note: signature line ", n, " by trusted key ", sig.name, "+",
                       KeyIdHex(sig.key_id), " does not verify: ", std::string(ok.message())));
    }
    out.verified.push_back(std::move(sig));
  }
  if (out.verified.empty()) return Untrusted(out, verifiers);
  return out;
}

}  // namespace breakglass::merkle
