// The one source of breakglass_test_pch (cmake/BreakglassTargets.cmake): the
// target exists to precompile <catch2/catch.hpp> once for every test binary.
