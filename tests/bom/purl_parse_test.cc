// inventory::ParsePurl / FormatPurl. The shared data has no purl-spec test-suite file, so the
// vectors are (1) every purl of the SBOMs in lang/sbom and of the osdb expectations, which must
// parse and survive Format -> Parse unchanged, (2) Trivy's own decomposition of the purls in its
// import expectations (identifier.PURL), and (3) MakePurl's output on those packages.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "inventory/purl.h"
#include "testing/testdata.h"

namespace hullscan::inventory {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::hullscan::testing::ReadFileOrFail;
using ::hullscan::testing::TestData;

// Every string value under a "purl" key or a purl externalRef, or any string starting "pkg:".
void CollectPurls(const Json& j, std::set<std::string>& out) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.rfind("pkg:", 0) == 0 && s.size() < 4096) out.insert(s);
  } else if (j.is_array() || j.is_object()) {
    for (const Json& v : j) CollectPurls(v, out);
  }
}

std::set<std::string> AllPurls() {
  std::set<std::string> purls;
  for (fs::path dir : {TestData() / "lang" / "sbom", TestData() / "osdb"}) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".json") continue;
      Json doc = Json::parse(ReadFileOrFail(e.path()), nullptr, false);
      if (!doc.is_discarded()) CollectPurls(doc, purls);
    }
  }
  return purls;
}

TEST(ParsePurlTest, EveryPurlOfTheDataRoundTrips) {
  std::set<std::string> purls = AllPurls();
  ASSERT_GT(purls.size(), 200u);  // 235 distinct purls in the data
  int canonical = 0;
  for (const std::string& s : purls) {
    SCOPED_TRACE(s);
    std::optional<ParsedPurl> p = ParsePurl(s);
    if (s == "pkg:invalid") {  // trivy-import-spdx/sad: no name
      EXPECT_FALSE(p.has_value());
      continue;
    }
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(p->type.empty());
    EXPECT_FALSE(p->name.empty());
    std::string formatted = FormatPurl(*p);
    EXPECT_EQ(ParsePurl(formatted), p) << formatted;
    if (formatted == s) ++canonical;
  }
  // Most peers write canonical purls already; the rest differ in escaping ('@' of npm scopes,
  // ':' / '+' in versions) or qualifier order, which the parse-format-parse check covers.
  EXPECT_GT(canonical, static_cast<int>(purls.size() / 2));
  std::cout << purls.size() << " purls parsed, " << canonical << " already canonical\n";
}

std::string TypeOfTrivyConstant(std::string constant) {
  size_t at = constant.find("Type");  // "packageurl.TypeMaven", or the type itself ("maven")
  std::string type = at == std::string::npos ? constant : constant.substr(at + 4);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "debian" ? "deb" : type;
}

// Trivy's import tests state how packageurl-go takes each purl apart.
TEST(ParsePurlTest, AgreesWithTrivysDecomposition) {
  int checked = 0;
  for (const char* unit : {"trivy-import-cyclonedx", "trivy-import-spdx"}) {
    fs::path dir = TestData() / "lang" / "sbom" / unit;
    Json expected = Json::parse(ReadFileOrFail(dir / "expected.json"));
    for (const Json& c : expected["cases"]) {
      // The component purls of the fixture, by the PURL parts Trivy expects.
      std::set<std::string> fixture_purls;
      CollectPurls(Json::parse(ReadFileOrFail(dir / c["fixture"].get<std::string>())), fixture_purls);
      std::vector<const Json*> idents;
      std::vector<const Json*> stack = {&c};
      while (!stack.empty()) {
        const Json* j = stack.back();
        stack.pop_back();
        if (j->is_object()) {
          for (const char* key : {"identifier", "Identifier"}) {
            if (j->contains(key) && (*j)[key].contains("PURL")) idents.push_back(&(*j)[key]["PURL"]);
          }
        }
        if (j->is_structured()) {
          for (const Json& v : *j) stack.push_back(&v);
        }
      }
      for (const Json* want : idents) {
        std::string name = want->value("Name", "");
        std::string version = want->value("Version", "");
        bool found = false;
        for (const std::string& s : fixture_purls) {
          std::optional<ParsedPurl> p = ParsePurl(s);
          if (!p || p->name != name || p->version != version) continue;
          if (p->type != TypeOfTrivyConstant(want->value("Type", ""))) continue;
          SCOPED_TRACE(s);
          found = true;
          EXPECT_EQ(p->namespace_, want->value("Namespace", ""));
          for (const Json& q : want->value("Qualifiers", Json::array())) {
            EXPECT_EQ(p->qualifiers[q["Key"].get<std::string>()], q["Value"].get<std::string>());
          }
        }
        EXPECT_TRUE(found) << want->dump();
        checked += found ? 1 : 0;
      }
    }
  }
  EXPECT_GT(checked, 30);
}

TEST(ParsePurlTest, MakePurlOutputIsCanonical) {
  Package p;
  p.type = PackageType::kDeb;
  p.name = "libgcc-s1";
  p.version = "1:12.2.0-14";
  p.arch = "amd64";
  p.source_name = "gcc-12";
  p.source_version = "12.2.0-14";
  Distro d;
  d.family = "debian";
  d.version_id = "12";
  std::string purl = MakePurl(p, d);
  std::optional<ParsedPurl> parsed = ParsePurl(purl);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->version, "1:12.2.0-14");
  EXPECT_EQ(parsed->qualifiers.at("upstream"), "gcc-12@12.2.0-14");
  EXPECT_EQ(FormatPurl(*parsed), purl);

  p = Package{};
  p.type = PackageType::kNpm;
  p.name = "@babel/core";
  p.version = "7.0.0";
  purl = MakePurl(p, std::nullopt);
  parsed = ParsePurl(purl);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->namespace_, "@babel");
  EXPECT_EQ(parsed->name, "core");
  EXPECT_EQ(FormatPurl(*parsed), purl);
}

// The rules of purl-spec's "How to parse a purl string", one each.
TEST(ParsePurlTest, SpecRules) {
  auto p = ParsePurl("PKG://Maven/org.apache/commons-io@2.13.0?Classifier=sources#/src/./main/../x/");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->type, "maven");  // scheme and type are case-insensitive, slashes after "pkg:" ignored
  EXPECT_EQ(p->namespace_, "org.apache");
  EXPECT_EQ(p->qualifiers.at("classifier"), "sources");  // keys lowercased
  EXPECT_EQ(p->subpath, "src/main/x");                   // "." and ".." dropped
  p = ParsePurl("pkg:npm/@scope/name");  // an '@' before the last '/' is no version separator
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->namespace_, "@scope");
  EXPECT_EQ(p->version, "");
  p = ParsePurl("pkg:pypi/Django_Rest@3.0?empty=");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "django-rest");
  EXPECT_TRUE(p->qualifiers.empty());  // empty values are dropped
  p = ParsePurl("pkg:golang/github.com/a%2Fb/c@v1%2B2");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->namespace_, "github.com/a/b");
  EXPECT_EQ(p->version, "v1+2");
  for (const char* bad : {"", "pkg:", "pkg:npm", "pkg:npm/", "npm/foo@1", "pkg:1npm/foo", "pkg:n&m/foo",
                          "pkg:npm/%zz", "pkg:npm/foo%2", "pkg:npm/foo?a", "pkg:npm/foo?1a=b", "pkg:npm/@1"}) {
    EXPECT_FALSE(ParsePurl(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace hullscan::inventory
