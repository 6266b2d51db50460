// How the CLI prints: one human-readable form per kind of object, and with
// --json the proto3 JSON mapping (field names as in breakglass.proto, bytes
// as base64, every field present) — one JSON value per line.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_OUTPUT_H_
#define BREAKGLASS_API_CLI_OUTPUT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "api/proto/breakglass/v1/breakglass.pb.h"

namespace breakglass::cli {

namespace pb = ::breakglass::v1;

// `message` as one line of JSON.
void PrintJson(std::ostream& out, const google::protobuf::Message& message);

// "2024-05-01T12:00:00Z"; "-" for 0.
std::string FormatTime(int64_t unix_seconds);
// "operator", "custodian", ...; lower-case enum names without their prefix.
std::string RoleText(pb::Role role);
std::string StateText(pb::RequestState state);
std::string CredentialStateText(pb::CredentialState state);
std::string DecisionText(pb::Decision decision);

// Lower-case hex of the request's 32-byte X25519 release public key: what
// the CLI shows as "release key" (the requester's `request` prints it too, so
// custodians can compare) and what an approval statement's release_key is.
std::string ReleaseKeyFingerprint(const pb::Request& request);

// `text` with control characters (C0, DEL, C1) and Unicode bidirectional
// overrides written as \xNN escapes, so that what a terminal shows is what
// the bytes say.
std::string PrintableText(std::string_view text);

// Multi-line descriptions for people.
std::string DescribeIdentity(const pb::Identity& identity);
std::string DescribePolicy(const pb::Policy& policy);
std::string DescribeCredential(const pb::Credential& credential);
std::string DescribeRequest(const pb::Request& request);
// One line: "REQ-1  pending  db-root v1  erin  INC-7  dba 1/2".
std::string RequestLine(const pb::Request& request);
// One line for an audit event.
std::string EventLine(const pb::Event& event);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_OUTPUT_H_
