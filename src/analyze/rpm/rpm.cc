// The rpm analyzer: reads the rpm database in any of its three on-disk formats and reports one
// PackageDb per database file. The formats are told apart by content, not by file name; the
// readers live in internal/ (bdb_hash, ndb, sqlite_db) and hand each package's header blob to
// internal/header (librpm) for decoding.
#include "analyze/rpm/rpm.h"

#include <algorithm>
#include <string>
#include <utility>

#include "analyze/rpm/internal/bdb_hash.h"
#include "analyze/rpm/internal/convert.h"
#include "analyze/rpm/internal/header.h"
#include "analyze/rpm/internal/ndb.h"
#include "analyze/rpm/internal/sqlite_db.h"

namespace hullscan::analyze {
namespace rpm_internal {

namespace {
constexpr uint16_t kFileTypeMask = 0170000;  // S_IFMT
constexpr uint16_t kDirectory = 0040000;     // S_IFDIR
}  // namespace

std::optional<SourceRpmName> SplitSourceRpm(std::string_view s) {
  if (s.ends_with(".rpm")) s.remove_suffix(4);
  size_t arch_dot = s.rfind('.');
  if (arch_dot == std::string_view::npos) return std::nullopt;
  std::string_view nvr = s.substr(0, arch_dot);
  size_t release_dash = nvr.rfind('-');
  if (release_dash == std::string_view::npos) return std::nullopt;
  size_t version_dash = nvr.rfind('-', release_dash == 0 ? std::string_view::npos : release_dash - 1);
  if (version_dash == std::string_view::npos || version_dash >= release_dash) return std::nullopt;
  std::string_view name = nvr.substr(0, version_dash);
  std::string_view version = nvr.substr(version_dash + 1, release_dash - version_dash - 1);
  std::string_view release = nvr.substr(release_dash + 1);
  if (name.empty() || version.empty() || release.empty()) return std::nullopt;
  return SourceRpmName{std::string(name), std::string(version) + "-" + std::string(release)};
}

inventory::Package ToPackage(const HeaderFields& f, std::string_view db_path) {
  inventory::Package p;
  p.type = inventory::PackageType::kRpm;
  p.name = f.name;
  std::string epoch_prefix = f.epoch ? std::to_string(*f.epoch) + ":" : "";
  p.version = epoch_prefix + f.version + (f.release.empty() ? "" : "-" + f.release);
  p.arch = f.arch.value_or("");
  p.source_rpm = f.source_rpm.value_or("");
  // SOURCERPM carries no epoch. Like Trivy (pkg/fanal/analyzer/pkg/rpm: "use epoch of binary
  // package as epoch of src package"), the binary's epoch is taken for the source: a source
  // package and the binaries built from it share one spec file and therefore one Epoch, and
  // advisories keyed by source package compare full "epoch:version-release" strings.
  if (std::optional<SourceRpmName> source = SplitSourceRpm(p.source_rpm)) {
    p.source_name = std::move(source->name);
    p.source_version = epoch_prefix + source->version;
  }
  if (f.license && !f.license->empty()) p.licenses.push_back(*f.license);
  p.maintainer = f.packager.value_or("");
  p.vendor = f.vendor.value_or("");
  p.modularity_label = f.modularity_label.value_or("");
  if (!f.sigmd5_hex.empty()) p.digest = "md5:" + f.sigmd5_hex;
  // Directories are left out: they are shared between packages (filesystem owns /usr/bin, many
  // packages own /usr/share/licenses/...), so they say nothing about which package put a file
  // there, which is what installed_files is for; the dpkg analyzer keeps only non-directories
  // from info/*.list for the same reason. Symlinks and %ghost files stay: rpm -qf attributes them.
  p.installed_files.reserve(f.files.size());
  for (const HeaderFile& file : f.files) {
    if (file.mode && (*file.mode & kFileTypeMask) == kDirectory) continue;
    std::string_view path = file.path;
    while (path.starts_with('/')) path.remove_prefix(1);
    if (!path.empty()) p.installed_files.emplace_back(path);
  }
  std::sort(p.installed_files.begin(), p.installed_files.end());
  p.installed_files.erase(std::unique(p.installed_files.begin(), p.installed_files.end()), p.installed_files.end());
  p.location.path = std::string(db_path);
  return p;
}

}  // namespace rpm_internal

namespace {

using rpm_internal::Bytes;

constexpr std::string_view kDbDirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};
constexpr std::string_view kDbNames[] = {"Packages", "Packages.db", "rpmdb.sqlite"};
// A file that is garbage from start to end could otherwise yield one diagnostic per page or slot.
constexpr size_t kMaxDiagnosticsPerFile = 50;

// Collects a file's diagnostics, keeping the first kMaxDiagnosticsPerFile.
class DiagnosticLog {
 public:
  DiagnosticLog(inventory::LayerResult& out, std::string_view path) : out_(out), path_(path) {}
  ~DiagnosticLog() {
    if (dropped_ > 0) Add("rpm: " + std::to_string(dropped_) + " further problems not listed");
  }
  void Problem(std::string_view message) {
    if (kept_ < kMaxDiagnosticsPerFile) {
      ++kept_;
      Add("rpm: " + std::string(message));
    } else {
      ++dropped_;
    }
  }

 private:
  // layer_diff_id stays empty: the layer walker and Squash fill it in, as for the other analyzers.
  void Add(std::string message) { out_.diagnostics.push_back({"", std::string(path_), std::move(message)}); }
  inventory::LayerResult& out_;
  std::string_view path_;
  size_t kept_ = 0;
  size_t dropped_ = 0;
};

class RpmAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "rpm"; }
  int Version() const override { return 1; }

  bool Wants(const FileInfo& file) const override {
    for (std::string_view dir : kDbDirs) {
      if (!file.path.starts_with(dir)) continue;
      std::string_view base = file.path.substr(dir.size());
      return std::find(std::begin(kDbNames), std::end(kDbNames), base) != std::end(kDbNames);
    }
    return false;
  }

  // Real databases are large: a desktop Fedora rpmdb.sqlite or RHEL 7 Packages reaches hundreds
  // of MiB (file lists and changelogs of every package).
  int64_t MaxFileSize() const override { return int64_t{512} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) AnalyzeFile(file, out);
  }

 private:
  void AnalyzeFile(const File& file, inventory::LayerResult& out) const {
    // Always one PackageDb per file, even an unreadable one: the file at this path now holds no
    // packages we can name, and a lower layer's version of it must not show through.
    inventory::PackageDb db;
    db.path = file.path;
    db.analyzer = std::string(Name());
    DiagnosticLog log(out, file.path);

    rpm_internal::RecordSink sink;
    sink.on_problem = [&](std::string message) { log.Problem(message); };
    sink.on_header = [&](uint32_t id, Bytes blob) {
      Result<rpm_internal::HeaderFields> fields = rpm_internal::DecodeHeader(blob);
      if (!fields.ok()) {
        log.Problem("package record " + std::to_string(id) + ": " + fields.error().message());
        return;
      }
      // gpg-pubkey "packages" are the imported signing keys rpm keeps in its database (rpm -qa
      // lists them); they install nothing and have no arch or source, so they are not software.
      if (fields->name == "gpg-pubkey") return;
      if (!fields->file_list_problem.empty()) {
        log.Problem("package " + fields->name + ": " + fields->file_list_problem);
      }
      db.packages.push_back(rpm_internal::ToPackage(*fields, file.path));
    };

    Bytes bytes(reinterpret_cast<const uint8_t*>(file.content.data()), file.content.size());
    Status status;
    if (bytes.empty()) {
      status = Corrupt("empty file");
    } else if (rpm_internal::LooksLikeSqlite(bytes)) {
      status = rpm_internal::ReadSqlitePackages(bytes, sink);
    } else if (rpm_internal::LooksLikeNdb(bytes)) {
      status = rpm_internal::ReadNdbPackages(bytes, sink);
    } else if (rpm_internal::LooksLikeBdbHash(bytes)) {
      status = rpm_internal::ReadBdbHashPackages(bytes, sink);
    } else {
      status = Corrupt("not an rpm database (no SQLite, NDB or Berkeley DB hash signature)");
    }
    if (!status.ok()) log.Problem(status.error().message());
    out.package_dbs.push_back(std::move(db));
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewRpmAnalyzer() { return std::make_unique<RpmAnalyzer>(); }

}  // namespace hullscan::analyze
