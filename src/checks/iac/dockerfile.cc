#include "checks/iac/dockerfile.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "base/strings.h"
#include "checks/iac/internal/dockerfile_parser.h"
#include "checks/iac/internal/evidence.h"
#include "checks/iac/internal/shell_words.h"
#include "checks/iac/rules.h"

namespace hullscan::checks::iac {
namespace {

using internal::Dockerfile;
using internal::Instruction;
using internal::Pipeline;
using internal::SimpleCommand;
using Vars = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxNamesInMessage = 5;

std::string Quote(std::string_view s) { return QuoteForMessage(s, '\'', 80); }

std::string Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Whitespace-separated words of an instruction's shell-form arguments, quotes removed.
std::vector<std::string> ArgWords(const Instruction& ins) {
  if (ins.exec_form) return ins.exec_args;
  std::vector<std::string> words;
  for (const Pipeline& p : internal::SplitShell(ins.args)) {
    for (const SimpleCommand& c : p.commands) words.insert(words.end(), c.words.begin(), c.words.end());
  }
  return words;
}

std::string NameList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < kMaxNamesInMessage; ++i) {
    if (i > 0) out += ", ";
    out += Quote(names[i]);
  }
  if (names.size() > kMaxNamesInMessage) out += fmt::format(" and {} more", names.size() - kMaxNamesInMessage);
  return out;
}

bool HasFlag(const Instruction& ins, std::string_view name) {
  for (const std::string& flag : ins.flags) {
    if (flag == name || StartsWith(flag, std::string(name) + "=")) return true;
  }
  return false;
}

// A `--mount=type=cache` whose target is under `dir`: the cache never lands in the layer.
bool HasCacheMount(const Instruction& ins, std::string_view dir) {
  for (const std::string& flag : ins.flags) {
    if (!StartsWith(flag, "--mount=")) continue;
    if (flag.find("type=cache") != std::string::npos && flag.find(dir) != std::string::npos) return true;
  }
  return false;
}

// "name=value" pairs of an ARG or ENV line (the legacy `ENV name value` form too).
void CollectAssignments(const Instruction& ins, Vars* vars) {
  std::vector<std::string> words = ArgWords(ins);
  if (ins.keyword == "ENV" && words.size() >= 2 && words[0].find('=') == std::string::npos) {
    std::string value;
    for (size_t i = 1; i < words.size(); ++i) value += (i > 1 ? " " : "") + words[i];
    vars->emplace_back(words[0], value);
    return;
  }
  for (const std::string& word : words) {
    size_t eq = word.find('=');
    if (eq == std::string::npos) {
      if (ins.keyword == "ARG") vars->emplace_back(word, "");
      continue;
    }
    vars->emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
}

// An ARG declared without a default has no value: drop it so that `${X}` stays unresolved.
Vars WithoutEmpty(const Vars& vars) {
  Vars out;
  for (const auto& [name, value] : vars) {
    if (!value.empty()) out.emplace_back(name, value);
  }
  return out;
}

struct ImageRef {
  bool has_digest = false;
  std::string tag;  // empty when there is none
};

ImageRef ParseImageRef(std::string_view image) {
  ImageRef ref;
  size_t at = image.find('@');
  if (at != std::string_view::npos) {
    ref.has_digest = true;
    image = image.substr(0, at);
  }
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(image.substr(colon + 1));
  }
  return ref;
}

struct Stage {
  size_t from_index = 0;  // index of the FROM instruction
  size_t end_index = 0;   // one past the stage's last instruction
  std::string name;       // lower-case `AS` name, empty when none
  int parent = -1;        // the earlier stage this one is built FROM, or -1
};

bool IsShell(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kShells = {"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh"};
  return std::find(kShells.begin(), kShells.end(), name) != kShells.end();
}

bool IsArchive(std::string_view path) {
  static constexpr std::array<std::string_view, 13> kSuffixes = {
      ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
      ".tar.lz", ".tar.lzma", ".tlz"};
  std::string lower = ToLower(path);
  for (std::string_view suffix : kSuffixes) {
    if (EndsWith(lower, suffix)) return true;
  }
  return false;
}

bool IsRemote(std::string_view source) {
  std::string lower = ToLower(source);
  return StartsWith(lower, "http://") || StartsWith(lower, "https://") || StartsWith(lower, "ftp://") ||
         StartsWith(lower, "git@") || StartsWith(lower, "git://");
}

// A simple command with leading assignments and `sudo …`/`env …` prefixes removed.
struct Command {
  std::vector<std::string> words;
  std::string name;  // basename of words[0]
  bool sudo = false;
};

Command Normalize(const SimpleCommand& simple) {
  Command cmd;
  const std::vector<std::string>& w = simple.words;
  size_t i = 0;
  auto skip_assignments = [&] {
    while (i < w.size()) {
      const std::string& word = w[i];
      size_t eq = word.find('=');
      if (eq == std::string::npos || eq == 0) break;
      bool name_ok = !std::isdigit(static_cast<unsigned char>(word[0]));
      for (size_t k = 0; k < eq && name_ok; ++k) {
        name_ok = std::isalnum(static_cast<unsigned char>(word[k])) || word[k] == '_';
      }
      if (!name_ok) break;
      ++i;
    }
  };
  for (int round = 0; round < 4 && i < w.size(); ++round) {
    skip_assignments();
    if (i >= w.size()) break;
    std::string name = Basename(w[i]);
    if (name == "sudo") {
      cmd.sudo = true;
      ++i;
      while (i < w.size() && StartsWith(w[i], "-")) {
        const std::string& opt = w[i];
        bool takes_value = opt == "-u" || opt == "-g" || opt == "-h" || opt == "-p" || opt == "-C" ||
                           opt == "-D" || opt == "-r" || opt == "-t" || opt == "-U" || opt == "-T";
        i += takes_value ? 2 : 1;
        if (opt == "--") break;
      }
      continue;
    }
    if (name == "env" || name == "command" || name == "nohup") {
      ++i;
      while (i < w.size() && StartsWith(w[i], "-")) ++i;
      continue;
    }
    break;
  }
  if (i < w.size()) {
    cmd.words.assign(w.begin() + static_cast<std::ptrdiff_t>(i), w.end());
    cmd.name = Basename(cmd.words[0]);
  }
  return cmd;
}

// Operands of a package manager subcommand: words after `subcommand_index` that are not options
// nor the values of the options in `valued_options`.
std::vector<std::string> Operands(const std::vector<std::string>& words, size_t from,
                                  std::initializer_list<std::string_view> valued_options) {
  std::vector<std::string> out;
  for (size_t i = from; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (StartsWith(word, "-")) {
      if (std::find(valued_options.begin(), valued_options.end(), word) != valued_options.end()) ++i;
      continue;
    }
    out.push_back(word);
  }
  return out;
}

// Index of the first non-option word after index 0 (skipping values of valued options).
std::optional<size_t> Subcommand(const std::vector<std::string>& words, size_t from,
                                 std::initializer_list<std::string_view> valued_options) {
  for (size_t i = from; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (StartsWith(word, "-")) {
      if (std::find(valued_options.begin(), valued_options.end(), word) != valued_options.end()) ++i;
      continue;
    }
    return i;
  }
  return std::nullopt;
}

bool IsVariableOrPath(std::string_view word) {
  return word.empty() || word[0] == '$' || word[0] == '.' || word[0] == '/' || word[0] == '~' ||
         word.find("://") != std::string_view::npos;
}

class Checker {
 public:
  Checker(const Dockerfile& df, const std::string& target) : df_(df), target_(target) {}

  std::vector<Finding> Run() {
    SplitStages();
    for (size_t s = 0; s < stages_.size(); ++s) CheckStage(s);
    if (!stages_.empty()) CheckFinalStage();
    std::stable_sort(out_.begin(), out_.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.line, a.id) < std::tie(b.line, b.id);
    });
    return std::move(out_);
  }

 private:
  // One finding per rule and instruction: the first occurrence in it is the evidence.
  void Add(std::string_view id, const Instruction& ins, std::string message, std::string_view needle = {}) {
    // Findings of one instruction are appended together, so only the tail needs a look.
    for (auto it = out_.rbegin(); it != out_.rend() && it->line == ins.line; ++it) {
      if (it->id == id) return;
    }
    const RuleInfo* rule = FindIacRule(id);
    assert(rule != nullptr);
    Finding f;
    f.id = std::string(rule->id);
    f.kind = Kind::kDockerfile;
    f.severity = rule->severity;
    f.title = std::string(rule->title);
    f.message = std::move(message);
    f.remediation = std::string(rule->remediation);
    f.target = target_;
    f.line = ins.line;
    f.match = internal::EvidenceLine(df_.lines, ins.line, ins.end_line, needle);
    out_.push_back(std::move(f));
  }

  void SplitStages() {
    const std::vector<Instruction>& ins = df_.instructions;
    for (size_t i = 0; i < ins.size(); ++i) {
      if (ins[i].keyword == "FROM") {
        if (!stages_.empty()) stages_.back().end_index = i;
        Stage stage;
        stage.from_index = i;
        stage.end_index = ins.size();
        stages_.push_back(stage);
      } else if (stages_.empty() && ins[i].keyword == "ARG") {
        CollectAssignments(ins[i], &global_args_);
      }
    }
  }

  void CheckFrom(size_t s) {
    Stage& stage = stages_[s];
    const Instruction& from = df_.instructions[stage.from_index];
    std::vector<std::string> words = ArgWords(from);
    if (words.empty()) return;
    if (words.size() >= 3 && ToLower(words[1]) == "as") stage.name = ToLower(words[2]);
    std::string image = internal::ExpandVariables(words[0], WithoutEmpty(global_args_), df_.escape);
    std::string lower = ToLower(image);
    for (size_t p = 0; p < s; ++p) {
      if (!stages_[p].name.empty() && stages_[p].name == lower) {
        stage.parent = static_cast<int>(p);
        return;
      }
    }
    // `scratch` is no image; an unresolved `$BASE` is chosen at build time (hadolint skips it too).
    if (lower == "scratch" || image.find('$') != std::string::npos || image.empty()) return;
    ImageRef ref = ParseImageRef(image);
    if (ref.has_digest) return;
    if (ref.tag.empty()) {
      Add("DF-FROM-LATEST", from, fmt::format("Base image {} has no tag: it means `latest`", Quote(image)));
    } else if (ref.tag == "latest") {
      Add("DF-FROM-LATEST", from, fmt::format("Base image {} uses the `latest` tag", Quote(image)));
    }
  }

  void CheckStage(size_t s) {
    CheckFrom(s);
    const Stage& stage = stages_[s];
    bool ships = InFinalChain(s);
    for (size_t i = stage.from_index + 1; i < stage.end_index; ++i) {
      const Instruction& ins = df_.instructions[i];
      if (ins.keyword == "MAINTAINER") {
        Add("DF-MAINTAINER", ins, "MAINTAINER is deprecated", "MAINTAINER");
      } else if (ins.keyword == "ADD") {
        CheckAdd(ins);
      } else if (ins.keyword == "EXPOSE") {
        CheckExpose(ins);
      } else if (ins.keyword == "RUN") {
        CheckRun(ins, ships);
      }
    }
  }

  bool InFinalChain(size_t s) const {
    int cur = static_cast<int>(stages_.size()) - 1;
    for (size_t guard = 0; cur >= 0 && guard <= stages_.size(); ++guard) {
      if (static_cast<size_t>(cur) == s) return true;
      cur = stages_[static_cast<size_t>(cur)].parent;
    }
    return false;
  }

  void CheckAdd(const Instruction& ins) {
    std::vector<std::string> words = ArgWords(ins);
    if (words.size() < 2 && ins.heredocs.empty()) return;
    std::vector<std::string> sources(words.begin(), words.end() - (words.empty() ? 0 : 1));
    bool checksum = HasFlag(ins, "--checksum");
    bool reported_remote = false;
    bool reported_local = false;
    if (!ins.heredocs.empty()) {
      Add("DF-ADD-INSTEAD-OF-COPY", ins, "ADD of an inline (heredoc) file: COPY does the same", "ADD");
      reported_local = true;
    }
    for (const std::string& source : sources) {
      if (IsRemote(source)) {
        if (!checksum && !reported_remote) {
          Add("DF-ADD-REMOTE", ins, fmt::format("ADD downloads {} without a checksum", Quote(source)), source);
          reported_remote = true;
        }
      } else if (!IsArchive(source) && !reported_local) {
        Add("DF-ADD-INSTEAD-OF-COPY", ins, fmt::format("ADD copies the local file {}: use COPY", Quote(source)),
            source);
        reported_local = true;
      }
    }
  }

  void CheckExpose(const Instruction& ins) {
    for (const std::string& word : ArgWords(ins)) {
      std::string_view port = word;
      size_t slash = port.find('/');
      if (slash != std::string_view::npos) port = port.substr(0, slash);
      size_t dash = port.find('-');
      std::string_view lo = port.substr(0, dash);
      std::string_view hi = dash == std::string_view::npos ? lo : port.substr(dash + 1);
      auto parse = [](std::string_view v) -> long {
        if (v.empty() || v.size() > 6) return -1;
        long value = 0;
        for (char c : v) {
          if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
          value = value * 10 + (c - '0');
        }
        return value;
      };
      long a = parse(lo);
      long b = parse(hi);
      if (a >= 0 && b >= 0 && a <= 22 && 22 <= b) {
        Add("DF-EXPOSE-SSH", ins, fmt::format("EXPOSE {} opens the SSH port", Quote(word)), "22");
        return;
      }
    }
  }

  // The shell scripts a RUN runs: shell form text, `sh -c` of the exec form, and heredoc bodies
  // fed to a shell (`RUN <<EOF`, `RUN bash <<EOF`), but not data heredocs (`RUN cat <<EOF >f`).
  std::vector<Pipeline> RunPipelines(const Instruction& ins) {
    std::vector<Pipeline> pipelines;
    if (ins.exec_form) {
      const std::vector<std::string>& a = ins.exec_args;
      if (a.size() >= 3 && IsShell(Basename(a[0])) && a[1] == "-c") return internal::SplitShell(a[2]);
      if (!a.empty()) pipelines.push_back(Pipeline{{SimpleCommand{a}}});
      return pipelines;
    }
    pipelines = internal::SplitShell(ins.args);
    if (!ins.heredocs.empty()) {
      bool to_shell = pipelines.empty();
      if (!to_shell && pipelines.size() == 1 && pipelines[0].commands.size() == 1) {
        Command only = Normalize(pipelines[0].commands[0]);
        to_shell = only.words.empty() || (IsShell(only.name) && only.words.size() <= 2);
      }
      if (to_shell) {
        for (const internal::Heredoc& doc : ins.heredocs) {
          std::vector<Pipeline> more = internal::SplitShell(doc.body);
          pipelines.insert(pipelines.end(), std::make_move_iterator(more.begin()),
                           std::make_move_iterator(more.end()));
        }
      }
    }
    return pipelines;
  }

  void CheckRun(const Instruction& ins, bool ships) {
    std::vector<Pipeline> pipelines = RunPipelines(ins);
    bool sudo = false;
    bool cd = false;
    bool curl_pipe = false;
    bool apt_used = false;
    bool apt_lists_removed = false;
    for (const Pipeline& pipeline : pipelines) {
      std::vector<Command> commands;
      for (const SimpleCommand& simple : pipeline.commands) commands.push_back(Normalize(simple));
      for (size_t c = 0; c < commands.size(); ++c) {
        const Command& cmd = commands[c];
        if (cmd.sudo && !sudo) {
          sudo = true;
          Add("DF-SUDO", ins, "RUN uses sudo", "sudo");
        }
        if (cmd.words.empty()) continue;
        const std::string& name = cmd.name;
        if (name == "cd" && !cd) {
          cd = true;
          Add("DF-RUN-CD", ins, "RUN changes directory with cd", "cd ");
        } else if (name == "apt-get" || name == "apt") {
          apt_used |= CheckApt(ins, cmd);
        } else if (name == "apk") {
          CheckApk(ins, cmd);
        } else if (StartsWith(name, "pip") || StartsWith(name, "python")) {
          CheckPip(ins, cmd);
        } else if (name == "npm") {
          CheckNpm(ins, cmd);
        } else if (name == "rm") {
          for (const std::string& word : cmd.words) {
            if (StartsWith(word, "/var/lib/apt/lists")) apt_lists_removed = true;
          }
        }
        if (!curl_pipe) curl_pipe = CheckCurlPipe(ins, commands, c);
      }
    }
    if (ships && apt_used && !apt_lists_removed && !HasCacheMount(ins, "/var/lib/apt")) {
      Add("DF-APT-LISTS-NOT-CLEANED", ins, "apt-get runs but /var/lib/apt/lists is not removed in the same RUN",
          "apt");
    }
  }

  // True when the command fetched lists or installed packages (so lists need cleaning).
  bool CheckApt(const Instruction& ins, const Command& cmd) {
    static const std::initializer_list<std::string_view> kValued = {"-o", "-t", "-c", "--option", "--config-file",
                                                                     "--target-release", "--default-release"};
    std::optional<size_t> sub = Subcommand(cmd.words, 1, kValued);
    if (!sub) return false;
    const std::string& verb = cmd.words[*sub];
    if (verb == "update") return true;
    if (verb == "upgrade" || verb == "dist-upgrade" || verb == "full-upgrade") {
      Add("DF-APT-UPGRADE", ins, fmt::format("{} {} upgrades the base image's packages", cmd.name, verb), verb);
      return false;
    }
    if (verb != "install") return false;
    bool no_recommends = false;
    for (size_t i = 1; i < cmd.words.size(); ++i) {
      const std::string& w = cmd.words[i];
      if (w == "--no-install-recommends") no_recommends = true;
      if (w.find("APT::Install-Recommends=") != std::string::npos &&
          (EndsWith(w, "=false") || EndsWith(w, "=0") || EndsWith(w, "=\"false\""))) {
        no_recommends = true;
      }
    }
    if (!no_recommends) {
      Add("DF-APT-NO-INSTALL-RECOMMENDS", ins,
          fmt::format("{} install without --no-install-recommends pulls in recommended packages", cmd.name),
          "install");
    }
    std::vector<std::string> unpinned;
    for (const std::string& pkg : Operands(cmd.words, *sub + 1, kValued)) {
      if (IsVariableOrPath(pkg) || EndsWith(pkg, ".deb") || pkg.find('=') != std::string::npos) continue;
      unpinned.push_back(pkg);
    }
    if (!unpinned.empty()) {
      Add("DF-APT-UNPINNED", ins, fmt::format("apt packages without a version: {}", NameList(unpinned)),
          unpinned[0]);
    }
    return true;
  }

  void CheckApk(const Instruction& ins, const Command& cmd) {
    static const std::initializer_list<std::string_view> kValued = {
        "-X", "--repository", "-p", "--root", "--arch", "--keys-dir", "--repositories-file",
        "--cache-dir", "-t", "--virtual", "--cache-max-age", "--wait"};
    std::optional<size_t> sub = Subcommand(cmd.words, 1, kValued);
    if (!sub || cmd.words[*sub] != "add") return;
    bool no_cache = std::find(cmd.words.begin(), cmd.words.end(), "--no-cache") != cmd.words.end();
    if (!no_cache && !HasCacheMount(ins, "/var/cache/apk") && !HasCacheMount(ins, "/etc/apk/cache")) {
      Add("DF-APK-NO-CACHE", ins, "apk add without --no-cache leaves the package index in the image", "apk");
    }
    std::vector<std::string> unpinned;
    for (const std::string& pkg : Operands(cmd.words, *sub + 1, kValued)) {
      if (IsVariableOrPath(pkg) || EndsWith(pkg, ".apk") || pkg.find_first_of("=<>~") != std::string::npos) {
        continue;
      }
      unpinned.push_back(pkg);
    }
    if (!unpinned.empty()) {
      Add("DF-APK-UNPINNED", ins, fmt::format("apk packages without a version: {}", NameList(unpinned)),
          unpinned[0]);
    }
  }

  void CheckPip(const Instruction& ins, const Command& cmd) {
    static const std::initializer_list<std::string_view> kValued = {
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
        "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host",
        "--src", "--platform", "--python-version", "--implementation", "--abi", "--cache-dir", "--log",
        "--progress-bar", "--upgrade-strategy", "--global-option", "--config-settings", "-C", "--only-binary",
        "--no-binary", "--report", "--timeout", "--retries", "--proxy"};
    const std::string& name = cmd.name;
    size_t from = 1;
    if (StartsWith(name, "python")) {
      if (cmd.words.size() < 3 || cmd.words[1] != "-m" || !StartsWith(cmd.words[2], "pip")) return;
      from = 3;
    } else if (name.find_first_not_of("pip0123456789.") != std::string::npos) {
      return;  // pipx, pipenv, …
    }
    std::optional<size_t> sub = Subcommand(cmd.words, from, kValued);
    if (!sub || cmd.words[*sub] != "install") return;
    std::vector<std::string> unpinned;
    for (const std::string& pkg : Operands(cmd.words, *sub + 1, kValued)) {
      std::string lower = ToLower(pkg);
      if (IsVariableOrPath(pkg) || StartsWith(lower, "git+") || EndsWith(lower, ".whl") ||
          EndsWith(lower, ".tar.gz") || EndsWith(lower, ".zip")) {
        continue;
      }
      if (pkg.find_first_of("=<>~!@") != std::string::npos) continue;
      unpinned.push_back(pkg);
    }
    if (!unpinned.empty()) {
      Add("DF-PIP-UNPINNED", ins, fmt::format("pip packages without a version: {}", NameList(unpinned)),
          unpinned[0]);
    }
  }

  void CheckNpm(const Instruction& ins, const Command& cmd) {
    static const std::initializer_list<std::string_view> kValued = {"--prefix", "--registry", "--cache", "--tag",
                                                                    "-w", "--workspace", "--userconfig"};
    std::optional<size_t> sub = Subcommand(cmd.words, 1, kValued);
    if (!sub) return;
    const std::string& verb = cmd.words[*sub];
    if (verb != "install" && verb != "i" && verb != "add" && verb != "isntall") return;
    std::vector<std::string> unpinned;
    for (const std::string& pkg : Operands(cmd.words, *sub + 1, kValued)) {
      std::string lower = ToLower(pkg);
      if (IsVariableOrPath(pkg) || StartsWith(lower, "git") || StartsWith(lower, "file:") ||
          StartsWith(lower, "github:") || EndsWith(lower, ".tgz") || EndsWith(lower, ".tar.gz")) {
        continue;
      }
      size_t at = pkg.find('@', 1);  // a scope (`@types/node`) is no version
      if (at != std::string::npos) {
        std::string version = lower.substr(at + 1);
        if (!version.empty() && version != "latest" && version != "next") continue;
      }
      unpinned.push_back(pkg);
    }
    if (!unpinned.empty()) {
      Add("DF-NPM-UNPINNED", ins, fmt::format("npm packages without a version: {}", NameList(unpinned)),
          unpinned[0]);
    }
  }

  // `curl … | sh`, `wget -O- … | sudo bash`, `sh -c "$(curl …)"`, `bash <(curl …)`.
  bool CheckCurlPipe(const Instruction& ins, const std::vector<Command>& commands, size_t c) {
    const Command& cmd = commands[c];
    if (IsShell(cmd.name)) {
      for (size_t k = 1; k < cmd.words.size(); ++k) {
        for (std::string_view fetch : {"$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget"}) {
          if (cmd.words[k].find(fetch) != std::string::npos) {
            Add("DF-CURL-PIPE-SHELL", ins, fmt::format("{} runs a script downloaded with {}", cmd.name,
                                                       fetch.substr(2)), fetch.substr(2));
            return true;
          }
        }
      }
    }
    if (cmd.name != "curl" && cmd.name != "wget") return false;
    for (size_t k = c + 1; k < commands.size(); ++k) {
      if (IsShell(commands[k].name)) {
        Add("DF-CURL-PIPE-SHELL", ins, fmt::format("{} output is piped into {}", cmd.name, commands[k].name),
            cmd.name);
        return true;
      }
    }
    return false;
  }

  void CheckFinalStage() {
    size_t final_stage = stages_.size() - 1;
    const Instruction& final_from = df_.instructions[stages_[final_stage].from_index];
    const Instruction* last_user = nullptr;
    const Instruction* healthcheck = nullptr;
    size_t user_stage = final_stage;
    int cur = static_cast<int>(final_stage);
    for (size_t guard = 0; cur >= 0 && guard <= stages_.size(); ++guard) {
      const Stage& stage = stages_[static_cast<size_t>(cur)];
      for (size_t i = stage.end_index; i-- > stage.from_index + 1;) {
        const Instruction& ins = df_.instructions[i];
        if (ins.keyword == "USER" && last_user == nullptr) {
          last_user = &ins;
          user_stage = static_cast<size_t>(cur);
        }
        if (ins.keyword == "HEALTHCHECK" && healthcheck == nullptr) healthcheck = &ins;
      }
      cur = stage.parent;
    }
    if (healthcheck == nullptr) {
      Add("DF-NO-HEALTHCHECK", final_from, "The final stage has no HEALTHCHECK", "FROM");
    }
    if (last_user == nullptr) {
      Add("DF-LAST-USER-ROOT", final_from,
          "The final stage sets no USER: the container runs as the base image's user, root unless it sets one",
          "FROM");
      return;
    }
    Vars vars = WithoutEmpty(global_args_);
    const Stage& stage = stages_[user_stage];
    for (size_t i = stage.from_index + 1; i < stage.end_index; ++i) {
      const Instruction& ins = df_.instructions[i];
      if (&ins == last_user) break;
      if (ins.keyword == "ARG" || ins.keyword == "ENV") {
        Vars local;
        CollectAssignments(ins, &local);
        for (auto& kv : WithoutEmpty(local)) vars.push_back(std::move(kv));
      }
    }
    std::vector<std::string> words = ArgWords(*last_user);
    if (words.empty()) return;
    std::string user = internal::ExpandVariables(words[0], vars, df_.escape);
    std::string name = user.substr(0, user.find(':'));
    if (name == "root" || name == "0") {
      Add("DF-LAST-USER-ROOT", *last_user, fmt::format("The last USER is {}", Quote(user)), "USER");
    }
  }

  const Dockerfile& df_;
  const std::string& target_;
  Vars global_args_;
  std::vector<Stage> stages_;
  std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> CheckDockerfile(std::string_view content, const std::string& target) {
  Dockerfile df = internal::ParseDockerfile(content);
  return Checker(df, target).Run();
}

}  // namespace hullscan::checks::iac
