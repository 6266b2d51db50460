# Build policy as INTERFACE targets, and the helpers every folder uses to
# declare its library and its tests.

add_library(breakglass_warnings INTERFACE)
add_library(breakglass::warnings ALIAS breakglass_warnings)
target_compile_options(breakglass_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough -Wformat=2 -Wmisleading-indentation)
target_compile_features(breakglass_warnings INTERFACE cxx_std_20)

add_library(breakglass_sanitizers INTERFACE)
add_library(breakglass::sanitizers ALIAS breakglass_sanitizers)
if(BREAKGLASS_SANITIZE)
  target_compile_options(breakglass_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(breakglass_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# The policy every breakglass target links.
add_library(breakglass_policy INTERFACE)
add_library(breakglass::policy ALIAS breakglass_policy)
target_link_libraries(breakglass_policy INTERFACE breakglass_warnings breakglass_sanitizers)
# Includes are qualified from the repository root ("vault/base/status.h").
target_include_directories(breakglass_policy INTERFACE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})

# breakglass_library(NAME ALIAS SOURCES ... DEPS ...)
# One static library per folder with a namespaced alias breakglass::ALIAS.
function(breakglass_library name)
  cmake_parse_arguments(ARG "" "ALIAS" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(breakglass::${ARG_ALIAS} ALIAS ${name})
  target_link_libraries(${name} PUBLIC breakglass::policy ${ARG_DEPS})
endfunction()

# Catch2 (v2, Debian 12) main, compiled once.
add_library(breakglass_catch_main STATIC ${PROJECT_SOURCE_DIR}/tests/catch_main.cc)
target_link_libraries(breakglass_catch_main PUBLIC Catch2::Catch2 breakglass::policy)
# Catch2 v2 is one 17k-line header that every test file parses. With
# BREAKGLASS_PCH (scripts/test and scripts/demo turn it on) it is precompiled
# once, in a target of its own, and reused by every test target (same flags:
# breakglass::policy); about a third less compile time per test file.
# A PCH is only used with the macros it was built with, and gRPC's and
# Abseil's pkg-config flags add -DNOMINMAX (a Windows macro catch.hpp tests),
# so with BREAKGLASS_PCH every target defines it the same way; otherwise the
# API's tests fail with "-Werror=invalid-pch: not used because NOMINMAX is
# defined".
if(BREAKGLASS_PCH)
  target_compile_definitions(breakglass_policy INTERFACE NOMINMAX=1)
  add_library(breakglass_test_pch OBJECT ${PROJECT_SOURCE_DIR}/tests/catch_pch.cc)
  target_link_libraries(breakglass_test_pch PUBLIC Catch2::Catch2 breakglass::policy)
  target_precompile_headers(breakglass_test_pch PRIVATE <catch2/catch.hpp>)
endif()

# breakglass_test(NAME SOURCES ... DEPS ... LABELS ...)
# A Catch2 test binary; each TEST_CASE becomes one ctest test carrying LABELS
# (e.g. hsm, tpm). Tests run from their own temp dirs and clean up by PID.
function(breakglass_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE breakglass_catch_main ${ARG_DEPS})
  if(BREAKGLASS_PCH)
    target_precompile_headers(${name} REUSE_FROM breakglass_test_pch)
    # With catch.hpp precompiled, g++ 12 at -O2 inlines std::string's
    # operator+ differently and reports its own memcpy as out of bounds
    # (-Warray-bounds / -Wrestrict / -Wstringop-overflow on
    # std::string(a) + "b" + c; a known false positive of g++ 12's libstdc++,
    # gone in g++ 13). Only the test binaries are built with the PCH, so only
    # they drop these three; the libraries and tools keep every warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${name} PRIVATE
        -Wno-array-bounds -Wno-restrict -Wno-stringop-overflow)
    endif()
  endif()
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  catch_discover_tests(${name}
    TEST_PREFIX "${name}: "
    PROPERTIES TIMEOUT ${ARG_TIMEOUT}
               ENVIRONMENT "BREAKGLASS_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  # Not through PROPERTIES above: catch_discover_tests flattens them into one
  # list, so LABELS "hsm;tpm" would keep only "hsm" and turn the rest into
  # bogus properties (eating TIMEOUT and ENVIRONMENT). Instead the labels are
  # set once discovery has run, on the list of tests it made (${name}_TESTS);
  # tests/architecture/ctest_labels_check.cmake guards this.
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
  file(WRITE "${labels_file}"
    "if(${name}_TESTS)\n"
    "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${labels}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()
