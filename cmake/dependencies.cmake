# Third-party libraries, all from Debian's -dev packages (scripts/install-deps).
# Each is linked by exactly one module; see docs/architecture.md.

find_package(OpenSSL 3 REQUIRED)          # base: sha256
find_package(nlohmann_json 3 REQUIRED)    # oci, inventory, report, analyze: JSON
find_package(fmt REQUIRED)                # base and up: formatting
find_package(CLI11 REQUIRED)              # apps: command line
find_package(SQLite3 REQUIRED)            # analyze/rpm (rpmdb.sqlite), later vulndb
find_package(LibArchive REQUIRED)         # io: tar parsing
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)   # io: zstd layers
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)   # io: gzip layers (ISA-L igzip)
pkg_check_modules(RPM REQUIRED IMPORTED_TARGET rpm)        # analyze/rpm: header blobs
find_package(Threads REQUIRED)
