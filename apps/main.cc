// hullscan: flags → options → scanner → report writer. No logic lives here beyond that mapping.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/cmd_db.h"
#include "apps/cmd_registry.h"
#include "apps/cmd_scan.h"
#include "apps/cmd_sign.h"
#include "apps/cmd_version.h"
#include "apps/fail.h"
#include "base/log.h"
#include "base/status.h"
#include "cache/layer_cache.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "source/source.h"

#ifndef HULLSCAN_VERSION
#define HULLSCAN_VERSION "0.0.0"
#endif

namespace hullscan {
namespace {


struct GlobalFlags {
  bool quiet = false;
  bool debug = false;
};

using apps::ScanFlags;

// Vulnerability scanning, filters and gates (Trivy's flag names).
void AddVulnFlags(CLI::App* cmd, ScanFlags& flags) {
  cmd->add_option("--scanners", flags.scanners,
                  "What to scan for, comma-separated: vuln, config, secret, or none for packages only "
                  "(default: image vuln,config,secret; rootfs/fs vuln,secret; sbom none)");
  cmd->add_option("--secret-config", flags.secret_config, "Secret rules: custom rules, allow rules, disabled rules (YAML; default ./hullscan-secret.yaml)");
  cmd->add_option("--policy", flags.policy_file, "Policy file (YAML): require_non_root, forbid_secrets, max_severity, required_labels");
  cmd->add_option("--db", flags.db, "Vulnerability database (default: $HULLSCAN_DB or the cache dir; see `hullscan db path`)");
  cmd->add_option("-s,--severity", flags.severity, "Severities to report, e.g. CRITICAL,HIGH (default: all)");
  cmd->add_flag("--ignore-unfixed", flags.ignore_unfixed, "Report only vulnerabilities with a released fix");
  cmd->add_option("--ignore-status", flags.ignore_status, "Drop findings with this fix status (affected, will_not_fix, deferred, end_of_life)")
      ->delimiter(',');
  cmd->add_option("--exit-code", flags.exit_code, "Exit with this code when findings remain after filters (default 0)");
  cmd->add_option("--fail-on", flags.fail_on, "Fail (exit 1, or --exit-code) on a finding at least this severe");
  cmd->add_option("--ignorefile", flags.ignorefile, "Ignore file (.hullscanignore/.trivyignore line format, or .yaml); default ./.hullscanignore");
  cmd->add_option("--vex", flags.vex, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)");
  cmd->add_option("--sort-by", flags.sort_by, "Order of findings: severity, epss, kev, id, package")->capture_default_str();
}

// Registry access and the layer cache (Trivy's flag names where it has them).
void AddRegistryFlags(CLI::App* cmd, ScanFlags& flags) {
  cmd->add_option("--username", flags.username, "Registry user name (also HULLSCAN_REGISTRY_USERNAME; default: docker/podman credentials)");
  cmd->add_option("--password", flags.password, "Registry password (visible to other users: prefer --password-stdin or HULLSCAN_REGISTRY_PASSWORD)");
  cmd->add_flag("--password-stdin", flags.password_stdin, "Read the registry password from standard input");
  cmd->add_option("--registry-token", flags.registry_token, "Bearer token to send to the registry as is");
  cmd->add_option("--cacert", flags.cacert, "CA bundle to verify the registry's TLS certificate (default: the system store)");
  cmd->add_flag("--insecure", flags.insecure, "Skip TLS verification (and allow plain HTTP) for this image's registry");
  cmd->add_flag("--plain-http", flags.plain_http, "Talk plain HTTP to the registry");
  cmd->add_option("--cache-dir", flags.cache_dir, "Layer analysis cache directory (default: $HULLSCAN_CACHE_DIR or ~/.cache/hullscan)");
  cmd->add_flag("--no-cache", flags.no_cache, "Do not read or write the layer analysis cache");
}

void AddScanFlags(CLI::App* cmd, ScanFlags& flags, bool with_input) {
  cmd->add_option("-f,--format", flags.format, "Output format: table, json, cyclonedx, spdx-json, sarif")
      ->capture_default_str();
  cmd->add_option("-o,--output", flags.output, "Write the report to FILE (written whole, or not at all)");
  if (with_input) {
    cmd->add_option("--input", flags.input, "Image archive to scan (docker-archive or OCI tar)");
    cmd->add_option("--platform", flags.platform, "Platform to select from a multi-platform image (os/arch[/variant])");
    AddRegistryFlags(cmd, flags);
  }
  cmd->add_option("--max-layer-size", flags.max_layer_size,
                  "Refuse layers that expand beyond this size (e.g. 8GiB; default 32GiB)");
  cmd->add_option("--parallel", flags.parallelism, "Layers analysed at once (default: one per core)");
  AddVulnFlags(cmd, flags);
}

}  // namespace
}  // namespace hullscan

int main(int argc, char** argv) {
  using namespace hullscan;
  CLI::App app{"hullscan: container image scanner — SBOMs, known vulnerabilities, secrets and misconfigurations of images (local or in registries), root filesystems and manifests; image signing and verification"};
  app.require_subcommand(0, 1);
  app.fallthrough();  // global flags (-q, --debug) also after the subcommand, as in Trivy
  GlobalFlags global;
  app.add_flag("-q,--quiet", global.quiet, "Print errors only");
  app.add_flag("-d,--debug", global.debug, "Print debug logs");
  app.set_version_flag("-v,--version", std::string("hullscan ") + HULLSCAN_VERSION);

  ScanFlags image_flags, sbom_flags, rootfs_flags;
  auto* image = app.add_subcommand("image", "Scan a container image (registry, archive or OCI layout): vulnerabilities, secrets, misconfigurations");
  image->add_flag("--require-signature", image_flags.require_signature,
                  "Verify the image's signature with --key before scanning; fail (exit 2) without a valid one");
  image->add_option("--key", image_flags.signature_key, "Public key for --require-signature (cosign/skopeo PEM)");
  image->add_option("IMAGE", image_flags.target,
                    "Image: a registry reference (alpine:3.20, registry:5000/team/app@sha256:…, docker://REF), "
                    "docker-archive:FILE[:tag], oci-archive:FILE[:ref], oci:DIR[:ref], or a path");
  AddScanFlags(image, image_flags, /*with_input=*/true);

  auto* sbom = app.add_subcommand("sbom", "Write a bill of materials (CycloneDX, SPDX, JSON, table) for a target");
  sbom->add_option("TARGET", sbom_flags.target,
                   "Image archive, OCI layout or root filesystem: docker-archive:FILE, oci:DIR[:ref], dir:PATH, or a path");
  AddScanFlags(sbom, sbom_flags, /*with_input=*/true);

  auto* rootfs = app.add_subcommand("rootfs", "Scan an unpacked root filesystem for vulnerabilities");
  rootfs->add_option("DIR", rootfs_flags.target, "Root filesystem directory")->required();
  AddScanFlags(rootfs, rootfs_flags, /*with_input=*/false);

  ScanFlags fs_flags;
  auto* fs = app.add_subcommand("fs", "Scan a project directory (lockfiles and manifests, as `trivy fs`) for vulnerabilities");
  fs->add_option("PATH", fs_flags.target, "Project directory")->required();
  AddScanFlags(fs, fs_flags, /*with_input=*/false);

  ScanFlags scan_sbom_flags;
  auto* scan_sbom = app.add_subcommand("scan-sbom", "Scan a CycloneDX or SPDX JSON SBOM for vulnerabilities (as `trivy sbom`)");
  scan_sbom->add_option("FILE", scan_sbom_flags.target, "CycloneDX or SPDX 2.x JSON document")->required();
  scan_sbom->add_option("-f,--format", scan_sbom_flags.format, "Output format: table, json, cyclonedx, spdx-json, sarif")
      ->capture_default_str();
  scan_sbom->add_option("-o,--output", scan_sbom_flags.output, "Write the report to FILE (written whole, or not at all)");
  AddVulnFlags(scan_sbom, scan_sbom_flags);

  apps::RegistryScanFlags registry_flags;
  auto* registry = app.add_subcommand("registry", "Scan the images of a whole registry");
  registry->require_subcommand(1);
  auto* registry_scan = registry->add_subcommand(
      "scan", "Scan every repository (or those matching --repo) and their tags; one report per image and a summary");
  registry_scan->add_option("REGISTRY", registry_flags.registry, "Registry host[:port]")->required();
  registry_scan->add_option("--repo", registry_flags.repos, "Only repositories matching this glob (repeatable)");
  registry_scan->add_option("--tags", registry_flags.tags, "Tags to scan: latest, all, or N (the N highest, versions compared numerically)")
      ->capture_default_str();
  registry_scan->add_option("--concurrency", registry_flags.concurrency, "Images scanned at once")->capture_default_str();
  registry_scan->add_option("--output-dir", registry_flags.output_dir, "Folder for per-image reports: DIR/<repository>/<tag>.<ext> (default ./hullscan-reports)");
  registry_scan->add_option("--summary-format", registry_flags.summary_format, "Summary: table or json")->capture_default_str();
  registry_scan->add_option("--summary-output", registry_flags.summary_output, "Write the summary to FILE instead of standard output");
  registry_flags.scan.format = "json";
  registry_scan->add_option("-f,--format", registry_flags.scan.format, "Per-image report format: json, table, cyclonedx, spdx-json, sarif")
      ->capture_default_str();
  registry_scan->add_option("--max-layer-size", registry_flags.scan.max_layer_size, "Refuse layers that expand beyond this size");
  registry_scan->add_option("--platform", registry_flags.scan.platform, "Platform to select from multi-platform images");
  AddRegistryFlags(registry_scan, registry_flags.scan);
  AddVulnFlags(registry_scan, registry_flags.scan);

  auto* cache = app.add_subcommand("cache", "Manage the layer analysis cache");
  cache->require_subcommand(1);
  std::string cache_dir_flag;
  auto* cache_clean = cache->add_subcommand("clean", "Remove every cached layer analysis");
  cache_clean->add_option("--cache-dir", cache_dir_flag, "Cache directory (default: $HULLSCAN_CACHE_DIR or ~/.cache/hullscan)");
  auto* cache_path = cache->add_subcommand("path", "Print the cache directory");

  ScanFlags config_flags;
  auto* config = app.add_subcommand("config", "Check Dockerfiles and Kubernetes manifests (root, privileges, pinning, hygiene)");
  config->add_option("PATH", config_flags.target, "A Dockerfile, a manifest, or a folder to search")->required();
  config->add_option("-f,--format", config_flags.format, "Output format: table, json, sarif")->capture_default_str();
  config->add_option("-o,--output", config_flags.output, "Write the report to FILE (written whole, or not at all)");
  config->add_option("-s,--severity", config_flags.severity, "Severities to report, e.g. CRITICAL,HIGH (default: all)");
  config->add_option("--exit-code", config_flags.exit_code, "Exit with this code when findings remain after filters (default 0)");
  config->add_option("--fail-on", config_flags.fail_on, "Fail (exit 1, or --exit-code) on a finding at least this severe");
  config->add_option("--ignorefile", config_flags.ignorefile, "Ignore file (check ids, .trivyignore format or .yaml); default ./.hullscanignore");

  auto* key = app.add_subcommand("key", "Manage signing keys");
  key->require_subcommand(1);
  std::string key_prefix = "hullscan";
  auto* key_generate = key->add_subcommand("generate", "Generate an ECDSA P-256 key pair; the private key encrypted as cosign does");
  key_generate->add_option("--output-key-prefix", key_prefix, "Write PREFIX.key and PREFIX.pub")->capture_default_str();

  apps::SignFlags sign_flags, verify_flags;
  auto* sign = app.add_subcommand("sign", "Sign an image (by digest) as cosign does: a signature under the tag sha256-<hex>.sig");
  sign->add_option("IMAGE", sign_flags.image, "Registry reference or oci:DIR[:ref]")->required();
  sign->add_option("--key", sign_flags.key, "Private key (cosign/sigstore encrypted PEM, or plain PKCS#8)")->required();
  sign->add_option("-a,--annotations", sign_flags.annotations, "Signed annotation KEY=VALUE (repeatable)");
  sign->add_option("--reference", sign_flags.reference, "docker-reference to sign (default: the image's repository; needed for OCI layouts)");
  AddRegistryFlags(sign, sign_flags.registry);
  auto* verify = app.add_subcommand("verify", "Verify an image's signatures (cosign .sig, Sigstore bundles, Notation); exit 0 only when one is valid");
  verify->add_option("IMAGE", verify_flags.image, "Registry reference or oci:DIR[:ref]")->required();
  verify->add_option("--key", verify_flags.key, "Public key (PEM) for cosign/skopeo signatures and bundles");
  verify->add_option("-a,--annotations", verify_flags.annotations, "Required signed annotation KEY=VALUE (repeatable)");
  verify->add_option("--identity", verify_flags.identity, "Repository the signature must name (default: the image's)");
  verify->add_flag("--offline", verify_flags.offline, "Do not consult a transparency log (the default and only mode)");
  verify->add_option("--trust-policy", verify_flags.trust_policy, "Notation trustpolicy.json");
  verify->add_option("--trust-store", verify_flags.trust_store, "Notation trust store root (x509/ca/<name>/*.pem)");
  verify->add_option("-f,--format", verify_flags.format, "table or json")->capture_default_str();
  AddRegistryFlags(verify, verify_flags.registry);

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

  auto* db = app.add_subcommand("db", "Build, update and inspect the vulnerability database");
  db->require_subcommand(1);
  std::vector<std::string> db_from;
  std::string db_output, db_path_flag, db_format = "table";
  auto* db_build = db->add_subcommand("build", "Import feed files (OSV, Debian tracker, Alpine secdb, NVD, KEV, …) into a new database");
  db_build->add_option("--from", db_from, "Directory or file of feeds, in their original formats (repeatable)")->required();
  db_build->add_option("--output", db_output, "Database file to write (default: the default database location)");
  auto* db_status = db->add_subcommand("status", "Show the database's age, contents and sources");
  db_status->add_option("--db", db_path_flag, "Database file (default: $HULLSCAN_DB or the cache dir)");
  db_status->add_option("-f,--format", db_format, "table or json")->capture_default_str();
  auto* db_path = db->add_subcommand("path", "Print where the database is looked for");
  std::string db_mirror, db_cacert;
  std::vector<std::string> db_feeds;
  bool db_insecure = false;
  auto* db_update = db->add_subcommand("update", "Download the public feeds over HTTPS and swap in a new database atomically");
  db_update->add_option("--db", db_path_flag, "Database file (default: $HULLSCAN_DB or the cache dir)");
  db_update->add_option("--mirror", db_mirror, "Read the feed files from this directory or http(s) base URL (air-gapped sites)");
  db_update->add_option("--feeds", db_feeds, "Only these feeds (names or prefixes: osv, osv-go, debian, alpine, kev, epss)")
      ->delimiter(',');
  db_update->add_option("--cacert", db_cacert, "CA bundle for TLS verification (default: the system store)");
  db_update->add_flag("--insecure", db_insecure, "Do not verify TLS certificates (only for a mirror you trust)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : apps::kExitError;
  }
  log::SetLevel(global.debug ? log::Level::kDebug : global.quiet ? log::Level::kError : log::Level::kWarn);

  image_flags.quiet = sbom_flags.quiet = registry_flags.scan.quiet = global.quiet;
  if (*image) return apps::RunScan(apps::Command::kImage, image_flags);
  if (*config) return apps::RunConfig(config_flags);
  if (*key_generate) return apps::RunKeyGenerate(key_prefix, std::cout);
  if (*sign) return apps::RunSign(sign_flags, std::cout);
  if (*verify) return apps::RunVerify(verify_flags, std::cout);
  if (*registry_scan) {
    if (!global.quiet && !global.debug) log::SetLevel(log::Level::kInfo);
    return apps::RunRegistryScan(registry_flags);
  }
  if (*cache_clean) {
    std::filesystem::path dir = cache_dir_flag.empty() ? cache::DefaultCacheDir() : std::filesystem::path(cache_dir_flag);
    auto removed = cache::Clean(dir);
    if (!removed.ok()) return apps::Fail(removed.error());
    std::cout << "removed " << *removed << " cached layer analyses from " << dir.string() << "\n";
    return 0;
  }
  if (*cache_path) {
    std::cout << cache::DefaultCacheDir().string() << "\n";
    return 0;
  }
  if (*sbom) return apps::RunScan(apps::Command::kSbom, sbom_flags);
  if (*fs) {
    // A project directory is walked like a root filesystem: every analyzer reads what it finds,
    // lockfiles and manifests included.
    if (fs_flags.target.find(':') == std::string::npos) fs_flags.target = "dir:" + fs_flags.target;
    return apps::RunScan(apps::Command::kRootfs, fs_flags);
  }
  if (*scan_sbom) return apps::RunScan(apps::Command::kScanSbom, scan_sbom_flags);
  if (*rootfs) {
    if (rootfs_flags.target.find(':') == std::string::npos) rootfs_flags.target = "dir:" + rootfs_flags.target;
    return apps::RunScan(apps::Command::kRootfs, rootfs_flags);
  }
  if (*db_build) return apps::RunDbBuild(db_from, db_output.empty() ? apps::DefaultDbPath() : std::filesystem::path(db_output), std::cout);
  if (*db_update) {
    if (!global.quiet && !global.debug) log::SetLevel(log::Level::kInfo);  // progress lines
    return apps::RunDbUpdate(db_path_flag.empty() ? apps::DefaultDbPath() : std::filesystem::path(db_path_flag), db_mirror,
                             db_feeds, db_cacert, db_insecure, std::cout);
  }
  if (*db_status) return apps::RunDbStatus(db_path_flag.empty() ? apps::DefaultDbPath() : std::filesystem::path(db_path_flag), db_format, std::cout);
  if (*db_path) {
    std::cout << apps::DefaultDbPath().string() << "\n";
    return 0;
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
