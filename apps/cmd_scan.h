// `hullscan image|rootfs|sbom|scan-sbom`: target → inventory → (vulnerability matching → policy) → report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "source/source.h"

namespace hullscan::apps {

struct ScanFlags {
  std::string target;
  std::string input;
  std::string format = "table";
  std::string output;
  std::string platform;
  std::string max_layer_size;
  int parallelism = 0;
  // Vulnerability scanning.
  std::string scanners;  // "vuln" or "none"; empty = the command's default
  std::string db;        // database file; empty = DefaultDbPath()
  std::string severity;  // "CRITICAL,HIGH"
  bool ignore_unfixed = false;
  std::vector<std::string> ignore_status;
  int exit_code = 0;
  std::string fail_on;
  std::string ignorefile;  // empty: ./.hullscanignore when present
  std::vector<std::string> vex;
  std::string sort_by = "severity";
};

enum class Command { kImage, kRootfs, kSbom, kScanSbom };

// Runs a scan command and returns the process exit code (0 pass, the gate's code when findings
// fail it, 2 on errors).
int RunScan(Command command, ScanFlags flags);

}  // namespace hullscan::apps
