#include "analyze/lang/rust/rust.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/lang/rust/internal/auditable.h"
#include "analyze/lang/rust/internal/cargo_lock.h"
#include "base/strings.h"

namespace hullscan::analyze {
namespace {

// No cargo-auditable binary is smaller (the Rust runtime alone is hundreds of KB); the bound keeps
// small executable scripts from being read.
constexpr int64_t kMinBinarySize = 4 << 10;
// Cargo.lock files of the largest workspaces are a few MB.
constexpr size_t kMaxLockfileSize = 32 << 20;

bool IsCargoLock(std::string_view path) {
  return path == "Cargo.lock" || EndsWith(path, "/Cargo.lock");
}

inventory::Package NewPackage(std::string name, std::string version, const std::string& path) {
  inventory::Package p;
  p.type = inventory::PackageType::kCargo;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location.path = path;
  return p;
}

void SortUnique(std::vector<inventory::Package>& packages) {
  std::sort(packages.begin(), packages.end());
  packages.erase(std::unique(packages.begin(), packages.end()), packages.end());
}

class RustAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "rust"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override {
    if (IsCargoLock(file.path)) return true;
    if (file.size < kMinBinarySize) return false;
    return (file.mode & 0111) != 0 || EndsWith(file.path, ".exe");
  }
  int64_t MaxFileSize() const override { return int64_t{256} << 20; }
  // Binaries are read one at a time and not kept; a Cargo.lock is no different on its own.
  bool AnalyzesEachFile() const override { return true; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      if (IsCargoLock(file.path)) {
        AnalyzeLockfile(file, out);
      } else {
        AnalyzeBinary(file, out);
      }
    }
  }

 private:
  static void Diagnose(const File& file, std::string message, inventory::LayerResult& out) {
    out.diagnostics.push_back({"", file.path, std::move(message)});
  }

  static void AnalyzeBinary(const File& file, inventory::LayerResult& out) {
    Result<std::string_view> section = rust_internal::FindDepSection(file.content);
    if (!section.ok()) {
      // Not an executable, or one not built with cargo-auditable: the common case, no diagnostic.
      const ErrorCode code = section.error().code();
      if (code != ErrorCode::kUnsupported && code != ErrorCode::kNotFound) {
        Diagnose(file, "cargo-auditable: " + section.error().message(), out);
      }
      return;
    }
    Result<std::string> json = rust_internal::Inflate(*section, rust_internal::kMaxAuditableJson);
    if (!json.ok()) return Diagnose(file, "cargo-auditable: .dep-v0: " + json.error().message(), out);
    int skipped = 0;
    auto parsed = rust_internal::ParseAuditableJson(*json, &skipped);
    if (!parsed.ok()) return Diagnose(file, "cargo-auditable: .dep-v0: " + parsed.error().message(), out);
    if (skipped > 0) {
      Diagnose(file, "cargo-auditable: " + std::to_string(skipped) + " package(s) without name or version skipped", out);
    }
    inventory::PackageDb db{file.path, "cargo-auditable", {}};
    for (rust_internal::AuditablePackage& p : *parsed) {
      // Build-time crates (build scripts, proc-macros) run on the build machine and are not in the
      // binary (Trivy drops them too).
      if (p.build) continue;
      db.packages.push_back(NewPackage(std::move(p.name), std::move(p.version), file.path));
    }
    SortUnique(db.packages);
    out.package_dbs.push_back(std::move(db));
  }

  static void AnalyzeLockfile(const File& file, inventory::LayerResult& out) {
    // An unreadable lockfile still replaces what a lower layer had at this path.
    inventory::PackageDb db{file.path, "cargo-lock", {}};
    if (file.content.size() > kMaxLockfileSize) {
      Diagnose(file, "Cargo.lock: larger than " + std::to_string(kMaxLockfileSize) + " bytes, not read", out);
      out.package_dbs.push_back(std::move(db));
      return;
    }
    int skipped = 0;
    auto parsed = rust_internal::ParseCargoLock(file.content, &skipped);
    if (!parsed.ok()) {
      Diagnose(file, parsed.error().message(), out);
    } else {
      if (skipped > 0) {
        Diagnose(file, "Cargo.lock: " + std::to_string(skipped) + " [[package]] entries without name or version skipped",
                 out);
      }
      for (rust_internal::LockedPackage& p : *parsed) {
        inventory::Package pkg = NewPackage(std::move(p.name), std::move(p.version), file.path);
        // Keeps a crates.io crate and a git fork of the same name and version apart.
        if (!p.checksum.empty()) pkg.digest = "sha256:" + p.checksum;
        db.packages.push_back(std::move(pkg));
      }
      SortUnique(db.packages);
    }
    out.package_dbs.push_back(std::move(db));
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewRustAnalyzer() { return std::make_unique<RustAnalyzer>(); }

}  // namespace hullscan::analyze
