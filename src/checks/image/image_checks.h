// Checks on a built image: its config (user, ENV, HEALTHCHECK, history, ports, volumes), its files
// (setuid/setgid, world-writable, accounts, leftovers, package caches) and the secrets found in
// its layers, as checks::Finding. Rule ids, severities and their Dockle counterparts: the table at
// the top of image_checks.cc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analyze/analyzer.h"
#include "checks/finding.h"
#include "inventory/inventory.h"

namespace hullscan::checks::secret {
class Scanner;
}  // namespace hullscan::checks::secret

namespace hullscan::checks::image {

// The "file-facts" analyzer. Its Observer() records, for every entry of a layer, the notable ones
// into LayerResult::notable_files: setuid/setgid files, world-writable files and directories
// without the sticky bit, leftovers by name (.git/, .DS_Store, private keys and credential files
// such as id_rsa, *.pem, .env, .npmrc, .netrc, .aws/credentials) and package-manager caches
// (apt lists, apt archives, the apk cache). Wants()/Analyze() read etc/passwd, etc/group and
// etc/shadow into LayerResult::os_files; password hashes never get there: each shadow line becomes
// "name:<marker>" (marker "empty", "locked" or "set"), and a password field of passwd other than
// "x", empty or locked becomes "set".
std::unique_ptr<analyze::Analyzer> NewFileFactsAnalyzer();

struct Options {
  bool config = true;      // checks on the image config (user, ENV, history, ports, volumes, tag)
  bool filesystem = true;  // checks on notable files and account databases
  bool secrets = true;     // Inventory::secrets, and secrets in ENV, labels and history
  // Finds secret values in ENV, label and history text; may be null (key names only then).
  const secret::Scanner* scanner = nullptr;
  std::string image_ref;  // the image as the user named it, for the `latest` tag check
};

// Every finding for an inventory built with NewFileFactsAnalyzer (and the secret analyzer), in
// SortFindings order. Config checks are skipped when the inventory has no image config (a root
// filesystem); filesystem checks need the file-facts analyzer's output, or find nothing.
std::vector<Finding> CheckImage(const inventory::Inventory& inventory, const Options& options);

}  // namespace hullscan::checks::image
