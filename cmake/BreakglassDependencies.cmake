# Every third-party dependency is found here, once, as an imported target.
# All of them are Debian 12 packages installed by scripts/setup.
find_package(OpenSSL 3.0 REQUIRED)
find_package(absl REQUIRED)
find_package(Threads REQUIRED)
find_package(Catch2 2 REQUIRED)
find_package(benchmark REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CURL REQUIRED)  # CURL::libcurl (vault/alerts)
find_package(PkgConfig REQUIRED)
pkg_check_modules(P11KIT REQUIRED IMPORTED_TARGET p11-kit-1)
pkg_check_modules(TSS2_ESYS REQUIRED IMPORTED_TARGET tss2-esys)
pkg_check_modules(TSS2_MU REQUIRED IMPORTED_TARGET tss2-mu)
pkg_check_modules(TSS2_RC REQUIRED IMPORTED_TARGET tss2-rc)
pkg_check_modules(TSS2_TCTILDR REQUIRED IMPORTED_TARGET tss2-tctildr)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
include(Catch)

# The API layer (api/ only): protobuf + gRPC code generation and runtime, and
# the daemon's and CLI's configuration, command line and logging libraries.
find_package(Protobuf REQUIRED)  # protobuf::libprotobuf, protobuf::protoc
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
find_program(BREAKGLASS_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
find_package(tomlplusplus REQUIRED)  # tomlplusplus::tomlplusplus
find_package(CLI11 REQUIRED)         # CLI11::CLI11
find_package(nlohmann_json REQUIRED) # nlohmann_json::nlohmann_json
find_package(spdlog REQUIRED)        # spdlog::spdlog (links fmt::fmt)
