# Third-party libraries, all from Debian's -dev packages (scripts/install-deps).
# Each is linked by exactly one module; see docs/architecture.md.

find_package(OpenSSL 3 REQUIRED)          # base: sha256
find_package(nlohmann_json 3 REQUIRED)    # oci, inventory, report, analyze: JSON
find_package(fmt REQUIRED)                # base and up: formatting
find_package(CLI11 REQUIRED)              # apps: command line
find_package(SQLite3 REQUIRED)            # analyze/rpm (rpmdb.sqlite), vulndb
find_package(LibArchive REQUIRED)         # io: tar parsing
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)   # io: zstd layers
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)   # io: gzip layers (ISA-L igzip)
pkg_check_modules(RPM REQUIRED IMPORTED_TARGET rpm)        # analyze/rpm: header blobs
pkg_check_modules(YAML_CPP REQUIRED IMPORTED_TARGET yaml-cpp)       # vulndb (OSV YAML, secdb), policy, lang lockfiles
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)     # vulndb (RustSec front matter), lang (Cargo.lock)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)                  # checks/secret: exact secret patterns (linear time)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)                 # checks/secret: one-pass keyword prefilter (Hyperscan)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)         # sign: NaCl secretbox of cosign key files
find_package(ZLIB REQUIRED)               # analyze/lang/rust: cargo-auditable .dep-v0 sections
find_package(CURL REQUIRED)               # net: HTTPS downloads (db update, registries)
find_package(Threads REQUIRED)
