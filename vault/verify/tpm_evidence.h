// The one place vault/verify reads TPM2_NV_Certify evidence: it adapts
// tpm/evidence (the offline TPMS_ATTEST / TPMT_SIGNATURE parser and verifier,
// OpenSSL only) to what AnchorChain checks.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_VERIFY_TPM_EVIDENCE_H_
#define BREAKGLASS_VAULT_VERIFY_TPM_EVIDENCE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/crypto/signature.h"

namespace breakglass::verify {

// What a verified NV_Certify of a whole 8-byte NV counter states (TPM 2.0
// Part 2 §10.12.8 TPMS_NV_CERTIFY_INFO, §10.11.1 TPMS_CLOCK_INFO).
struct CertifiedCounter {
  std::string qualifying_data;  // extraData
  std::string nv_name;          // indexName, raw bytes
  uint64_t value = 0;           // nvContents, big-endian
  uint64_t clock = 0;           // ms
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  bool safe = false;
};

// Parses `attest` (marshalled TPMS_ATTEST) and checks `signature`
// (marshalled TPMT_SIGNATURE) over it with `ak`. INVALID_ARGUMENT when either
// is malformed, not an NV_Certify, or not of a whole 8-byte counter;
// PERMISSION_DENIED when the signature does not verify.
absl::StatusOr<CertifiedCounter> VerifyCounterEvidence(std::string_view attest,
                                                       std::string_view signature,
                                                       const crypto::PublicKey& ak);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_TPM_EVIDENCE_H_
