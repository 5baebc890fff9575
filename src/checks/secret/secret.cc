#include "checks/secret/secret.h"

#include <hs/hs.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "base/strings.h"

namespace hullscan::checks::secret {

namespace {

// Bumped when the engine's output for the same rules changes (masking, line attribution, skips).
constexpr int kEngineVersion = 1;
// Content with a NUL byte in this many leading bytes is binary: not scanned.
constexpr size_t kBinarySniffBytes = 8192;
// The masked line is cut to about this many bytes around the secret (as Trivy does).
constexpr size_t kMaxShownLine = 100;
constexpr size_t kShownBefore = 30;
constexpr size_t kShownAfter = 20;
// A long secret shows as at most this many '*'.
constexpr size_t kMaxStars = 64;

// Rules whose values need the placeholder screen: keyed by a name, the value can be anything.
bool NeedsPlaceholderScreen(std::string_view id) { return id == "generic-password" || id == "url-credentials"; }

// Skipped whatever the rules (Trivy's secret analyzer skips the same): lock files full of hashes,
// VCS and dependency folders, and formats that are binary or compressed.
constexpr std::string_view kSkipFiles[] = {"go.mod",  "go.sum",         "package-lock.json", "yarn.lock",
                                           "pnpm-lock.yaml", "Pipfile.lock", "Gemfile.lock"};
constexpr std::string_view kSkipDirs[] = {".git", "node_modules"};
constexpr std::string_view kSkipExts[] = {".jpg", ".png", ".gif", ".doc",  ".pdf", ".bin", ".svg", ".socket",
                                          ".deb", ".rpm", ".zip", ".gz", ".gzip", ".tar", ".pyc"};

uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // A separator so that ("ab","c") and ("a","bc") differ.
  h ^= 0xff;
  h *= 1099511628211ull;
  return h;
}

std::unique_ptr<RE2> CompileRegex(std::string_view pattern, std::string_view what, Error* error) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);  // bytes: invalid UTF-8 in files still matches
  options.set_log_errors(false);
  options.set_max_mem(int64_t{64} << 20);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    *error = InvalidArgument(fmt::format("{}: bad regex: {}", what, re->error()));
    return nullptr;
  }
  return re;
}

struct CompiledAllow {
  std::string id;
  std::unique_ptr<RE2> regex;  // null: none
  std::unique_ptr<RE2> path;   // null: none
};

struct CompiledRule {
  Rule rule;
  std::unique_ptr<RE2> regex;
  int secret_group = 0;  // capture index of the secret; 0: the whole match
  std::unique_ptr<RE2> path;
  std::vector<CompiledAllow> allows;
  std::vector<std::unique_ptr<RE2>> exclude_blocks;
  bool placeholder_screen = false;
};

Result<CompiledAllow> CompileAllow(const AllowRule& a) {
  CompiledAllow out;
  out.id = a.id;
  Error error = Internal("");
  if (!a.regex.empty() && !(out.regex = CompileRegex(a.regex, "allow rule " + QuoteForMessage(a.id), &error))) {
    return error;
  }
  if (!a.path.empty() && !(out.path = CompileRegex(a.path, "allow rule " + QuoteForMessage(a.id) + " path", &error))) {
    return error;
  }
  return out;
}

Result<std::vector<std::unique_ptr<RE2>>> CompileBlocks(const ExcludeBlock& block, std::string_view what) {
  std::vector<std::unique_ptr<RE2>> out;
  Error error = Internal("");
  for (const auto& r : block.regexes) {
    auto re = CompileRegex(r, what, &error);
    if (!re) return error;
    out.push_back(std::move(re));
  }
  return out;
}

bool AnyMatch(const std::vector<CompiledAllow>& allows, std::string_view text, bool on_path) {
  for (const auto& a : allows) {
    const RE2* re = on_path ? a.path.get() : a.regex.get();
    if (re && RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re)) return true;
  }
  return false;
}

// Values that are not secrets but stand-ins for one: templates, variables, masks, examples.
bool LooksLikePlaceholder(std::string_view value) {
  if (value.size() < 6) return true;
  char first = value.front();
  if (first == '$' || first == '%' || first == '{' || first == '<' || first == '[' || first == '(' || first == '@' ||
      first == '&' || first == '*' || first == '#') {
    return true;
  }
  std::string lower = ToLower(value);
  static constexpr std::string_view kWords[] = {"password", "passwd", "changeme", "change_me", "example", "placeholder",
                                                "secret",   "redacted", "xxxx",   "dummy",     "sample",  "your_",
                                                "your-",    "string",   "null",   "none",      "undefined", "required",
                                                "optional", "env(",     "getenv", "environ",   "process.env"};
  for (auto w : kWords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  // The same byte over and over ("aaaaaa", "......").
  if (std::all_of(value.begin(), value.end(), [&](char c) { return c == first; })) return true;
  // Real passwords mix character classes; configuration words ("compat", "files", "sufficient") do not.
  int classes = 0;
  classes += std::any_of(value.begin(), value.end(), [](unsigned char c) { return c >= 'a' && c <= 'z'; });
  classes += std::any_of(value.begin(), value.end(), [](unsigned char c) { return c >= 'A' && c <= 'Z'; });
  classes += std::any_of(value.begin(), value.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
  classes += std::any_of(value.begin(), value.end(), [](unsigned char c) { return !std::isalnum(c); });
  if (classes < 2) return true;
  // Dotted identifiers are references, not values: "self.password", "config.db.pass".
  bool identifier_path = std::all_of(value.begin(), value.end(),
                                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; }) &&
                         value.find('.') != std::string_view::npos && !std::isdigit(static_cast<unsigned char>(first));
  return identifier_path;
}

// A value that code computes rather than states: a call ("Cwd::getcwd()"), a member or package
// reference ("Cwd::getcwd", "os.environ").
bool IsCodeReference(std::string_view content, size_t begin, size_t end) {
  std::string_view value = content.substr(begin, end - begin);
  if (end < content.size() && (content[end] == '(' || content[end] == '[')) return true;
  return value.find("::") != std::string_view::npos || value.find("->") != std::string_view::npos;
}

struct RawHit {
  size_t rule = 0;
  size_t begin = 0;  // secret bytes [begin, end)
  size_t end = 0;
};

}  // namespace

struct Scanner::Impl {
  std::vector<CompiledRule> rules;
  std::vector<CompiledAllow> allows;  // global
  std::vector<std::unique_ptr<RE2>> exclude_blocks;  // global
  std::vector<size_t> always_rules;                  // rules without keywords
  std::vector<std::vector<size_t>> keyword_rules;    // keyword id -> rules
  hs_database_t* db = nullptr;
  hs_scratch_t* proto_scratch = nullptr;
  mutable std::mutex mu;
  mutable std::vector<hs_scratch_t*> free_scratch;  // one per thread that has scanned at once
  std::string fingerprint;

  ~Impl() {
    for (auto* s : free_scratch) hs_free_scratch(s);
    if (proto_scratch) hs_free_scratch(proto_scratch);
    if (db) hs_free_database(db);
  }

  hs_scratch_t* AcquireScratch() const {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!free_scratch.empty()) {
        hs_scratch_t* s = free_scratch.back();
        free_scratch.pop_back();
        return s;
      }
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(proto_scratch, &s) != HS_SUCCESS) return nullptr;
    return s;
  }
  void ReleaseScratch(hs_scratch_t* s) const {
    std::lock_guard<std::mutex> lock(mu);
    free_scratch.push_back(s);
  }

  // Which rules the content's keywords select (one Hyperscan pass), as flags per rule.
  std::vector<char> SelectRules(std::string_view content) const {
    std::vector<char> selected(rules.size(), 0);
    for (size_t r : always_rules) selected[r] = 1;
    if (!db) return selected;
    hs_scratch_t* scratch = content.size() <= UINT_MAX ? AcquireScratch() : nullptr;
    if (!scratch) {  // cannot prefilter: run every rule (slower, same result)
      std::fill(selected.begin(), selected.end(), 1);
      return selected;
    }
    struct Ctx {
      const Impl* self;
      std::vector<char>* selected;
    } ctx{this, &selected};
    auto on_match = [](unsigned int id, unsigned long long, unsigned long long, unsigned int, void* p) -> int {
      auto* c = static_cast<Ctx*>(p);
      for (size_t r : c->self->keyword_rules[id]) (*c->selected)[r] = 1;
      return 0;
    };
    hs_error_t err = hs_scan(db, content.data(), static_cast<unsigned int>(content.size()), 0, scratch, on_match, &ctx);
    ReleaseScratch(scratch);
    if (err != HS_SUCCESS) std::fill(selected.begin(), selected.end(), 1);
    return selected;
  }

  bool AllowedPath(std::string_view path) const {
    std::string_view base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    for (auto f : kSkipFiles) {
      if (base == f) return true;
    }
    for (auto d : kSkipDirs) {
      // a path component equal to d
      size_t pos = 0;
      while ((pos = path.find(d, pos)) != std::string_view::npos) {
        bool starts = pos == 0 || path[pos - 1] == '/';
        bool ends = pos + d.size() == path.size() || path[pos + d.size()] == '/';
        if (starts && ends) return true;
        pos += d.size();
      }
    }
    for (auto e : kSkipExts) {
      if (EndsWith(path, e)) return true;
    }
    return AnyMatch(allows, path, /*on_path=*/true);
  }

  void FindRule(size_t index, std::string_view path, std::string_view content, std::vector<RawHit>& out) const {
    const CompiledRule& r = rules[index];
    re2::StringPiece path_piece(path.data(), path.size());
    if (r.path && !RE2::PartialMatch(path_piece, *r.path)) return;
    if (AnyMatch(r.allows, path, /*on_path=*/true)) return;
    const int groups = std::max(r.secret_group, 0) + 1;
    std::vector<re2::StringPiece> sub(static_cast<size_t>(groups));
    re2::StringPiece text(content.data(), content.size());
    size_t pos = 0;
    while (pos <= content.size()) {
      if (!r.regex->Match(text, pos, content.size(), RE2::UNANCHORED, sub.data(), groups)) break;
      size_t mbegin = static_cast<size_t>(sub[0].data() - content.data());
      size_t mend = mbegin + sub[0].size();
      pos = mend > mbegin ? mend : mbegin + 1;
      std::string_view match(sub[0].data(), sub[0].size());
      if (AnyMatch(allows, match, false) || AnyMatch(r.allows, match, false)) continue;
      const re2::StringPiece& secret = sub[static_cast<size_t>(r.secret_group)];
      if (secret.data() == nullptr) continue;  // the group did not take part
      size_t sbegin = static_cast<size_t>(secret.data() - content.data());
      size_t send = sbegin + secret.size();
      if (sbegin == send) continue;
      if (r.placeholder_screen && (LooksLikePlaceholder(std::string_view(secret.data(), secret.size())) ||
                                   IsCodeReference(content, sbegin, send))) {
        continue;
      }
      if (InBlock(exclude_blocks, content, sbegin, send) || InBlock(r.exclude_blocks, content, sbegin, send)) continue;
      out.push_back(RawHit{index, sbegin, send});
    }
  }

  static bool InBlock(const std::vector<std::unique_ptr<RE2>>& blocks, std::string_view content, size_t begin,
                      size_t end) {
    for (const auto& re : blocks) {
      re2::StringPiece text(content.data(), content.size());
      re2::StringPiece m;
      size_t pos = 0;
      while (pos <= content.size() && re->Match(text, pos, content.size(), RE2::UNANCHORED, &m, 1)) {
        size_t b = static_cast<size_t>(m.data() - content.data());
        size_t e = b + m.size();
        if (b <= begin && end <= e) return true;
        if (b >= end) break;
        pos = e > b ? e : b + 1;
      }
    }
    return false;
  }
};

namespace {

// The line holding `at`, cut to about kMaxShownLine bytes around [begin, end), every byte of any
// secret in `secrets` (and any other occurrence of a secret's text) shown as '*', unprintable
// bytes and invalid UTF-8 as '?'.
std::string MaskedLine(std::string_view content, size_t begin, size_t end,
                       const std::vector<std::pair<size_t, size_t>>& secrets) {
  size_t line_start = 0;
  if (begin > 0) {
    size_t newline = content.rfind('\n', begin - 1);
    line_start = newline == std::string_view::npos ? 0 : newline + 1;
  }
  size_t line_end = content.find('\n', begin);
  if (line_end == std::string_view::npos) line_end = content.size();
  if (line_end > begin && content[line_end - 1] == '\r') --line_end;  // CRLF
  size_t ws = line_start;
  size_t we = line_end;
  if (line_end - line_start > kMaxShownLine) {
    ws = std::max(line_start, begin >= kShownBefore ? begin - kShownBefore : 0);
    we = std::min(line_end, std::max(end, begin) + kShownAfter);
  }
  std::string_view window = content.substr(ws, we - ws);
  std::vector<char> masked(window.size(), 0);
  for (const auto& [b, e] : secrets) {
    for (size_t i = std::max(b, ws); i < std::min(e, we); ++i) masked[i - ws] = 1;
    // The same secret text elsewhere on the shown line (a repeated value, an echo of it).
    if (e - b >= 4) {
      std::string_view text = content.substr(b, e - b);
      for (size_t at = window.find(text); at != std::string_view::npos; at = window.find(text, at + 1)) {
        std::fill(masked.begin() + static_cast<std::ptrdiff_t>(at),
                  masked.begin() + static_cast<std::ptrdiff_t>(at + text.size()), 1);
      }
    }
  }
  std::string out;
  out.reserve(window.size());
  size_t stars = 0;
  for (size_t i = 0; i < window.size();) {
    if (masked[i]) {
      if (stars++ < kMaxStars) out += '*';
      ++i;
      continue;
    }
    stars = 0;
    unsigned char c = static_cast<unsigned char>(window[i]);
    if (c < 0x80) {
      out += (c < 0x20 && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t n = DecodeUtf8(window, i, &cp);
    bool clean = n > 0;
    for (size_t k = 0; clean && k < n; ++k) clean = !masked[i + k];
    if (!clean) {
      out += '?';
      ++i;
      continue;
    }
    out.append(window.substr(i, n));
    i += n;
  }
  return std::string(TrimSpace(out));
}

}  // namespace

Scanner::Scanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scanner::~Scanner() = default;

Result<std::shared_ptr<const Scanner>> Scanner::Create(const Config& config) {
  auto impl = std::make_unique<Impl>();
  // The effective rules, as Trivy computes them: the enabled built-ins, then the custom rules,
  // minus the disabled ids; built-in allow rules plus custom ones, minus the disabled ids.
  std::vector<std::pair<Rule, bool>> rules;  // rule, builtin
  for (const Rule& r : BuiltinRules()) {
    if (!config.enable_builtin_rules.empty() &&
        std::find(config.enable_builtin_rules.begin(), config.enable_builtin_rules.end(), r.id) ==
            config.enable_builtin_rules.end()) {
      continue;
    }
    rules.emplace_back(r, true);
  }
  for (const Rule& r : config.custom_rules) rules.emplace_back(r, false);
  std::erase_if(rules, [&](const auto& r) {
    return std::find(config.disable_rules.begin(), config.disable_rules.end(), r.first.id) != config.disable_rules.end();
  });
  std::vector<AllowRule> allows = BuiltinAllowRules();
  allows.insert(allows.end(), config.allow_rules.begin(), config.allow_rules.end());
  std::erase_if(allows, [&](const AllowRule& a) {
    return std::find(config.disable_allow_rules.begin(), config.disable_allow_rules.end(), a.id) !=
           config.disable_allow_rules.end();
  });

  uint64_t h = Fnv1a(14695981039346656037ull, "engine:" + std::to_string(kEngineVersion));
  std::map<std::string, unsigned> keyword_ids;
  for (auto& [rule, builtin] : rules) {
    const std::string what = "secret rule " + QuoteForMessage(rule.id);
    if (rule.id.empty()) return InvalidArgument("secret rule without an id");
    if (rule.regex.empty()) return InvalidArgument(what + ": no regex");
    std::string severity;
    for (char c : rule.severity) severity += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (severity.empty()) severity = "UNKNOWN";
    if (severity != "CRITICAL" && severity != "HIGH" && severity != "MEDIUM" && severity != "LOW" &&
        severity != "UNKNOWN") {
      return InvalidArgument(what + ": severity must be CRITICAL, HIGH, MEDIUM or LOW, not " +
                             QuoteForMessage(rule.severity));
    }
    CompiledRule c;
    c.rule = rule;
    c.rule.severity = severity;
    c.placeholder_screen = builtin && NeedsPlaceholderScreen(rule.id);
    Error error = Internal("");
    if (!(c.regex = CompileRegex(rule.regex, what, &error))) return error;
    if (!rule.secret_group.empty()) {
      const auto& names = c.regex->NamedCapturingGroups();
      auto it = names.find(rule.secret_group);
      if (it == names.end()) {
        return InvalidArgument(what + ": regex has no group named " + QuoteForMessage(rule.secret_group));
      }
      c.secret_group = it->second;
    }
    if (!rule.path.empty() && !(c.path = CompileRegex(rule.path, what + " path", &error))) return error;
    for (const auto& a : rule.allow_rules) {
      HS_ASSIGN_OR_RETURN(auto ca, CompileAllow(a).AddContext(what));
      c.allows.push_back(std::move(ca));
    }
    HS_ASSIGN_OR_RETURN(c.exclude_blocks, CompileBlocks(rule.exclude_block, what + " exclude-block"));
    size_t index = impl->rules.size();
    bool any_keyword = false;
    for (const auto& kw : rule.keywords) {
      if (kw.empty()) continue;
      any_keyword = true;
      std::string lower = ToLower(kw);
      auto [it, inserted] = keyword_ids.emplace(lower, static_cast<unsigned>(keyword_ids.size()));
      if (inserted) impl->keyword_rules.emplace_back();
      impl->keyword_rules[it->second].push_back(index);
    }
    if (!any_keyword) impl->always_rules.push_back(index);
    h = Fnv1a(h, "rule");
    for (const std::string* s : {&c.rule.id, &c.rule.category, &c.rule.title, &c.rule.severity, &c.rule.regex,
                                 &c.rule.secret_group, &c.rule.path}) {
      h = Fnv1a(h, *s);
    }
    for (const auto& kw : rule.keywords) h = Fnv1a(h, "kw:" + kw);
    for (const auto& a : rule.allow_rules) h = Fnv1a(Fnv1a(Fnv1a(h, "allow:" + a.id), a.regex), a.path);
    for (const auto& b : rule.exclude_block.regexes) h = Fnv1a(h, "block:" + b);
    impl->rules.push_back(std::move(c));
  }
  for (const auto& a : allows) {
    HS_ASSIGN_OR_RETURN(auto ca, CompileAllow(a));
    impl->allows.push_back(std::move(ca));
    h = Fnv1a(Fnv1a(Fnv1a(h, "global-allow:" + a.id), a.regex), a.path);
  }
  HS_ASSIGN_OR_RETURN(impl->exclude_blocks, CompileBlocks(config.exclude_block, "exclude-block"));
  for (const auto& b : config.exclude_block.regexes) h = Fnv1a(h, "global-block:" + b);

  if (!keyword_ids.empty()) {
    std::vector<std::string> literals(keyword_ids.size());
    for (const auto& [kw, id] : keyword_ids) literals[id] = kw;
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags(literals.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    std::vector<unsigned> ids;
    for (size_t i = 0; i < literals.size(); ++i) {
      exprs.push_back(literals[i].data());
      lens.push_back(literals[i].size());
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                             HS_MODE_BLOCK, nullptr, &impl->db, &compile_error) != HS_SUCCESS) {
      std::string message = compile_error && compile_error->message ? compile_error->message : "unknown error";
      if (compile_error) hs_free_compile_error(compile_error);
      return Internal("secret keyword prefilter: " + message);
    }
    if (hs_alloc_scratch(impl->db, &impl->proto_scratch) != HS_SUCCESS) {
      return Internal("secret keyword prefilter: cannot allocate scratch space");
    }
  }
  impl->fingerprint = fmt::format("{:016x}", h).substr(0, 12);
  return std::shared_ptr<const Scanner>(new Scanner(std::move(impl)));
}

bool Scanner::SkipsPath(std::string_view path) const { return impl_->AllowedPath(path); }

std::string Scanner::Fingerprint() const { return impl_->fingerprint; }

size_t Scanner::RuleCount() const { return impl_->rules.size(); }

std::vector<inventory::SecretHit> Scanner::Scan(std::string_view path, std::string_view content) const {
  std::vector<inventory::SecretHit> hits;
  if (content.empty()) return hits;
  if (std::memchr(content.data(), '\0', std::min(content.size(), kBinarySniffBytes)) != nullptr) return hits;
  if (SkipsPath(path)) return hits;
  std::vector<char> selected = impl_->SelectRules(content);
  std::vector<RawHit> raw;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (selected[i]) impl_->FindRule(i, path, content, raw);
  }
  if (raw.empty()) return hits;
  std::sort(raw.begin(), raw.end(), [](const RawHit& a, const RawHit& b) {
    return std::tie(a.begin, a.end, a.rule) < std::tie(b.begin, b.end, b.rule);
  });
  std::vector<std::pair<size_t, size_t>> secrets;
  secrets.reserve(raw.size());
  for (const auto& r : raw) secrets.emplace_back(r.begin, r.end);
  size_t line = 1;
  size_t counted_to = 0;
  for (const auto& r : raw) {
    line += static_cast<size_t>(std::count(content.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                           content.begin() + static_cast<std::ptrdiff_t>(r.begin), '\n'));
    counted_to = r.begin;
    const Rule& rule = impl_->rules[r.rule].rule;
    inventory::SecretHit hit;
    hit.rule_id = rule.id;
    hit.category = rule.category;
    hit.title = rule.title;
    hit.severity = rule.severity;
    hit.path = std::string(path);
    hit.line = static_cast<int>(std::min<size_t>(line, INT_MAX));
    hit.match = MaskedLine(content, r.begin, r.end, secrets);
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.rule_id, a.match) < std::tie(b.line, b.rule_id, b.match);
  });
  // One hit per rule and line with the same masked text (overlapping matches of one rule).
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  return hits;
}

// ---------------------------------------------------------------------------------------------
// trivy-secret.yaml

namespace {

Result<std::vector<std::string>> Strings(const YAML::Node& node, std::string_view where) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) return InvalidArgument(std::string(where) + ": must be a list");
  for (const auto& item : node) {
    if (!item.IsScalar()) return InvalidArgument(std::string(where) + ": must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::string Scalar(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

Result<ExcludeBlock> ParseBlock(const YAML::Node& node, std::string_view where) {
  ExcludeBlock block;
  if (!node || node.IsNull()) return block;
  if (!node.IsMap()) return InvalidArgument(std::string(where) + ": must be a mapping");
  block.description = Scalar(node, "description");
  HS_ASSIGN_OR_RETURN(block.regexes, Strings(node["regexes"], std::string(where) + ".regexes"));
  return block;
}

Result<std::vector<AllowRule>> ParseAllowRules(const YAML::Node& node, std::string_view where) {
  std::vector<AllowRule> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) return InvalidArgument(std::string(where) + ": must be a list");
  for (const auto& item : node) {
    if (!item.IsMap()) return InvalidArgument(std::string(where) + ": each entry must be a mapping");
    out.push_back(AllowRule{Scalar(item, "id"), Scalar(item, "description"), Scalar(item, "regex"), Scalar(item, "path")});
  }
  return out;
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml_text) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    Config config;
    if (!root || root.IsNull()) return config;
    if (!root.IsMap()) return InvalidArgument("secret config: not a YAML mapping");
    HS_ASSIGN_OR_RETURN(config.enable_builtin_rules, Strings(root["enable-builtin-rules"], "enable-builtin-rules"));
    HS_ASSIGN_OR_RETURN(config.disable_rules, Strings(root["disable-rules"], "disable-rules"));
    HS_ASSIGN_OR_RETURN(config.disable_allow_rules, Strings(root["disable-allow-rules"], "disable-allow-rules"));
    HS_ASSIGN_OR_RETURN(config.allow_rules, ParseAllowRules(root["allow-rules"], "allow-rules"));
    HS_ASSIGN_OR_RETURN(config.exclude_block, ParseBlock(root["exclude-block"], "exclude-block"));
    const YAML::Node rules = root["rules"];
    if (rules && !rules.IsNull()) {
      if (!rules.IsSequence()) return InvalidArgument("rules: must be a list");
      for (const auto& item : rules) {
        if (!item.IsMap()) return InvalidArgument("rules: each rule must be a mapping");
        Rule r;
        r.id = Scalar(item, "id");
        std::string where = "rules: " + QuoteForMessage(r.id);
        r.category = Scalar(item, "category");
        r.title = Scalar(item, "title");
        r.severity = Scalar(item, "severity");
        r.regex = Scalar(item, "regex");
        r.secret_group = Scalar(item, "secret-group-name");
        r.path = Scalar(item, "path");
        HS_ASSIGN_OR_RETURN(r.keywords, Strings(item["keywords"], where + ".keywords"));
        HS_ASSIGN_OR_RETURN(r.allow_rules, ParseAllowRules(item["allow-rules"], where + ".allow-rules"));
        HS_ASSIGN_OR_RETURN(r.exclude_block, ParseBlock(item["exclude-block"], where + ".exclude-block"));
        config.custom_rules.push_back(std::move(r));
      }
    }
    return config;
  } catch (const YAML::Exception& e) {
    // The YAML error names a line and column, never the content.
    return InvalidArgument(std::string("secret config: ") + e.what());
  }
}

Result<Config> LoadConfig(const std::filesystem::path& yaml) {
  std::ifstream in(yaml, std::ios::binary);
  if (!in) return NotFound("secret config " + yaml.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("secret config " + yaml.string() + ": read error");
  auto config = ParseConfig(text.str());
  if (!config.ok()) return std::move(config).error().AddContext(yaml.string());
  return config;
}

// ---------------------------------------------------------------------------------------------
// The analyzer

namespace {

class SecretAnalyzer final : public analyze::Analyzer {
 public:
  explicit SecretAnalyzer(std::shared_ptr<const Scanner> scanner)
      : scanner_(std::move(scanner)), name_("secret-" + scanner_->Fingerprint()) {}

  std::string_view Name() const override { return name_; }
  int Version() const override { return 1; }
  bool Wants(const analyze::FileInfo& file) const override {
    return file.size >= 10 && file.size <= kMaxScannedFileSize && !scanner_->SkipsPath(file.path);
  }
  int64_t MaxFileSize() const override { return kMaxScannedFileSize; }
  bool AnalyzesEachFile() const override { return true; }
  void Analyze(std::span<const analyze::File> files, inventory::LayerResult& out) const override {
    for (const auto& f : files) {
      auto hits = scanner_->Scan(f.path, f.content);
      for (auto& h : hits) out.secrets.push_back(std::move(h));
    }
  }

 private:
  std::shared_ptr<const Scanner> scanner_;
  std::string name_;
};

}  // namespace

std::unique_ptr<analyze::Analyzer> NewSecretAnalyzer(std::shared_ptr<const Scanner> scanner) {
  return std::make_unique<SecretAnalyzer>(std::move(scanner));
}

}  // namespace hullscan::checks::secret
