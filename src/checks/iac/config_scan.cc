#include "checks/iac/config_scan.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "checks/iac/dockerfile.h"
#include "checks/iac/kubernetes.h"
#include "io/reader.h"

namespace hullscan::checks::iac {
namespace fs = std::filesystem;
namespace {

// A symlink's own status; never follows it.
bool IsRegularNoFollow(const fs::path& path) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(path, ec);
  return !ec && fs::is_regular_file(status);
}

// Cheap test before calling a broken YAML file an error: does it claim to be a manifest?
bool LooksLikeManifest(std::string_view text) {
  return text.find("apiVersion") != std::string_view::npos && text.find("kind") != std::string_view::npos;
}

void CheckFile(const fs::path& file, const std::string& target, ConfigFileType type, ConfigScan* scan) {
  Result<std::string> content = io::ReadFile(file, kMaxConfigFileSize);
  if (!content.ok()) {
    scan->file_errors.push_back(Error(content.error().code(), target + ": " + content.error().message()));
    return;
  }
  if (type == ConfigFileType::kDockerfile) {
    std::vector<Finding> found = CheckDockerfile(*content, target);
    scan->findings.insert(scan->findings.end(), std::make_move_iterator(found.begin()),
                          std::make_move_iterator(found.end()));
    ++scan->files_checked;
    return;
  }
  Result<std::vector<Finding>> found = CheckKubernetes(*content, target);
  if (!found.ok()) {
    if (LooksLikeManifest(*content)) scan->file_errors.push_back(std::move(found).error());
    return;
  }
  if (LooksLikeManifest(*content)) ++scan->files_checked;
  scan->findings.insert(scan->findings.end(), std::make_move_iterator(found->begin()),
                        std::make_move_iterator(found->end()));
}

}  // namespace

ConfigFileType ClassifyConfigFile(const fs::path& path) {
  std::string name = ToLower(path.filename().string());
  if (name == "dockerfile" || name == "containerfile" || EndsWith(name, ".dockerfile") ||
      StartsWith(name, "dockerfile.") || StartsWith(name, "containerfile.")) {
    return ConfigFileType::kDockerfile;
  }
  if (EndsWith(name, ".yaml") || EndsWith(name, ".yml") || EndsWith(name, ".json")) {
    return ConfigFileType::kKubernetes;
  }
  return ConfigFileType::kNone;
}

Result<ConfigScan> ScanConfigPath(const fs::path& path) {
  ConfigScan scan;
  std::error_code ec;
  fs::file_status status = fs::symlink_status(path, ec);
  if (ec) return IoErrorFromErrno(fmt::format("stat {}", path.string()), ec.value());
  if (fs::is_regular_file(status)) {
    ConfigFileType type = ClassifyConfigFile(path);
    if (type != ConfigFileType::kNone) CheckFile(path, path.filename().string(), type, &scan);
    SortFindings(scan.findings);
    return scan;
  }
  if (!fs::is_directory(status)) {
    return InvalidArgument(fmt::format("{}: not a regular file or directory (symlinks are not followed)",
                                       path.string()));
  }
  std::vector<std::pair<std::string, ConfigFileType>> files;  // relative path, type
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return IoErrorFromErrno(fmt::format("read directory {}", path.string()), ec.value());
  for (fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      scan.file_errors.push_back(IoErrorFromErrno(fmt::format("read directory under {}", path.string()), ec.value()));
      break;
    }
    const fs::directory_entry& entry = *it;
    std::error_code entry_ec;
    fs::file_status entry_status = entry.symlink_status(entry_ec);
    if (entry_ec) continue;
    if (fs::is_directory(entry_status)) {
      if (entry.path().filename() == ".git") it.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(entry_status)) continue;  // symlinks, fifos, sockets, devices
    ConfigFileType type = ClassifyConfigFile(entry.path());
    if (type == ConfigFileType::kNone) continue;
    files.emplace_back(entry.path().lexically_relative(path).generic_string(), type);
  }
  std::sort(files.begin(), files.end());
  for (const auto& [relative, type] : files) {
    fs::path file = path / relative;
    if (!IsRegularNoFollow(file)) continue;  // replaced by a symlink since the listing
    CheckFile(file, relative, type, &scan);
  }
  SortFindings(scan.findings);
  return scan;
}

Result<std::vector<Finding>> CheckPath(const fs::path& path) {
  HS_ASSIGN_OR_RETURN(ConfigScan scan, ScanConfigPath(path));
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(path, ec)) && !scan.file_errors.empty()) {
    return std::move(scan.file_errors.front());
  }
  for (const Error& error : scan.file_errors) log::Warn("config scan: {}", error.message());
  return std::move(scan.findings);
}

}  // namespace hullscan::checks::iac
