// TPM 2.0 wire structures needed to check TPM2_NV_Certify evidence offline,
// parsed and marshalled by hand (big-endian, TPM 2.0 Part 1 §18 canonical
// form) so that an auditor's verifier needs no TSS library:
//
//   TPMS_ATTEST (Part 2 §10.12.12) with attested = TPMS_NV_CERTIFY_INFO (§10.12.8):
//     magic           UINT32   TPM_GENERATED_VALUE 0xff544347
//     type            UINT16   TPM_ST_ATTEST_NV 0x8014
//     qualifiedSigner TPM2B_NAME
//     extraData       TPM2B_DATA          (the qualifying data, <= 64 bytes)
//     clockInfo       TPMS_CLOCK_INFO     clock UINT64, resetCount UINT32,
//                                         restartCount UINT32, safe BYTE
//     firmwareVersion UINT64
//     indexName       TPM2B_NAME
//     offset          UINT16
//     nvContents      TPM2B_MAX_NV_BUFFER
//   TPMT_SIGNATURE (Part 2 §11.3.4) for ECDSA: sigAlg UINT16 (0x0018),
//     hash UINT16, signatureR TPM2B_ECC_PARAMETER, signatureS TPM2B_ECC_PARAMETER
//   TPMS_NV_PUBLIC (Part 2 §13.5) and the NV index Name (Part 1 §16):
//     Name = nameAlg (UINT16) || H_nameAlg(marshalled TPMS_NV_PUBLIC).
//
// Parse errors are INVALID_ARGUMENT naming the field ("TPMS_ATTEST.clockInfo.
// resetCount: truncated at offset 41"); trailing bytes are refused, so every
// byte of the input is accounted for.
//
// Thread-safety: pure functions on values.
#ifndef BREAKGLASS_TPM_EVIDENCE_ATTEST_H_
#define BREAKGLASS_TPM_EVIDENCE_ATTEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::tpm {

inline constexpr uint32_t kTpmGeneratedValue = 0xff544347;  // TPM_GENERATED_VALUE
inline constexpr uint16_t kTpmStAttestNv = 0x8014;          // TPM_ST_ATTEST_NV
inline constexpr uint16_t kTpmAlgSha256 = 0x000B;           // TPM_ALG_SHA256
inline constexpr uint16_t kTpmAlgEcdsa = 0x0018;            // TPM_ALG_ECDSA

// TPMA_NV bits (Part 2 §13.4) used by the breakglass counters. tpm/tss checks
// them against the TSS definitions at compile time.
inline constexpr uint32_t kTpmaNvPpWrite = 1u << 0;
inline constexpr uint32_t kTpmaNvOwnerWrite = 1u << 1;
inline constexpr uint32_t kTpmaNvAuthWrite = 1u << 2;
inline constexpr uint32_t kTpmaNvPolicyWrite = 1u << 3;
inline constexpr uint32_t kTpmaNvCounter = 1u << 4;  // TPM_NT_COUNTER in bits 7:4
inline constexpr uint32_t kTpmaNvTypeMask = 0xFu << 4;
inline constexpr uint32_t kTpmaNvPpRead = 1u << 16;
inline constexpr uint32_t kTpmaNvOwnerRead = 1u << 17;
inline constexpr uint32_t kTpmaNvAuthRead = 1u << 18;
inline constexpr uint32_t kTpmaNvPolicyRead = 1u << 19;
inline constexpr uint32_t kTpmaNvNoDa = 1u << 25;
inline constexpr uint32_t kTpmaNvOrderly = 1u << 26;
inline constexpr uint32_t kTpmaNvClearStclear = 1u << 27;
inline constexpr uint32_t kTpmaNvWritten = 1u << 29;

struct ClockInfo {             // TPMS_CLOCK_INFO
  uint64_t clock = 0;          // ms the TPM has been powered since its last clear
  uint32_t reset_count = 0;    // TPM Resets (power cycles without orderly shutdown+resume)
  uint32_t restart_count = 0;  // TPM Restarts/Resumes since the last Reset
  bool safe = false;           // clock has not been set back / lost
};

// A TPMS_ATTEST of type TPM_ST_ATTEST_NV.
struct NvCertifyAttest {
  std::string qualified_signer;  // TPM2B_NAME of the signing key
  std::string extra_data;        // the caller's qualifying data
  ClockInfo clock_info;
  uint64_t firmware_version = 0;
  std::string index_name;  // TPM2B_NAME of the certified NV index
  uint16_t offset = 0;
  std::string nv_contents;  // the certified bytes (8 for a counter)
};

// An ECDSA TPMT_SIGNATURE. r and s are as marshalled (normally 32 bytes each).
struct EcdsaSignature {
  uint16_t hash_alg = kTpmAlgSha256;
  std::string r;
  std::string s;
};

// TPMS_NV_PUBLIC, the input to an NV index's Name.
struct NvPublic {
  uint32_t nv_index = 0;
  uint16_t name_alg = kTpmAlgSha256;
  uint32_t attributes = 0;
  std::string auth_policy;  // TPM2B_DIGEST contents; empty for none
  uint16_t data_size = 8;
};

// Parses a TPMS_ATTEST. INVALID_ARGUMENT (naming the field) when truncated,
// when bytes trail, or when magic/type are not TPM_GENERATED_VALUE /
// TPM_ST_ATTEST_NV.
absl::StatusOr<NvCertifyAttest> ParseNvCertifyAttest(std::string_view bytes);
// The canonical marshalling; ParseNvCertifyAttest(Marshal(a)) == a.
std::string MarshalNvCertifyAttest(const NvCertifyAttest& attest);

// Parses an ECDSA TPMT_SIGNATURE. INVALID_ARGUMENT naming the field when
// truncated, trailing, or when sigAlg is not TPM_ALG_ECDSA.
absl::StatusOr<EcdsaSignature> ParseEcdsaSignature(std::string_view bytes);
std::string MarshalEcdsaSignature(const EcdsaSignature& signature);

// Marshalled TPMS_NV_PUBLIC.
std::string MarshalNvPublic(const NvPublic& nv_public);
// The index Name: nameAlg || SHA-256(MarshalNvPublic). Only SHA-256 names are
// supported; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> NvIndexName(const NvPublic& nv_public);

}  // namespace breakglass::tpm

#endif  // BREAKGLASS_TPM_EVIDENCE_ATTEST_H_
