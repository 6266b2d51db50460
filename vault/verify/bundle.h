// The audit bundle: a self-contained directory that lets an auditor check the
// audit log offline, with no appliance, HSM or TPM (DESIGN.md "Audit log").
// vault/audit/export writes it; VerifyBundle (verifier.h) checks it. This
// header is the one place its layout is defined.
//
//   README                      how to verify, by hand and with the tool
//   log.vkey                    C2SP verifier key "<name>+<8 hex key ID>+<base64>", one line
//   checkpoint                  the latest signed checkpoint note, exact bytes
//   checkpoints/<size>          every stored signed checkpoint note, exact bytes,
//                               named by its tree size in decimal
//   leaves.jsonl                leaf i on line i+1: the leaf's exact bytes, then "\n"
//   leaf_hashes                 SHA-256(0x00 || leaf i) at offset 32·i (a hint:
//                               never trusted; it lets a failure name the exact
//                               altered leaf once a checkpoint authenticates it)
//   tpm/ak.pem                  the attestation key (PEM SubjectPublicKeyInfo)
//   tpm/provisioning.json       the provisioning record: leaf 0 (the `provision`
//                               event: NV index names, start values, AK), "\n"
//   tpm/<size>.<label>.attest   TPM2_NV_Certify of counter <label> for the anchor
//                               checkpoint of <size>: the marshalled TPMS_ATTEST
//   tpm/<size>.<label>.sig      ... and its marshalled TPMT_SIGNATURE by the AK
//
// What the leaves, anchors and evidence must say is the contract of
// vault/audit/anchor_event.h: leaf 0 is the `provision` event, leaf 1 the
// genesis `anchor`; an `anchor` leaf at seq s is bound to checkpoint s+1,
// certified for each counter it moves with qualifying data = SHA-256 of that
// checkpoint's body.
//
// Thread-safety: constants and pure functions.
#ifndef BREAKGLASS_VAULT_VERIFY_BUNDLE_H_
#define BREAKGLASS_VAULT_VERIFY_BUNDLE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::verify {

inline constexpr char kReadmeFile[] = "README";
inline constexpr char kVerifierKeyFile[] = "log.vkey";
inline constexpr char kLatestCheckpointFile[] = "checkpoint";
inline constexpr char kCheckpointsDir[] = "checkpoints";
inline constexpr char kLeavesFile[] = "leaves.jsonl";
inline constexpr char kLeafHashesFile[] = "leaf_hashes";
inline constexpr char kTpmDir[] = "tpm";
inline constexpr char kAkFile[] = "tpm/ak.pem";
inline constexpr char kProvisioningFile[] = "tpm/provisioning.json";

// "checkpoints/<size>".
std::string CheckpointFile(uint64_t size);
// "tpm/<size>.<label>.attest" and "tpm/<size>.<label>.sig".
std::string EvidenceAttestFile(uint64_t checkpoint_size, std::string_view label);
std::string EvidenceSignatureFile(uint64_t checkpoint_size, std::string_view label);

// A decimal number as file names state sizes: digits only, no leading zero
// (except "0"), at most 2^64-1. nullopt for anything else.
std::optional<uint64_t> ParseDecimal(std::string_view name);

// The README written into every bundle.
std::string BundleReadme();

// The exact bytes of `dir`/`relative`. A failure naming the bundle
// (finding.h: "bundle: <relative> is missing") when absent; UNAVAILABLE when
// it cannot be read.
absl::StatusOr<std::string> ReadBundleFile(const std::filesystem::path& dir,
                                           std::string_view relative);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_BUNDLE_H_
