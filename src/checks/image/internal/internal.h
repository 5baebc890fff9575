// Pieces of the image checks shared between the file-facts analyzer, the checks and the tests:
// what makes a file notable, the account databases, and the reading of history steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hullscan::checks::image::internal {

// ---- Notable files ------------------------------------------------------------------------

// Why a file is notable; a file may have several reasons.
enum NotableReason : uint32_t {
  kSetuid = 1u << 0,
  kSetgid = 1u << 1,
  kWorldWritable = 1u << 2,   // o+w file, or o+w directory without the sticky bit
  kCredentialFile = 1u << 3,  // a private key or credential store, by name
  kLeftover = 1u << 4,        // a build or editor leftover by name (.git/, .DS_Store)
  kPackageCache = 1u << 5,    // a package manager's download cache or index
};

// Reasons that follow from the entry type ('f', 'd', 'l', 'h', 'o') and permission bits.
uint32_t ModeReasons(char type, uint32_t mode);
// Reasons that follow from the path and type (credential files, leftovers, package caches).
uint32_t NameReasons(std::string_view path, char type);
// The version-control directory a path lies strictly inside ("app/.git" for "app/.git/HEAD"),
// empty when none; leftovers inside node_modules/ do not count (packages ship them, out of reach).
std::string_view EnclosingVcsDir(std::string_view path);
// The package cache a path belongs to ("apt lists", "apt archives", "apk cache", "dnf/yum cache"),
// empty when none.
std::string_view PackageCacheName(std::string_view path);

// ---- Account databases --------------------------------------------------------------------

// etc/shadow with each line reduced to "name:<marker>" (marker "empty", "locked" or "set"); the
// hash never survives. Blank, comment and malformed lines become empty lines (line numbers stay).
std::string SanitizeShadow(std::string_view shadow);
// etc/passwd with a password field other than "x", empty or locked ('!', '*') replaced by "set":
// old systems keep hashes there.
std::string SanitizePasswd(std::string_view passwd);

struct Account {
  std::string name;
  std::string password;          // passwd: the (sanitised) field; shadow: the marker
  std::optional<int64_t> id;     // uid (passwd) or gid (group); nullopt when not a number
  std::optional<int64_t> group;  // passwd: the primary gid
  int line = 0;                  // 1-based
};
// Parses colon-separated account lines (passwd, group, sanitised shadow). Lines without a name
// are skipped; missing fields stay empty.
std::vector<Account> ParseAccounts(std::string_view content);
// A decimal uid/gid ("0", "10001"); nullopt for anything else (names, signs, > 2^32).
std::optional<int64_t> ParseId(std::string_view text);

// ---- History steps ------------------------------------------------------------------------

// A history step's created_by as a Dockerfile instruction: "/bin/sh -c #(nop)  USER app" →
// {"USER", "app"}; "/bin/sh -c apt-get …" and "|2 A=b /bin/sh -c …" → {"RUN", …}; buildkit's
// "RUN /bin/sh -c … # buildkit" → {"RUN", "…"}. Free text from other builders keeps
// its first word as the keyword when that is an instruction name, else keyword "".
struct Instruction {
  std::string keyword;  // upper case: "RUN", "USER", "ENV", "ADD", …; "" when unknown
  std::string args;
};
Instruction ParseCreatedBy(std::string_view created_by);

// The simple commands of a shell line: split at ;, &&, ||, |, & and newlines, words split at
// blanks (quotes kept as part of words; no expansion), leading VAR=value assignments and command
// wrappers (sudo, env, nohup, with their options) dropped. `wrappers` collects the wrappers seen.
struct SimpleCommand {
  std::vector<std::string> words;  // words[0] is the command; may be empty
  std::vector<std::string> wrappers;
};
std::vector<SimpleCommand> SplitShell(std::string_view line);

// "NAME=value" words of a text (ENV/LABEL/ARG instructions, assignments before commands,
// --build-arg values): (name, value) pairs, quotes around the value removed.
std::vector<std::pair<std::string, std::string>> Assignments(std::string_view text);

// ---- Secrets by name ----------------------------------------------------------------------

// True when a variable or label name says its value is a secret (PASSWORD, SECRET, TOKEN,
// API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL, …), minus names that hold a reference rather than
// the secret (…_FILE, …_PATH, …_URL) or are known not to be secret (GPG_KEY). Case-insensitive;
// '.' and '-' count as '_' (label keys).
bool IsSecretName(std::string_view name);
// True when a value can hold a secret: not empty, not a variable reference ($X, ${X}), not a
// path to a file, not a switch (true/false/yes/no/…) or a number of up to four digits.
bool IsSecretValue(std::string_view value);
// The value masked: eight '*' whatever its length (so not even the length shows); empty stays empty.
std::string Mask(std::string_view value);

}  // namespace hullscan::checks::image::internal
