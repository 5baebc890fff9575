// Alpine secdb (secdb.alpinelinux.org/<branch>/<repo>.{json,yaml}, and the legacy alpine-secdb
// repository's YAML), also the Wolfi/Chainguard secdb that shares the format.
//
// {distroversion "v3.11", reponame, urlprefix, apkurl, packages[{pkg{name, secfixes{"<fixed apk
// version>": ["CVE-… [other ids]", …]}}}]}
//
// Each secfixes entry string yields one advisory per CVE id in it (other ids on the line, e.g.
// XSA-123, TALOS-…, GHSA-…, become aliases; a line without a CVE is keyed by its first id). Real
// entries carry noise that is tolerated: a parenthesised remark ("CVE-2017-16808 (AoE)") is
// dropped, "CVE 2018-16859" is read as CVE-2018-16859, and junk after a CVE number
// ("CVE-2017-8073.patch", "CVE-2017-17434-1") is cut. A fixed version of "0" means the branch was
// never affected (kNotAffected); a key that is not a valid apk version becomes a diagnostic and
// its entries are skipped (a range with an unparseable bound could never be evaluated).
#include <algorithm>
#include <filesystem>
#include <optional>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "base/strings.h"
#include "version/apk.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

struct SecfixKey {
  std::string version;
  std::vector<std::string> entries;
};
struct SecdbPackage {
  std::string name;
  std::vector<SecfixKey> secfixes;
};
struct Secdb {
  std::string distroversion;
  std::string reponame;
  std::string urlprefix;
  std::string apkurl;
  std::vector<SecdbPackage> packages;
};

class Context {
 public:
  Context(std::string_view path, Sink& sink) : sink_(sink) {
    feed.path = std::string(path);
    feed.format = std::string(kFormatAlpineSecdb);
  }
  void Diagnose(std::string_view message) {
    ++feed.diagnostics;
    sink_.Diagnose(feed.path, message);
  }
  Status Add(Advisory advisory) {
    ++feed.records;
    std::sort(advisory.aliases.begin(), advisory.aliases.end());
    advisory.aliases.erase(std::unique(advisory.aliases.begin(), advisory.aliases.end()), advisory.aliases.end());
    return sink_.AddAdvisory(std::move(advisory));
  }
  FeedFile feed;

 private:
  Sink& sink_;
};

// Scalars only; numbers are kept as the text the JSON had.
std::optional<std::string> JsonScalar(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number()) return j.dump();
  return std::nullopt;
}

bool ReadJson(std::string_view content, Secdb& db, Context& ctx) {
  nlohmann::json root = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    ctx.Diagnose("not a secdb JSON object (truncated or malformed JSON)");
    return false;
  }
  auto str = [&](const char* key) {
    auto it = root.find(key);
    return it != root.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  db.distroversion = str("distroversion");
  db.reponame = str("reponame");
  db.urlprefix = str("urlprefix");
  db.apkurl = str("apkurl");
  auto packages = root.find("packages");
  if (packages == root.end() || !packages->is_array()) {
    ctx.Diagnose("no packages array");
    return true;
  }
  for (size_t i = 0; i < packages->size(); ++i) {
    const nlohmann::json& item = (*packages)[i];
    const nlohmann::json* pkg = item.is_object() && item.contains("pkg") ? &item["pkg"] : nullptr;
    if (pkg == nullptr || !pkg->is_object() || !pkg->contains("name") || !(*pkg)["name"].is_string()) {
      ctx.Diagnose("packages[" + std::to_string(i) + "]: no pkg.name");
      continue;
    }
    SecdbPackage p;
    p.name = (*pkg)["name"].get<std::string>();
    auto secfixes = pkg->find("secfixes");
    if (secfixes != pkg->end() && secfixes->is_object()) {
      for (const auto& [key, list] : secfixes->items()) {
        SecfixKey k;
        k.version = key;
        if (!list.is_array()) {
          ctx.Diagnose(p.name + " " + QuoteForMessage(key) + ": secfixes entry is not a list");
          continue;
        }
        for (const auto& e : list) {
          if (auto s = JsonScalar(e)) k.entries.push_back(*s);
          else ctx.Diagnose(p.name + " " + QuoteForMessage(key) + ": non-string secfix entry");
        }
        p.secfixes.push_back(std::move(k));
      }
    } else if (secfixes != pkg->end() && !secfixes->is_null()) {
      ctx.Diagnose(p.name + ": secfixes is not a mapping");
    }
    db.packages.push_back(std::move(p));
  }
  return true;
}

bool ReadYaml(std::string_view content, Secdb& db, Context& ctx) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const std::exception& e) {
    ctx.Diagnose(std::string("not valid YAML: ") + e.what());
    return false;
  }
  try {
    if (!root.IsMap()) {
      ctx.Diagnose("not a secdb YAML mapping");
      return false;
    }
    auto str = [&](const char* key) {
      YAML::Node n = root[key];
      return n && n.IsScalar() ? n.Scalar() : std::string();
    };
    db.distroversion = str("distroversion");
    db.reponame = str("reponame");
    db.urlprefix = str("urlprefix");
    db.apkurl = str("apkurl");
    YAML::Node packages = root["packages"];
    if (!packages || !packages.IsSequence()) {
      ctx.Diagnose("no packages list");
      return true;
    }
    for (size_t i = 0; i < packages.size(); ++i) {
      YAML::Node item = packages[i];
      YAML::Node pkg = item.IsMap() ? item["pkg"] : YAML::Node();
      YAML::Node name = pkg && pkg.IsMap() ? pkg["name"] : YAML::Node();
      if (!name || !name.IsScalar()) {
        ctx.Diagnose("packages[" + std::to_string(i) + "]: no pkg.name");
        continue;
      }
      SecdbPackage p;
      p.name = name.Scalar();
      YAML::Node secfixes = pkg["secfixes"];
      if (secfixes && secfixes.IsMap()) {
        for (const auto& kv : secfixes) {
          if (!kv.first.IsScalar()) {
            ctx.Diagnose(p.name + ": non-scalar secfixes key");
            continue;
          }
          SecfixKey k;
          k.version = kv.first.Scalar();
          if (!kv.second.IsSequence()) {
            ctx.Diagnose(p.name + " " + QuoteForMessage(k.version) + ": secfixes entry is not a list");
            continue;
          }
          for (const auto& e : kv.second) {
            if (e.IsScalar()) k.entries.push_back(e.Scalar());
            else ctx.Diagnose(p.name + " " + QuoteForMessage(k.version) + ": non-string secfix entry");
          }
          p.secfixes.push_back(std::move(k));
        }
      } else if (secfixes && !secfixes.IsNull()) {
        ctx.Diagnose(p.name + ": secfixes is not a mapping");
      }
      db.packages.push_back(std::move(p));
    }
  } catch (const std::exception& e) {
    ctx.Diagnose(std::string("malformed secdb YAML: ") + e.what());
  }
  return true;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "CVE-2017-8073.patch" → "CVE-2017-8073"; nullopt when the token does not start with a CVE id.
// "CVE_2019-2426" (a typo in v3.10/community.yaml) is read as CVE-2019-2426.
std::optional<std::string> CvePrefix(std::string_view token) {
  if (!(StartsWith(token, "CVE-") || StartsWith(token, "CVE_")) || token.size() < 13) return std::nullopt;
  if (!IsDigits(token.substr(4, 4)) || token[8] != '-') return std::nullopt;
  size_t end = 9;
  while (end < token.size() && token[end] >= '0' && token[end] <= '9') ++end;
  if (end - 9 < 4) return std::nullopt;
  return "CVE-" + std::string(token.substr(4, end - 4));
}

// Another advisory id: a letter prefix, '-', then id characters ("XSA-207", "GHSA-jq35-…",
// "TALOS-2017-0488", "ZBX-11023", "ALPINE-13661", Wireshark's "wnpa-sec-2017-18").
bool IsOtherId(std::string_view token) {
  size_t dash = token.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == token.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(token[0]))) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (!std::isalnum(static_cast<unsigned char>(token[i]))) return false;
  }
  for (char c : token.substr(dash + 1)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

struct EntryIds {
  std::vector<std::string> cves;
  std::vector<std::string> others;
  std::vector<std::string> junk;
};

EntryIds SplitEntry(std::string_view entry) {
  EntryIds out;
  std::vector<std::string_view> tokens;
  for (std::string_view w : Split(entry, ' ')) {
    for (std::string_view t : Split(w, '\t')) {
      if (!t.empty()) tokens.push_back(t);
    }
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    if (t.front() == '(') break;  // a remark runs to the end of the line
    if (t == "CVE" && i + 1 < tokens.size()) {
      std::string joined = "CVE-" + std::string(tokens[i + 1]);
      if (auto cve = CvePrefix(joined)) {
        out.cves.push_back(*cve);
        ++i;
        continue;
      }
    }
    if (auto cve = CvePrefix(t)) {
      out.cves.push_back(*cve);
    } else if (IsOtherId(t)) {
      out.others.emplace_back(t);
    } else {
      out.junk.emplace_back(t);
    }
  }
  return out;
}

// "v3.11" → "3.11", from a path component when the file does not say.
std::string BranchFromPath(std::string_view path) {
  std::filesystem::path p(path);
  for (auto it = p.begin(); it != p.end(); ++it) {
    std::string c = it->string();
    if (c == "edge") return "edge";
  }
  std::string found;
  for (auto it = p.begin(); it != p.end(); ++it) {
    std::string c = it->string();
    if (c.size() >= 4 && c[0] == 'v' && std::isdigit(static_cast<unsigned char>(c[1])) && c.find('.') != std::string::npos) {
      found = c;
    }
  }
  return found;
}

}  // namespace

Result<FeedFile> ImportAlpineSecdb(std::string_view path, std::string_view content, Sink& sink) {
  Context ctx(path, sink);
  Secdb db;
  std::string_view head = TrimSpace(content);
  bool json = !head.empty() && head.front() == '{';
  if (!(json ? ReadJson(content, db, ctx) : ReadYaml(content, db, ctx))) return ctx.feed;

  std::string source = "alpine";
  std::string ns;
  std::string file_name = std::filesystem::path(path).filename().string();
  std::string record;
  std::string where_url = ToLower(db.urlprefix + " " + db.apkurl);
  if (db.distroversion.empty() && where_url.find("wolfi") != std::string::npos) {
    source = ns = "wolfi";
    record = "wolfi " + file_name;
  } else if (db.distroversion.empty() && where_url.find("cgr.dev") != std::string::npos) {
    // Chainguard's enterprise packages: same format, its own namespace.
    source = ns = "chainguard";
    record = "chainguard " + file_name;
  } else {
    std::string branch = db.distroversion.empty() ? BranchFromPath(path) : db.distroversion;
    if (branch.empty()) {
      ctx.Diagnose("no distroversion in the file or its path: cannot tell the Alpine branch");
      return ctx.feed;
    }
    ns = EcosystemNamespace("Alpine:" + branch);
    if (ns.empty()) ns = "alpine:" + std::string(StartsWith(branch, "v") ? branch.substr(1) : branch);
    record = "alpine " + branch + "/" + file_name;
  }

  for (const SecdbPackage& pkg : db.packages) {
    for (const SecfixKey& key : pkg.secfixes) {
      bool not_affected = key.version == "0";
      if (!not_affected && !version::apk::IsValid(key.version)) {
        ctx.Diagnose(pkg.name + ": secfixes key " + QuoteForMessage(key.version) + " is not an apk version (" +
                     std::to_string(key.entries.size()) + " entries skipped)");
        continue;
      }
      for (const std::string& entry : key.entries) {
        EntryIds ids = SplitEntry(entry);
        if (!ids.junk.empty()) {
          ctx.Diagnose(pkg.name + " " + key.version + ": ignored " + QuoteForMessage(ids.junk.front()) + " in " +
                       QuoteForMessage(entry));
        }
        std::vector<std::string> keys = ids.cves;
        std::vector<std::string> aliases = ids.others;
        if (keys.empty()) {
          if (aliases.empty()) {
            if (ids.junk.empty()) ctx.Diagnose(pkg.name + " " + key.version + ": empty secfix entry");
            continue;
          }
          keys.push_back(aliases.front());
          aliases.erase(aliases.begin());
        }
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        for (const std::string& id : keys) {
          Advisory adv;
          adv.id = id;
          adv.source = source;
          adv.aliases = aliases;
          if (source == "alpine") adv.references.push_back("https://security.alpinelinux.org/vuln/" + id);
          AffectedPackage a;
          a.ecosystem = ns;
          a.package = NormalizePackageName(ns, pkg.name);
          a.scheme = "apk";
          a.record = record;
          if (not_affected) {
            a.state = FixState::kNotAffected;
          } else {
            a.state = FixState::kFixed;
            version::osv::Range range;
            range.type = version::osv::RangeType::kEcosystem;
            range.events.push_back({version::osv::Event::Kind::kIntroduced, "0"});
            range.events.push_back({version::osv::Event::Kind::kFixed, key.version});
            a.affected.ranges.push_back(std::move(range));
            a.fixed_versions.push_back(key.version);
          }
          adv.affected.push_back(std::move(a));
          HS_TRY(ctx.Add(std::move(adv)));
        }
      }
    }
  }
  return ctx.feed;
}

}  // namespace hullscan::vulndb
