#include "tpm/evidence/attest.h"

#include <catch2/catch.hpp>
#include <string>

#include "vault/base/encoding.h"

namespace breakglass::tpm {
namespace {

NvCertifyAttest Sample() {
  NvCertifyAttest a;
  a.qualified_signer = std::string("\x00\x0b", 2) + std::string(32, 'q');
  a.extra_data = std::string(32, 'x');
  a.clock_info = {.clock = 0x0102030405060708, .reset_count = 7, .restart_count = 2, .safe = true};
  a.firmware_version = 0x1122334455667788;
  a.index_name = std::string("\x00\x0b", 2) + std::string(32, 'n');
  a.offset = 0;
  a.nv_contents = std::string("\0\0\0\0\0\0\1\2", 8);
  return a;
}

TEST_CASE("AttestRoundTripsThroughMarshalAndParse", "[tpm_evidence]") {
  const NvCertifyAttest a = Sample();
  const std::string bytes = MarshalNvCertifyAttest(a);
  REQUIRE(bytes.substr(0, 6) == std::string("\xff\x54\x43\x47\x80\x14", 6));
  auto parsed = ParseNvCertifyAttest(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->qualified_signer == a.qualified_signer);
  CHECK(parsed->extra_data == a.extra_data);
  CHECK(parsed->clock_info.clock == a.clock_info.clock);
  CHECK(parsed->clock_info.reset_count == 7);
  CHECK(parsed->clock_info.restart_count == 2);
  CHECK(parsed->clock_info.safe);
  CHECK(parsed->firmware_version == a.firmware_version);
  CHECK(parsed->index_name == a.index_name);
  CHECK(parsed->offset == 0);
  CHECK(parsed->nv_contents == a.nv_contents);
}

TEST_CASE("AttestTruncatedAnywhereIsAnErrorNamingAField", "[tpm_evidence]") {
  const std::string bytes = MarshalNvCertifyAttest(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto parsed = ParseNvCertifyAttest(bytes.substr(0, n));
    INFO("prefix of " << n << " bytes");
    REQUIRE(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(parsed.status().message()), Catch::StartsWith("TPMS_ATTEST."));
  }
}

TEST_CASE("AttestRejectsWrongMagicTypeAndTrailingBytes", "[tpm_evidence]") {
  std::string bytes = MarshalNvCertifyAttest(Sample());
  std::string bad_magic = bytes;
  bad_magic[0] = 0x00;
  CHECK_THAT(std::string(ParseNvCertifyAttest(bad_magic).status().message()),
             Catch::Contains("TPMS_ATTEST.magic"));
  std::string bad_type = bytes;
  bad_type[5] = 0x17;  // TPM_ST_ATTEST_QUOTE 0x8018 would be 0x18; anything not 0x14
  CHECK_THAT(std::string(ParseNvCertifyAttest(bad_type).status().message()),
             Catch::Contains("TPMS_ATTEST.type"));
  CHECK_THAT(std::string(ParseNvCertifyAttest(bytes + "x").status().message()),
             Catch::Contains("unexpected bytes"));
  std::string bad_safe = bytes;
  // magic 4 + type 2 + signer 2+34 + extra 2+32 + clock 8 + reset 4 + restart 4 = 92
  bad_safe[92] = 2;
  CHECK_THAT(std::string(ParseNvCertifyAttest(bad_safe).status().message()),
             Catch::Contains("clockInfo.safe"));
}

TEST_CASE("AttestRejectsOversizedName", "[tpm_evidence]") {
  NvCertifyAttest a = Sample();
  a.qualified_signer = std::string(67, 'q');
  auto parsed = ParseNvCertifyAttest(MarshalNvCertifyAttest(a));
  CHECK_THAT(std::string(parsed.status().message()),
             Catch::Contains("qualifiedSigner: size 67 exceeds the maximum 66"));
}

TEST_CASE("SignatureRoundTripsAndRejectsOtherAlgorithms", "[tpm_evidence]") {
  EcdsaSignature s{.hash_alg = kTpmAlgSha256, .r = std::string(32, 'r'), .s = std::string(32, 's')};
  const std::string bytes = MarshalEcdsaSignature(s);
  CHECK(bytes.size() == 2 + 2 + 2 + 32 + 2 + 32);
  auto parsed = ParseEcdsaSignature(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->r == s.r);
  CHECK(parsed->s == s.s);
  std::string rsa = bytes;
  rsa[1] = 0x14;  // TPM_ALG_RSASSA
  CHECK_THAT(std::string(ParseEcdsaSignature(rsa).status().message()),
             Catch::Contains("TPMT_SIGNATURE.sigAlg: 0x0014 is not TPM_ALG_ECDSA"));
  CHECK_THAT(std::string(ParseEcdsaSignature(bytes.substr(0, 40)).status().message()),
             Catch::Contains("signatureS"));
}

TEST_CASE("NvIndexNameIsNameAlgThenDigestAndCoversAttributes", "[tpm_evidence]") {
  NvPublic p{.nv_index = 0x01500011,
             .name_alg = kTpmAlgSha256,
             .attributes = kTpmaNvCounter | kTpmaNvNoDa | kTpmaNvAuthWrite | kTpmaNvOwnerRead,
             .auth_policy = "",
             .data_size = 8};
  // index 4 + nameAlg 2 + attributes 4 + policy size 2 + dataSize 2
  CHECK(base::HexEncode(MarshalNvPublic(p)) ==
        "01500011"
        "000b"
        "02020014"
        "0000"
        "0008");
  auto unwritten = NvIndexName(p);
  REQUIRE(unwritten.ok());
  CHECK(unwritten->size() == 34);
  CHECK(unwritten->substr(0, 2) == std::string("\x00\x0b", 2));
  p.attributes |= kTpmaNvWritten;
  CHECK(*NvIndexName(p) != *unwritten);
  p.name_alg = 0x0004;  // SHA-1
  CHECK(NvIndexName(p).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace breakglass::tpm
