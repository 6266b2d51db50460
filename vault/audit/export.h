// ExportBundle: writes the audit bundle (vault/verify/bundle.h) that
// `breakglass audit verify` checks offline — the leaves, every stored signed
// checkpoint, the TPM evidence of each anchor, the verifier and attestation
// keys, and a README — from one read snapshot of the store, so the bundle is
// consistent even while the appliance keeps appending.
//
// Everything is copied byte for byte: leaves as stored, notes as signed,
// evidence as the TPM produced it. leaf_hashes holds the leaf hashes the
// store's tree holds (not recomputed from the leaf bytes), so an auditor can
// see which leaf disagrees with the tree the log key signed.
//
// The directory is written under a temporary name beside `dir` and renamed
// into place at the end: a crashed or failed export never leaves something
// that looks like a complete bundle.
//
// Thread-safety: safe to run concurrently with appends and anchors (it only
// reads, in one snapshot).
#ifndef BREAKGLASS_VAULT_AUDIT_EXPORT_H_
#define BREAKGLASS_VAULT_AUDIT_EXPORT_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit {

struct ExportOptions {
  // The C2SP verifier key for log.vkey. Empty: the one the provisioning
  // record (leaf 0) states.
  std::string log_verifier_key;
};

struct ExportResult {
  uint64_t leaves = 0;
  uint64_t leaf_bytes = 0;   // size of leaves.jsonl
  uint64_t checkpoints = 0;  // files in checkpoints/
  uint64_t evidence = 0;     // NV_Certify records written to tpm/
  uint64_t latest_size = 0;  // tree size of the latest checkpoint
};

// Exports the audit log of `runner`'s database (opened with
// AuditLog::Migrations()) into the new directory `dir`.
// A log whose leaf 0 is not a well-formed provision event is still exported
// (without tpm/ak.pem and tpm/provisioning.json), for the verifier to judge.
// Errors: ALREADY_EXISTS when `dir` exists; FAILED_PRECONDITION when no
// checkpoint is stored, or no verifier key is given and leaf 0 is not a
// well-formed provision event; DATA_LOSS when the store is damaged (a missing leaf or
// subtree hash); UNAVAILABLE / PERMISSION_DENIED for file system errors.
absl::StatusOr<ExportResult> ExportBundle(store::TransactionRunner& runner,
                                          const std::filesystem::path& dir,
                                          const ExportOptions& options = {});

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_EXPORT_H_
