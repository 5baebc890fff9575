// The image checks on real images, through the real pipeline (scan::BuildInventory with the
// file-facts and secret analyzers), against truths that come from outside our code: the
// unpacked root filesystems (`find`), what tools/make-images.sh planted, and Trivy's secret scan.
// And on images built here whose later layers delete or chmod what earlier layers added.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checks/image/image_checks.h"
#include "checks/image/internal/internal.h"
#include "checks/secret/secret.h"
#include "scan/scanner.h"
#include "source/source.h"
#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::checks::image {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::TarMember;
using hullscan::testing::TempDir;

std::shared_ptr<const secret::Scanner> SecretScanner() {
  static auto scanner = [] {
    auto s = secret::Scanner::Create(secret::Config{});
    return s.ok() ? *s : nullptr;
  }();
  return scanner;
}

Result<inventory::Inventory> Build(const std::string& target_text, bool with_secrets) {
  HS_ASSIGN_OR_RETURN(auto target, source::ParseTarget(target_text));
  scan::Options options;
  options.parallelism = 2;
  options.extra_analyzers.push_back([] { return NewFileFactsAnalyzer(); });
  if (with_secrets) options.extra_analyzers.push_back([] { return secret::NewSecretAnalyzer(SecretScanner()); });
  return scan::BuildInventory(target, options);
}

std::vector<Finding> Check(const inventory::Inventory& inv, const std::string& ref) {
  Options o;
  o.scanner = SecretScanner().get();
  o.image_ref = ref;
  return CheckImage(inv, o);
}

// Output lines of a shell command (the test's own commands, on the reference images).
std::vector<std::string> RunLines(const std::string& command) {
  std::vector<std::string> lines;
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run " << command;
    return lines;
  }
  std::string current;
  for (int c; (c = fgetc(p)) != EOF;) {
    if (c == '\n') {
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<char>(c));
    }
  }
  if (!current.empty()) lines.push_back(current);
  EXPECT_EQ(pclose(p), 0) << command;
  return lines;
}

// Paths `find` prints below `root`, relative, sorted.
std::set<std::string> Find(const fs::path& root, const std::string& expression) {
  std::set<std::string> out;
  for (std::string line : RunLines("cd '" + root.string() + "' && find . " + expression)) {
    if (line.rfind("./", 0) == 0) line = line.substr(2);
    out.insert(line);
  }
  return out;
}

std::set<std::string> PathsOf(const std::vector<Finding>& findings, std::string_view id) {
  std::set<std::string> out;
  for (const auto& f : findings)
    if (f.id == id) out.insert(f.path);
  return out;
}

class ReferenceImages : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("HULLSCAN_IMAGES");
    if (!env || !*env) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (the reference images, e.g. /work/images)";
    images_ = env;
    if (!fs::exists(images_ / "images.tsv")) GTEST_SKIP() << images_ << " has no images.tsv";
  }
  std::string Archive(const std::string& key) const {
    return "docker-archive:" + (images_ / "docker-archive" / (key + ".tar")).string();
  }
  fs::path Rootfs(const std::string& key) const { return images_ / "rootfs" / key / "rootfs"; }
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    std::ifstream tsv(images_ / "images.tsv");
    std::string line;
    std::getline(tsv, line);  // header
    while (std::getline(tsv, line)) {
      std::string key = line.substr(0, line.find('\t'));
      if (!key.empty() && fs::exists(Rootfs(key)) && fs::exists(images_ / "docker-archive" / (key + ".tar")))
        keys.push_back(key);
    }
    return keys;
  }
  fs::path images_;
};

// tools/make-images.sh, build_secrets: USER root, AWS/GitHub/DB secrets in ENV, SSH and TLS keys in
// a layer, .env deleted by the top layer.
TEST_F(ReferenceImages, AppSecrets) {
  auto inv = Build(Archive("app-secrets_bookworm"), true);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  ASSERT_NE(SecretScanner(), nullptr);
  auto findings = Check(*inv, "scantest/app-secrets:bookworm");
  std::map<std::string, int> count;
  for (const auto& f : findings) ++count[f.id];

  // The root user, HIGH.
  ASSERT_EQ(count["CFG-USER-ROOT"], 1);
  auto root = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.id == "CFG-USER-ROOT"; });
  EXPECT_EQ(root->severity, vulndb::SeverityLevel::kHigh);
  EXPECT_EQ(root->match, "USER root");
  EXPECT_EQ(count["CFG-NO-HEALTHCHECK"], 1) << "make-images sets no HEALTHCHECK";

  // Every ENV secret the script set (the ENV entries other than PATH) is a secret finding, and
  // no field of any finding holds a secret value.
  const auto& env = inv->artifact.runtime.env;
  ASSERT_EQ(env.size(), 5u);
  for (const std::string& entry : env) {
    std::string name = entry.substr(0, entry.find('='));
    std::string value = entry.substr(entry.find('=') + 1);
    bool found = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.kind == Kind::kSecret && f.path.empty() && f.match.rfind(name + "=", 0) == 0;
    });
    EXPECT_EQ(found, name != "PATH") << entry.substr(0, entry.find('=')) << " in ENV";
    if (name == "PATH") continue;
    for (const auto& f : findings)
      for (const std::string* field : {&f.message, &f.match, &f.history, &f.title, &f.path})
        EXPECT_EQ(field->find(value), std::string::npos) << "ENV " << name << "'s value leaked into " << f.id;
  }

  // The planted key files, by name; the .env is gone from the final filesystem (whiteout).
  EXPECT_EQ(PathsOf(findings, "FS-CREDENTIAL-FILE"),
            (std::set<std::string>{"etc/ssl/private/app.key", "root/.ssh/id_ed25519", "root/.ssh/id_rsa"}));
  // ... but its secrets still ship in the layer below, and are reported with that layer.
  const std::string copy_layer = inv->artifact.layers.at(1).diff_id;
  const std::string rm_layer = inv->artifact.layers.at(2).diff_id;
  int in_env_file = 0;
  for (const auto& f : findings) {
    if (f.path != "app/.env") continue;
    ++in_env_file;
    EXPECT_EQ(f.layer_diff_id, copy_layer);
    EXPECT_NE(f.layer_diff_id, rm_layer);
    EXPECT_EQ(f.history, "COPY secrets (ssh keys, TLS key, settings.py, .env)");
  }
  EXPECT_EQ(in_env_file, 4) << "GitHub, GitLab, Slack and Stripe tokens (make-images.sh fill_secrets)";
  // The Debian base's setuid/setgid files, one finding each (checked per bit on every image below).
  EXPECT_EQ(static_cast<size_t>(count["FS-SETUID"] + count["FS-SETGID"]),
            Find(Rootfs("app-secrets_bookworm"), "-type f -perm /6000").size());
}

// Trivy v0.44's secret scan of the same archive: everything it finds is a finding of ours with the
// same rule, file, line and layer.
TEST_F(ReferenceImages, AppSecretsCoversTrivy) {
  fs::path trivy = hullscan::testing::PeersDir() / "bin" / "trivy";
  if (!fs::exists(trivy)) GTEST_SKIP() << trivy << " is absent (../shared/tools/peer-tools.sh $PEERS trivy)";
  TempDir cache;
  std::string archive = (images_ / "docker-archive" / "app-secrets_bookworm.tar").string();
  auto lines = RunLines(trivy.string() + " image -q --cache-dir '" + cache.path().string() + "' --input '" + archive +
                        "' --scanners secret -f json");
  std::string json;
  for (const auto& l : lines) json += l + "\n";
  auto doc = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());

  auto inv = Build(Archive("app-secrets_bookworm"), true);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  auto findings = Check(*inv, "");
  int trivy_count = 0;
  for (const auto& result : doc.value("Results", nlohmann::json::array())) {
    for (const auto& s : result.value("Secrets", nlohmann::json::array())) {
      ++trivy_count;
      std::string path = result.value("Target", "");
      if (!path.empty() && path[0] == '/') path = path.substr(1);
      std::string id = "SECRET-";
      for (char c : s.value("RuleID", ""))
        id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '-');
      int line = s.value("StartLine", 0);
      std::string layer = s.contains("Layer") ? s["Layer"].value("DiffID", "") : "";
      bool ours = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
        return f.id == id && f.path == path && f.line == line && f.layer_diff_id == layer &&
               f.severity == vulndb::ParseSeverity(s.value("Severity", ""));
      });
      EXPECT_TRUE(ours) << "Trivy's " << id << " in " << path << ":" << line;
    }
  }
  EXPECT_GE(trivy_count, 9);
}

TEST_F(ReferenceImages, AppNonrootPassesTheUserCheck) {
  auto inv = Build(Archive("app-nonroot_bookworm"), false);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  EXPECT_EQ(inv->artifact.runtime.user, "10001:10001");
  for (const auto& f : Check(*inv, "scantest/app-nonroot:bookworm")) {
    EXPECT_NE(f.id.rfind("CFG-USER", 0), 0u) << f.id << ": " << f.message;
    EXPECT_NE(f.kind, Kind::kSecret) << f.id;
  }
}

// On every reference image: the setuid/setgid and world-writable findings are exactly what `find`
// lists in the unpacked final filesystem; the account findings are what the files themselves say.
TEST_F(ReferenceImages, FilesystemFindingsMatchTheRootfs) {
  auto keys = Keys();
  ASSERT_FALSE(keys.empty());
  int setuid_total = 0;
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    auto inv = Build(Archive(key), false);
    ASSERT_TRUE(inv.ok()) << inv.error().message();
    auto findings = Check(*inv, "");
    fs::path root = Rootfs(key);
    EXPECT_EQ(PathsOf(findings, "FS-SETUID"), Find(root, "-type f -perm -4000"));
    EXPECT_EQ(PathsOf(findings, "FS-SETGID"), Find(root, "-type f -perm -2000 ! -perm -4000"));
    EXPECT_EQ(PathsOf(findings, "FS-WORLD-WRITABLE"),
              Find(root, "\\( -type f -perm -0002 \\) -o \\( -type d -perm -0002 ! -perm -1000 \\)"));
    setuid_total += static_cast<int>(PathsOf(findings, "FS-SETUID").size());
    // Owners and modes come from the layer, as the filesystem shows them.
    for (const auto& f : inv->notable_files) {
      if (!(internal::ModeReasons(f.type, f.mode) & internal::kSetuid)) continue;
      struct stat st {};
      ASSERT_EQ(lstat((root / f.path).c_str(), &st), 0) << f.path;
      EXPECT_EQ(f.mode, st.st_mode & 07777) << f.path;
      EXPECT_EQ(f.uid, static_cast<int64_t>(st.st_uid)) << f.path;
      EXPECT_FALSE(f.layer_diff_id.empty());
    }
    // Package caches: the non-empty index and download files the filesystem holds.
    std::set<std::string> caches;
    for (const auto& f : inv->notable_files)
      if (!internal::PackageCacheName(f.path).empty()) caches.insert(f.path);
    EXPECT_EQ(caches,
              Find(root,
                   "-type f -size +0 \\( -path './var/lib/apt/lists/*' ! -path '*/partial/*' ! -name lock "
                   "-o -path './var/cache/apt/*' \\( -name '*.deb' -o -name '*.bin' \\) "
                   "-o -path './var/cache/apk/*' -o -path './var/cache/dnf/*' -o -path './var/cache/yum/*' \\)"));
    // Accounts: duplicate ids and empty passwords as the unpacked files have them.
    if (fs::exists(root / "etc/passwd")) {
      auto dup_uids = RunLines("cut -d: -f3 '" + (root / "etc/passwd").string() + "' | sort | uniq -d");
      auto dup_gids = RunLines("cut -d: -f3 '" + (root / "etc/group").string() + "' | sort | uniq -d");
      EXPECT_EQ(PathsOf(findings, "FS-DUPLICATE-UID").size(), dup_uids.size());
      EXPECT_EQ(PathsOf(findings, "FS-DUPLICATE-GID").size(), dup_gids.size());
    }
    if (fs::exists(root / "etc/shadow")) {
      auto empty = RunLines("awk -F: '$2 == \"\" {print $1}' '" + (root / "etc/shadow").string() + "'");
      EXPECT_EQ(PathsOf(findings, "FS-EMPTY-PASSWORD").empty(), empty.empty());
      // Sanitised: the file's password fields never reach the inventory.
      const std::string& clean = inv->os_files.at("etc/shadow");
      EXPECT_EQ(clean.find('$'), std::string::npos);
    }
  }
  EXPECT_GT(setuid_total, 0) << "the Debian images have setuid files: the comparison is not vacuous";
}

// A root filesystem directory is one layer: the same setuid truth, and no config checks.
TEST_F(ReferenceImages, RootfsDirectory) {
  const fs::path root = Rootfs("debian_bookworm-minbase");
  auto inv = Build("rootfs:" + root.string(), false);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  auto findings = Check(*inv, "");
  EXPECT_EQ(PathsOf(findings, "FS-SETUID"), Find(root, "-type f -perm -4000"));
  EXPECT_EQ(PathsOf(findings, "FS-SETGID"), Find(root, "-type f -perm -2000 ! -perm -4000"));
  for (const auto& f : findings) EXPECT_NE(f.kind, Kind::kConfig) << f.id;
}

// ---- Whiteouts and rewrites ----------------------------------------------------------------

TarMember Entry(std::string path, TarMember::Kind kind, unsigned mode, std::string content = "") {
  return {std::move(path), std::move(content), kind, "", mode};
}

std::string LowerLayer() {
  using K = TarMember::Kind;
  return hullscan::testing::MakeTar({
      hullscan::testing::Dir("usr"),
      hullscan::testing::Dir("usr/bin"),
      hullscan::testing::File("usr/bin/su", "su", 04755),
      hullscan::testing::File("usr/bin/mount", "mount", 04755),
      hullscan::testing::File("usr/bin/passwd", "passwd", 04755),
      hullscan::testing::File("usr/bin/wall", "wall", 02755),
      Entry("tmp", K::kDir, 01777),
      hullscan::testing::Dir("srv"),
      Entry("srv/drop", K::kDir, 0777),
      hullscan::testing::File("srv/open.txt", "x", 0666),
      hullscan::testing::Dir("app"),
      hullscan::testing::File("app/.env", "GREETING=hello\n"),
      hullscan::testing::File("app/.git/HEAD", "ref: x\n"),
      hullscan::testing::File("app/.git/config", "[core]\n"),
      hullscan::testing::File("root/.ssh/id_rsa", "key\n", 0600),
      hullscan::testing::File("var/lib/apt/lists/deb_bookworm_Packages", "Package: x\n"),
      hullscan::testing::File("var/lib/apt/lists/lock", ""),
      hullscan::testing::File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000::/home/guest:/bin/sh\n"),
      hullscan::testing::File("etc/group", "root:x:0:\nguest:x:1000:\n"),
      hullscan::testing::File(
          "etc/shadow", "root:$6$saltsalt$HASHVALUEthatmustnotleak:19000:0:99999:7:::\nguest::19000::::::\n", 0640),
  });
}

// Deletes, un-setuids, clears and adds, as a hardening step would.
std::string UpperLayer() {
  return hullscan::testing::MakeTar({
      hullscan::testing::File("usr/bin/.wh.mount", ""),
      hullscan::testing::File("usr/bin/su", "su", 0755),  // chmod u-s
      hullscan::testing::File("usr/bin/newtool", "new", 04755),
      hullscan::testing::File("app/.wh..env", ""),
      hullscan::testing::File("srv/.wh.drop", ""),
      hullscan::testing::File("var/lib/apt/lists/.wh..wh..opq", ""),
  });
}

TEST(Whiteouts, LaterLayersRemoveAndChmod) {
  TempDir dir;
  const std::string lower = LowerLayer();
  const std::string upper = UpperLayer();
  hullscan::testing::WriteOciLayout(dir.path() / "one", {hullscan::testing::Layer(lower)}, "v1");
  hullscan::testing::WriteOciLayout(dir.path() / "two",
                                    {hullscan::testing::Layer(lower), hullscan::testing::Layer(upper)}, "v1");
  const std::string lower_id = hullscan::testing::Sha256Of(lower);
  const std::string upper_id = hullscan::testing::Sha256Of(upper);

  // The lower layer alone: everything it plants is reported.
  auto one = Build("oci:" + (dir.path() / "one").string() + ":v1", false);
  ASSERT_TRUE(one.ok()) << one.error().message();
  auto f1 = Check(*one, "");
  EXPECT_EQ(PathsOf(f1, "FS-SETUID"), (std::set<std::string>{"usr/bin/mount", "usr/bin/passwd", "usr/bin/su"}));
  EXPECT_EQ(PathsOf(f1, "FS-SETGID"), (std::set<std::string>{"usr/bin/wall"}));
  EXPECT_EQ(PathsOf(f1, "FS-WORLD-WRITABLE"), (std::set<std::string>{"srv/drop", "srv/open.txt"}));
  EXPECT_EQ(PathsOf(f1, "FS-CREDENTIAL-FILE"), (std::set<std::string>{"app/.env", "root/.ssh/id_rsa"}));
  EXPECT_EQ(PathsOf(f1, "FS-LEFTOVER"), (std::set<std::string>{"app/.git"}));
  EXPECT_EQ(PathsOf(f1, "FS-PACKAGE-CACHE"), (std::set<std::string>{"var/lib/apt/lists"}));
  EXPECT_EQ(PathsOf(f1, "FS-EMPTY-PASSWORD"), (std::set<std::string>{"etc/shadow"}));

  // With the upper layer: deleted, chmod-ed and cleared paths are gone; the new setuid file is
  // attributed to the upper layer, the rest to the lower one.
  auto two = Build("oci:" + (dir.path() / "two").string() + ":v1", false);
  ASSERT_TRUE(two.ok()) << two.error().message();
  auto f2 = Check(*two, "");
  EXPECT_EQ(PathsOf(f2, "FS-SETUID"), (std::set<std::string>{"usr/bin/newtool", "usr/bin/passwd"}));
  EXPECT_EQ(PathsOf(f2, "FS-SETGID"), (std::set<std::string>{"usr/bin/wall"}));
  EXPECT_EQ(PathsOf(f2, "FS-WORLD-WRITABLE"), (std::set<std::string>{"srv/open.txt"}));
  EXPECT_EQ(PathsOf(f2, "FS-CREDENTIAL-FILE"), (std::set<std::string>{"root/.ssh/id_rsa"}));
  EXPECT_EQ(PathsOf(f2, "FS-LEFTOVER"), (std::set<std::string>{"app/.git"}));
  EXPECT_EQ(PathsOf(f2, "FS-PACKAGE-CACHE"), (std::set<std::string>{}));
  for (const auto& f : f2) {
    if (f.id == "FS-SETUID") {
      EXPECT_EQ(f.layer_diff_id, f.path == "usr/bin/newtool" ? upper_id : lower_id) << f.path;
    }
    if (f.id == "FS-EMPTY-PASSWORD") {
      EXPECT_NE(f.message.find("guest"), std::string::npos);
    }
    for (const std::string* field : {&f.message, &f.match, &f.history})
      EXPECT_EQ(field->find("HASHVALUE"), std::string::npos) << f.id;
  }
  for (const auto& [path, content] : two->os_files) EXPECT_EQ(content.find("HASHVALUE"), std::string::npos) << path;
  EXPECT_EQ(two->os_files.at("etc/shadow"), "root:set\nguest:empty\n");
}

}  // namespace
}  // namespace hullscan::checks::image
