#include "tpm/evidence/verifier.h"

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::tpm {
namespace {

constexpr size_t kP256ScalarSize = 32;
constexpr size_t kCounterSize = 8;

// r or s as a 32-byte big-endian scalar (TPMs may omit leading zeros).
absl::StatusOr<std::string> Scalar32(const std::string& v, std::string_view field) {
  if (v.empty() || v.size() > kP256ScalarSize) {
    return absl::InvalidArgumentError(absl::StrCat("TPMT_SIGNATURE.signature.ecdsa.",
                                                   std::string(field), ": ", v.size(),
                                                   " bytes; a P-256 scalar is 1..32 bytes"));
  }
  return std::string(kP256ScalarSize - v.size(), '\0') + v;
}

uint64_t BigEndian64(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

absl::StatusOr<EvidenceVerifier> EvidenceVerifier::Create(std::string_view ak_public_pem) {
  auto key = crypto::PublicKey::FromPem(ak_public_pem);
  if (!key.ok()) return base::Annotate(key.status(), "attestation key PEM");
  if (key->algorithm() != crypto::SignatureAlgorithm::kEcdsaP256Sha256) {
    return absl::InvalidArgumentError(
        "attestation key PEM: not an ECC P-256 key (the AK signs with ECDSA P-256/SHA-256)");
  }
  return EvidenceVerifier(*std::move(key));
}

absl::Status EvidenceVerifier::CheckSignature(const CounterEvidence& evidence) const {
  BG_ASSIGN_OR_RETURN(EcdsaSignature sig, ParseEcdsaSignature(evidence.signature));
  if (sig.hash_alg != kTpmAlgSha256) {
    return absl::InvalidArgumentError(absl::StrCat("TPMT_SIGNATURE.signature.ecdsa.hash: 0x",
                                                   absl::Hex(sig.hash_alg, absl::kZeroPad4),
                                                   " is not TPM_ALG_SHA256 0x000b"));
  }
  BG_ASSIGN_OR_RETURN(std::string r, Scalar32(sig.r, "signatureR"));
  BG_ASSIGN_OR_RETURN(std::string s, Scalar32(sig.s, "signatureS"));
  absl::Status st = ak_.Verify(evidence.attest, r + s);
  if (st.ok()) return st;
  return absl::PermissionDeniedError(absl::StrCat(
      "TPMT_SIGNATURE: ECDSA P-256 signature over SHA-256(TPMS_ATTEST) does not verify under "
      "the attestation key ",
      ak_.FingerprintHex(), " (", std::string(st.message()), ")"));
}

absl::StatusOr<CertifiedCounter> EvidenceVerifier::Verify(
    const CounterEvidence& evidence, std::string_view expected_index_name) const {
  BG_RETURN_IF_ERROR(CheckSignature(evidence));
  BG_ASSIGN_OR_RETURN(NvCertifyAttest a, ParseNvCertifyAttest(evidence.attest));
  if (a.index_name != expected_index_name) {
    return absl::FailedPreconditionError(
        absl::StrCat("TPMS_ATTEST.attested.nv.indexName: ", base::HexEncode(a.index_name),
                     " is not the expected counter's Name ", base::HexEncode(expected_index_name)));
  }
  if (a.offset != 0) {
    return absl::FailedPreconditionError(absl::StrCat("TPMS_ATTEST.attested.nv.offset: ", a.offset,
                                                      " (the whole counter starts at 0)"));
  }
  if (a.nv_contents.size() != kCounterSize) {
    return absl::FailedPreconditionError(absl::StrCat(
        "TPMS_ATTEST.attested.nv.nvContents: ", a.nv_contents.size(), " bytes (a counter is 8)"));
  }
  CertifiedCounter c;
  c.value = BigEndian64(a.nv_contents);
  c.qualifying_data = std::move(a.extra_data);
  c.clock_info = a.clock_info;
  c.firmware_version = a.firmware_version;
  c.qualified_signer = std::move(a.qualified_signer);
  return c;
}

}  // namespace breakglass::tpm
