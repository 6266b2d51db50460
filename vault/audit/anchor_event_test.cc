#include "vault/audit/anchor_event.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"

namespace breakglass::audit {
namespace {

TEST_CASE("Anchor leaves state both counters and round-trip", "[anchor_event]") {
  for (AnchorKind kind : {AnchorKind::kRoutine, AnchorKind::kRelease, AnchorKind::kGenesis}) {
    const AnchorStatement s{kind, 1001, 17};
    absl::StatusOr<Event> e = AnchorEvent(s);
    REQUIRE(e.ok());
    REQUIRE(e->type() == EventType::kAnchor);
    const std::string leaf = *e->Canonical();
    REQUIRE(leaf.find("\"checkpoint_counter\":1001") != std::string::npos);
    REQUIRE(leaf.find("\"release_counter\":17") != std::string::npos);
    absl::StatusOr<AnchorStatement> back = ParseAnchorEvent(*Event::Parse(leaf));
    REQUIRE(back.ok());
    REQUIRE(*back == s);
  }
}

TEST_CASE("Anchor leaves list the counters they move in increment order", "[anchor_event]") {
  const std::string routine = *AnchorEvent({AnchorKind::kRoutine, 5, 3})->Canonical();
  REQUIRE(routine.find("\"moves\":[\"checkpoint\"]") != std::string::npos);
  const std::string release = *AnchorEvent({AnchorKind::kRelease, 5, 3})->Canonical();
  REQUIRE(release.find("\"moves\":[\"release\",\"checkpoint\"]") != std::string::npos);
}

TEST_CASE("NextStatement moves the checkpoint always and the release counter for releases",
          "[anchor_event]") {
  const AnchorStatement prev{AnchorKind::kGenesis, 10, 20};
  REQUIRE(NextStatement(prev, AnchorKind::kRoutine) ==
          AnchorStatement{AnchorKind::kRoutine, 11, 20});
  REQUIRE(NextStatement(prev, AnchorKind::kRelease) ==
          AnchorStatement{AnchorKind::kRelease, 11, 21});
}

TEST_CASE("Anchor leaves with inconsistent or missing fields are rejected", "[anchor_event]") {
  Event e = *AnchorEvent({AnchorKind::kRoutine, 5, 3});
  e.Set("moves", nlohmann::json::array({"release", "checkpoint"}));
  REQUIRE(ParseAnchorEvent(e).status().code() == absl::StatusCode::kInvalidArgument);
  Event missing = *AnchorEvent({AnchorKind::kRoutine, 5, 3});
  missing.Set("release_counter", "3");
  REQUIRE(ParseAnchorEvent(missing).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(ParseAnchorEvent(Event(EventType::kRelease)).status().code() ==
          absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Counter values beyond 2^53-1 are refused, not truncated", "[anchor_event]") {
  const uint64_t big = uint64_t{1} << 53;
  REQUIRE(AnchorEvent({AnchorKind::kRoutine, big, 0}).status().code() ==
          absl::StatusCode::kOutOfRange);
  REQUIRE(AnchorEvent({AnchorKind::kRoutine, big - 1, 0}).ok());
}

TEST_CASE("Provision leaves round-trip with both NV indices and start values",
          "[anchor_event]") {
  const ProvisionStatement p{"log.example/a", "log.example/a+01020304+AQID", "PEM",
                             {0x01500010, "000bab", 41}, {0x01500011, "000bcd", 7}};
  const std::string leaf = *ProvisionEvent(p)->Canonical();
  absl::StatusOr<ProvisionStatement> back = ParseProvisionEvent(*Event::Parse(leaf));
  REQUIRE(back.ok());
  REQUIRE(back->origin == p.origin);
  REQUIRE(back->log_verifier_key == p.log_verifier_key);
  REQUIRE(back->ak_public_key_pem == "PEM");
  REQUIRE(back->checkpoint.nv_index == 0x01500010);
  REQUIRE(back->checkpoint.start_value == 41);
  REQUIRE(back->release.nv_name_hex == "000bcd");
  REQUIRE(back->release.start_value == 7);
  ProvisionStatement empty = p;
  empty.ak_public_key_pem.clear();
  REQUIRE(ProvisionEvent(empty).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Rollback errors state the counter, both values and what to do", "[anchor_event]") {
  const absl::Status s =
      RollbackError({"release", 41, 43, RollbackProblem::kStoreBehindTpm});
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  const std::string m(s.message());
  REQUIRE(m.rfind("rollback: ", 0) == 0);
  REQUIRE(m.find("release counter is 43") != std::string::npos);
  REQUIRE(m.find("states 41") != std::string::npos);
  REQUIRE(m.find("quorum-approved") != std::string::npos);
  const std::string leaf =
      *RollbackAlarmEvent({"checkpoint", 9, 5, RollbackProblem::kStoreAheadOfTpm}).Canonical();
  REQUIRE(leaf.find("\"log_value\":9") != std::string::npos);
  REQUIRE(leaf.find("\"tpm_value\":5") != std::string::npos);
  REQUIRE(leaf.find("\"problem\":\"store_ahead_of_tpm\"") != std::string::npos);
}

TEST_CASE("Qualifying data is SHA-256 of the checkpoint body, not of the signed note",
          "[anchor_event]") {
  const std::string body = "o\n2\nAAAA\n";
  const std::string note = body + "\n\xE2\x80\x94 o AAAA\n";
  REQUIRE(*CheckpointBodyOfNote(note) == body);
  REQUIRE(base::HexEncode(CheckpointQualifyingData("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(CheckpointBodyOfNote(body).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace breakglass::audit
