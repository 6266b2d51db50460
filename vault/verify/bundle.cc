#include "vault/verify/bundle.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "vault/verify/finding.h"

namespace breakglass::verify {
namespace {

constexpr char kReadme[] = R"(breakglass audit bundle
=======================

This directory lets you check the appliance's audit log without the
appliance, its HSM or its TPM, and without trusting any of them.

Files
-----
  log.vkey                  the log's C2SP verifier key: <name>+<key id>+<base64(0x01 || Ed25519 key)>
  checkpoint                the latest signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note)
  checkpoints/<size>        every signed checkpoint, named by its tree size
  leaves.jsonl              the log: leaf i is line i+1, canonical JSON, "seq": i
  leaf_hashes               SHA-256(0x00 || leaf) per leaf, 32 bytes each (a hint for
                            naming an altered leaf; never trusted)
  tpm/ak.pem                the TPM attestation key that signs counter evidence
  tpm/provisioning.json     leaf 0, the provisioning record: NV index names and start values
  tpm/<size>.<label>.attest TPM2_NV_Certify of the <label> counter ("checkpoint" or
  tpm/<size>.<label>.sig    "release") for the anchor checkpoint of <size>: TPMS_ATTEST
                            and TPMT_SIGNATURE, as the TPM produced them

With the tool
-------------
  breakglass-audit verify DIR [--json] [--log-key KEY] [--ak-fingerprint SHA256:HEX]
                             [--known-checkpoint FILE] [--strict]
  breakglass audit verify DIR          (the same check, from the breakglass CLI)

Exit status 0 means every check below passed; the output names the first leaf
or checkpoint that fails otherwise. Pass --log-key and --ak-fingerprint with
the values you recorded at provisioning: without them the tool can only check
the bundle against the keys the bundle itself names. Pass --known-checkpoint
with the latest checkpoint of your previous audit: a bundle that does not
extend it (an older copy of the log, or a forked one) then fails.

By hand
-------
1. Checkpoints. Each checkpoint file is "<origin>\n<size>\n<base64 root>\n",
   a blank line, then "— <name> <base64(4-byte key id || 64-byte signature)>".
   The signature is pure Ed25519 over the text before the blank line, by the
   key in log.vkey (its last field, base64, minus the leading 0x01 byte).
2. Leaves. Every line of leaves.jsonl is canonical JSON (RFC 8785, integers
   only) whose "seq" equals its 0-based line number.
3. Tree. RFC 9162: leaf hash SHA-256(0x00 || line without "\n"), node hash
   SHA-256(0x01 || left || right), split at the largest power of two smaller
   than the size. For each checkpoint, the root of its first <size> leaves
   must equal its root line, e.g.:

     cat > mth.py <<'EOF'
     import base64, hashlib, sys
     n = int(sys.argv[2]); h = lambda b: hashlib.sha256(b).digest()
     lines = open(sys.argv[1], "rb").read().split(b"\n")[:n]
     def mth(x):
         if len(x) == 1: return x[0]
         k = 1 << ((len(x) - 1).bit_length() - 1)
         return h(b"\1" + mth(x[:k]) + mth(x[k:]))
     print(base64.b64encode(mth([h(b"\0" + l) for l in lines])).decode())
     EOF
     python3 mth.py leaves.jsonl SIZE

4. TPM anchors. Leaf 0 is the provisioning record; every "anchor" leaf at
   seq s states the values of the checkpoint and release counters and is
   bound to checkpoints/<s+1>. For each counter it "moves" there is an
   NV_Certify pair in tpm/: `tpm2_print -t TPMS_ATTEST tpm/<s+1>.<label>.attest`
   shows extraData, which must be SHA-256 of the checkpoint text (the lines
   before the blank line), the NV index name, which must equal the nv_name
   recorded in leaf 0, and nvContents, the counter value (8 bytes, big-endian),
   which must equal the value the anchor leaf states. The signature is ECDSA
   P-256 over SHA-256 of the .attest file by tpm/ak.pem. Across anchors the
   counter values rise by one per move, and the TPM's resetCount,
   restartCount and clock never go backwards.
)";

}  // namespace

std::string CheckpointFile(uint64_t size) { return absl::StrCat(kCheckpointsDir, "/", size); }

std::string EvidenceAttestFile(uint64_t checkpoint_size, std::string_view label) {
  return absl::StrCat(kTpmDir, "/", checkpoint_size, ".", std::string(label), ".attest");
}

std::string EvidenceSignatureFile(uint64_t checkpoint_size, std::string_view label) {
  return absl::StrCat(kTpmDir, "/", checkpoint_size, ".", std::string(label), ".sig");
}

std::optional<uint64_t> ParseDecimal(std::string_view name) {
  if (name.empty() || name.size() > 20 || (name.size() > 1 && name[0] == '0')) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::string BundleReadme() { return kReadme; }

absl::StatusOr<std::string> ReadBundleFile(const std::filesystem::path& dir,
                                           std::string_view relative) {
  const std::filesystem::path path = dir / std::string(relative);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return BundleFailure(absl::StrCat(std::string(relative), " is missing"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::UnavailableError(
        absl::StrCat("bundle: cannot read ", std::string(relative), ": ", std::strerror(errno)));
  }
  return std::move(out).str();
}

}  // namespace breakglass::verify
