// The checks on a built image. Each rule has a stable id; the Dockle checkpoint it corresponds to
// (goodwithtech/dockle, CHECKPOINT.md) is named in its title. Severities are ours: Dockle's
// FATAL/WARN/INFO are not a risk scale (it rates `apt-get upgrade` like a root user).
//
//   id                      kind        severity  Dockle        what
//   CFG-USER-ROOT           config      HIGH      CIS-DI-0001   USER empty, root, 0, 0:0 or a name with uid 0
//   CFG-USER-UNKNOWN        config      MEDIUM    -             USER names a user/group missing from etc/passwd|group
//   CFG-USER-NAME           config      LOW       -             USER is a name, not a numeric uid
//   CFG-NO-HEALTHCHECK      config      LOW       CIS-DI-0006   no HEALTHCHECK (or HEALTHCHECK NONE)
//   CFG-ADD                 config      MEDIUM    CIS-DI-0009   ADD of a remote URL (LOW: of an archive or file)
//   CFG-SUDO                config      MEDIUM    DKL-DI-0001   sudo in a history step
//   CFG-PKG-UPGRADE         config      LOW       DKL-DI-0003   apt-get upgrade/dist-upgrade, apk upgrade in history
//   CFG-LATEST-TAG          config      LOW       DKL-DI-0006   the image was named by the `latest` tag
//   CFG-SSH-PORT            config      MEDIUM    -             EXPOSE 22
//   CFG-VOLUME-SYSTEM-DIR   config      MEDIUM    DKL-DI-0002   VOLUME on /, /dev, /proc, /sys, /etc, /usr, …
//   FS-PACKAGE-CACHE        filesystem  LOW       DKL-DI-0004/5 apt lists, apt archives, apk or dnf/yum cache left
//   FS-EMPTY-PASSWORD       filesystem  HIGH      DKL-LI-0001   an account with an empty password
//   FS-DUPLICATE-UID        filesystem  MEDIUM    DKL-LI-0002   two users share a uid
//   FS-DUPLICATE-GID        filesystem  MEDIUM    DKL-LI-0002   two groups share a gid
//   FS-SETUID / FS-SETGID   filesystem  LOW       CIS-DI-0008   one per setuid / setgid file
//   FS-WORLD-WRITABLE       filesystem  MEDIUM    -             o+w file, or o+w directory without sticky bit
//   FS-CREDENTIAL-FILE      filesystem  MEDIUM    CIS-DI-0010   private key / credential store by name
//   FS-LEFTOVER             filesystem  LOW       DKL-LI-0003   .git/, .svn/, .hg/, .DS_Store
//   SECRET-ENV              secret      HIGH      CIS-DI-0010   ENV with a secret name and a value
//   SECRET-LABEL            secret      HIGH      CIS-DI-0010   label with a secret name and a value
//   SECRET-HISTORY          secret      HIGH      CIS-DI-0010   NAME=value with a secret name in a history step
//   SECRET-<RULE>           secret      the rule's            the secret scanner's hit in a file, ENV, label
//                                                            or history step
#include "checks/image/image_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "base/strings.h"
#include "checks/image/internal/config_secrets.h"
#include "checks/image/internal/internal.h"

namespace hullscan::checks::image {

namespace {

using vulndb::SeverityLevel;
namespace in = internal;

struct Rule {
  std::string_view id;
  Kind kind;
  SeverityLevel severity;
  std::string_view title;
  std::string_view remediation;
};

constexpr Rule kUserRoot{"CFG-USER-ROOT", Kind::kConfig, SeverityLevel::kHigh,
                         "Image runs as root (Dockle CIS-DI-0001)",
                         "Create a user with a fixed uid and add `USER <uid>:<gid>` (e.g. `USER 10001:10001`) as the "
                         "last USER instruction"};
constexpr Rule kUserUnknown{"CFG-USER-UNKNOWN", Kind::kConfig, SeverityLevel::kMedium,
                            "USER names a user or group the image does not have",
                            "Create the user and group in the image, or set USER to a numeric uid:gid"};
constexpr Rule kUserName{"CFG-USER-NAME", Kind::kConfig, SeverityLevel::kLow, "USER is a name, not a numeric uid",
                         "Set USER to the numeric uid:gid (e.g. `USER 10001:10001`) so that the runtime and "
                         "Kubernetes runAsNonRoot can verify the user without reading /etc/passwd"};
constexpr Rule kNoHealthcheck{
    "CFG-NO-HEALTHCHECK", Kind::kConfig, SeverityLevel::kLow, "No HEALTHCHECK instruction (Dockle CIS-DI-0006)",
    "Add a HEALTHCHECK instruction, e.g. `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`"};
constexpr Rule kAdd{"CFG-ADD", Kind::kConfig, SeverityLevel::kMedium, "ADD used instead of COPY (Dockle CIS-DI-0009)",
                    "Use COPY for local files; download remote files in a RUN step that verifies a checksum"};
constexpr Rule kSudo{"CFG-SUDO", Kind::kConfig, SeverityLevel::kMedium,
                     "sudo used in a build step (Dockle DKL-DI-0001)",
                     "Run privileged build steps as root (USER root before them) and drop sudo from the image"};
constexpr Rule kPkgUpgrade{"CFG-PKG-UPGRADE", Kind::kConfig, SeverityLevel::kLow,
                           "Package upgrade in a build step (Dockle DKL-DI-0003)",
                           "Rebuild on an updated base image instead of upgrading all packages in a layer"};
constexpr Rule kLatestTag{"CFG-LATEST-TAG", Kind::kConfig, SeverityLevel::kLow,
                          "Image referenced by the `latest` tag (Dockle DKL-DI-0006)",
                          "Reference the image by a specific version tag or by digest"};
constexpr Rule kSshPort{"CFG-SSH-PORT", Kind::kConfig, SeverityLevel::kMedium, "SSH port 22 exposed",
                        "Remove `EXPOSE 22`: use `docker exec` / `kubectl exec` instead of an SSH server"};
constexpr Rule kVolumeSystemDir{"CFG-VOLUME-SYSTEM-DIR", Kind::kConfig, SeverityLevel::kMedium,
                                "VOLUME on a system directory (Dockle DKL-DI-0002)",
                                "Declare volumes only for application data directories"};
constexpr Rule kPackageCache{"FS-PACKAGE-CACHE", Kind::kFilesystem, SeverityLevel::kLow,
                             "Package manager cache left in the image (Dockle DKL-DI-0004/DKL-DI-0005)",
                             "Clean up in the same RUN step: `apt-get clean && rm -rf /var/lib/apt/lists/*`, "
                             "`apk add --no-cache`, `dnf clean all`"};
constexpr Rule kEmptyPassword{"FS-EMPTY-PASSWORD", Kind::kFilesystem, SeverityLevel::kHigh,
                              "Account with an empty password (Dockle DKL-LI-0001)",
                              "Lock the account: `passwd -l <user>` (or `usermod -p '!' <user>`)"};
constexpr Rule kDuplicateUid{"FS-DUPLICATE-UID", Kind::kFilesystem, SeverityLevel::kMedium,
                             "Users share a UID (Dockle DKL-LI-0002)", "Give every user its own uid"};
constexpr Rule kDuplicateGid{"FS-DUPLICATE-GID", Kind::kFilesystem, SeverityLevel::kMedium,
                             "Groups share a GID (Dockle DKL-LI-0002)", "Give every group its own gid"};
constexpr Rule kSetuid{"FS-SETUID", Kind::kFilesystem, SeverityLevel::kLow, "setuid file (Dockle CIS-DI-0008)",
                       "Remove the setuid bit unless the image needs it: `chmod u-s <file>`"};
constexpr Rule kSetgid{"FS-SETGID", Kind::kFilesystem, SeverityLevel::kLow, "setgid file (Dockle CIS-DI-0008)",
                       "Remove the setgid bit unless the image needs it: `chmod g-s <file>`"};
constexpr Rule kWorldWritable{"FS-WORLD-WRITABLE", Kind::kFilesystem, SeverityLevel::kMedium,
                              "World-writable file or directory without sticky bit",
                              "Remove write permission for others (`chmod o-w`), or set the sticky bit on shared "
                              "directories (`chmod +t`)"};
constexpr Rule kCredentialFile{"FS-CREDENTIAL-FILE", Kind::kFilesystem, SeverityLevel::kMedium,
                               "Credential or private key file in the image (Dockle CIS-DI-0010)",
                               "Do not copy keys or credentials into the image: mount them at run time (secrets, "
                               "build secrets with `RUN --mount=type=secret`), and rotate this one"};
constexpr Rule kLeftover{"FS-LEFTOVER", Kind::kFilesystem, SeverityLevel::kLow,
                         "Unnecessary file left in the image (Dockle DKL-LI-0003)",
                         "Exclude it with .dockerignore or delete it in the step that creates it"};
constexpr Rule kSecretEnv{"SECRET-ENV", Kind::kSecret, SeverityLevel::kHigh,
                          "Secret in an ENV variable (Dockle CIS-DI-0010)",
                          "Pass secrets at run time (orchestrator secrets, mounted files), never in ENV: every copy of "
                          "the image carries its config; rotate this secret"};
constexpr Rule kSecretLabel{"SECRET-LABEL", Kind::kSecret, SeverityLevel::kHigh,
                            "Secret in an image label (Dockle CIS-DI-0010)",
                            "Remove the secret from the labels and rotate it"};
constexpr Rule kSecretHistory{"SECRET-HISTORY", Kind::kSecret, SeverityLevel::kHigh,
                              "Secret in the image history (Dockle CIS-DI-0010)",
                              "Use build secrets (`RUN --mount=type=secret`) instead of ARG/ENV/command-line values: "
                              "the history ships with the image; rotate this secret"};

constexpr std::string_view kScannerRemediation =
    "Remove the secret from the image and rotate it: a file deleted in a later layer still ships in the layer "
    "that added it";

Finding Make(const Rule& rule, std::string message) {
  Finding f;
  f.id = std::string(rule.id);
  f.kind = rule.kind;
  f.severity = rule.severity;
  f.title = std::string(rule.title);
  f.message = std::move(message);
  f.remediation = std::string(rule.remediation);
  return f;
}

// "aws-access-key-id" → "SECRET-AWS-ACCESS-KEY-ID".
std::string SecretRuleId(std::string_view rule_id) {
  std::string id = "SECRET-";
  for (char c : rule_id) {
    unsigned char u = static_cast<unsigned char>(c);
    id.push_back(std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '-');
  }
  return id;
}

Finding FromSecretHit(const inventory::SecretHit& hit) {
  Finding f;
  f.id = SecretRuleId(hit.rule_id);
  f.kind = Kind::kSecret;
  f.severity = vulndb::ParseSeverity(hit.severity);
  f.title = hit.title.empty() ? hit.rule_id : hit.title;
  f.remediation = std::string(kScannerRemediation);
  f.match = hit.match;
  return f;
}

// Replaces every occurrence of `secret` in `text` with a mask.
void MaskIn(std::string& text, std::string_view secret) {
  if (secret.size() < 4) return;  // too short to be told from ordinary text; never a real secret
  std::string mask = in::Mask(secret);
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + mask.size()))
    text.replace(at, secret.size(), mask);
}

// Replaces line `line` (1-based) of `text` with `replacement`; the whole text when out of range.
void ReplaceLine(std::string& text, int line, std::string_view replacement) {
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      text = std::string(replacement);
      return;
    }
    start = nl + 1;
  }
  if (line < 1) {
    text = std::string(replacement);
    return;
  }
  size_t end = text.find('\n', start);
  text.replace(start, end == std::string::npos ? std::string::npos : end - start, replacement);
}

class Checker {
 public:
  Checker(const inventory::Inventory& inventory, const Options& options)
      : inv_(inventory), runtime_(inventory.artifact.runtime), options_(options) {
    const auto& layers = inv_.artifact.layers;
    for (const auto& l : layers) layer_step_[l.diff_id] = l.created_by;
    size_t next_layer = 0;
    for (const auto& step : runtime_.history) {
      instructions_.push_back(in::ParseCreatedBy(step.created_by));
      safe_history_.push_back(step.created_by);
      if (!step.empty_layer && next_layer < layers.size()) {
        step_layer_.push_back(layers[next_layer++].diff_id);
      } else {
        step_layer_.emplace_back();
      }
    }
    if (auto it = inv_.os_files.find("etc/passwd"); it != inv_.os_files.end()) passwd_ = in::ParseAccounts(it->second);
    if (auto it = inv_.os_files.find("etc/group"); it != inv_.os_files.end()) group_ = in::ParseAccounts(it->second);
    if (auto it = inv_.os_files.find("etc/shadow"); it != inv_.os_files.end()) shadow_ = in::ParseAccounts(it->second);
  }

  std::vector<Finding> Run() {
    // Secrets in the config first: they decide what the history evidence of every finding hides.
    if (runtime_.present) ConfigSecrets();
    if (options_.config && runtime_.present) {
      User();
      Healthcheck();
      History();
      LatestTag();
      Ports();
      Volumes();
    }
    if (options_.filesystem) {
      NotableFiles();
      Accounts();
    }
    if (options_.secrets) {
      for (const auto& hit : inv_.secrets) {
        Finding f = FromSecretHit(hit);
        f.message = fmt::format("{} in {} line {}", f.title, hit.path, hit.line);
        f.layer_diff_id = hit.layer_diff_id;
        f.path = hit.path;
        f.line = hit.line;
        f.history = LayerStep(hit.layer_diff_id);
        out_.push_back(std::move(f));
      }
    }
    SortFindings(out_);
    return std::move(out_);
  }

 private:
  std::string LayerStep(const std::string& diff_id) const {
    auto it = layer_step_.find(diff_id);
    if (it == layer_step_.end()) return {};
    // The layer's step, masked as the history steps are.
    for (size_t i = 0; i < step_layer_.size(); ++i)
      if (step_layer_[i] == diff_id) return safe_history_[i];
    std::string step = it->second;  // a layer the history does not account for
    for (const std::string& value : secret_values_) MaskIn(step, value);
    return step;
  }

  // The last history step with `keyword` for which `pred(args)` holds; -1 when none.
  template <typename Pred>
  int LastStep(std::string_view keyword, Pred&& pred) const {
    for (size_t i = instructions_.size(); i-- > 0;)
      if (instructions_[i].keyword == keyword && pred(instructions_[i].args)) return static_cast<int>(i);
    return -1;
  }

  void SetStep(Finding& f, int step) const {
    if (step < 0) return;
    f.history = safe_history_[static_cast<size_t>(step)];
    f.layer_diff_id = step_layer_[static_cast<size_t>(step)];
  }

  // ---- Secrets in ENV, labels and history ----

  void Emit(Finding f) {
    if (options_.secrets) out_.push_back(std::move(f));
  }

  // One ENV entry or label: the scanner's hits, else a secret by name. Returns whether it is one.
  bool ConfigEntry(const Rule& by_name, std::string_view where, const std::string& name, const std::string& value,
                   int step) {
    std::string text = name + "=" + value;
    auto hits = in::ScanConfigText(options_.scanner, where, text);
    bool secret = !hits.empty() || (in::IsSecretName(name) && in::IsSecretValue(value));
    if (!secret) return false;
    secret_values_.insert(value);
    for (const auto& hit : hits) {
      Finding f = FromSecretHit(hit);
      f.message = fmt::format("{} in {} {}", f.title, where, name);
      pending_.push_back({std::move(f), step});
    }
    if (hits.empty()) {
      Finding f = Make(by_name, fmt::format("{} {} has a value, and its name says it is a secret", where, name));
      f.match = name + "=" + in::Mask(value);
      pending_.push_back({std::move(f), step});
    }
    return true;
  }

  void ConfigSecrets() {
    std::set<std::pair<std::string, std::string>> in_config;
    for (const std::string& entry : runtime_.env) {
      size_t eq = entry.find('=');
      std::string name = entry.substr(0, eq);
      std::string value = eq == std::string::npos ? std::string() : entry.substr(eq + 1);
      in_config.insert({name, value});
      int step = LastStep("ENV", [&](std::string_view args) {
        for (const auto& [n, v] : in::Assignments(args))
          if (n == name) return true;
        return StartsWith(args, name + " ");  // the old form: ENV NAME value
      });
      ConfigEntry(kSecretEnv, "ENV", name, value, step);
    }
    for (const auto& [key, value] : runtime_.labels) {
      in_config.insert({key, value});
      int step = LastStep("LABEL", [&](std::string_view args) { return args.find(key) != std::string_view::npos; });
      ConfigEntry(kSecretLabel, "LABEL", key, value, step);
    }
    // The history steps: secrets the final ENV and labels do not already show.
    for (size_t i = 0; i < runtime_.history.size(); ++i) {
      const std::string& created_by = runtime_.history[i].created_by;
      const in::Instruction& instr = instructions_[i];
      auto assignments = in::Assignments(instr.args);
      bool config_step = instr.keyword == "ENV" || instr.keyword == "LABEL";
      int step = static_cast<int>(i);
      if (!config_step) {
        for (const auto& hit : in::ScanConfigText(options_.scanner, "history", created_by)) {
          ReplaceLine(safe_history_[i], hit.line, hit.match);
          Finding f = FromSecretHit(hit);
          f.message = fmt::format("{} in history step {}", f.title, i + 1);
          pending_.push_back({std::move(f), step});
        }
      }
      for (const auto& [name, value] : assignments) {
        if (in_config.count({name, value})) continue;  // reported with the ENV entry or label
        std::string text = name + "=" + value;
        auto hits = in::ScanConfigText(options_.scanner, "history", text);
        if (config_step) {
          for (const auto& hit : hits) {
            secret_values_.insert(value);
            Finding f = FromSecretHit(hit);
            f.message = fmt::format("{} in history step {} ({} {})", f.title, i + 1, instr.keyword, name);
            pending_.push_back({std::move(f), step});
          }
        }
        if (!hits.empty() || !in::IsSecretName(name) || !in::IsSecretValue(value)) continue;
        secret_values_.insert(value);
        Finding f = Make(kSecretHistory, fmt::format("{} is set to a value in history step {}", name, i + 1));
        f.match = name + "=" + in::Mask(value);
        pending_.push_back({std::move(f), step});
      }
    }
    // Values found secret anywhere are masked in every step that shows them (`RUN echo $X` does
    // not, but `RUN ./configure --token=<value>` does).
    for (const std::string& value : secret_values_)
      for (std::string& text : safe_history_) MaskIn(text, value);
    // Evidence last, once every secret of every step is masked.
    for (auto& [finding, step] : pending_) {
      SetStep(finding, step);
      Emit(std::move(finding));
    }
    pending_.clear();
  }

  // ---- Config ----

  void User() {
    std::string_view user = TrimSpace(runtime_.user);
    std::string_view name = user;
    std::string_view group;
    if (size_t colon = user.find(':'); colon != std::string_view::npos) {
      name = user.substr(0, colon);
      group = user.substr(colon + 1);
    }
    int step = LastStep("USER", [](std::string_view) { return true; });
    auto emit = [&](const Rule& rule, std::string message) {
      Finding f = Make(rule, std::move(message));
      f.match = "USER " + std::string(user);
      SetStep(f, step);
      out_.push_back(std::move(f));
    };
    const bool have_passwd = inv_.os_files.count("etc/passwd") > 0;
    if (name.empty()) {
      emit(kUserRoot, "USER is not set: the container runs as root (uid 0)");
    } else if (auto uid = in::ParseId(name)) {
      if (*uid == 0) emit(kUserRoot, fmt::format("USER is {}: uid 0 is root", user));
    } else if (name == "root") {
      emit(kUserRoot, fmt::format("USER is {}: the container runs as root (uid 0)", user));
    } else {
      auto it = std::find_if(passwd_.begin(), passwd_.end(), [&](const in::Account& a) { return a.name == name; });
      if (it == passwd_.end()) {
        emit(kUserUnknown, have_passwd
                               ? fmt::format("user '{}' is not in etc/passwd: the container will not start", name)
                               : fmt::format("user '{}' cannot be resolved: the image has no etc/passwd", name));
      } else if (it->id && *it->id == 0) {
        emit(kUserRoot, fmt::format("USER {} resolves to uid 0 (root) in etc/passwd line {}", name, it->line));
      } else {
        emit(kUserName, fmt::format("USER is the name '{}' (uid {} in this image's etc/passwd): a runtime cannot tell "
                                    "it is not root without reading the image",
                                    name, it->id ? std::to_string(*it->id) : std::string("?")));
      }
    }
    if (!group.empty() && !in::ParseId(group)) {
      bool known = std::any_of(group_.begin(), group_.end(), [&](const in::Account& g) { return g.name == group; });
      if (!known)
        emit(kUserUnknown, fmt::format("group '{}' is not in etc/group: the container will not start", group));
    }
  }

  void Healthcheck() {
    if (!runtime_.healthcheck.empty() && runtime_.healthcheck[0] != "NONE") return;
    out_.push_back(Make(kNoHealthcheck, runtime_.healthcheck.empty()
                                            ? "the image has no HEALTHCHECK: a hung process is not detected"
                                            : "HEALTHCHECK NONE disables the health check"));
  }

  void History() {
    for (size_t i = 0; i < instructions_.size(); ++i) {
      const in::Instruction& instr = instructions_[i];
      int step = static_cast<int>(i);
      if (instr.keyword == "ADD") AddStep(instr, step);
      // Shell steps, and free text from builders that record commands as they are.
      if (instr.keyword != "RUN" && !instr.keyword.empty()) continue;
      bool sudo = false;
      std::string upgrade;
      for (const in::SimpleCommand& cmd : in::SplitShell(instr.args)) {
        if (std::find(cmd.wrappers.begin(), cmd.wrappers.end(), "sudo") != cmd.wrappers.end()) sudo = true;
        if (cmd.words.empty()) continue;
        std::string_view command = cmd.words[0];
        if (size_t slash = command.rfind('/'); slash != std::string_view::npos) command = command.substr(slash + 1);
        if (command == "sudo") sudo = true;
        bool apt = command == "apt-get" || command == "apt" || command == "aptitude";
        bool apk = command == "apk";
        if (!apt && !apk) continue;
        // The subcommand: the first word that is not an option.
        for (size_t k = 1; k < cmd.words.size(); ++k) {
          const std::string& w = cmd.words[k];
          if (StartsWith(w, "-")) continue;
          if ((apt && (w == "upgrade" || w == "dist-upgrade" || w == "full-upgrade")) || (apk && w == "upgrade"))
            upgrade = std::string(command) + " " + w;
          break;
        }
      }
      if (sudo) {
        Finding f = Make(kSudo, fmt::format("history step {} runs sudo", i + 1));
        SetStep(f, step);
        f.match = f.history;
        out_.push_back(std::move(f));
      }
      if (!upgrade.empty()) {
        Finding f = Make(kPkgUpgrade, fmt::format("history step {} runs `{}`", i + 1, upgrade));
        SetStep(f, step);
        f.match = f.history;
        out_.push_back(std::move(f));
      }
    }
  }

  void AddStep(const in::Instruction& instr, int step) {
    std::vector<std::string> words;
    for (const in::SimpleCommand& cmd : in::SplitShell(instr.args))
      for (const std::string& w : cmd.words) words.push_back(w);
    std::erase_if(words, [](const std::string& w) { return StartsWith(w, "--"); });
    if (words.size() < 2) return;
    // The classic builder records "ADD file:<sha> in /dest"; a base image's root filesystem is
    // added that way ("in /"), which no downstream image can change (Dockle skips step 1 for it).
    bool classic = words.size() == 3 && words[1] == "in";
    if (step == 0 || (classic && words[2] == "/" && StartsWith(words[0], "file:"))) return;
    std::vector<std::string> sources(words.begin(), classic ? words.begin() + 1 : words.end() - 1);
    bool remote = false;
    bool archive = false;
    for (const std::string& s : sources) {
      std::string lower = ToLower(s);
      remote = remote || StartsWith(lower, "http://") || StartsWith(lower, "https://") || StartsWith(lower, "git@") ||
               EndsWith(lower, ".git");
      for (std::string_view ext : {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"})
        archive = archive || EndsWith(lower, ext);
    }
    Finding f =
        Make(kAdd, remote    ? fmt::format("history step {} ADDs a remote URL: its content is not verified", step + 1)
                   : archive ? fmt::format("history step {} ADDs an archive, which ADD extracts implicitly", step + 1)
                             : fmt::format("history step {} uses ADD where COPY would do", step + 1));
    if (!remote) f.severity = SeverityLevel::kLow;
    SetStep(f, step);
    f.match = f.history;
    out_.push_back(std::move(f));
  }

  void LatestTag() {
    std::string_view ref = TrimSpace(options_.image_ref);
    if (ref.empty()) return;
    bool registry = inv_.artifact.repo_digests.size() > 0;
    for (std::string_view prefix : {"docker://", "registry:"}) {
      if (StartsWith(ref, prefix)) {
        ref.remove_prefix(prefix.size());
        registry = true;
      }
    }
    bool latest = false;
    if (EndsWith(ref, ":latest")) {
      latest = true;
    } else if (registry && ref.find('@') == std::string_view::npos) {
      std::string_view last = ref.substr(ref.rfind('/') == std::string_view::npos ? 0 : ref.rfind('/') + 1);
      latest = last.find(':') == std::string_view::npos;  // no tag: Docker pulls `latest`
    }
    if (!latest) return;
    Finding f = Make(kLatestTag, fmt::format("the image was referenced as '{}' ({}): what it names changes over time",
                                             options_.image_ref,
                                             EndsWith(ref, ":latest") ? "the latest tag" : "no tag means latest"));
    f.match = options_.image_ref;
    out_.push_back(std::move(f));
  }

  void Ports() {
    for (const std::string& port : runtime_.exposed_ports) {
      std::string_view p = port;
      std::string_view proto = "tcp";
      if (size_t slash = p.find('/'); slash != std::string_view::npos) {
        proto = p.substr(slash + 1);
        p = p.substr(0, slash);
      }
      if (p != "22" || ToLower(proto) != "tcp") continue;
      Finding f = Make(kSshPort, fmt::format("the image exposes port {} (SSH)", port));
      f.match = "EXPOSE " + port;
      SetStep(f, LastStep("EXPOSE", [](std::string_view args) { return args.find("22") != std::string_view::npos; }));
      out_.push_back(std::move(f));
    }
  }

  void Volumes() {
    static constexpr std::array<std::string_view, 13> kSystemDirs = {
        "/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/sbin", "/sys", "/usr", "/var/lib"};
    for (const std::string& volume : runtime_.volumes) {
      std::string_view v = volume;
      while (v.size() > 1 && v.back() == '/') v.remove_suffix(1);
      if (std::find(kSystemDirs.begin(), kSystemDirs.end(), v) == kSystemDirs.end()) continue;
      Finding f = Make(kVolumeSystemDir, fmt::format("VOLUME {} mounts over a system directory", volume));
      f.match = "VOLUME " + volume;
      SetStep(f, LastStep("VOLUME", [&](std::string_view args) { return args.find(v) != std::string_view::npos; }));
      out_.push_back(std::move(f));
    }
  }

  // ---- Filesystem ----

  void FileEvidence(Finding& f, const inventory::NotableFile& file) const {
    f.path = file.path;
    f.layer_diff_id = file.layer_diff_id;
    f.history = LayerStep(file.layer_diff_id);
  }

  void NotableFiles() {
    // Package caches: one finding per cache and layer, listing a few of its files.
    std::map<std::pair<std::string_view, std::string>, std::vector<const inventory::NotableFile*>> caches;
    for (const inventory::NotableFile& file : inv_.notable_files) {
      uint32_t reasons = in::ModeReasons(file.type, file.mode) | in::NameReasons(file.path, file.type);
      std::string mode = fmt::format("{:04o}", file.mode & 07777);
      if (reasons & in::kSetuid) {
        Finding f = Make(kSetuid, fmt::format("{} is setuid{} (mode {}, owner {}:{})", file.path,
                                              (reasons & in::kSetgid) ? " and setgid" : "", mode, file.uid, file.gid));
        FileEvidence(f, file);
        out_.push_back(std::move(f));
      } else if (reasons & in::kSetgid) {
        Finding f =
            Make(kSetgid, fmt::format("{} is setgid (mode {}, owner {}:{})", file.path, mode, file.uid, file.gid));
        FileEvidence(f, file);
        out_.push_back(std::move(f));
      }
      if (reasons & in::kWorldWritable) {
        Finding f = Make(kWorldWritable, fmt::format("{} {} is writable by everyone (mode {})",
                                                     file.type == 'd' ? "directory" : "file", file.path, mode));
        FileEvidence(f, file);
        out_.push_back(std::move(f));
      }
      if (reasons & in::kCredentialFile) {
        Finding f = Make(kCredentialFile, fmt::format("{} is named like a private key or credential store", file.path));
        FileEvidence(f, file);
        out_.push_back(std::move(f));
      }
      if (reasons & in::kLeftover) {
        Finding f = Make(kLeftover,
                         fmt::format("{} {} is a build leftover", file.type == 'd' ? "directory" : "file", file.path));
        FileEvidence(f, file);
        out_.push_back(std::move(f));
      }
      if (reasons & in::kPackageCache) caches[{in::PackageCacheName(file.path), file.layer_diff_id}].push_back(&file);
    }
    for (const auto& [key, files] : caches) {
      std::string names;
      for (size_t i = 0; i < files.size() && i < 3; ++i) names += (i ? ", " : "") + files[i]->path;
      if (files.size() > 3) names += ", …";
      Finding f = Make(kPackageCache, fmt::format("{} left in the image: {} file{} ({})", key.first, files.size(),
                                                  files.size() == 1 ? "" : "s", names));
      FileEvidence(f, *files.front());
      // The cache's directory, not one of its files.
      if (size_t slash = f.path.rfind('/'); slash != std::string::npos) f.path.resize(slash);
      out_.push_back(std::move(f));
    }
  }

  void Accounts() {
    std::set<std::string> empty;
    for (const in::Account& a : shadow_) {
      if (a.password != "empty" || !empty.insert(a.name).second) continue;
      Finding f = Make(kEmptyPassword, fmt::format("user '{}' has an empty password in etc/shadow: anyone can log in "
                                                   "as it without one",
                                                   a.name));
      f.path = "etc/shadow";
      f.line = a.line;
      out_.push_back(std::move(f));
    }
    for (const in::Account& a : passwd_) {
      if (!a.password.empty() || !empty.insert(a.name).second) continue;
      Finding f = Make(kEmptyPassword, fmt::format("user '{}' has an empty password field in etc/passwd", a.name));
      f.path = "etc/passwd";
      f.line = a.line;
      out_.push_back(std::move(f));
    }
    Duplicates(passwd_, kDuplicateUid, "etc/passwd", "uid", "users");
    Duplicates(group_, kDuplicateGid, "etc/group", "gid", "groups");
  }

  void Duplicates(const std::vector<in::Account>& accounts, const Rule& rule, std::string_view path,
                  std::string_view what, std::string_view who) {
    std::map<int64_t, std::vector<const in::Account*>> by_id;
    for (const in::Account& a : accounts)
      if (a.id) by_id[*a.id].push_back(&a);
    for (const auto& [id, list] : by_id) {
      if (list.size() < 2) continue;
      std::string names;
      for (const in::Account* a : list) names += (names.empty() ? "" : ", ") + a->name;
      Finding f = Make(rule, fmt::format("{} {} is shared by the {} {}", what, id, who, names));
      f.path = std::string(path);
      f.line = list[1]->line;
      out_.push_back(std::move(f));
    }
  }

  const inventory::Inventory& inv_;
  const inventory::RuntimeConfig& runtime_;
  const Options& options_;
  std::vector<in::Instruction> instructions_;  // parallel to runtime_.history
  std::vector<std::string> safe_history_;      // created_by with every secret found masked
  std::vector<std::string> step_layer_;        // the layer a step made; empty for empty_layer steps
  std::map<std::string, std::string> layer_step_;
  std::vector<in::Account> passwd_, group_, shadow_;
  std::set<std::string> secret_values_;           // values found to be secrets, masked in all evidence
  std::vector<std::pair<Finding, int>> pending_;  // secret findings waiting for their masked evidence
  std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> CheckImage(const inventory::Inventory& inventory, const Options& options) {
  return Checker(inventory, options).Run();
}

}  // namespace hullscan::checks::image
