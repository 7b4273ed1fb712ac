# Every dependency is a Debian 12 package (scripts/install-deps.sh installs
# them). Where Debian's own CMake config is broken we use pkg-config instead.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(CAF 0.17 REQUIRED COMPONENTS core io)              # cmake/FindCAF.cmake
find_package(simdjson 3 CONFIG REQUIRED)                        # simdjson::simdjson
find_package(SQLite3 REQUIRED)                                  # SQLite::SQLite3
find_package(PostgreSQL REQUIRED)                               # PostgreSQL::PostgreSQL
find_package(CURL REQUIRED)                                     # CURL::libcurl
find_package(yaml-cpp REQUIRED)                                 # yaml-cpp
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)     # broken HiredisConfigVersion.cmake
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)        # cnats-config.cmake names unshipped files
find_package(OpenSSL REQUIRED)                                  # OpenSSL::Crypto (hashes, random)
