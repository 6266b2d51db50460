// The cast of the end-to-end tests that go past `init` (tests/e2e): signing
// keys made with openssl, the identities (operator, custodians alice, bob and
// carol with Ed25519 keys, requester erin, auditor audrey) and a 2-of-3
// credential, all through the breakglass CLI against a running breakglassd.
//
// Thread-safety: none; use from the test's thread.
#ifndef BREAKGLASS_TESTS_E2E_CAST_H_
#define BREAKGLASS_TESTS_E2E_CAST_H_

#include <string>
#include <vector>

#include "tests/e2e/daemon_fixture.h"

namespace breakglass::e2e {

// The identities DaemonDir needs certificates for.
const std::vector<std::string>& CastNames();

// Runs `breakglass --profile who args...`, which must exit 0 (REQUIRE); its
// output.
std::string Ok(const DaemonDir& dir, const std::string& who, const std::vector<std::string>& args,
               const std::string& input = "");

// `init`, then the identities (custodians with signing keys made in
// dir.root()), then credential `credential` holding `secret`, 2-of-3 among
// alice, bob and carol, incident pattern INC-[0-9]+, plus `credential_flags`
// (e.g. {"--approval-window", "1s"}). REQUIREs every step.
void ProvisionCast(const DaemonDir& dir, const std::string& credential, const std::string& secret,
                   const std::vector<std::string>& credential_flags = {});

// erin files a request on `credential`; its id.
std::string Request(const DaemonDir& dir, const std::string& credential);

// `who` approves `id` with their signing key; the CLI's output.
std::string Approve(const DaemonDir& dir, const std::string& who, const std::string& id);

// The audit log's leaves (`audit entries`, as audrey), one per line.
std::string Leaves(const DaemonDir& dir);

// Leaves() without the leaves of type `anchor` (breakglassd anchors routine
// events on its own schedule): every state change is a leaf written in its
// own transaction, so equal outputs mean nothing changed.
std::string NonAnchorLeaves(const DaemonDir& dir);

}  // namespace breakglass::e2e

#endif  // BREAKGLASS_TESTS_E2E_CAST_H_
