#include "fixture_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "base/strings.h"
#include "testing/testdata.h"

namespace hullscan::checks::iac::testing {
namespace fs = std::filesystem;

fs::path FixturesDir() { return hullscan::testing::SourceDir() / "tests/checks/iac/fixtures"; }

namespace {

std::set<std::string> Words(std::string_view text) {
  std::set<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

}  // namespace

std::vector<Fixture> LoadFixtures() {
  std::vector<Fixture> fixtures;
  for (const char* sub : {"dockerfile", "kubernetes"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(FixturesDir() / sub)) {
      Fixture f;
      f.path = entry.path();
      f.relative = std::string(sub) + "/" + entry.path().filename().string();
      f.dockerfile = std::string_view(sub) == "dockerfile";
      std::string text = hullscan::testing::ReadFileOrFail(f.path);
      bool has_rule = false;
      bool has_expect = false;
      if (EndsWith(f.relative, ".json")) {
        auto doc = nlohmann::json::parse(text, nullptr, false);
        if (!doc.is_discarded()) {
          const auto& ann = doc["metadata"]["annotations"];
          if (ann.contains("hullscan.test/rule")) {
            f.rule = ann["hullscan.test/rule"].get<std::string>();
            has_rule = true;
          }
          if (ann.contains("hullscan.test/expect")) {
            f.expect = Words(ann["hullscan.test/expect"].get<std::string>());
            has_expect = true;
          }
        }
      } else {
        for (std::string_view line : Split(text, '\n')) {
          line = TrimSpace(line);
          if (StartsWith(line, "# rule:")) {
            f.rule = std::string(TrimSpace(line.substr(7)));
            has_rule = true;
          } else if (StartsWith(line, "# expect:")) {
            f.expect = Words(line.substr(9));
            has_expect = true;
          }
        }
      }
      EXPECT_TRUE(has_rule && has_expect) << f.relative << ": no `rule:`/`expect:` header";
      fixtures.push_back(std::move(f));
    }
  }
  std::sort(fixtures.begin(), fixtures.end(),
            [](const Fixture& a, const Fixture& b) { return a.relative < b.relative; });
  return fixtures;
}

}  // namespace hullscan::checks::iac::testing
