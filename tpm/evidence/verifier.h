// EvidenceVerifier: checks TPM2_NV_Certify evidence of a breakglass counter
// offline, with OpenSSL alone (no TPM, no TSS), as an auditor does
// (DESIGN.md "Anchoring in the TPM": verify each anchor offline).
//
// Verify() checks, in this order, and fails on the first problem:
//   1. TPMT_SIGNATURE parses, is ECDSA with SHA-256, r and s fit P-256;
//   2. the signature verifies under the attestation key (AK) over
//      SHA-256(TPMS_ATTEST bytes) — TPM 2.0 Part 3 §18.1 / §31.16;
//   3. TPMS_ATTEST parses: magic TPM_GENERATED_VALUE, type TPM_ST_ATTEST_NV;
//   4. attested.nv.indexName equals the expected NV index Name (recorded at
//      provisioning; see NvIndexName in attest.h);
//   5. offset 0 and exactly 8 bytes of contents (the whole counter).
// Step 2 comes before parsing, so unauthenticated bytes are never
// interpreted; any single changed byte of attest or signature fails.
//
// Errors: INVALID_ARGUMENT for a malformed structure (names the field);
// PERMISSION_DENIED when the signature does not verify under the AK;
// FAILED_PRECONDITION when authentic evidence is not about the expected
// counter (index Name, offset, size). Messages name the field that failed.
//
// Thread-safety: immutable after Create; Verify may run on many threads.
#ifndef BREAKGLASS_TPM_EVIDENCE_VERIFIER_H_
#define BREAKGLASS_TPM_EVIDENCE_VERIFIER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tpm/evidence/attest.h"
#include "tpm/monotonic_counter.h"
#include "vault/crypto/signature.h"

namespace breakglass::tpm {

// What authentic evidence says.
struct CertifiedCounter {
  uint64_t value = 0;           // the counter, big-endian UINT64 in nvContents
  std::string qualifying_data;  // extraData (SHA-256 of the checkpoint text)
  ClockInfo clock_info;         // clock, resetCount, restartCount, safe
  uint64_t firmware_version = 0;
  std::string qualified_signer;  // the AK's qualified Name
};

class EvidenceVerifier final {
 public:
  // `ak_public_pem`: the AK's SubjectPublicKeyInfo PEM (as recorded at
  // provisioning). INVALID_ARGUMENT unless it is an ECC P-256 key.
  static absl::StatusOr<EvidenceVerifier> Create(std::string_view ak_public_pem);

  // Checks `evidence` for the NV index whose Name is `expected_index_name`
  // (raw bytes: nameAlg || digest). Errors as in the file comment.
  absl::StatusOr<CertifiedCounter> Verify(const CounterEvidence& evidence,
                                          std::string_view expected_index_name) const;

  const crypto::PublicKey& ak() const { return ak_; }

 private:
  explicit EvidenceVerifier(crypto::PublicKey ak) : ak_(std::move(ak)) {}

  absl::Status CheckSignature(const CounterEvidence& evidence) const;

  crypto::PublicKey ak_;
};

}  // namespace breakglass::tpm

#endif  // BREAKGLASS_TPM_EVIDENCE_VERIFIER_H_
