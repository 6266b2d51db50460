// FirmwareProfile: the appliance's hardware profile (firmware-config/*.toml),
// loaded and validated once at start by breakglassd and by provisioning.
//
// It names where the hardware keeps breakglass's state: the TPM NV indices
// and attributes of the release and checkpoint counters (DESIGN.md
// "Anchoring in the TPM"), the persistent handles of the attestation key and
// the storage root key, the PCR bank and selection of the sealing policy, and
// the PKCS#11 module, token and key labels. The format is documented in the
// shipped profiles themselves (appliance.toml, dev.toml).
//
// Validation: every key is required; an unknown key, a missing key, a value
// of the wrong type or out of range is INVALID_ARGUMENT naming the file, the
// line, the key and what is allowed, e.g.
//   "appliance.toml:14: tpm.counters.release.attributes: 'orderly' is not
//    allowed; allowed: counter, no_da, ownerread, authwrite, policywrite"
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_FIRMWARE_CONFIG_FIRMWARE_PROFILE_H_
#define BREAKGLASS_FIRMWARE_CONFIG_FIRMWARE_PROFILE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace breakglass::firmware {

struct PcrPolicy {
  std::string bank;            // "sha1", "sha256" or "sha384"
  std::vector<uint32_t> pcrs;  // ascending, unique, 0..23
};

struct CounterProfile {
  uint32_t nv_index = 0;                // 0x01000000..0x01ffffff
  std::vector<std::string> attributes;  // as written, e.g. {"counter", "no_da", ...}
  uint32_t attribute_bits = 0;          // the TPMA_NV bits they stand for
  bool pcr_bound_writes = false;        // "policywrite": PolicyPCR + auth value
  std::string auth_file;                // absolute path of the write secret
};

struct FirmwareProfile {
  std::string name;  // e.g. "appliance", recorded in the provisioning event
  struct Tpm {
    PcrPolicy pcr_policy;
    CounterProfile release_counter;
    CounterProfile checkpoint_counter;
    uint32_t ak_handle = 0;  // persistent, 0x81000000..0x817fffff
    uint32_t srk_handle = 0;
    std::string srk_algorithm;  // "ecc-p256" or "rsa-2048"
  } tpm;
  struct Hsm {
    std::string module_path;  // absolute path of the PKCS#11 module
    std::string token_label;  // 1..32 bytes (CK_TOKEN_INFO.label)
    std::string share_seal_key_label;
    std::string log_signer_key_label;
  } hsm;
};

// Parses profile text; `source` names it in errors (a file name).
absl::StatusOr<FirmwareProfile> ParseFirmwareProfile(std::string_view toml_text,
                                                     std::string_view source);

// Reads and parses `path`. NOT_FOUND / PERMISSION_DENIED naming the path when
// it cannot be read; otherwise as ParseFirmwareProfile.
absl::StatusOr<FirmwareProfile> LoadFirmwareProfile(const std::filesystem::path& path);

}  // namespace breakglass::firmware

#endif  // BREAKGLASS_FIRMWARE_CONFIG_FIRMWARE_PROFILE_H_
