// hullscan: flags → options → scanner → report writer. No logic lives here beyond that mapping.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/cmd_version.h"
#include "base/log.h"
#include "base/status.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "source/source.h"

#ifndef HULLSCAN_VERSION
#define HULLSCAN_VERSION "0.0.0"
#endif

namespace hullscan {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

struct GlobalFlags {
  bool quiet = false;
  bool debug = false;
};

struct ScanFlags {
  std::string target;
  std::string input;
  std::string format = "table";
  std::string output;
  std::string platform;
  std::string max_layer_size;
  int parallelism = 0;
};

int Fail(const Error& e) {
  std::cerr << "hullscan: error (" << ErrorCodeName(e.code()) << "): " << e.message() << "\n";
  return kExitError;
}

// "512MiB", "2GiB", "1000000" → bytes.
Result<uint64_t> ParseSize(const std::string& text) {
  size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &pos);
  } catch (...) {
    return InvalidArgument("'" + text + "' is not a size");
  }
  std::string unit = text.substr(pos);
  uint64_t mult = 1;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB" || unit == "K") mult = uint64_t{1} << 10;
  else if (unit == "MiB" || unit == "M") mult = uint64_t{1} << 20;
  else if (unit == "GiB" || unit == "G") mult = uint64_t{1} << 30;
  else if (unit == "TiB" || unit == "T") mult = uint64_t{1} << 40;
  else return InvalidArgument("'" + text + "': unknown size unit '" + unit + "' (use KiB, MiB, GiB)");
  return static_cast<uint64_t>(n) * mult;
}

// Writes the whole output to FILE only once it is complete, so a failed run leaves nothing
// half-written behind (and an existing file untouched).
Status WriteOutput(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    std::cout << data;
    std::cout.flush();
    return std::cout ? OkStatus() : IoError("writing standard output failed");
  }
  std::string tmp = path + ".hullscan-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << data;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return IoError("cannot write " + path);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return IoErrorFromErrno("rename to " + path, errno);
  }
  return OkStatus();
}

int RunInventory(const ScanFlags& flags, std::optional<source::TargetKind> forced_kind) {
  std::string text = flags.input.empty() ? flags.target : flags.input;
  if (text.empty()) return Fail(InvalidArgument("no target: give an image, a path, or --input FILE"));
  auto format = report::ParseFormat(flags.format);
  if (!format.ok()) return Fail(format.error());

  auto target = source::ParseTarget(text);
  if (!target.ok()) return Fail(target.error());
  if (forced_kind && target->kind != *forced_kind) {
    if (*forced_kind == source::TargetKind::kRootfs)
      return Fail(InvalidArgument(text + " is not a directory (rootfs needs a root filesystem directory)"));
  }
  if (!forced_kind && target->kind == source::TargetKind::kRootfs && !flags.input.empty())
    return Fail(InvalidArgument(text + " is a directory: --input takes an image archive; use `hullscan rootfs DIR`"));

  scan::Options options;
  if (!flags.platform.empty()) {
    auto p = oci::Platform::Parse(flags.platform);
    if (!p.ok()) return Fail(p.error());
    options.platform = *p;
  }
  if (!flags.max_layer_size.empty()) {
    auto s = ParseSize(flags.max_layer_size);
    if (!s.ok()) return Fail(s.error());
    options.limits.max_layer_bytes = *s;
  }
  options.parallelism = flags.parallelism;

  auto inventory = scan::BuildInventory(*target, options);
  if (!inventory.ok()) return Fail(inventory.error());
  for (const auto& d : inventory->diagnostics)
    log::Warn("{}{}{}", d.path.empty() ? "" : d.path, d.path.empty() ? "" : ": ", d.message);

  report::Options ropts;
  ropts.tool_version = HULLSCAN_VERSION;
  ropts.timestamp = report::ReportTimestamp();
  ropts.color = flags.output.empty() && ::isatty(STDOUT_FILENO);
  std::ostringstream out;
  Status written = report::WriteInventory(*inventory, *format, ropts, out);
  if (!written.ok()) return Fail(written.error());
  Status saved = WriteOutput(flags.output, out.str());
  if (!saved.ok()) return Fail(saved.error());
  return kExitOk;
}

void AddScanFlags(CLI::App* cmd, ScanFlags& flags, bool with_input) {
  cmd->add_option("-f,--format", flags.format, "Output format: table, json, cyclonedx, spdx-json")
      ->capture_default_str();
  cmd->add_option("-o,--output", flags.output, "Write the report to FILE (written whole, or not at all)");
  if (with_input) {
    cmd->add_option("--input", flags.input, "Image archive to scan (docker-archive or OCI tar)");
    cmd->add_option("--platform", flags.platform, "Platform to select from a multi-platform image (os/arch[/variant])");
  }
  cmd->add_option("--max-layer-size", flags.max_layer_size,
                  "Refuse layers that expand beyond this size (e.g. 8GiB; default 32GiB)");
  cmd->add_option("--parallel", flags.parallelism, "Layers analysed at once (default: one per core)");
}

}  // namespace
}  // namespace hullscan

int main(int argc, char** argv) {
  using namespace hullscan;
  CLI::App app{"hullscan: container image scanner — SBOM of OS packages from images and root filesystems"};
  app.require_subcommand(0, 1);
  app.fallthrough();  // global flags (-q, --debug) also after the subcommand, as in Trivy
  GlobalFlags global;
  app.add_flag("-q,--quiet", global.quiet, "Print errors only");
  app.add_flag("-d,--debug", global.debug, "Print debug logs");
  app.set_version_flag("-v,--version", std::string("hullscan ") + HULLSCAN_VERSION);

  ScanFlags image_flags, sbom_flags, rootfs_flags;
  auto* image = app.add_subcommand("image", "List the packages of a container image (archive or OCI layout)");
  image->add_option("IMAGE", image_flags.target,
                    "Image: docker-archive:FILE[:tag], oci-archive:FILE[:ref], oci:DIR[:ref], or a path");
  AddScanFlags(image, image_flags, /*with_input=*/true);

  auto* sbom = app.add_subcommand("sbom", "Write a bill of materials (CycloneDX, SPDX, JSON, table) for a target");
  sbom->add_option("TARGET", sbom_flags.target,
                   "Image archive, OCI layout or root filesystem: docker-archive:FILE, oci:DIR[:ref], dir:PATH, or a path");
  AddScanFlags(sbom, sbom_flags, /*with_input=*/true);

  auto* rootfs = app.add_subcommand("rootfs", "List the packages of an unpacked root filesystem");
  rootfs->add_option("DIR", rootfs_flags.target, "Root filesystem directory")->required();
  AddScanFlags(rootfs, rootfs_flags, /*with_input=*/false);

  auto* version = app.add_subcommand("version", "Print the version; compare versions under a scheme");
  std::string v_scheme, v_a, v_b;
  auto* v_compare = version->add_subcommand(
      "compare", "Print <, = or > for two versions under SCHEME (dpkg, rpm, apk, npm, pep440, maven, gem, go, cargo, nuget)");
  v_compare->add_option("SCHEME", v_scheme)->required();
  v_compare->add_option("A", v_a)->required();
  v_compare->add_option("B", v_b)->required();
  auto* v_satisfies = version->add_subcommand("satisfies", "Print true/false: does VERSION satisfy CONSTRAINT under SCHEME");
  v_satisfies->add_option("SCHEME", v_scheme)->required();
  v_satisfies->add_option("VERSION", v_a)->required();
  v_satisfies->add_option("CONSTRAINT", v_b)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitError;
  }
  log::SetLevel(global.debug ? log::Level::kDebug : global.quiet ? log::Level::kError : log::Level::kWarn);

  if (*image) return RunInventory(image_flags, std::nullopt);
  if (*sbom) return RunInventory(sbom_flags, std::nullopt);
  if (*rootfs) {
    if (rootfs_flags.target.find(':') == std::string::npos) rootfs_flags.target = "dir:" + rootfs_flags.target;
    return RunInventory(rootfs_flags, source::TargetKind::kRootfs);
  }
  if (*v_compare) return apps::RunVersionCompare(v_scheme, v_a, v_b, std::cout, std::cerr);
  if (*v_satisfies) return apps::RunVersionSatisfies(v_scheme, v_a, v_b, std::cout, std::cerr);
  if (*version) {
    std::cout << "hullscan " << HULLSCAN_VERSION << "\n";
    return 0;
  }
  std::cout << app.help();
  return 0;
}
