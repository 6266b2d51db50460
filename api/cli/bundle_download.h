// Downloading an audit bundle (Audit.ExportBundle) into a local directory:
// what `audit export` writes and what `report` verifies. Each streamed file
// is written under the directory and checked against the SHA-256 the server
// sends with its last chunk; a path that is absolute or climbs out ("..") is
// refused. The server's word is not trusted beyond transport: the bundle is
// verified offline afterwards (vault/verify).
//
// Thread-safety: single-threaded (the CLI's main thread).
#ifndef BREAKGLASS_API_CLI_BUNDLE_DOWNLOAD_H_
#define BREAKGLASS_API_CLI_BUNDLE_DOWNLOAD_H_

#include <cstdint>
#include <filesystem>

#include "absl/status/statusor.h"
#include "api/cli/client.h"

namespace breakglass::cli {

// Streams the bundle of tree size `tree_size` (0: the latest checkpoint) into
// `dir` (created as needed) and returns how many files it wrote. Errors: the
// RPC's; DATA_LOSS for an unsafe path, out-of-order chunk or hash mismatch;
// INVALID_ARGUMENT naming --out when a file cannot be written.
absl::StatusOr<int> DownloadBundle(Client& client, uint64_t tree_size,
                                   const std::filesystem::path& dir);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_BUNDLE_DOWNLOAD_H_
