#include "api/cli/profile.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace breakglass::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::filesystem::path Home() { return Env("HOME").empty() ? "/" : Env("HOME"); }

using Member = std::string Settings::*;
constexpr std::pair<std::string_view, Member> kFields[] = {
    {"server", &Settings::server},
    {"cert", &Settings::cert},
    {"key", &Settings::key},
    {"ca", &Settings::ca},
    {"signing_key", &Settings::signing_key},
    {"signing_key_file", &Settings::signing_key_file},
    {"state_dir", &Settings::state_dir}};

Member MemberFor(std::string_view key) {
  for (const auto& [name, member] : kFields) {
    if (name == key) return member;
  }
  return nullptr;
}

absl::Status Bad(const std::filesystem::path& path, const toml::node& node, std::string what) {
  return absl::InvalidArgumentError(
      absl::StrCat(path.string(), ":", node.source().begin.line, ": ", what));
}

absl::StatusOr<Settings> ReadProfile(const std::filesystem::path& path, std::string_view name,
                                     const toml::table& profile) {
  Settings settings;
  for (const auto& [key, node] : profile) {
    const std::string full =
        absl::StrCat("profiles.", std::string(name), ".", std::string(key.str()));
    const Member field = MemberFor(key.str());
    if (field == nullptr) {
      return Bad(path, node,
                 absl::StrCat("unknown key '", full,
                              "'; valid keys: server, cert, "
                              "key, ca, signing_key, signing_key_file, state_dir"));
    }
    if (!node.is_string()) return Bad(path, node, full + ": expected a string");
    settings.*field = node.as_string()->get();
  }
  return settings;
}

absl::StatusOr<toml::table> ParseFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("no CLI config at ", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  try {  // toml++ (Debian's shared build) reports parse errors only as exceptions
    return toml::parse(text.str(), path.string());
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(path.string(), ":", e.source().begin.line,
                                                   ": ", std::string(e.description())));
  }
}

std::vector<std::string> ProfileNames(const toml::table* profiles) {
  std::vector<std::string> names;
  if (profiles != nullptr) {
    for (const auto& [key, node] : *profiles) names.emplace_back(key.str());
  }
  return names;
}

}  // namespace

Settings Settings::OverriddenBy(const Settings& flags) const {
  Settings out = *this;
  for (const auto& [name, member] : kFields) {
    if (!(flags.*member).empty()) out.*member = flags.*member;
  }
  return out;
}

absl::Status Settings::CheckConnectable() const {
  for (std::string_view name : {"server", "cert", "key", "ca"}) {
    if ((this->*MemberFor(name)).empty()) {
      const std::string flag(name);
      return absl::InvalidArgumentError(absl::StrCat(
          "no ", flag, ": pass --", flag, " or --profile NAME (a profile in ",
          DefaultConfigPath().string(), " that sets '", flag, "')"));
    }
  }
  return absl::OkStatus();
}

std::filesystem::path DefaultConfigPath() {
  if (!Env("BREAKGLASS_CONFIG").empty()) return Env("BREAKGLASS_CONFIG");
  const std::filesystem::path base = Env("XDG_CONFIG_HOME").empty()
                                         ? Home() / ".config"
                                         : std::filesystem::path(Env("XDG_CONFIG_HOME"));
  return base / "breakglass" / "cli.toml";
}

std::string DefaultStateDir() {
  const std::filesystem::path base = Env("XDG_STATE_HOME").empty()
                                         ? Home() / ".local" / "state"
                                         : std::filesystem::path(Env("XDG_STATE_HOME"));
  return (base / "breakglass").string();
}

absl::StatusOr<Settings> LoadProfile(const std::filesystem::path& path, std::string_view name) {
  absl::StatusOr<toml::table> root = ParseFile(path);
  if (absl::IsNotFound(root.status()) && name.empty()) return Settings{};
  if (!root.ok()) return root.status();
  for (const auto& [key, node] : *root) {
    if (key.str() != "default_profile" && key.str() != "profiles") {
      return Bad(path, node, absl::StrCat("unknown key '", std::string(key.str()),
                                          "'; valid keys: default_profile, [profiles.NAME]"));
    }
  }
  std::string chosen(name);
  if (chosen.empty()) chosen = root->at_path("default_profile").value_or(std::string());
  if (chosen.empty()) return Settings{};
  const toml::table* profiles = (*root)["profiles"].as_table();
  const toml::table* profile =
      profiles == nullptr ? nullptr : (*profiles)[chosen].as_table();
  if (profile == nullptr) {
    return absl::NotFoundError(absl::StrCat("no profile '", chosen, "' in ", path.string(),
                                            "; profiles there: ",
                                            absl::StrJoin(ProfileNames(profiles), ", ")));
  }
  return ReadProfile(path, chosen, *profile);
}

}  // namespace breakglass::cli
