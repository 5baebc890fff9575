#include "checks/iac/kubernetes.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "base/strings.h"
#include "checks/iac/internal/evidence.h"
#include "checks/iac/rules.h"

namespace hullscan::checks::iac {
namespace {

// A map entry: the value and the 1-based line of its key (0 when the parser gave no mark).
// Not assignable: YAML::Node's operator= overwrites the node it refers to (it would rewrite the
// document), so Fields are only ever constructed (std::optional::emplace, never `=`).
struct Field {
  Field(YAML::Node v, int l) : value(std::move(v)), line(l) {}
  Field(const Field&) = default;
  Field& operator=(const Field&) = delete;

  YAML::Node value;
  int line = 0;
};

int LineOf(const YAML::Mark& mark) { return mark.is_null() || mark.line < 0 ? 0 : mark.line + 1; }

// The entry `key` of `map` (the last one when the key repeats); nothing when `map` is no map.
// Keys are compared as scalars, without conversions, so a hostile key can never throw.
std::optional<Field> Get(const YAML::Node& map, std::string_view key) {
  if (!map.IsDefined() || !map.IsMap()) return std::nullopt;
  std::optional<Field> found;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      found.reset();
      found.emplace(it->second, LineOf(it->first.Mark()));
    }
  }
  return found;
}

std::optional<Field> GetPath(const YAML::Node& root, std::initializer_list<std::string_view> path) {
  std::optional<Field> cur(std::in_place, root, LineOf(root.Mark()));
  for (std::string_view key : path) {
    std::optional<Field> next = Get(cur->value, key);
    if (!next) return std::nullopt;
    cur.reset();
    cur.emplace(*next);
  }
  return cur;
}

std::optional<bool> AsBool(const std::optional<Field>& field) {
  bool value = false;
  if (!field || !field->value.IsScalar() || !YAML::convert<bool>::decode(field->value, value)) return std::nullopt;
  return value;
}

std::optional<long long> AsInt(const std::optional<Field>& field) {
  long long value = 0;
  if (!field || !field->value.IsScalar() || !YAML::convert<long long>::decode(field->value, value)) {
    return std::nullopt;
  }
  return value;
}

std::string AsString(const std::optional<Field>& field) {
  return field && field->value.IsScalar() ? field->value.Scalar() : std::string();
}

std::string Quote(std::string_view s) { return QuoteForMessage(s, '\'', 80); }

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  for (std::string_view line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
  }
  return lines;
}

std::string NormalizeCapability(std::string_view cap) {
  std::string upper(cap);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (StartsWith(upper, "CAP_")) upper.erase(0, 4);
  return upper;
}

class TooManyFindings {};

constexpr size_t kMaxDocuments = 10000;

using Document = YamlDocumentText;

class ManifestChecker {
 public:
  ManifestChecker(std::string_view yaml, const std::string& target) : lines_(SplitLines(yaml)), target_(target) {}

  // `line_offset`: lines before the document in the file (its marks count from its own start).
  void CheckDocument(const YAML::Node& doc, int depth, int line_offset) {
    line_offset_ = line_offset;
    if (!doc.IsDefined() || !doc.IsMap()) return;
    std::string kind = AsString(Get(doc, "kind"));
    if (kind == "List" && depth == 0) {
      std::optional<Field> items = Get(doc, "items");
      if (items && items->value.IsSequence()) {
        for (const YAML::Node& item : items->value) CheckDocument(item, depth + 1, line_offset);
      }
      return;
    }
    std::optional<Field> pod_spec = [&]() -> std::optional<Field> {
      if (kind == "Pod") return GetPath(doc, {"spec"});
      if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
          kind == "ReplicationController" || kind == "Job") {
        return GetPath(doc, {"spec", "template", "spec"});
      }
      if (kind == "CronJob") return GetPath(doc, {"spec", "jobTemplate", "spec", "template", "spec"});
      if (kind == "PodTemplate") return GetPath(doc, {"template", "spec"});
      return std::nullopt;
    }();
    if (!pod_spec || !pod_spec->value.IsMap()) return;
    std::string name = AsString(GetPath(doc, {"metadata", "name"}));
    if (name.empty()) name = "<unnamed>";
    CheckPodSpec(pod_spec->value, kind + "/" + name, pod_spec->line);
  }

  std::vector<Finding> Take() {
    std::stable_sort(out_.begin(), out_.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.line, a.id, a.resource) < std::tie(b.line, b.id, b.resource);
    });
    return std::move(out_);
  }

 private:
  void Add(std::string_view id, const std::string& resource, int line, std::string message) {
    if (out_.size() >= kMaxManifestFindings) throw TooManyFindings();
    const RuleInfo* rule = FindIacRule(id);
    assert(rule != nullptr);
    Finding f;
    f.id = std::string(rule->id);
    f.kind = Kind::kKubernetes;
    f.severity = rule->severity;
    f.title = std::string(rule->title);
    f.message = std::move(message);
    f.remediation = std::string(rule->remediation);
    f.target = target_;
    f.line = line == 0 ? 0 : line + line_offset_;
    f.resource = resource;
    f.match = internal::EvidenceLine(lines_, f.line, f.line, {});
    out_.push_back(std::move(f));
  }

  void CheckPodSpec(const YAML::Node& spec, const std::string& resource, int spec_line) {
    static constexpr std::tuple<std::string_view, std::string_view, std::string_view> kHostNamespaces[] = {
        {"hostNetwork", "K8S-HOST-NETWORK", "network"},
        {"hostPID", "K8S-HOST-PID", "PID"},
        {"hostIPC", "K8S-HOST-IPC", "IPC"}};
    for (const auto& [key, id, what] : kHostNamespaces) {
      std::optional<Field> field = Get(spec, key);
      if (AsBool(field).value_or(false)) {
        Add(id, resource, field->line, fmt::format("{} sets {}: true and shares the host's {} namespace", resource,
                                                   key, what));
      }
    }
    if (std::optional<Field> volumes = Get(spec, "volumes"); volumes && volumes->value.IsSequence()) {
      for (const YAML::Node& volume : volumes->value) {
        std::optional<Field> host_path = Get(volume, "hostPath");
        if (!host_path) continue;
        std::string volume_name = AsString(Get(volume, "name"));
        std::string path = AsString(Get(host_path->value, "path"));
        Add("K8S-HOST-PATH", resource + " (volume " + volume_name + ")", host_path->line,
            fmt::format("Volume {} mounts the host path {}", Quote(volume_name), Quote(path)));
      }
    }
    std::optional<Field> pod_context = Get(spec, "securityContext");
    static constexpr std::pair<std::string_view, std::string_view> kContainerLists[] = {
        {"containers", "container"},
        {"initContainers", "initContainer"},
        {"ephemeralContainers", "ephemeralContainer"}};
    for (const auto& [list_key, label] : kContainerLists) {
      std::optional<Field> list = Get(spec, list_key);
      if (!list || !list->value.IsSequence()) continue;
      size_t index = 0;
      for (const YAML::Node& container : list->value) {
        if (container.IsMap()) {
          std::string name = AsString(Get(container, "name"));
          if (name.empty()) name = fmt::format("#{}", index);
          int line = LineOf(container.Mark());
          CheckContainer(container, pod_context, fmt::format("{} ({} {})", resource, label, name),
                         line != 0 ? line : spec_line, label == "ephemeralContainer");
        }
        ++index;
      }
    }
  }

  // The container's securityContext field, else the pod's (the container's overrides the pod's).
  static std::optional<Field> Effective(const std::optional<Field>& container_context,
                                        const std::optional<Field>& pod_context, std::string_view key) {
    if (container_context) {
      if (std::optional<Field> f = Get(container_context->value, key)) return f;
    }
    if (pod_context) return Get(pod_context->value, key);
    return std::nullopt;
  }

  void CheckContainer(const YAML::Node& c, const std::optional<Field>& pod_context, const std::string& resource,
                      int line, bool ephemeral) {
    std::optional<Field> sc = Get(c, "securityContext");
    auto line_or = [&](const std::optional<Field>& f) { return f && f->line != 0 ? f->line : line; };

    std::optional<Field> non_root = Effective(sc, pod_context, "runAsNonRoot");
    if (!AsBool(non_root).value_or(false)) {
      Add("K8S-RUN-AS-NON-ROOT", resource, line_or(non_root),
          non_root ? "runAsNonRoot is not true: the container may run as root"
                   : "runAsNonRoot is not set (pod or container): the container may run as root");
    }
    std::optional<Field> run_as_user = Effective(sc, pod_context, "runAsUser");
    if (AsInt(run_as_user) == 0) {
      Add("K8S-RUN-AS-USER-ROOT", resource, run_as_user->line, "runAsUser is 0: the container runs as root");
    }
    std::optional<Field> privileged = sc ? Get(sc->value, "privileged") : std::nullopt;
    if (AsBool(privileged).value_or(false)) {
      Add("K8S-PRIVILEGED", resource, privileged->line, "privileged: true gives the container all host devices");
    }
    std::optional<Field> escalation = sc ? Get(sc->value, "allowPrivilegeEscalation") : std::nullopt;
    if (AsBool(escalation).value_or(true)) {
      Add("K8S-ALLOW-PRIVILEGE-ESCALATION", resource, line_or(escalation),
          escalation ? "allowPrivilegeEscalation is true" : "allowPrivilegeEscalation is not set to false");
    }
    CheckCapabilities(sc, resource, line);
    std::optional<Field> read_only = sc ? Get(sc->value, "readOnlyRootFilesystem") : std::nullopt;
    if (!AsBool(read_only).value_or(false)) {
      Add("K8S-READONLY-ROOTFS", resource, line_or(read_only), "readOnlyRootFilesystem is not true");
    }
    CheckImage(Get(c, "image"), resource, line);
    if (!ephemeral) {  // ephemeral containers may not set resources at all
      std::optional<Field> resources = Get(c, "resources");
      std::optional<Field> limits = resources ? Get(resources->value, "limits") : std::nullopt;
      int limits_line = limits ? limits->line : line_or(resources);
      if (!(limits && Get(limits->value, "cpu"))) {
        Add("K8S-NO-CPU-LIMIT", resource, limits_line, "resources.limits.cpu is not set");
      }
      if (!(limits && Get(limits->value, "memory"))) {
        Add("K8S-NO-MEMORY-LIMIT", resource, limits_line, "resources.limits.memory is not set");
      }
    }
  }

  void CheckCapabilities(const std::optional<Field>& sc, const std::string& resource, int line) {
    std::optional<Field> caps = sc ? Get(sc->value, "capabilities") : std::nullopt;
    std::optional<Field> add = caps ? Get(caps->value, "add") : std::nullopt;
    std::optional<Field> drop = caps ? Get(caps->value, "drop") : std::nullopt;
    if (add && add->value.IsSequence()) {
      std::vector<std::string> added;
      for (const YAML::Node& item : add->value) {
        if (!item.IsScalar()) continue;
        std::string cap = NormalizeCapability(item.Scalar());
        if (cap == "SYS_ADMIN") {
          int item_line = LineOf(item.Mark());
          Add("K8S-CAP-SYS-ADMIN", resource, item_line != 0 ? item_line : add->line,
              "capabilities.add has SYS_ADMIN (nearly root on the host)");
        } else if (cap != "NET_BIND_SERVICE" && added.size() < 16) {
          added.push_back(cap);
        }
      }
      if (!added.empty()) {
        std::string list;
        for (const std::string& cap : added) list += (list.empty() ? "" : ", ") + Quote(cap);
        Add("K8S-CAP-ADDED", resource, add->line, fmt::format("capabilities.add has {}", list));
      }
    }
    bool drops_all = false;
    if (drop && drop->value.IsSequence()) {
      for (const YAML::Node& item : drop->value) {
        if (item.IsScalar() && NormalizeCapability(item.Scalar()) == "ALL") drops_all = true;
      }
    }
    if (!drops_all) {
      int at = drop ? drop->line : caps ? caps->line : line;
      Add("K8S-CAPS-NOT-DROPPED", resource, at != 0 ? at : line, "capabilities.drop does not include ALL");
    }
  }

  void CheckImage(const std::optional<Field>& image_field, const std::string& resource, int line) {
    std::string image = AsString(image_field);
    if (image.empty()) return;
    int at = image_field->line != 0 ? image_field->line : line;
    std::string_view ref = image;
    if (ref.find('@') != std::string_view::npos) return;  // pinned by digest: the tag does not matter
    size_t slash = ref.rfind('/');
    size_t colon = ref.rfind(':');
    std::string tag;
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
      tag = std::string(ref.substr(colon + 1));
    }
    if (tag.empty() || tag == "latest") {
      Add("K8S-IMAGE-LATEST", resource, at,
          tag.empty() ? fmt::format("Image {} has no tag: it means `latest`", Quote(image))
                      : fmt::format("Image {} uses the `latest` tag", Quote(image)));
    }
    Add("K8S-IMAGE-NOT-DIGEST", resource, at, fmt::format("Image {} is not pinned by digest", Quote(image)));
  }

  std::vector<std::string> lines_;
  const std::string& target_;
  int line_offset_ = 0;
  std::vector<Finding> out_;
};

}  // namespace

Result<std::vector<Finding>> CheckKubernetes(std::string_view yaml, const std::string& target) {
  if (yaml.size() > kMaxManifestBytes) {
    return LimitExceeded(fmt::format("{}: manifest of {} bytes exceeds the limit of {} bytes", target, yaml.size(),
                                     kMaxManifestBytes));
  }
  std::vector<Document> docs = SplitYamlDocuments(yaml);
  if (docs.size() > kMaxDocuments) {
    return LimitExceeded(fmt::format("{}: more than {} YAML documents", target, kMaxDocuments));
  }
  ManifestChecker checker(yaml, target);
  int first_line = 0;
  try {
    for (const Document& doc : docs) {
      first_line = doc.first_line;
      checker.CheckDocument(YAML::Load(std::string(doc.text)), 0, doc.first_line);
    }
  } catch (const YAML::Exception& e) {
    if (LineOf(e.mark) != 0) return Corrupt(fmt::format("{}:{}: {}", target, LineOf(e.mark) + first_line, e.msg));
    return Corrupt(fmt::format("{}: {}", target, e.msg));
  } catch (const TooManyFindings&) {
    return LimitExceeded(fmt::format("{}: more than {} findings", target, kMaxManifestFindings));
  } catch (const std::exception& e) {
    return Corrupt(fmt::format("{}: {}", target, e.what()));
  }
  return checker.Take();
}

}  // namespace hullscan::checks::iac
