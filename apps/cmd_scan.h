// `hullscan image|rootfs|sbom|scan-sbom`: target → inventory → (vulnerability matching → policy) → report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "base/status.h"
#include "net/registry.h"
#include "policy/policy.h"
#include "report/report.h"
#include "policy/policy_file.h"
#include "scan/progress.h"
#include "scan/shared_layers.h"
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
  // Registry images (Trivy's flag names where it has them).
  std::string username;          // --username
  std::string password;          // --password (visible in `ps`: prefer --password-stdin or HULLSCAN_REGISTRY_PASSWORD)
  bool password_stdin = false;   // --password-stdin
  std::string registry_token;    // --registry-token
  bool insecure = false;         // --insecure: the target's registry only
  bool plain_http = false;       // --plain-http
  std::string cacert;            // --cacert
  std::string cache_dir;         // --cache-dir; empty = cache::DefaultCacheDir()
  bool no_cache = false;         // --no-cache
  bool quiet = false;            // -q: no progress display
  // Checks (issue 7).
  std::string secret_config;     // --secret-config: custom/allow secret rules (Trivy's trivy-secret.yaml format)
  std::string policy_file;       // --policy: requirements (non-root, no secrets, max severity, labels)
  // Signatures (issue 8): verify before scanning, fail closed.
  bool require_signature = false;  // --require-signature
  std::string signature_key;       // --key PUBLIC_KEY
};

enum class Command { kImage, kRootfs, kSbom, kScanSbom };

// Runs a scan command and returns the process exit code (0 pass, the gate's code when findings
// fail it, 2 on errors).
int RunScan(Command command, ScanFlags flags);

// What one target's scan gives, for commands that scan many (`registry scan`).
struct ScanOutcome {
  std::string report;  // the rendered report
  int exit_code = 0;   // the gate's verdict (0 pass)
  size_t packages = 0;
  policy::Summary summary;  // empty when no vulnerability scan ran
  policy::Summary check_summary;  // empty when no check scanner ran
  std::string manifest_digest;
};

// Everything a scan needs that does not depend on the target: the parsed format, the policy,
// the open vulnerability DB, the layer cache. One per thread (the DB handle is not shared).
class ScanSession {
 public:
  static Result<std::unique_ptr<ScanSession>> Create(Command command, ScanFlags flags);
  ~ScanSession();
  // Scans one target (`text` as the IMAGE argument) and renders the report. `client`: a
  // registry client to share across targets (may be null); `progress`: counters to update.
  // `shared_layers`: layers in flight shared with other sessions' concurrent scans (may be null).
  // `signature`: the verdict of a signature gate, for the report (may be null).
  Result<ScanOutcome> Scan(const std::string& text, std::shared_ptr<net::RegistryClient> client,
                           scan::Progress* progress, scan::SharedLayers* shared_layers = nullptr,
                           const report::SignatureStatus* signature = nullptr);
  const net::RegistryOptions& registry_options() const;

 private:
  struct State;
  explicit ScanSession(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Registry connection options from the flags (reads the password from stdin when asked).
Result<net::RegistryOptions> RegistryOptionsFromFlags(const ScanFlags& flags);

// `hullscan config PATH`: Dockerfiles and Kubernetes manifests under PATH, through the policy
// (severity, ignore file, gates) into a table, JSON or SARIF report. Returns the exit code.
int RunConfig(ScanFlags flags);

}  // namespace hullscan::apps
