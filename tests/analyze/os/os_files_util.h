// Test helpers: turn fixture files into the os_files map exactly as a scan would, by offering
// every file to the os-files analyzer (Wants, then Analyze on the wanted ones).
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyze/os/os.h"
#include "inventory/layer_result.h"
#include "testing/testdata.h"

namespace hullscan::analyze::testing {

// An image path (relative, no leading '/') and the file's content.
using ImageFile = std::pair<std::string, std::string>;

// One layer: every file goes through Wants(); the wanted ones, sorted by path, through Analyze().
inline inventory::LayerResult AnalyzeLayer(const std::vector<ImageFile>& files, std::string diff_id = "") {
  auto analyzer = NewOsFilesAnalyzer();
  std::vector<File> wanted;
  for (const auto& [path, content] : files) {
    FileInfo info{path, 0644, static_cast<int64_t>(content.size())};
    if (analyzer->Wants(info)) wanted.push_back(File{path, 0644, content});
  }
  std::sort(wanted.begin(), wanted.end(), [](const File& a, const File& b) { return a.path < b.path; });
  inventory::LayerResult result;
  result.diff_id = std::move(diff_id);
  if (!wanted.empty()) analyzer->Analyze(wanted, result);
  return result;
}

inline std::map<std::string, std::string> CollectOsFiles(const std::vector<ImageFile>& files) {
  return AnalyzeLayer(files).os_files;
}

// Every regular file below `root`, as image paths relative to it.
inline std::vector<ImageFile> ReadTree(const std::filesystem::path& root) {
  std::vector<ImageFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    files.emplace_back(std::filesystem::relative(entry.path(), root).generic_string(),
                       hullscan::testing::ReadFileOrFail(entry.path()));
  }
  return files;
}

inline std::filesystem::path OsReleaseData() { return hullscan::testing::TestData() / "os-release"; }

}  // namespace hullscan::analyze::testing
