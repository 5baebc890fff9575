#include "apps/cmd_scan.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "apps/cmd_db.h"
#include "apps/cmd_sign.h"
#include "apps/fail.h"
#include "apps/progress_display.h"
#include "base/log.h"
#include "base/strings.h"
#include "bom/bom.h"
#include "cache/layer_cache.h"
#include "checks/iac/config_scan.h"
#include "checks/image/image_checks.h"
#include "checks/secret/secret.h"
#include "io/reader.h"
#include "match/matcher.h"
#include "policy/policy.h"
#include "policy/policy_file.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "vulndb/store.h"

#ifndef HULLSCAN_VERSION
#define HULLSCAN_VERSION "0.0.0"
#endif

namespace hullscan::apps {
namespace {

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
  // Only a regular file (or a new one) is replaced atomically. Anything else — /dev/null, a FIFO, a
  // terminal — is written in place: renaming over it would replace the device with a file.
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    if (std::filesystem::is_directory(status)) return InvalidArgument("--output " + path + " is a directory");
    std::ofstream out(path, std::ios::binary);
    out << data;
    out.flush();
    return out ? OkStatus() : IoError("cannot write " + path);
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

Result<std::set<vulndb::SeverityLevel>> ParseSeverities(const std::string& text) {
  std::set<vulndb::SeverityLevel> out;
  if (text.empty()) return out;
  for (std::string_view part : Split(text, ',')) {
    part = TrimSpace(part);
    if (part.empty()) continue;
    vulndb::SeverityLevel level = vulndb::ParseSeverity(part);
    if (level == vulndb::SeverityLevel::kUnknown && ToLower(part) != "unknown")
      return InvalidArgument("--severity: unknown severity " + QuoteForMessage(part) +
                             " (use UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL)");
    out.insert(level);
  }
  return out;
}

Result<policy::Options> PolicyOptions(const ScanFlags& flags) {
  policy::Options o;
  HS_ASSIGN_OR_RETURN(o.severities, ParseSeverities(flags.severity));
  o.ignore_unfixed = flags.ignore_unfixed;
  o.ignore_statuses = flags.ignore_status;
  for (const std::string& s : o.ignore_statuses) {
    vulndb::FixState state;
    if (!vulndb::ParseFixState(s, state))
      return InvalidArgument("--ignore-status: unknown status " + QuoteForMessage(s) +
                             " (use fixed, affected, will_not_fix, deferred, end_of_life)");
  }
  o.exit_code = flags.exit_code;
  if (!flags.fail_on.empty()) {
    vulndb::SeverityLevel level = vulndb::ParseSeverity(flags.fail_on);
    if (level == vulndb::SeverityLevel::kUnknown && ToLower(flags.fail_on) != "unknown")
      return InvalidArgument("--fail-on: unknown severity " + QuoteForMessage(flags.fail_on));
    o.fail_on = level;
  }
  HS_ASSIGN_OR_RETURN(o.sort_by, policy::ParseSortBy(flags.sort_by));
  std::string ignorefile = flags.ignorefile;
  std::error_code ec;
  if (ignorefile.empty() && std::filesystem::is_regular_file(".hullscanignore", ec)) ignorefile = ".hullscanignore";
  if (!ignorefile.empty()) {
    HS_ASSIGN_OR_RETURN(o.ignores, policy::LoadIgnoreFile(ignorefile));
  }
  for (const std::string& v : flags.vex) {
    HS_ASSIGN_OR_RETURN(auto doc, policy::LoadVexFile(v));
    o.vex.push_back(std::move(doc));
  }
  return o;
}

// The feeds a database holds, by kind, for the report's provenance.
std::vector<std::string> DbSources(const vulndb::DbInfo& info) {
  std::set<std::string> out;
  for (const auto& f : info.feeds) out.insert(f.format);
  return {out.begin(), out.end()};
}

// An SBOM file given where an image could be: a regular file whose first bytes are a CycloneDX or
// SPDX JSON document.
bool IsSbomFile(const std::string& text) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(text, ec)) return false;
  auto reader = io::OpenFile(text);
  if (!reader.ok()) return false;
  std::string head(65536, '\0');
  size_t have = 0;
  while (have < head.size()) {
    auto n = (*reader)->Read(head.data() + have, head.size() - have);
    if (!n.ok() || *n == 0) break;
    have += *n;
  }
  head.resize(have);
  return bom::LooksLikeSbom(head);
}

// SBOMs are read whole; a bill of materials for a large image is a few MiB.
constexpr uint64_t kMaxSbomBytes = uint64_t{256} << 20;

}  // namespace

Result<net::RegistryOptions> RegistryOptionsFromFlags(const ScanFlags& flags) {
  net::RegistryOptions o;
  if (!flags.username.empty()) o.credentials.username = flags.username;
  if (!flags.password.empty()) o.credentials.password = flags.password;
  if (flags.password_stdin) {
    if (!flags.password.empty()) return InvalidArgument("--password and --password-stdin are mutually exclusive");
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    o.credentials.password = std::move(line);
  }
  if (o.credentials.password && !o.credentials.username)
    return InvalidArgument("a password needs --username");
  if (!flags.registry_token.empty()) o.credentials.registry_token = flags.registry_token;
  o.ca_file = flags.cacert;
  o.insecure = flags.insecure;
  o.plain_http = flags.plain_http;
  return o;
}

struct ScanSession::State {
  Command command;
  ScanFlags flags;
  report::Format format = report::Format::kTable;
  bool vuln = false;
  bool config = false;  // image config and filesystem checks
  bool secret = false;
  std::shared_ptr<const checks::secret::Scanner> secret_scanner;
  std::optional<policy::PolicyFile> policy_file;
  policy::Options policy;
  std::unique_ptr<vulndb::Store> store;
  std::unique_ptr<cache::LayerCache> cache;
  net::RegistryOptions registry;
};

ScanSession::ScanSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
ScanSession::~ScanSession() = default;
const net::RegistryOptions& ScanSession::registry_options() const { return state_->registry; }

Result<std::unique_ptr<ScanSession>> ScanSession::Create(Command command, ScanFlags flags) {
  auto st = std::make_unique<State>();
  st->command = command;
  HS_ASSIGN_OR_RETURN(st->format, report::ParseFormat(flags.format));
  std::string scanners = flags.scanners;
  // What runs: image and rootfs scan for vulnerabilities by default; `sbom` writes a bill of
  // materials unless asked for vulnerabilities too (or given an SBOM to scan).
  std::string text = flags.input.empty() ? flags.target : flags.input;
  bool sbom_input = command == Command::kScanSbom || (command != Command::kRootfs && IsSbomFile(text));
  // Defaults as Trivy's: images get every scanner, root filesystems and projects vulnerabilities
  // and secrets; `sbom` none (unless given an SBOM to scan); an SBOM has no files to check.
  if (scanners.empty()) {
    if (sbom_input) scanners = "vuln";
    else if (command == Command::kSbom) scanners = "none";
    else if (command == Command::kRootfs) scanners = "vuln,secret";
    else scanners = "vuln,config,secret";
  }
  for (std::string_view sc : Split(scanners, ',')) {
    sc = TrimSpace(sc);
    if (sc == "vuln") st->vuln = true;
    else if (sc == "config" || sc == "misconfig") st->config = true;
    else if (sc == "secret") st->secret = true;
    else if (sc != "none" && !sc.empty())
      return InvalidArgument("--scanners: unknown scanner " + QuoteForMessage(sc) + " (use vuln, config, secret, none)");
  }
  if (sbom_input) st->config = st->secret = false;
  if (st->format == report::Format::kSarif && !st->vuln && !st->config && !st->secret)
    return InvalidArgument("sarif reports findings: use it with --scanners vuln, config or secret");
  if (st->vuln || st->config || st->secret) {
    HS_ASSIGN_OR_RETURN(st->policy, PolicyOptions(flags));
  }
  if (st->secret) {
    checks::secret::Config config;
    std::string config_path = flags.secret_config;
    std::error_code ec;
    if (config_path.empty() && std::filesystem::is_regular_file("hullscan-secret.yaml", ec)) config_path = "hullscan-secret.yaml";
    if (!config_path.empty()) {
      HS_ASSIGN_OR_RETURN(config, checks::secret::LoadConfig(config_path));
    }
    HS_ASSIGN_OR_RETURN(st->secret_scanner, checks::secret::Scanner::Create(config));
  }
  if (!flags.policy_file.empty()) {
    HS_ASSIGN_OR_RETURN(st->policy_file, policy::LoadPolicyFile(flags.policy_file));
  }
  if (st->vuln) {
    // Open the DB before the (longer) image scan, so a missing DB fails fast.
    std::filesystem::path db_path = flags.db.empty() ? DefaultDbPath() : std::filesystem::path(flags.db);
    auto opened = vulndb::Store::Open(db_path);
    if (!opened.ok()) {
      if (opened.error().code() == ErrorCode::kNotFound) {
        return NotFound("no vulnerability database at " + db_path.string() +
                        ": run `hullscan db update` (downloads the public feeds), or `hullscan db build --from "
                        "DIR` with feed files you have; or scan with --scanners none for an SBOM only");
      }
      return std::move(opened).error();
    }
    st->store = std::move(*opened);
  }
  HS_ASSIGN_OR_RETURN(st->registry, RegistryOptionsFromFlags(flags));
  if (!flags.no_cache) {
    std::filesystem::path dir = flags.cache_dir.empty() ? cache::DefaultCacheDir() : std::filesystem::path(flags.cache_dir);
    auto opened = cache::LayerCache::Open(dir);
    // The cache saves time; it never decides a scan: without it, layers are simply read.
    if (opened.ok()) st->cache = std::move(*opened);
    else log::Warn("layer cache unavailable, scanning without it: {}", opened.error().message());
  }
  st->flags = std::move(flags);
  return std::unique_ptr<ScanSession>(new ScanSession(std::move(st)));
}

Result<ScanOutcome> ScanSession::Scan(const std::string& text, std::shared_ptr<net::RegistryClient> client,
                                      scan::Progress* progress, scan::SharedLayers* shared_layers,
                                      const report::SignatureStatus* signature) {
  const State& st = *state_;
  const Command command = st.command;
  const ScanFlags& flags = st.flags;
  bool sbom_input = command == Command::kScanSbom || (command != Command::kRootfs && IsSbomFile(text));

  inventory::Inventory inventory;
  if (sbom_input) {
    HS_ASSIGN_OR_RETURN(std::string content, io::ReadFile(text, kMaxSbomBytes));
    HS_ASSIGN_OR_RETURN(inventory, bom::ReadSbom(content, text));
  } else {
    HS_ASSIGN_OR_RETURN(source::Target target, source::ParseTarget(text));
    if (command == Command::kRootfs && target.kind != source::TargetKind::kRootfs)
      return InvalidArgument(text + " is not a directory (rootfs needs a root filesystem directory)");
    if (command != Command::kRootfs && target.kind == source::TargetKind::kRootfs && !flags.input.empty())
      return InvalidArgument(text + " is a directory: --input takes an image archive; use `hullscan rootfs DIR`");
    scan::Options options;
    if (!flags.platform.empty()) {
      HS_ASSIGN_OR_RETURN(options.platform, oci::Platform::Parse(flags.platform));
    }
    if (!flags.max_layer_size.empty()) {
      HS_ASSIGN_OR_RETURN(options.limits.max_layer_bytes, ParseSize(flags.max_layer_size));
    }
    options.parallelism = flags.parallelism;
    options.registry = st.registry;
    options.registry_client = std::move(client);
    options.cache = st.cache.get();
    options.progress = progress;
    options.shared_layers = shared_layers;
    if (st.config) options.extra_analyzers.push_back([] { return checks::image::NewFileFactsAnalyzer(); });
    if (st.secret) {
      auto scanner = st.secret_scanner;
      options.extra_analyzers.push_back([scanner] { return checks::secret::NewSecretAnalyzer(scanner); });
    }
    HS_ASSIGN_OR_RETURN(inventory, scan::BuildInventory(target, options));
  }
  for (const auto& d : inventory.diagnostics)
    log::Warn("{}{}{}", d.path.empty() ? "" : d.path, d.path.empty() ? "" : ": ", d.message);

  if (st.vuln || st.config || st.secret) {
    // Once, whichever kind of finding a rule was meant for.
    HS_ASSIGN_OR_RETURN(auto expired, policy::ExpiredRules(st.policy));
    for (const auto& rule : expired) log::Warn("{}: ignore rule for {} expired on {}", rule.origin, rule.id, rule.expires);
  }
  ScanOutcome outcome;
  outcome.packages = inventory.packages.size();
  outcome.manifest_digest = inventory.artifact.manifest_digest;
  report::ScanReport scan_report;
  scan_report.inventory = &inventory;
  scan_report.signature = signature;
  policy::Evaluated evaluated;
  if (st.vuln) {
    HS_ASSIGN_OR_RETURN(auto matched, match::MatchInventory(*st.store, inventory));
    for (const auto& note : matched.notes) log::Warn("{}", note);
    HS_ASSIGN_OR_RETURN(evaluated, policy::Apply(st.policy, std::move(matched.findings)));
    scan_report.findings = &evaluated.findings;
    scan_report.scanners = {"vuln"};
    auto info = st.store->Info();
    scan_report.db = {info.built_at, DbSources(info)};
    outcome.summary = evaluated.summary;
  }

  policy::CheckEvaluation checked;
  if (st.config || st.secret) {
    checks::image::Options check_options;
    check_options.config = st.config;
    check_options.filesystem = st.config;
    check_options.secrets = st.secret;
    check_options.scanner = st.secret_scanner.get();
    check_options.image_ref = text;
    std::vector<checks::Finding> found = checks::image::CheckImage(inventory, check_options);
    HS_ASSIGN_OR_RETURN(checked, policy::ApplyChecks(st.policy, std::move(found)));
    scan_report.checks = &checked.findings;
    if (st.config) scan_report.scanners.push_back("config");
    if (st.secret) scan_report.scanners.push_back("secret");
    outcome.check_summary = checked.summary;
  }
  int policy_code = 0;
  if (st.policy_file) {
    policy::PolicyVerdict verdict = policy::EvaluatePolicy(*st.policy_file, inventory, evaluated.findings, checked.findings);
    for (const auto& v : verdict.violations) std::cerr << "hullscan: policy " << v.rule << ": " << v.message << "\n";
    for (const auto& v : verdict.not_applicable) log::Info("policy {}: not applicable: {}", v.rule, v.message);
    policy_code = policy::PolicyExitCode(verdict, st.policy.exit_code);
  }

  report::Options ropts;
  ropts.tool_version = HULLSCAN_VERSION;
  ropts.timestamp = report::ReportTimestamp();
  ropts.color = flags.output.empty() && ::isatty(STDOUT_FILENO);
  std::ostringstream out;
  HS_TRY(report::WriteReport(scan_report, st.format, ropts, out));
  outcome.report = std::move(out).str();
  outcome.exit_code = policy::CombineExitCodes({evaluated.exit_code, checked.exit_code, policy_code});
  return outcome;
}

int RunConfig(ScanFlags flags) {
  if (flags.target.empty()) return Fail(InvalidArgument("config needs a PATH (a Dockerfile, a manifest or a folder)"));
  auto format = report::ParseFormat(flags.format);
  if (!format.ok()) return Fail(format.error());
  if (*format == report::Format::kCycloneDx || *format == report::Format::kSpdxJson)
    return Fail(InvalidArgument("config findings are written as table, json or sarif"));
  auto options = PolicyOptions(flags);
  if (!options.ok()) return Fail(options.error());
  auto scanned = checks::iac::ScanConfigPath(flags.target);
  if (!scanned.ok()) return Fail(scanned.error());
  // A single file that cannot be parsed is the error; in a folder, such files are warnings.
  std::error_code ec;
  if (std::filesystem::is_regular_file(flags.target, ec) && !scanned->file_errors.empty())
    return Fail(scanned->file_errors.front());
  for (const auto& e : scanned->file_errors) log::Warn("{}", e.message());
  auto checked = policy::ApplyChecks(*options, std::move(scanned->findings));
  if (!checked.ok()) return Fail(checked.error());
  for (const auto& rule : checked->expired_rules)
    log::Warn("{}: ignore rule for {} expired on {}", rule.origin, rule.id, rule.expires);
  inventory::Inventory inventory;
  inventory.artifact.kind = inventory::ArtifactKind::kRootfs;
  inventory.artifact.name = flags.target;
  report::ScanReport scan_report;
  scan_report.inventory = &inventory;
  scan_report.checks = &checked->findings;
  scan_report.scanners = {"config"};
  report::Options ropts;
  ropts.tool_version = HULLSCAN_VERSION;
  ropts.timestamp = report::ReportTimestamp();
  ropts.color = flags.output.empty() && ::isatty(STDOUT_FILENO);
  std::ostringstream out;
  Status written = report::WriteReport(scan_report, *format, ropts, out);
  if (!written.ok()) return Fail(written.error());
  Status saved = WriteOutput(flags.output, out.str());
  if (!saved.ok()) return Fail(saved.error());
  return checked->exit_code;
}

int RunScan(Command command, ScanFlags flags) {
  std::string text = flags.input.empty() ? flags.target : flags.input;
  if (text.empty()) return Fail(InvalidArgument("no target: give an image, a path, or --input FILE"));
  const std::string output = flags.output;
  const bool show_progress = !flags.quiet;
  std::optional<report::SignatureStatus> signature;
  if (flags.require_signature) {
    // Before anything is downloaded or scanned: an image without a valid signature is not looked at.
    auto verified = RequireSignature(text, flags.signature_key, flags);
    if (!verified.ok()) return Fail(verified.error());
    log::Info("{}: signature verified", text);
    signature = std::move(verified).value();
  }
  auto session = ScanSession::Create(command, std::move(flags));
  if (!session.ok()) return Fail(session.error());
  scan::Progress progress;
  std::optional<ProgressDisplay> display;
  if (show_progress) display.emplace(progress, "");
  auto outcome = (*session)->Scan(text, nullptr, &progress, nullptr, signature ? &*signature : nullptr);
  display.reset();  // clears the progress line before anything else is printed
  if (!outcome.ok()) return Fail(outcome.error());
  Status saved = WriteOutput(output, outcome->report);
  if (!saved.ok()) return Fail(saved.error());
  return outcome->exit_code;
}

}  // namespace hullscan::apps
