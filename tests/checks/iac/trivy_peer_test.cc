// Peer comparison with real Trivy (`trivy config`, v0.44): wherever Trivy reports a failure of a
// check that one of our rules maps to (RuleInfo::trivy), we must report that rule on the same
// file. Trivy checks we do not implement (KSV015 requests, KSV020/021 uid/gid > 10000, seccomp,
// AppArmor, DS014 curl+wget, DS017 update alone, ...) are out of scope and not compared.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/strings.h"
#include "checks/iac/config_scan.h"
#include "checks/iac/rules.h"
#include "fixture_util.h"
#include "testing/testdata.h"

namespace hullscan::checks::iac {
namespace {

namespace fs = std::filesystem;

// Deliberate differences: (fixture, Trivy id) where Trivy fails and we, on purpose, do not.
//
// | fixture                                   | Trivy  | why we report nothing                                      |
// |-------------------------------------------|--------|------------------------------------------------------------|
// | dockerfile/add-remote.good.Dockerfile     | DS005  | `ADD --checksum=sha256:… URL` is the verified download     |
// |                                           |        | Docker recommends; COPY cannot fetch URLs at all           |
// | kubernetes/cap-sys-admin.good.yaml        | KSV022 | adds only NET_BIND_SERVICE, which the Pod Security         |
// |                                           |        | "restricted" profile explicitly allows; KSV022 allows none |
// | kubernetes/run-as-user-override.good.yaml | KSV105 | pod-level runAsUser: 0 is overridden by the container's    |
// |                                           |        | runAsUser: 10001, so no process runs as uid 0              |
const std::set<std::pair<std::string, std::string>> kDeliberateDifferences = {
    {"dockerfile/add-remote.good.Dockerfile", "DS005"},
    {"kubernetes/cap-sys-admin.good.yaml", "KSV022"},
    {"kubernetes/run-as-user-override.good.yaml", "KSV105"},
};
// The other direction (we report, Trivy does not) is where we are stricter; the test prints
// those and checks the list below, so that a change on either side shows up:
//   from-registry-port / image-latest (registry:5000/…): Trivy splits the image at the first ':'
//     and takes the port for a tag; ADD of a remote archive (Trivy exempts anything with ".tar");
//   user-missing / user-arg-zero: Trivy takes the last USER of any stage and does not expand ARGs;
//   sudo-exec-form / heredoc: Trivy only reads shell-form RUN text;
//   run-as-non-root-override: Trivy passes when the pod sets runAsNonRoot, even if the container
//     sets it to false; ephemeral containers: Trivy does not look at them;
//   apt upgrade (not dist-upgrade): DS024 only knows dist-upgrade.
const std::set<std::pair<std::string, std::string>> kWeAreStricter = {
    {"dockerfile/add-remote-archive.bad.Dockerfile", "DS005"},
    {"dockerfile/apt-upgrade.bad.Dockerfile", "DS024"},
    {"dockerfile/from-registry-port.bad.Dockerfile", "DS001"},
    {"dockerfile/heredoc.bad.Dockerfile", "DS010"},
    {"dockerfile/heredoc.bad.Dockerfile", "DS013"},
    {"dockerfile/sudo-exec-form.bad.Dockerfile", "DS010"},
    {"dockerfile/user-arg-zero.bad.Dockerfile", "DS002"},
    {"dockerfile/user-missing.bad.Dockerfile", "DS002"},
    {"kubernetes/ephemeral-container.bad.yaml", "KSV105"},
    {"kubernetes/image-latest.bad.yaml", "KSV013"},
    {"kubernetes/run-as-non-root-override.bad.yaml", "KSV012"},
};

fs::path TrivyPath() { return hullscan::testing::PeersDir() / "bin" / "trivy"; }

TEST(TrivyPeer, EveryMappedTrivyFailureIsReportedByUs) {
  fs::path trivy = TrivyPath();
  if (!fs::exists(trivy)) GTEST_SKIP() << "Trivy not found at " << trivy << " (set PEERS; get it with "
                                       << "../shared/tools/peer-tools.sh $PEERS trivy)";
  hullscan::testing::TempDir tmp;
  fs::path report = tmp.path() / "trivy.json";
  std::string cmd = fmt::format("cd '{}' && '{}' config --quiet --cache-dir '{}' -f json -o '{}' . >'{}' 2>&1",
                                testing::FixturesDir().string(), trivy.string(), (tmp.path() / "cache").string(),
                                report.string(), (tmp.path() / "log").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << hullscan::testing::ReadFileOrFail(tmp.path() / "log");
  auto doc = nlohmann::json::parse(hullscan::testing::ReadFileOrFail(report), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());

  // Trivy id -> our rules.
  std::map<std::string, std::set<std::string>> ours_for;
  for (const RuleInfo& rule : IacRules()) {
    for (std::string_view id : Split(rule.trivy, ',')) {
      if (!id.empty()) ours_for[std::string(id)].insert(std::string(rule.id));
    }
  }
  Result<ConfigScan> scan = ScanConfigPath(testing::FixturesDir());
  ASSERT_TRUE(scan.ok());
  std::map<std::string, std::set<std::string>> ours;  // target -> our rule ids
  for (const Finding& f : scan->findings) ours[f.target].insert(f.id);

  std::set<std::pair<std::string, std::string>> trivy_fails;  // (target, mapped Trivy id)
  int compared = 0;
  for (const auto& result : doc["Results"]) {
    std::string target = result.value("Target", "");
    for (const auto& m : result.value("Misconfigurations", nlohmann::json::array())) {
      std::string id = m.value("ID", "");
      if (m.value("Status", "") != "FAIL" || !ours_for.count(id)) continue;
      trivy_fails.emplace(target, id);
    }
  }
  for (const auto& [target, id] : trivy_fails) {
    ++compared;
    const std::set<std::string>& mapped = ours_for[id];
    bool reported = false;
    for (const std::string& rule : mapped) reported |= ours[target].count(rule) > 0;
    if (kDeliberateDifferences.count({target, id})) {
      EXPECT_FALSE(reported) << target << " " << id << " is listed as a deliberate difference but we report it";
      continue;
    }
    EXPECT_TRUE(reported) << "Trivy " << id << " fails on " << target << "; we report none of its mapped rules";
  }
  EXPECT_GE(compared, 30);

  // Where we report a mapped rule and Trivy does not.
  std::set<std::pair<std::string, std::string>> stricter;
  for (const auto& [target, ids] : ours) {
    for (const std::string& rule_id : ids) {
      const RuleInfo* rule = FindIacRule(rule_id);
      std::vector<std::string_view> tids = Split(rule->trivy, ',');
      if (rule->trivy.empty()) continue;
      bool trivy_has_any = false;
      for (std::string_view tid : tids) trivy_has_any |= trivy_fails.count({target, std::string(tid)}) > 0;
      if (!trivy_has_any) stricter.emplace(target, std::string(tids[0]));
    }
  }
  for (const auto& [target, id] : stricter) std::cout << "stricter than Trivy: " << target << " " << id << "\n";
  EXPECT_EQ(stricter, kWeAreStricter);
  std::cout << "compared " << compared << " mapped Trivy failures on " << testing::LoadFixtures().size()
            << " fixtures\n";
}

}  // namespace
}  // namespace hullscan::checks::iac
