#include "checks/iac/kubernetes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "checks/iac/config_scan.h"
#include "testing/testdata.h"

namespace hullscan::checks::iac {
namespace {

constexpr std::string_view kCleanContainer = R"(
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
      resources: {limits: {cpu: 1, memory: 1Gi}})";

TEST(CheckKubernetes, LinesResourcesAndMatch) {
  std::string yaml = std::string(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: setup
          image: busybox:1.36@sha256:abc
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources: {limits: {cpu: 1, memory: 1Gi}}
)");
  Result<std::vector<Finding>> found = CheckKubernetes(yaml, "deploy/web.yaml");
  ASSERT_TRUE(found.ok()) << found.error().message();
  ASSERT_EQ(found->size(), 1u);
  const Finding& f = (*found)[0];
  EXPECT_EQ(f.id, "K8S-PRIVILEGED");
  EXPECT_EQ(f.resource, "Deployment/web (initContainer setup)");
  EXPECT_EQ(f.line, 14);
  EXPECT_EQ(f.match, "privileged: true");
  EXPECT_EQ(f.target, "deploy/web.yaml");
  EXPECT_EQ(f.kind, Kind::kKubernetes);
}

TEST(CheckKubernetes, MissingFieldsPointAtTheContainer) {
  std::string yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n"
                     "    image: nginx:1.25@sha256:abc\n";
  Result<std::vector<Finding>> found = CheckKubernetes(yaml, "p.yaml");
  ASSERT_TRUE(found.ok());
  std::set<std::string> ids;
  for (const Finding& f : *found) {
    ids.insert(f.id);
    EXPECT_EQ(f.line, 6) << f.id;
    EXPECT_EQ(f.resource, "Pod/p (container app)");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"K8S-RUN-AS-NON-ROOT", "K8S-ALLOW-PRIVILEGE-ESCALATION", "K8S-CAPS-NOT-DROPPED",
                                        "K8S-READONLY-ROOTFS", "K8S-NO-CPU-LIMIT", "K8S-NO-MEMORY-LIMIT"}));
}

TEST(CheckKubernetes, NonWorkloadsAndOddShapesAreIgnored) {
  std::string yaml = std::string("---\n# empty document above\n---\nplain scalar\n---\n[1, 2]\n---\n") +
                     "kind: Pod\nspec: 42\n---\nkind: Pod\nspec:\n  containers: {not: a list}\n---\n"
                     "kind: Deployment\nspec: {template: {spec: {containers: [42, [1], {name: x, image: [1], "
                     "securityContext: 7, resources: {limits: [cpu]}}]}}}\n";
  Result<std::vector<Finding>> found = CheckKubernetes(yaml, "odd.yaml");
  ASSERT_TRUE(found.ok()) << found.error().message();
  for (const Finding& f : *found) EXPECT_EQ(f.resource, "Deployment/<unnamed> (container x)") << f.id;
}

TEST(CheckKubernetes, ListItemsAreChecked) {
  std::string yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
                     "  spec:\n    hostNetwork: true\n    securityContext: {runAsNonRoot: true}\n"
                     "    containers: []\n";
  Result<std::vector<Finding>> found = CheckKubernetes(yaml, "list.yaml");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, "K8S-HOST-NETWORK");
  EXPECT_EQ((*found)[0].line, 8);
}

TEST(CheckKubernetes, MalformedYamlIsAnErrorNamingFileAndLine) {
  Result<std::vector<Finding>> found =
      CheckKubernetes("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(found.error().message().starts_with("bad.yaml:")) << found.error().message();
  EXPECT_NE(found.error().message().find("bad.yaml:6:"), std::string::npos) << found.error().message();
}

// yaml-cpp 0.7's LoadAll yields empty documents forever on a stray ',' (until memory runs out);
// documents are split and loaded one by one, with lines counted from the file's start.
TEST(CheckKubernetes, StrayCommaAndLinesAcrossDocuments) {
  Result<std::vector<Finding>> comma = CheckKubernetes(",", "comma.yaml");
  ASSERT_TRUE(comma.ok());
  EXPECT_TRUE(comma->empty());
  std::string yaml = ", \n---\nkind: Pod\nmetadata: {name: a}\nspec: {hostIPC: true, containers: []}\n"
                     "--- # second\nkind: Pod\nmetadata: {name: b}\nspec:\n  hostPID: true\n  containers: []\n";
  Result<std::vector<Finding>> found = CheckKubernetes(yaml, "multi.yaml");
  ASSERT_TRUE(found.ok()) << found.error().message();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].resource, "Pod/a");
  EXPECT_EQ((*found)[0].line, 5);
  EXPECT_EQ((*found)[1].resource, "Pod/b");
  EXPECT_EQ((*found)[1].line, 10);
  EXPECT_EQ((*found)[1].match, "hostPID: true");
  Result<std::vector<Finding>> broken = CheckKubernetes("kind: Pod\n---\nkind: Pod\nspec: [\n", "broken.yaml");
  ASSERT_FALSE(broken.ok());
  // yaml-cpp notices the unclosed `[` at the end of the input: line 5 of the file, not of the document.
  EXPECT_TRUE(broken.error().message().starts_with("broken.yaml:5:")) << broken.error().message();
}

TEST(CheckKubernetes, YamlTokenSoupNeverHangs) {
  const std::vector<std::string> tokens = {",", "[", "]", "{", "}", ":", " ", "\n", "- ", "? ", "&a ", "*a ", "!t ",
                                           "|\n", ">\n", "'", "\"", "#", "---\n", "...\n", "%YAML 1.2\n", "kind: Pod\n",
                                           "spec:\n", "  containers:\n", "\t", "  ", "\\"};
  for (unsigned seed = 0; seed < 2000; ++seed) {
    std::mt19937 rng(seed);
    std::string text;
    for (unsigned i = 0, n = rng() % 200; i < n; ++i) text += tokens[rng() % tokens.size()];
    (void)CheckKubernetes(text, "soup.yaml");
  }
}

TEST(CheckKubernetes, YamlBombsStayBounded) {
  // Billion laughs: yaml-cpp shares aliased nodes, and the checker walks fixed paths only.
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += (i ? ",*" : "*") + prev;
    bomb += "]\n";
    prev = std::string(1, c);
  }
  bomb += "kind: Pod\nspec:\n  containers: *j\n  volumes: *j\n";
  auto start = std::chrono::steady_clock::now();
  Result<std::vector<Finding>> found = CheckKubernetes(bomb, "bomb.yaml");
  EXPECT_TRUE(found.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  // Aliases that multiply containers: capped by the findings limit, an error, not a partial result.
  std::string fanout = "c: &c {name: x, image: y}\nl1: &l1 [";
  for (int i = 0; i < 100; ++i) fanout += (i ? ",*c" : "*c");
  fanout += "]\nkind: Pod\nspec:\n  containers: [";
  for (int i = 0; i < 100; ++i) fanout += (i ? ",*l1" : "*l1");
  fanout += "]\n";  // a list of lists: not containers, so nothing
  EXPECT_TRUE(CheckKubernetes(fanout, "fanout.yaml").ok());
  std::string many = "c: &c {name: x, image: y}\nkind: Pod\nspec:\n  containers: [";
  for (int i = 0; i < 5000; ++i) many += (i ? ",*c" : "*c");
  many += "]\n";
  Result<std::vector<Finding>> capped = CheckKubernetes(many, "many.yaml");
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().code(), ErrorCode::kLimitExceeded);
}

TEST(CheckKubernetes, DeepNestingHugeInputAndGarbage) {
  std::string deep = "kind: Pod\nspec: " + std::string(100000, '[') + "\n";
  Result<std::vector<Finding>> found = CheckKubernetes(deep, "deep.yaml");
  EXPECT_FALSE(found.ok());  // yaml-cpp's depth guard, reported as a parse error

  std::string huge(kMaxManifestBytes + 1, ' ');
  Result<std::vector<Finding>> big = CheckKubernetes(huge, "huge.yaml");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kLimitExceeded);

  std::mt19937 rng(11);
  for (int round = 0; round < 100; ++round) {
    std::string garbage(2048, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    (void)CheckKubernetes(garbage, "garbage.yaml");
    (void)CheckKubernetes("kind: Pod\nspec:\n  containers:\n  - " + garbage, "garbage.yaml");
  }
}

class ConfigScanTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, std::string_view text) {
    std::filesystem::path p = dir_.path() / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  hullscan::testing::TempDir dir_;
};

TEST_F(ConfigScanTest, FindsConfigFilesSkipsSymlinksAndReportsBrokenManifests) {
  Write("svc/Dockerfile", "FROM debian\nHEALTHCHECK NONE\nUSER 1\n");
  Write("svc/Containerfile", "FROM debian:12\nHEALTHCHECK NONE\nUSER 1\nRUN sudo x\n");
  Write("svc/Dockerfile.prod", "FROM debian:12\nHEALTHCHECK NONE\nUSER 0\n");
  Write("svc/web.dockerfile", "FROM debian:12\nHEALTHCHECK NONE\nUSER 1\nMAINTAINER x\n");
  Write("k8s/pod.yml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, containers: []}\n");
  Write("k8s/broken.yaml", "apiVersion: v1\nkind: Pod\nspec: [\n");
  Write("k8s/values.yaml", "replicas: [\n");  // broken, but no manifest: not an error
  Write("k8s/config.json", "{\"a\": 1}");
  Write("README.md", "FROM debian\n");
  Write(".git/Dockerfile", "FROM debian\n");
  std::filesystem::create_symlink(dir_.path() / "svc/Dockerfile", dir_.path() / "k8s/Dockerfile");
  std::filesystem::create_directory_symlink(dir_.path() / "svc", dir_.path() / "linked");

  Result<ConfigScan> scan = ScanConfigPath(dir_.path());
  ASSERT_TRUE(scan.ok()) << scan.error().message();
  std::set<std::pair<std::string, std::string>> got;
  for (const Finding& f : scan->findings) got.emplace(f.target, f.id);
  std::set<std::pair<std::string, std::string>> want = {
      {"svc/Dockerfile", "DF-FROM-LATEST"}, {"svc/Containerfile", "DF-SUDO"},
      {"svc/Dockerfile.prod", "DF-LAST-USER-ROOT"}, {"svc/web.dockerfile", "DF-MAINTAINER"},
      {"k8s/pod.yml", "K8S-HOST-PID"}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(scan->files_checked, 5);
  ASSERT_EQ(scan->file_errors.size(), 1u);
  EXPECT_TRUE(scan->file_errors[0].message().starts_with("k8s/broken.yaml:")) << scan->file_errors[0].message();

  // CheckPath on the directory logs the broken file and returns the findings ...
  Result<std::vector<Finding>> all = CheckPath(dir_.path());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), scan->findings.size());
  // ... on that one file it is the error; a single good file is named by its file name.
  EXPECT_FALSE(CheckPath(dir_.path() / "k8s/broken.yaml").ok());
  Result<std::vector<Finding>> one = CheckPath(dir_.path() / "svc/Dockerfile.prod");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].target, "Dockerfile.prod");
  EXPECT_FALSE(CheckPath(dir_.path() / "missing").ok());
  EXPECT_FALSE(CheckPath(dir_.path() / "linked").ok());  // a symlink root is not followed
}

}  // namespace
}  // namespace hullscan::checks::iac
