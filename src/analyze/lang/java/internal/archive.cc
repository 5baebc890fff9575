#include "analyze/lang/java/internal/archive.h"

#include <optional>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "base/strings.h"
#include "io/archive.h"

namespace hullscan::analyze::java_internal {
namespace {

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits text into lines, dropping '\r' line ends.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(line)) return;
    if (nl == std::string_view::npos) return;
    text.remove_prefix(nl + 1);
  }
}

// An entry name from inside an archive, made safe to show as part of a path: no leading '/', no
// "." or ".." components (a hostile "../../x.jar" stays inside the archive's path), no empty ones.
std::string CleanEntryName(std::string_view name) {
  std::string out;
  while (!name.empty()) {
    size_t slash = name.find_first_of("/\\");
    std::string_view part = name.substr(0, slash);
    if (!part.empty() && part != "." && part != "..") {
      if (!out.empty()) out += '/';
      for (char c : part) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    if (slash == std::string_view::npos) break;
    name.remove_prefix(slash + 1);
  }
  return out;
}

inventory::Package MakePackage(const Coordinates& c, std::string_view path) {
  inventory::Package p;
  p.type = inventory::PackageType::kMaven;
  p.name = c.group_id + ":" + c.artifact_id;
  p.version = c.version;
  p.location.path = std::string(path);
  return p;
}

// Budget shared by an outer archive and all archives nested in it.
struct Budget {
  uint64_t bytes_left = 0;
  uint64_t entries_left = 0;
  bool exhausted = false;
};

class ArchiveParser {
 public:
  ArchiveParser(const ArchiveLimits& limits, Problems& problems) : limits_(limits), problems_(problems) {
    budget_.bytes_left = limits.max_inflated_bytes;
    budget_.entries_left = limits.max_entries;
  }

  void Parse(std::string_view path, std::string_view content, int depth, std::vector<inventory::Package>& out) {
    const Coordinates from_name = ParseFileName(path);
    std::vector<inventory::Package> own;      // from pom.properties
    std::vector<inventory::Package> nested;   // from nested archives
    std::string manifest;
    bool have_manifest = false;

    auto wanted = [&](std::string_view name) {
      if (budget_.exhausted) return false;
      if (budget_.entries_left == 0) {
        budget_.exhausted = true;
        problems_.Add(0, std::string(path) + ": more than " + std::to_string(limits_.max_entries) +
                             " archive entries in total; the rest is not read");
        return false;
      }
      --budget_.entries_left;
      std::string_view base = BaseName(name);
      return base == "pom.properties" || name == "META-INF/MANIFEST.MF" || IsJavaArchiveName(base);
    };
    auto visit = [&](std::string_view name, std::string_view data) -> Status {
      if (data.size() > budget_.bytes_left) {
        budget_.exhausted = true;
        return LimitExceeded("archives inflate beyond " + std::to_string(limits_.max_inflated_bytes) +
                             " bytes in total");
      }
      budget_.bytes_left -= data.size();
      std::string_view base = BaseName(name);
      if (base == "pom.properties") {
        Coordinates c = ParsePomProperties(data);
        if (!c.Valid()) return OkStatus();  // Trivy and scalibr skip incomplete ones too
        own.push_back(MakePackage(c, path));
      } else if (name == "META-INF/MANIFEST.MF") {
        manifest.assign(data);
        have_manifest = true;
      } else if (IsJavaArchiveName(base)) {
        std::string inner_path = std::string(path) + "/" + CleanEntryName(name);
        if (depth + 1 > limits_.max_depth) {
          problems_.Add(0, inner_path + ": archive nested more than " + std::to_string(limits_.max_depth) +
                               " levels deep is not read");
          return OkStatus();
        }
        Parse(inner_path, data, depth + 1, nested);
      }
      return OkStatus();
    };
    io::ZipLimits zip_limits;
    zip_limits.max_entry_bytes = limits_.max_entry_bytes;
    zip_limits.max_total_bytes = budget_.bytes_left;
    // Entries are counted (and bounded) by `wanted`; io's own count is a backstop.
    zip_limits.max_entries = limits_.max_entries + 1;
    Status status = io::ForEachZipEntryMatching(content, wanted, visit, zip_limits);
    if (!status.ok()) problems_.Add(0, std::string(path) + ": " + status.error().message());

    std::optional<inventory::Package> itself =
        own.empty() ? FromManifestOrName(have_manifest ? &manifest : nullptr, from_name, path) : std::nullopt;
    out.insert(out.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
    out.insert(out.end(), std::make_move_iterator(nested.begin()), std::make_move_iterator(nested.end()));
    if (itself) out.push_back(std::move(*itself));
  }

 private:
  // The archive's own package when it has no pom.properties: the manifest, else the file name.
  static std::optional<inventory::Package> FromManifestOrName(const std::string* manifest,
                                                              const Coordinates& from_name,
                                                              std::string_view path) {
    // Stricter than Trivy, which reads the manifest unless a pom.properties matches the file name:
    // with any pom.properties present, the manifest only repeats one of them in other spelling
    // (Debian's unversioned snakeyaml.jar: "org.yaml:SnakeYAML" 1.33.0 next to org.yaml:snakeyaml
    // 1.33; gizmo's "JBoss by Red Hat:Gizmo") or is stale (Debian gson.jar: Bundle-Version 2.7.0
    // in gson 2.10). Real Maven coordinates win.
    if (manifest) {
      Coordinates c = ParseManifest(*manifest);
      if (c.Valid()) return MakePackage(c, path);
    }
    // Nothing names the archive itself: the file name does, when it has a version. Without a
    // groupId the artifactId stands in for it (as for log4j:log4j, junit:junit), like scalibr's
    // file-name extraction.
    if (!from_name.artifact_id.empty() && !from_name.version.empty()) {
      Coordinates c = from_name;
      // A dotted artifact id names its group ("org.eclipse.sisu.inject" → org.eclipse.sisu).
      size_t dot = c.artifact_id.rfind('.');
      c.group_id = dot != std::string::npos && dot > 0 ? c.artifact_id.substr(0, dot) : c.artifact_id;
      return MakePackage(c, path);
    }
    return std::nullopt;
  }

  const ArchiveLimits& limits_;
  Problems& problems_;
  Budget budget_;
};

}  // namespace

bool IsJavaArchiveName(std::string_view name) {
  return EndsWithIgnoreCase(name, ".jar") || EndsWithIgnoreCase(name, ".war") || EndsWithIgnoreCase(name, ".ear") ||
         EndsWithIgnoreCase(name, ".par");
}

Coordinates ParsePomProperties(std::string_view text) {
  Coordinates c;
  ForEachLine(text, [&](std::string_view line) {
    line = TrimSpace(line);
    if (line.empty() || line.front() == '#' || line.front() == '!') return true;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) return true;
    std::string_view key = TrimSpace(line.substr(0, sep));
    std::string_view value = TrimSpace(line.substr(sep + 1));
    if (key == "groupId") c.group_id = std::string(value);
    if (key == "artifactId") c.artifact_id = std::string(value);
    if (key == "version") c.version = std::string(value);
    return true;
  });
  return c;
}

Coordinates ParseManifest(std::string_view text) {
  // Main section only (up to the first blank line); a line starting with a space continues the
  // previous one (the 72-byte line limit of the format).
  std::vector<std::pair<std::string, std::string>> attributes;
  ForEachLine(text, [&](std::string_view line) {
    if (line.empty()) return false;
    if (line.front() == ' ') {
      if (!attributes.empty()) attributes.back().second.append(line.substr(1));
      return true;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return true;
    attributes.emplace_back(std::string(TrimSpace(line.substr(0, colon))), std::string(line.substr(colon + 1)));
    return true;
  });
  auto get = [&](std::string_view key) -> std::string {
    for (const auto& [k, v] : attributes) {
      if (k == key) return std::string(TrimSpace(v));
    }
    return "";
  };
  auto first_of = [&](std::initializer_list<std::string_view> keys) -> std::string {
    for (std::string_view k : keys) {
      if (std::string v = get(k); !v.empty()) return v;
    }
    return "";
  };
  Coordinates c;
  // Trivy's precedence (pkg/dependency/parser/java/jar): the vendor id, else the bundle's symbolic
  // name without its last component, else the vendors.
  if (std::string vendor_id = get("Implementation-Vendor-Id"); !vendor_id.empty()) {
    c.group_id = vendor_id;
  } else if (std::string symbolic = get("Bundle-SymbolicName"); !symbolic.empty()) {
    symbolic = std::string(TrimSpace(std::string_view(symbolic).substr(0, symbolic.find(';'))));
    size_t dot = symbolic.rfind('.');
    c.group_id = dot != std::string::npos && dot > 0 ? symbolic.substr(0, dot) : symbolic;
  } else {
    c.group_id = first_of({"Implementation-Vendor", "Specification-Vendor"});
  }
  c.artifact_id = first_of({"Implementation-Title", "Specification-Title", "Bundle-Name"});
  c.version = first_of({"Implementation-Version", "Specification-Version", "Bundle-Version"});
  return c;
}

Coordinates ParseFileName(std::string_view path) {
  // Trivy's pattern for "<artifactId>-<version>.jar".
  static const std::regex kJarFileName(R"(^([a-zA-Z0-9._-]*[^-*])-(\d\S*(?:-SNAPSHOT)?)\.jar$)");
  std::string_view base = BaseName(path);
  if (base.size() > 256) return {};
  std::string name(base);
  std::smatch m;
  if (!std::regex_match(name, m, kJarFileName)) return {};
  return Coordinates{"", m[1].str(), m[2].str()};
}

std::vector<inventory::Package> ParseArchive(std::string_view path, std::string_view content, Problems& problems,
                                             const ArchiveLimits& limits) {
  std::vector<inventory::Package> out;
  ArchiveParser(limits, problems).Parse(path, content, 0, out);
  // The same package found twice at the same place (two copies of one pom.properties) is one.
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::vector<inventory::Package> unique;
  for (auto& p : out) {
    if (seen.emplace(p.name, p.version, p.location.path).second) unique.push_back(std::move(p));
  }
  return unique;
}

}  // namespace hullscan::analyze::java_internal
