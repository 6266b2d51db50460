// Includes CLI11 (Debian's 2.1.2) for the breakglass and breakglassd command
// lines. GCC 12's -Wnull-dereference reports a false positive inside CLI11's
// own string helpers (CLI/StringTools.hpp, detail::split) once they are
// inlined at -O2; it is silenced for CLI11's code only, never for ours.
#ifndef BREAKGLASS_API_CLI_CLI11_H_
#define BREAKGLASS_API_CLI_CLI11_H_

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#endif  // BREAKGLASS_API_CLI_CLI11_H_
