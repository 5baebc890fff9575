#include "checks/image/internal/internal.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/strings.h"

namespace hullscan::checks::image::internal {

namespace {

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// True when one of the '/'-separated components of `path` equals `component`.
bool HasComponent(std::string_view path, std::string_view component) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == component) return true;
    start = end + 1;
  }
  return false;
}

bool IsUnderNodeModules(std::string_view path) {
  return StartsWith(path, "node_modules/") || path.find("/node_modules/") != std::string_view::npos;
}

bool IsVcsDirName(std::string_view name) { return name == ".git" || name == ".svn" || name == ".hg"; }

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < needle.size() && match; ++k)
      match = std::tolower(static_cast<unsigned char>(haystack[i + k])) ==
              std::tolower(static_cast<unsigned char>(needle[k]));
    if (match) return true;
  }
  return false;
}

// Key material by extension (*.pem, *.key, *.p12, *.pfx), minus what is almost always a public
// certificate or a library's test fixture: CA bundles (etc/ssl/certs/, ca-certificates, certifi's
// cacert.pem, Alpine's etc/ssl/cert.pem), chains, public keys, tests.
bool IsKeyMaterialByName(std::string_view path, std::string_view base) {
  // Called for every file: decide on the extension before allocating anything.
  if (base.size() < 4 || base[base.size() - 4] != '.') return false;
  std::string ext = ToLower(base.substr(base.size() - 4));
  if (ext != ".pem" && ext != ".key" && ext != ".p12" && ext != ".pfx") return false;
  std::string lower = ToLower(base);
  for (std::string_view word : {"cert", "chain", "ca-bundle", "cabundle", "pub", "trust"})
    if (lower.find(word) != std::string::npos) return false;
  for (std::string_view dir :
       {"certs", "ca-certificates", "ca-trust", "certifi", "test", "tests", "testdata", "test_data", "fixtures"})
    if (HasComponent(path, dir)) return false;
  return true;
}

bool IsEnvFileName(std::string_view base) {
  if (base == ".env") return true;
  if (!StartsWith(base, ".env.")) return false;
  std::string_view variant = base.substr(5);
  for (std::string_view harmless : {"example", "sample", "template", "dist", "defaults", "schema"})
    if (variant == harmless) return false;
  return true;
}

bool IsCredentialFile(std::string_view path, std::string_view base) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "id_rsa",  "id_dsa", "id_ecdsa",         "id_ed25519", "id_ecdsa_sk",      "id_ed25519_sk", ".npmrc",
      ".pypirc", ".netrc", ".git-credentials", ".pgpass",    "credentials.json", "password.txt",  ".htpasswd"};
  if (std::find(kNames.begin(), kNames.end(), base) != kNames.end()) {
    // Packages ship their own .npmrc (registry settings, no token) inside node_modules.
    return !(base == ".npmrc" && IsUnderNodeModules(path));
  }
  if (IsEnvFileName(base)) return true;
  if (EndsWith(path, ".aws/credentials") && (path == ".aws/credentials" || EndsWith(path, "/.aws/credentials")))
    return true;
  if (EndsWith(path, ".docker/config.json") &&
      (path == ".docker/config.json" || EndsWith(path, "/.docker/config.json")))
    return true;
  if (EndsWith(base, ".ovpn")) return true;
  return IsKeyMaterialByName(path, base);
}

}  // namespace

uint32_t ModeReasons(char type, uint32_t mode) {
  uint32_t reasons = 0;
  bool file = type == 'f' || type == 'h';
  if (file && (mode & 04000)) reasons |= kSetuid;
  if (file && (mode & 02000)) reasons |= kSetgid;
  if ((file && (mode & 0002)) || (type == 'd' && (mode & 0002) && !(mode & 01000))) reasons |= kWorldWritable;
  return reasons;
}

std::string_view EnclosingVcsDir(std::string_view path) {
  if (IsUnderNodeModules(path)) return {};
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) return {};  // the last component: not strictly inside
    if (IsVcsDirName(path.substr(start, end - start))) return path.substr(0, end);
    start = end + 1;
  }
}

std::string_view PackageCacheName(std::string_view path) {
  if (StartsWith(path, "var/lib/apt/lists/")) {
    std::string_view rest = path.substr(18);
    if (rest.empty() || rest == "lock" || rest.find('/') != std::string_view::npos) return {};  // partial/
    return "apt lists";
  }
  if (StartsWith(path, "var/cache/apt/")) {
    if (EndsWith(path, ".deb") || EndsWith(path, ".bin")) return "apt archives";
    return {};
  }
  if (StartsWith(path, "var/cache/apk/")) return "apk cache";
  if (StartsWith(path, "var/cache/dnf/") || StartsWith(path, "var/cache/yum/")) return "dnf/yum cache";
  return {};
}

uint32_t NameReasons(std::string_view path, char type) {
  std::string_view base = Basename(path);
  uint32_t reasons = 0;
  if ((type == 'f' || type == 'h') && IsCredentialFile(path, base)) reasons |= kCredentialFile;
  if (!IsUnderNodeModules(path)) {
    if ((type == 'f' || type == 'd') && IsVcsDirName(base)) reasons |= kLeftover;
    if (type == 'f' && base == ".DS_Store") reasons |= kLeftover;
  }
  if ((type == 'f' || type == 'h') && !PackageCacheName(path).empty()) reasons |= kPackageCache;
  return reasons;
}

// ---- Account databases --------------------------------------------------------------------

namespace {

template <typename Fn>
void ForEachLine(std::string_view content, Fn&& fn) {
  size_t start = 0;
  int number = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line, ++number);
    start = end + 1;
  }
}

std::string_view PasswordMarker(std::string_view field) {
  if (field.empty()) return "empty";
  if (field[0] == '!' || field[0] == '*') return "locked";
  return "set";
}

bool IsSkippedLine(std::string_view line) {
  std::string_view trimmed = TrimSpace(line);
  return trimmed.empty() || trimmed[0] == '#';
}

}  // namespace

std::string SanitizeShadow(std::string_view shadow) {
  std::string out;
  ForEachLine(shadow, [&](std::string_view line, int) {
    size_t colon = line.find(':');
    if (IsSkippedLine(line) || colon == std::string_view::npos || colon == 0) {
      out.push_back('\n');  // keeps the line numbers of the real file
      return;
    }
    std::string_view rest = line.substr(colon + 1);
    std::string_view field = rest.substr(0, rest.find(':'));
    out.append(line.substr(0, colon)).append(":").append(PasswordMarker(field)).append("\n");
  });
  return out;
}

std::string SanitizePasswd(std::string_view passwd) {
  std::string out;
  ForEachLine(passwd, [&](std::string_view line, int) {
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      size_t end = line.find(':', colon + 1);
      std::string_view field =
          line.substr(colon + 1, end == std::string_view::npos ? std::string_view::npos : end - colon - 1);
      if (!field.empty() && field != "x" && field[0] != '!' && field[0] != '*') {
        out.append(line.substr(0, colon + 1)).append("set");
        if (end != std::string_view::npos) out.append(line.substr(end));
        out.push_back('\n');
        return;
      }
    }
    out.append(line).push_back('\n');
  });
  return out;
}

std::optional<int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > int64_t{0xFFFFFFFF}) return std::nullopt;
  return value;
}

std::vector<Account> ParseAccounts(std::string_view content) {
  std::vector<Account> accounts;
  ForEachLine(content, [&](std::string_view line, int number) {
    if (IsSkippedLine(line)) return;
    std::vector<std::string_view> fields = Split(line, ':');
    if (fields.empty() || fields[0].empty()) return;
    Account a;
    a.name = std::string(fields[0]);
    a.line = number;
    if (fields.size() > 1) a.password = std::string(fields[1]);
    if (fields.size() > 2) a.id = ParseId(fields[2]);
    if (fields.size() > 3) a.group = ParseId(fields[3]);
    accounts.push_back(std::move(a));
  });
  return accounts;
}

// ---- History steps ------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 18> kInstructions = {
    "ADD",   "ARG",        "CMD",     "COPY", "ENTRYPOINT", "ENV",        "EXPOSE", "FROM",   "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN",  "SHELL",      "STOPSIGNAL", "USER",   "VOLUME", "WORKDIR"};

bool IsInstruction(std::string_view word) {
  return std::find(kInstructions.begin(), kInstructions.end(), word) != kInstructions.end();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Splits "WORD rest" at the first blank run.
std::pair<std::string_view, std::string_view> FirstWord(std::string_view s) {
  s = TrimSpace(s);
  size_t blank = s.find_first_of(" \t");
  if (blank == std::string_view::npos) return {s, {}};
  return {s.substr(0, blank), TrimSpace(s.substr(blank))};
}

}  // namespace

Instruction ParseCreatedBy(std::string_view created_by) {
  std::string_view text = TrimSpace(created_by);
  if (EndsWith(text, "# buildkit")) text = TrimSpace(text.substr(0, text.size() - 10));
  // The classic builder's ARG prefix: "|2 A=1 B=2 /bin/sh -c …".
  if (StartsWith(text, "|")) {
    size_t shell = text.find("/bin/sh -c ");
    if (shell != std::string_view::npos)
      return {"RUN", std::string(text.substr(0, shell)) + std::string(TrimSpace(text.substr(shell + 11)))};
  }
  for (std::string_view shell : {"/bin/sh -c ", "/bin/bash -c ", "cmd /S /C "}) {
    if (!StartsWith(text, shell)) continue;
    std::string_view rest = TrimSpace(text.substr(shell.size()));
    if (StartsWith(rest, "#(nop)")) {
      auto [word, args] = FirstWord(rest.substr(6));
      std::string keyword = Upper(word);
      if (IsInstruction(keyword)) return {keyword, std::string(args)};
      return {"", std::string(TrimSpace(rest.substr(6)))};
    }
    return {"RUN", std::string(rest)};
  }
  auto [word, args] = FirstWord(text);
  std::string keyword = Upper(word);
  // Only an upper-case instruction word counts: free text ("debootstrap …") is not one.
  if (word != keyword || !IsInstruction(keyword)) return {"", std::string(text)};
  // Buildkit keeps the shell of a RUN: "RUN /bin/sh -c …", "RUN |1 A=b /bin/sh -c …".
  if (keyword == "RUN" &&
      (StartsWith(args, "|") || StartsWith(args, "/bin/sh -c ") || StartsWith(args, "/bin/bash -c ")))
    return ParseCreatedBy(args);
  return {keyword, std::string(args)};
}

namespace {

bool IsAssignmentWord(std::string_view word) {
  size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    char c = word[i];
    bool ok = c == '_' || std::isalnum(static_cast<unsigned char>(c)) || (i > 0 && (c == '.' || c == '-'));
    if (!ok) return false;
  }
  return !std::isdigit(static_cast<unsigned char>(word[0]));
}

std::string_view CommandBase(std::string_view word) {
  size_t slash = word.rfind('/');
  return slash == std::string_view::npos ? word : word.substr(slash + 1);
}

// Splits on blanks, keeping quoted runs (single or double) inside words.
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  std::string current;
  char quote = 0;
  bool in_word = false;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
      current.push_back(c);
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\\') {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    current.push_back(c);
    in_word = true;
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

}  // namespace

std::vector<SimpleCommand> SplitShell(std::string_view line) {
  // Split into command texts at unquoted separators.
  std::vector<std::string_view> parts;
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c == ';' || c == '|' || c == '&' || c == '\n' || c == '(' || c == ')') {
      parts.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(line.substr(start));

  std::vector<SimpleCommand> commands;
  for (std::string_view part : parts) {
    std::vector<std::string> words = Words(part);
    SimpleCommand cmd;
    size_t i = 0;
    bool progress = true;
    while (progress && i < words.size()) {
      progress = false;
      while (i < words.size() && IsAssignmentWord(words[i])) ++i, progress = true;
      if (i < words.size()) {
        std::string_view base = CommandBase(words[i]);
        if (base == "sudo" || base == "env" || base == "nohup" || base == "exec" || base == "doas") {
          cmd.wrappers.emplace_back(base);
          ++i;
          // The wrapper's options ("sudo -u app -E"): skip dash words and the value of -u/-g.
          while (i < words.size() && StartsWith(words[i], "-")) {
            bool takes_value = words[i] == "-u" || words[i] == "-g" || words[i] == "-C" || words[i] == "-h";
            ++i;
            if (takes_value && i < words.size()) ++i;
          }
          progress = true;
        }
      }
    }
    if (i >= words.size() && cmd.wrappers.empty()) continue;
    cmd.words.assign(words.begin() + static_cast<std::ptrdiff_t>(std::min(i, words.size())), words.end());
    commands.push_back(std::move(cmd));
  }
  return commands;
}

std::vector<std::pair<std::string, std::string>> Assignments(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& word : Words(text)) {
    std::string_view w = word;
    // --build-arg=NAME=value, --env=NAME=value
    if (StartsWith(w, "--")) {
      size_t eq = w.find('=');
      if (eq == std::string_view::npos) continue;
      w = w.substr(eq + 1);
    }
    if (!IsAssignmentWord(w)) continue;
    size_t eq = w.find('=');
    std::string_view value = w.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out.emplace_back(std::string(w.substr(0, eq)), std::string(value));
  }
  return out;
}

// ---- Secrets by name ----------------------------------------------------------------------

bool IsSecretName(std::string_view name) {
  std::string n = Upper(name);
  for (char& c : n)
    if (c == '.' || c == '-') c = '_';
  static constexpr std::array<std::string_view, 5> kNotSecret = {"GPG_KEY", "GPG_KEYS", "GPG_KEY_ID", "KEY",
                                                                 "TOKEN_TYPE"};
  if (std::find(kNotSecret.begin(), kNotSecret.end(), n) != kNotSecret.end()) return false;
  for (std::string_view suffix : {"_FILE", "_PATH", "_DIR", "_URL", "_URI", "_ENDPOINT", "_TTL", "_EXPIRY", "_LENGTH",
                                  "_TIMEOUT", "_LIFETIME", "_HEADER", "_NAME", "_TYPE"})
    if (EndsWith(n, suffix)) return false;
  for (std::string_view word : {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY",
                                "PRIVATE_KEY", "CREDENTIAL", "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY"})
    if (n.find(word) != std::string::npos) return true;
  return false;
}

bool IsSecretValue(std::string_view value) {
  value = TrimSpace(value);
  if (value.empty()) return false;
  if (value[0] == '$') return false;  // $VAR, ${VAR}: a reference, set elsewhere
  if (value[0] == '/') return false;  // a path to a secret file (Docker secrets, mounted keys)
  // Switches and small numbers (PASSWORD_AUTH=false, TOKEN_RETRIES=3) are settings, not secrets.
  std::string lower = ToLower(value);
  for (std::string_view word : {"true", "false", "yes", "no", "on", "off", "none", "null", "disabled", "enabled"})
    if (lower == word) return false;
  if (value.size() <= 4 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return !ContainsIgnoreCase(value, "/run/secrets/");
}

std::string Mask(std::string_view value) { return value.empty() ? std::string() : std::string(8, '*'); }

}  // namespace hullscan::checks::image::internal
