#include "analyze/lang/java/internal/pom_xml.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace hullscan::analyze::java_internal {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxElements = 200'000;
constexpr int kMaxInterpolationRounds = 8;

// Just enough XML for pom files: elements, text, comments, CDATA, processing instructions,
// DOCTYPE (skipped, entities in it are not expanded), the five predefined entities and character
// references. Attributes are skipped; namespace prefixes are dropped from element names.
struct Element {
  std::string name;
  std::string text;
  std::vector<std::unique_ptr<Element>> children;

  const Element* Child(std::string_view child_name) const {
    for (const auto& c : children) {
      if (c->name == child_name) return c.get();
    }
    return nullptr;
  }
  std::string ChildText(std::string_view child_name) const {
    const Element* c = Child(child_name);
    return c ? c->text : std::string();
  }
};

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void AppendDecoded(std::string& out, std::string_view raw) {
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    out.append(raw.substr(0, amp));
    if (amp == std::string_view::npos) return;
    raw.remove_prefix(amp);
    size_t semi = raw.find(';');
    if (semi == std::string_view::npos || semi > 12) {
      out += '&';
      raw.remove_prefix(1);
      continue;
    }
    std::string_view entity = raw.substr(1, semi - 1);
    raw.remove_prefix(semi + 1);
    if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "amp") out += '&';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      uint32_t cp = 0;
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      bool ok = entity.size() > (hex ? 2u : 1u);
      for (char c : entity.substr(hex ? 2 : 1)) {
        int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0 || cp > 0x10FFFF) { ok = false; break; }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (ok) AppendUtf8(out, cp);
    }
    // Unknown entities (from a DOCTYPE) are dropped: no entity expansion, no billion laughs.
  }
}

class XmlReader {
 public:
  explicit XmlReader(std::string_view text) : text_(text) {}

  // The root element, or nullptr with `error` set.
  std::unique_ptr<Element> Parse(std::string& error) {
    auto root = std::make_unique<Element>();  // a document node holding the top-level element
    std::vector<Element*> stack = {root.get()};
    while (pos_ < text_.size()) {
      size_t lt = text_.find('<', pos_);
      std::string_view raw = text_.substr(pos_, lt == std::string_view::npos ? std::string_view::npos : lt - pos_);
      if (stack.size() > 1) AppendDecoded(stack.back()->text, raw);
      else if (!TrimXmlSpace(raw).empty() && raw.find_first_not_of("\xEF\xBB\xBF \t\r\n") != std::string_view::npos) {
        return Fail(error, "text outside the root element");
      }
      if (lt == std::string_view::npos) break;
      pos_ = lt;
      std::string_view rest = text_.substr(pos_);
      if (rest.starts_with("<!--")) {
        if (!SkipPast("-->")) return Fail(error, "unterminated comment");
      } else if (rest.starts_with("<![CDATA[")) {
        size_t end = text_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Fail(error, "unterminated CDATA");
        if (stack.size() > 1) stack.back()->text.append(text_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (rest.starts_with("<?")) {
        if (!SkipPast("?>")) return Fail(error, "unterminated processing instruction");
      } else if (rest.starts_with("<!")) {
        // DOCTYPE, possibly with an internal subset in brackets.
        size_t bracket = text_.find('[', pos_);
        size_t gt = text_.find('>', pos_);
        if (gt == std::string_view::npos) return Fail(error, "unterminated declaration");
        if (bracket != std::string_view::npos && bracket < gt) {
          size_t end = text_.find("]>", bracket);
          if (end == std::string_view::npos) return Fail(error, "unterminated DOCTYPE");
          pos_ = end + 2;
        } else {
          pos_ = gt + 1;
        }
      } else if (rest.starts_with("</")) {
        size_t gt = text_.find('>', pos_);
        if (gt == std::string_view::npos) return Fail(error, "unterminated end tag");
        std::string name = LocalName(TrimXmlSpace(text_.substr(pos_ + 2, gt - pos_ - 2)));
        if (stack.size() <= 1 || stack.back()->name != name) return Fail(error, "mismatched end tag </" + name + ">");
        stack.back()->text = std::string(TrimXmlSpace(stack.back()->text));
        stack.pop_back();
        pos_ = gt + 1;
        if (stack.size() == 1) break;  // the root element is complete
      } else {
        size_t end = TagEnd(pos_ + 1);
        if (end == std::string_view::npos) return Fail(error, "unterminated start tag");
        std::string_view tag = text_.substr(pos_ + 1, end - pos_ - 1);
        bool self_closing = !tag.empty() && tag.back() == '/';
        if (self_closing) tag.remove_suffix(1);
        size_t name_end = tag.find_first_of(" \t\r\n");
        std::string name = LocalName(tag.substr(0, name_end));
        if (!IsXmlName(tag.substr(0, name_end))) return Fail(error, "invalid element name");
        if (stack.size() == 1 && !root->children.empty()) return Fail(error, "more than one root element");
        if (++elements_ > kMaxElements) return Fail(error, "too many elements");
        if (static_cast<int>(stack.size()) > kMaxDepth) return Fail(error, "elements nested too deeply");
        auto element = std::make_unique<Element>();
        element->name = std::move(name);
        Element* raw_element = element.get();
        stack.back()->children.push_back(std::move(element));
        if (!self_closing) stack.push_back(raw_element);
        pos_ = end + 1;
        if (self_closing && stack.size() == 1) break;
      }
    }
    if (stack.size() != 1) return Fail(error, "unexpected end of document");
    if (root->children.empty()) return Fail(error, "no root element");
    return std::move(root->children.front());
  }

 private:
  std::unique_ptr<Element> Fail(std::string& error, std::string message) {
    error = std::move(message);
    return nullptr;
  }
  bool SkipPast(std::string_view marker) {
    size_t end = text_.find(marker, pos_);
    if (end == std::string_view::npos) return false;
    pos_ = end + marker.size();
    return true;
  }
  // The '>' closing a start tag, skipping quoted attribute values.
  size_t TagEnd(size_t from) const {
    char quote = 0;
    for (size_t i = from; i < text_.size(); ++i) {
      char c = text_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      } else if (c == '<') {
        return std::string_view::npos;
      }
    }
    return std::string_view::npos;
  }
  static bool IsXmlName(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(name[i]);
      bool start = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
      if (!start && (i == 0 || !((c >= '0' && c <= '9') || c == '-' || c == '.'))) return false;
    }
    return true;
  }
  static std::string LocalName(std::string_view qualified) {
    size_t colon = qualified.find(':');
    return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t elements_ = 0;
};

// ${name} substitution, repeated for values that refer to other properties; unknown properties stay.
std::string Interpolate(std::string value, const std::map<std::string, std::string>& properties) {
  for (int round = 0; round < kMaxInterpolationRounds && value.find("${") != std::string::npos; ++round) {
    std::string out;
    size_t pos = 0;
    bool changed = false;
    while (pos < value.size()) {
      size_t start = value.find("${", pos);
      if (start == std::string::npos) break;
      size_t end = value.find('}', start + 2);
      if (end == std::string::npos) break;
      out.append(value, pos, start - pos);
      auto it = properties.find(value.substr(start + 2, end - start - 2));
      if (it != properties.end()) {
        out += it->second;
        changed = true;
      } else {
        out.append(value, start, end + 1 - start);
      }
      pos = end + 1;
    }
    out.append(value, pos, std::string::npos);
    if (out.size() > 4096) break;  // a property bomb
    value = std::move(out);
    if (!changed) break;
  }
  return value;
}

// A Maven version range pins nothing; its inclusive lower bound ("[1.2,2.0)" → "1.2", "[1.2]" → "1.2")
// is the version a fresh build resolves to at the least, as scalibr reports. Other ranges
// (exclusive or open lower bounds) give no version.
std::string LowerBoundOfRange(const std::string& version) {
  if (version.empty() || (version.front() != '[' && version.front() != '(')) return version;
  if (version.front() == '(') return "";
  size_t end = version.find_first_of(",]");
  if (end == std::string::npos) return "";
  return std::string(TrimXmlSpace(std::string_view(version).substr(1, end - 1)));
}

struct Declared {
  std::string group, artifact, version, scope;
};

void Collect(const Element* dependencies, std::vector<Declared>& out) {
  if (!dependencies) return;
  for (const auto& d : dependencies->children) {
    if (d->name != "dependency") continue;
    out.push_back(Declared{d->ChildText("groupId"), d->ChildText("artifactId"), d->ChildText("version"),
                           d->ChildText("scope")});
  }
}

}  // namespace

std::vector<inventory::Package> ParsePomXml(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  std::string error;
  std::unique_ptr<Element> project = XmlReader(text).Parse(error);
  if (!project) {
    problems.Add(0, "pom.xml: " + error);
    return out;
  }
  if (project->name != "project") {
    problems.Add(0, "pom.xml: root element is <" + project->name + ">, not <project>");
    return out;
  }
  const Element* parent = project->Child("parent");
  std::map<std::string, std::string> properties;
  if (const Element* props = project->Child("properties")) {
    for (const auto& p : props->children) properties.emplace(p->name, p->text);
  }
  auto project_value = [&](std::string_view field) {
    std::string v = project->ChildText(field);
    if (v.empty() && parent && field != "artifactId") v = parent->ChildText(field);
    return v;
  };
  for (std::string_view field : {"groupId", "artifactId", "version"}) {
    std::string v = project_value(field);
    properties.emplace("project." + std::string(field), v);
    properties.emplace("pom." + std::string(field), v);
    if (parent) properties.emplace("project.parent." + std::string(field), parent->ChildText(field));
  }

  std::vector<Declared> declared;
  Collect(project->Child("dependencies"), declared);
  if (const Element* profiles = project->Child("profiles")) {
    for (const auto& profile : profiles->children) {
      const Element* activation = profile->Child("activation");
      if (activation && activation->ChildText("activeByDefault") == "true") {
        Collect(profile->Child("dependencies"), declared);
      }
    }
  }
  std::vector<Declared> managed;
  if (const Element* management = project->Child("dependencyManagement")) {
    Collect(management->Child("dependencies"), managed);
  }

  std::set<std::string> seen;
  for (const Declared& d : declared) {
    std::string group = Interpolate(d.group, properties);
    std::string artifact = Interpolate(d.artifact, properties);
    if (group.empty() || artifact.empty()) continue;  // incomplete declaration (Maven rejects it)
    std::string version = Interpolate(d.version, properties);
    if (version.empty()) {
      for (const Declared& m : managed) {
        if (Interpolate(m.group, properties) == group && Interpolate(m.artifact, properties) == artifact) {
          version = Interpolate(m.version, properties);
          break;
        }
      }
    }
    version = LowerBoundOfRange(version);
    std::string name = group + ":" + artifact;
    if (!seen.insert(name).second) continue;
    if (version.empty() || version.find("${") != std::string::npos) {
      problems.Add(0, name + ": version not resolvable from this pom.xml (parent or BOM)");
      continue;
    }
    inventory::Package p;
    p.type = inventory::PackageType::kMaven;
    p.name = std::move(name);
    p.version = std::move(version);
    p.dev = d.scope == "test";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace hullscan::analyze::java_internal
