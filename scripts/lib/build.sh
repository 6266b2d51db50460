# shellcheck shell=bash
# Configure-and-build logic shared by scripts/test and scripts/demo (sourced,
# not run). One place decides how breakglass is configured, so the demo and
# the test suite reuse the same build directory without re-configuring it.
#
#   bg_build BUILD_DIR TYPE SANITIZE BENCH [TARGET...]
#     configures BUILD_DIR with Ninja (CMAKE_BUILD_TYPE=TYPE,
#     BREAKGLASS_SANITIZE=ON|OFF, BREAKGLASS_BENCH=ON|OFF, BREAKGLASS_PCH=ON)
#     and builds the
#     TARGETs, or everything when none is given, with one job per core.
#     Returns non-zero when configuring or building fails.

bg_source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

bg_build() {
  local build=$1 type=$2 sanitize=$3 bench=$4
  shift 4
  local target targets=()
  for target in "$@"; do targets+=(--target "$target"); done
  cmake -S "$bg_source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
    -DBREAKGLASS_SANITIZE="$sanitize" -DBREAKGLASS_BENCH="$bench" -DBREAKGLASS_PCH=ON >/dev/null
  cmake --build "$build" -j "$(nproc)" "${targets[@]}"
}
