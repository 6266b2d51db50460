// Architecture rules (STYLE.md "Vendor C headers stay at the edge", "Layers"),
// enforced over the source tree so a violation fails CI rather than a review.
//
// - PKCS#11 / p11-kit headers only under hsm/pkcs11/ and tests/ (the harness).
// - TSS headers only under tpm/tss/ and tests/.
// - sqlite3.h only under vault/store/sqlite/ and bench/.
// - gRPC / protobuf headers only under api/.
// - vault/ never includes a hardware adapter or the API.
// - tpm/evidence (the auditors' offline verifier) includes no TSS header.
// - vault/verify and vault/report (the auditor's offline tools) include none of
//   the code that writes the log.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Include {
  std::string file;  // relative to the repository root
  std::string header;
};

fs::path SourceRoot() {
  const char* dir = std::getenv("BREAKGLASS_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return fs::path(dir);
}

bool IsSource(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".h" || ext == ".cc" || ext == ".cpp" || ext == ".hpp";
}

std::vector<Include> AllIncludes() {
  static const std::regex kInclude(R"(^\s*#\s*include\s*[<"]([^">]+)[">])");
  const fs::path root = SourceRoot();
  std::vector<Include> out;
  for (const char* top : {"vault", "hsm", "tpm", "api", "firmware-config", "tests", "bench"}) {
    if (!fs::exists(root / top)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / top)) {
      if (!e.is_regular_file() || !IsSource(e.path())) continue;
      std::ifstream in(e.path());
      std::string line;
      while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, kInclude)) {
          out.push_back({fs::relative(e.path(), root).string(), m[1]});
        }
      }
    }
  }
  return out;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool AllowedIn(const std::string& file, std::initializer_list<const char*> folders) {
  for (const char* f : folders) {
    if (StartsWith(file, f)) return true;
  }
  return false;
}

// Every include of a header matching `header_re` must be in one of `folders`.
void RequireOnlyIn(const std::regex& header_re, std::initializer_list<const char*> folders) {
  for (const Include& inc : AllIncludes()) {
    if (!std::regex_search(inc.header, header_re)) continue;
    INFO(inc.file << " includes <" << inc.header << ">");
    CHECK(AllowedIn(inc.file, folders));
  }
}

TEST_CASE("The source tree is found and scanned", "[architecture]") {
  // Guards the other cases against passing vacuously on an empty scan.
  const auto includes = AllIncludes();
  REQUIRE(includes.size() > 20);
  bool saw_base = false;
  for (const auto& inc : includes) saw_base |= inc.header == "vault/base/status.h";
  REQUIRE(saw_base);
}

TEST_CASE("PKCS#11 headers stay in hsm/pkcs11", "[architecture]") {
  RequireOnlyIn(std::regex(R"(^(p11-kit/|pkcs11))"), {"hsm/pkcs11/", "tests/", "bench/hsm/"});
}

TEST_CASE("TSS headers stay in tpm/tss", "[architecture]") {
  RequireOnlyIn(std::regex(R"(^tss2/)"), {"tpm/tss/", "tests/", "bench/tpm/"});
}

TEST_CASE("sqlite3.h stays in vault/store/sqlite", "[architecture]") {
  RequireOnlyIn(std::regex(R"(^sqlite3\.h$)"), {"vault/store/sqlite/", "bench/"});
}

TEST_CASE("gRPC and protobuf headers stay in api", "[architecture]") {
  RequireOnlyIn(std::regex(R"(^(grpc|grpcpp|google/protobuf)/)"), {"api/"});
}

TEST_CASE("vault never includes an adapter or the API", "[architecture]") {
  static const std::regex kAdapter(R"(^(hsm/pkcs11|tpm/tss|api)/)");
  for (const Include& inc : AllIncludes()) {
    if (!StartsWith(inc.file, "vault/")) continue;
    INFO(inc.file << " includes " << inc.header);
    CHECK_FALSE(std::regex_search(inc.header, kAdapter));
  }
}

TEST_CASE("Lower layers never include higher ones", "[architecture]") {
  // Layer order (STYLE.md): base < crypto < merkle < store < hsm < tpm < audit < core < api.
  const std::vector<std::pair<std::string, std::vector<std::string>>> kForbidden = {
      {"vault/base/", {"vault/crypto/", "vault/merkle/", "vault/store/", "vault/audit/",
                       "vault/core/", "hsm/", "tpm/", "api/"}},
      {"vault/crypto/", {"vault/merkle/", "vault/store/", "vault/audit/", "vault/core/",
                         "tpm/", "api/"}},
      {"vault/merkle/", {"vault/store/", "vault/audit/", "vault/core/", "tpm/", "api/"}},
      {"vault/store/", {"vault/audit/", "vault/core/", "api/"}},
      {"vault/audit/", {"vault/core/", "api/"}},
      {"vault/core/", {"api/"}},
      {"tpm/evidence/", {"tpm/tss/", "hsm/pkcs11/", "vault/store/", "vault/audit/"}},
      {"vault/verify/", {"vault/store/", "vault/audit/", "vault/core/", "hsm/", "tpm/tss/",
                         "tpm/fake/", "api/"}},
      // The incident report re-verifies from the bundle, like the verifier.
      {"vault/report/", {"vault/store/", "vault/audit/", "vault/core/", "vault/alerts/", "hsm/",
                         "tpm/tss/", "tpm/fake/", "api/"}},
  };
  for (const Include& inc : AllIncludes()) {
    for (const auto& [layer, forbidden] : kForbidden) {
      if (!StartsWith(inc.file, layer)) continue;
      for (const auto& f : forbidden) {
        INFO(inc.file << " (layer " << layer << ") includes " << inc.header);
        CHECK_FALSE(StartsWith(inc.header, f));
      }
    }
  }
}

}  // namespace
