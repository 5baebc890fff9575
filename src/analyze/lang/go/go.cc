// Versions are reported the way Go writes them: modules "v1.2.3" / pseudo-versions "v0.0.0-…"
// (go.mod, `go version -m`, Trivy, purl-spec golang), and the toolchain as module "stdlib" with
// "go1.22.1 X:boringcrypto" → "v1.22.1", the module name the Go vulnerability database files
// standard-library advisories under. OSV records drop the "v"; the go version scheme
// (version/go.h) reads both spellings, so matching does not depend on it.
#include "analyze/lang/go/go.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/lang/go/internal/buildinfo.h"
#include "analyze/lang/go/internal/gomod.h"
#include "base/problems.h"
#include "base/strings.h"

namespace hullscan::analyze {
namespace {

using go_internal::BuildInfo;
using go_internal::Module;

// No Go binary is smaller: the runtime alone is about a megabyte. The bound keeps the many small
// executable scripts in /usr/bin, /etc/init.d, … from being read at all.
constexpr int64_t kMinBinarySize = 4 << 10;

// A module version worth reporting: "(devel)" is what the go command writes for a module built
// from a working tree, not a version.
std::string ReportedVersion(std::string_view v) { return v == "(devel)" ? std::string() : std::string(v); }

// A directory replacement ("=> ../fork") names a path on the build machine, not a module.
bool IsLocalPath(std::string_view p) {
  return StartsWith(p, "./") || StartsWith(p, "../") || StartsWith(p, "/") || p == "." || p == ".." ||
         (p.size() >= 2 && p[1] == ':') || StartsWith(p, ".\\") || StartsWith(p, "..\\");
}

inventory::Package NewPackage(std::string name, std::string version, const std::string& path) {
  inventory::Package p;
  p.type = inventory::PackageType::kGolang;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location.path = path;
  return p;
}

// The module as built: the replacement when there is one (its code is what was compiled in), as
// Trivy, Syft and OSV-SCALIBR do. A directory replacement keeps the required module's path but
// has no version: the code is a local copy of unknown provenance.
std::pair<std::string, std::string> Effective(const Module& m) {
  if (m.replace_path.empty()) return {m.path, ReportedVersion(m.version)};
  if (IsLocalPath(m.replace_path)) return {m.path, ""};
  return {m.replace_path, ReportedVersion(m.replace_version)};
}

std::vector<inventory::Package> PackagesOf(const BuildInfo& info, const std::string& path) {
  std::vector<inventory::Package> out;
  if (!info.main.path.empty()) {
    auto [name, version] = Effective(info.main);
    if (version.empty()) {
      // `go build` stamps "(devel)" unless built from a module proxy (or Go 1.24+ VCS stamping);
      // projects set their version with -ldflags "-X main.version=…" instead (Trivy reads it too).
      for (const auto& [key, value] : info.settings) {
        if (key == "-ldflags") version = go_internal::VersionFromLdflags(value);
        if (!version.empty()) break;
      }
    }
    out.push_back(NewPackage(std::move(name), std::move(version), path));
  }
  for (const Module& dep : info.deps) {
    auto [name, version] = Effective(dep);
    if (name.empty()) continue;
    out.push_back(NewPackage(std::move(name), std::move(version), path));
  }
  if (std::string v = go_internal::StdlibVersion(info.go_version); !v.empty()) {
    out.push_back(NewPackage("stdlib", std::move(v), path));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

class GoBinaryAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "gobinary"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override {
    if (file.size < kMinBinarySize) return false;
    // Any execute bit; Windows binaries copied into Linux images often have none.
    return (file.mode & 0111) != 0 || EndsWith(file.path, ".exe");
  }
  int64_t MaxFileSize() const override { return int64_t{256} << 20; }
  bool AnalyzesEachFile() const override { return true; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      Result<go_internal::RawBuildInfo> raw = go_internal::ReadRawBuildInfo(file.content);
      if (!raw.ok()) {
        // Most executables are not Go binaries (or not executables at all): not worth a word.
        const ErrorCode code = raw.error().code();
        if (code != ErrorCode::kUnsupported && code != ErrorCode::kNotFound) {
          out.diagnostics.push_back({"", file.path, "Go build info: " + raw.error().message()});
        }
        continue;
      }
      int bad_lines = 0;
      BuildInfo info = go_internal::ParseModInfo(raw->version, raw->modinfo, &bad_lines);
      if (bad_lines > 0) {
        out.diagnostics.push_back(
            {"", file.path, "Go build info: " + std::to_string(bad_lines) + " malformed module info line(s) skipped"});
      }
      out.package_dbs.push_back(inventory::PackageDb{file.path, std::string(Name()), PackagesOf(info, file.path)});
    }
  }
};

// The last path component, "" for a path ending in '/'.
std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);  // with '/'
}

void AddProblems(Problems& problems, const std::string& path, inventory::LayerResult& out) {
  for (std::string& message : problems.Take()) {
    out.diagnostics.push_back(inventory::Diagnostic{"", path, std::move(message)});
  }
}

// Needs every go.mod and go.sum of a layer in one call, to pair them by directory.
class GoModAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "gomod"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override {
    const std::string_view name = BaseName(file.path);
    return name == "go.mod" || name == "go.sum";
  }
  // Real go.sum files of large projects are a few hundred KiB.
  int64_t MaxFileSize() const override { return int64_t{16} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    std::map<std::string_view, const File*> sums;  // by directory
    for (const File& file : files) {
      if (BaseName(file.path) == "go.sum") sums[DirOf(file.path)] = &file;
    }
    for (const File& file : files) {
      if (BaseName(file.path) != "go.mod") continue;
      Problems problems;
      const go_internal::GoMod mod = go_internal::ParseGoMod(file.content, problems);
      AddProblems(problems, file.path, out);
      std::vector<go_internal::GoSumEntry> sum;
      const auto it = sums.find(DirOf(file.path));
      const bool read_sum = it != sums.end() && go_internal::ListsOnlyDirectRequirements(mod);
      if (read_sum) {
        Problems sum_problems;
        sum = go_internal::ParseGoSum(it->second->content, sum_problems);
        AddProblems(sum_problems, it->second->path, out);
      }
      std::vector<inventory::Package> packages = go_internal::GoModPackages(mod, read_sum ? &sum : nullptr);
      for (auto& p : packages) p.location.path = file.path;
      // Always a database, empty when broken: it replaces a lower layer's copy.
      out.package_dbs.push_back(inventory::PackageDb{file.path, std::string(Name()), std::move(packages)});
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewGoBinaryAnalyzer() { return std::make_unique<GoBinaryAnalyzer>(); }
std::unique_ptr<Analyzer> NewGoModAnalyzer() { return std::make_unique<GoModAnalyzer>(); }

}  // namespace hullscan::analyze
