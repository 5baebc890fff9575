// Secret scanning of file contents: built-in rules modelled on Trivy's (same rule ids), custom
// rules and allow rules from a trivy-secret.yaml, a one-pass keyword prefilter (Hyperscan) and
// exact patterns (RE2, linear time). Secrets are masked in every hit: SecretHit::match never
// holds the secret, and neither do errors or logs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"
#include "base/status.h"
#include "inventory/layer_result.h"

namespace hullscan::checks::secret {

// Skips a region of the content (a rule's or the whole config's): hits inside a match of any of
// `regexes` are dropped (Trivy's exclude-block).
struct ExcludeBlock {
  std::string description;
  std::vector<std::string> regexes;
  friend bool operator==(const ExcludeBlock&, const ExcludeBlock&) = default;
};

struct AllowRule {
  std::string id;
  std::string description;
  std::string regex;  // RE2 syntax, on the whole match text; empty: none
  std::string path;   // RE2 syntax, on the path relative to the root ("app/.env"); empty: none
  friend bool operator==(const AllowRule&, const AllowRule&) = default;
};

struct Rule {
  std::string id;        // "aws-access-key-id"
  std::string category;  // "AWS"
  std::string title;     // "AWS Access Key ID"
  std::string severity;  // CRITICAL | HIGH | MEDIUM | LOW (empty: UNKNOWN)
  // Case-insensitive literals; the regex runs only on content holding one of them. Empty: always.
  std::vector<std::string> keywords;
  std::string regex;         // RE2 syntax, bytes (Latin-1) semantics
  std::string secret_group;  // named group holding the secret (masked); empty: the whole match
  std::string path;          // optional: the rule applies only to paths matching this regex
  std::vector<AllowRule> allow_rules;
  ExcludeBlock exclude_block;
  friend bool operator==(const Rule&, const Rule&) = default;
};

// A trivy-secret.yaml. Built-in rules and allow rules apply unless disabled.
struct Config {
  std::vector<Rule> custom_rules;                 // "rules"
  std::vector<AllowRule> allow_rules;             // "allow-rules" (added to the built-in ones)
  std::vector<std::string> enable_builtin_rules;  // "enable-builtin-rules": only these built-ins (empty: all)
  std::vector<std::string> disable_rules;         // "disable-rules": rule ids, built-in or custom
  std::vector<std::string> disable_allow_rules;   // "disable-allow-rules": allow-rule ids
  ExcludeBlock exclude_block;                     // "exclude-block"
  friend bool operator==(const Config&, const Config&) = default;
};

// Reads Trivy's trivy-secret.yaml format. Regexes are checked by Scanner::Create, not here.
Result<Config> LoadConfig(const std::filesystem::path& yaml);
Result<Config> ParseConfig(std::string_view yaml_text);

// The built-in rules and allow rules (ids as Trivy's where Trivy has the rule).
const std::vector<Rule>& BuiltinRules();
const std::vector<AllowRule>& BuiltinAllowRules();

class Scanner {
 public:
  // Compiles the effective rule set; a bad regex or severity is an InvalidArgument naming the rule.
  static Result<std::shared_ptr<const Scanner>> Create(const Config& config);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // True for paths never scanned: allow-listed paths, binary-ish extensions, lock files, .git/
  // and node_modules/. `path` is relative to the root, no leading '/'.
  bool SkipsPath(std::string_view path) const;
  // The hits in one file, sorted by line then rule id. Content with a NUL byte in its first 8 KiB
  // is binary and yields nothing. Thread-safe.
  std::vector<inventory::SecretHit> Scan(std::string_view path, std::string_view content) const;
  // Identifies the effective rules and allow rules; changes whenever they do.
  std::string Fingerprint() const;
  size_t RuleCount() const;

  struct Impl;

 private:
  explicit Scanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Files larger than this are not scanned.
inline constexpr int64_t kMaxScannedFileSize = int64_t{10} << 20;

// The secret analyzer: AnalyzesEachFile(); wants regular files of 10 bytes to kMaxScannedFileSize
// that the scanner does not skip; appends SecretHits to LayerResult::secrets. Name()
// "secret-<fingerprint>", so that the layer cache tells rule sets apart.
std::unique_ptr<analyze::Analyzer> NewSecretAnalyzer(std::shared_ptr<const Scanner> scanner);

}  // namespace hullscan::checks::secret
