// The pieces of the image checks: what makes a file notable, the account databases (sanitised,
// never a hash), history steps as instructions and shell commands, secrets by name.
#include "checks/image/internal/internal.h"

#include <gtest/gtest.h>

#include "analyze/layer_analysis.h"
#include "checks/image/image_checks.h"

namespace hullscan::checks::image::internal {
namespace {

TEST(ModeReasons, SetuidSetgidWorldWritable) {
  EXPECT_EQ(ModeReasons('f', 04755), kSetuid);
  EXPECT_EQ(ModeReasons('f', 02755), kSetgid);
  EXPECT_EQ(ModeReasons('h', 06755), kSetuid | kSetgid);
  EXPECT_EQ(ModeReasons('f', 0666), kWorldWritable);
  EXPECT_EQ(ModeReasons('d', 0777), kWorldWritable);
  EXPECT_EQ(ModeReasons('f', 0755), 0u);
  EXPECT_EQ(ModeReasons('d', 01777), 0u) << "sticky: /tmp is fine";
  EXPECT_EQ(ModeReasons('d', 02775), 0u) << "setgid directories (/var/mail) are not setgid files";
  EXPECT_EQ(ModeReasons('l', 0777), 0u) << "symlink permissions mean nothing";
}

TEST(NameReasons, CredentialFilesBothWays) {
  for (std::string_view path :
       {"root/.ssh/id_rsa", "home/a/.ssh/id_ed25519", "app/.env", "app/.env.production", "root/.npmrc", "root/.pypirc",
        "root/.netrc", "root/.aws/credentials", "root/.docker/config.json", "etc/ssl/private/app.key",
        "srv/tls/privkey.pem", "etc/pki/tls/private/server.key", "opt/vpn/client.ovpn", "root/.git-credentials"})
    EXPECT_EQ(NameReasons(path, 'f'), kCredentialFile) << path;
  for (std::string_view path :
       {"root/.ssh/id_ed25519.pub", "app/.env.example", "etc/ssl/certs/ca.pem", "etc/ssl/cert.pem",
        "usr/lib/python3/dist-packages/certifi/cacert.pem", "usr/lib/python3/site-packages/x/tests/key.pem",
        "srv/tls/fullchain.pem", "app/node_modules/x/.npmrc", "app/credentials.py", "etc/environment", "usr/bin/env"})
    EXPECT_EQ(NameReasons(path, 'f') & kCredentialFile, 0u) << path;
  EXPECT_EQ(NameReasons("root/.ssh/id_rsa", 'l'), 0u) << "a symlink is not the key";
  EXPECT_EQ(NameReasons("root/.ssh/id_rsa", 'd'), 0u);
}

TEST(NameReasons, LeftoversBothWays) {
  EXPECT_EQ(NameReasons("app/.git", 'd'), kLeftover);
  EXPECT_EQ(NameReasons("app/sub/.git", 'f'), kLeftover) << "a submodule's .git file";
  EXPECT_EQ(NameReasons("app/.DS_Store", 'f'), kLeftover);
  EXPECT_EQ(NameReasons("app/.svn", 'd'), kLeftover);
  EXPECT_EQ(NameReasons("app/node_modules/x/.DS_Store", 'f'), 0u) << "inside node_modules: out of the user's reach";
  EXPECT_EQ(NameReasons("app/.gitignore", 'f'), 0u);
  EXPECT_EQ(NameReasons("app/git", 'd'), 0u);
  EXPECT_EQ(EnclosingVcsDir("app/.git/objects/ab/cdef"), "app/.git");
  EXPECT_EQ(EnclosingVcsDir(".git/HEAD"), ".git");
  EXPECT_EQ(EnclosingVcsDir("app/.git"), "") << "the directory itself is not inside itself";
  EXPECT_EQ(EnclosingVcsDir("app/src/main.go"), "");
  EXPECT_EQ(EnclosingVcsDir("app/node_modules/x/.git/HEAD"), "");
}

TEST(PackageCacheName, BothWays) {
  EXPECT_EQ(PackageCacheName("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"),
            "apt lists");
  EXPECT_EQ(PackageCacheName("var/lib/apt/lists/lock"), "");
  EXPECT_EQ(PackageCacheName("var/lib/apt/lists/partial/x"), "");
  EXPECT_EQ(PackageCacheName("var/cache/apt/archives/curl_7.88_amd64.deb"), "apt archives");
  EXPECT_EQ(PackageCacheName("var/cache/apt/pkgcache.bin"), "apt archives");
  EXPECT_EQ(PackageCacheName("var/cache/apt/archives/lock"), "");
  EXPECT_EQ(PackageCacheName("var/cache/apk/APKINDEX.3e5a9c1f.tar.gz"), "apk cache");
  EXPECT_EQ(PackageCacheName("var/cache/dnf/repodata.xml"), "dnf/yum cache");
  EXPECT_EQ(PackageCacheName("var/lib/dpkg/status"), "");
}

TEST(Accounts, ShadowIsSanitisedAndKeepsLineNumbers) {
  const std::string shadow =
      "root:$6$salt$hashhashhash:19000:0:99999:7:::\n"
      "\n"
      "# comment\n"
      "daemon:*:19000:0:99999:7:::\n"
      "nopass::19000:0:99999:7:::\n"
      "locked:!$6$salt$otherhash:19000::::::\n"
      "broken line without colon\n";
  std::string clean = SanitizeShadow(shadow);
  EXPECT_EQ(clean, "root:set\n\n\ndaemon:locked\nnopass:empty\nlocked:locked\n\n");
  EXPECT_EQ(clean.find("hash"), std::string::npos);
  auto accounts = ParseAccounts(clean);
  ASSERT_EQ(accounts.size(), 4u);
  EXPECT_EQ(accounts[2].name, "nopass");
  EXPECT_EQ(accounts[2].password, "empty");
  EXPECT_EQ(accounts[2].line, 5);
}

TEST(Accounts, PasswdHashesAreReplaced) {
  const std::string passwd =
      "root:x:0:0:root:/root:/bin/bash\n"
      "old:$1$abc$legacyhash:1000:1000::/home/old:/bin/sh\n"
      "open::1001:1001::/home/open:/bin/sh\n"
      "lock:!:1002:1002::/:/usr/sbin/nologin";
  std::string clean = SanitizePasswd(passwd);
  EXPECT_EQ(clean.find("legacyhash"), std::string::npos);
  auto accounts = ParseAccounts(clean);
  ASSERT_EQ(accounts.size(), 4u);
  EXPECT_EQ(accounts[0].password, "x");
  EXPECT_EQ(accounts[1].password, "set");
  EXPECT_EQ(accounts[1].id, 1000);
  EXPECT_EQ(accounts[1].group, 1000);
  EXPECT_EQ(accounts[2].password, "");
  EXPECT_EQ(accounts[3].password, "!");
  EXPECT_EQ(accounts[3].line, 4);
}

TEST(Accounts, ParseIdRejectsNonNumbers) {
  EXPECT_EQ(ParseId("0"), 0);
  EXPECT_EQ(ParseId("10001"), 10001);
  EXPECT_EQ(ParseId("4294967295"), 4294967295);
  EXPECT_EQ(ParseId("4294967296"), std::nullopt);
  EXPECT_EQ(ParseId("-1"), std::nullopt);
  EXPECT_EQ(ParseId("app"), std::nullopt);
  EXPECT_EQ(ParseId(""), std::nullopt);
  EXPECT_EQ(ParseId("99999999999999999999"), std::nullopt);
}

TEST(Accounts, HostileContentDoesNotCrash) {
  std::string junk(100000, ':');
  junk += std::string(1000, '\n') + std::string(5000, 'a') + "\r\n\0\0::x::\n";
  EXPECT_NO_FATAL_FAILURE(ParseAccounts(SanitizeShadow(junk)));
  EXPECT_NO_FATAL_FAILURE(ParseAccounts(SanitizePasswd(junk)));
  EXPECT_TRUE(ParseAccounts("").empty());
}

TEST(ParseCreatedBy, Builders) {
  auto i = ParseCreatedBy("/bin/sh -c #(nop)  USER app");
  EXPECT_EQ(i.keyword, "USER");
  EXPECT_EQ(i.args, "app");
  i = ParseCreatedBy("/bin/sh -c apt-get update && apt-get install -y curl");
  EXPECT_EQ(i.keyword, "RUN");
  EXPECT_EQ(i.args, "apt-get update && apt-get install -y curl");
  i = ParseCreatedBy("|2 VERSION=1.2 TOKEN=abc /bin/sh -c make install");
  EXPECT_EQ(i.keyword, "RUN");
  EXPECT_EQ(i.args, "|2 VERSION=1.2 TOKEN=abc make install");
  i = ParseCreatedBy("RUN /bin/sh -c apk add curl # buildkit");
  EXPECT_EQ(i.keyword, "RUN");
  EXPECT_EQ(i.args, "apk add curl");
  i = ParseCreatedBy("RUN |1 TOKEN=abc /bin/sh -c make # buildkit");
  EXPECT_EQ(i.keyword, "RUN");
  EXPECT_EQ(i.args, "|1 TOKEN=abc make");
  i = ParseCreatedBy("RUN make install");  // other builders: the command as written
  EXPECT_EQ(i.keyword, "RUN");
  EXPECT_EQ(i.args, "make install");
  i = ParseCreatedBy("ADD https://example.com/x.tar.gz /opt/ # buildkit");
  EXPECT_EQ(i.keyword, "ADD");
  EXPECT_EQ(i.args, "https://example.com/x.tar.gz /opt/");
  i = ParseCreatedBy(
      "/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ");
  EXPECT_EQ(i.keyword, "ADD");
  i = ParseCreatedBy("debootstrap --variant=minbase bookworm (slimmed)");
  EXPECT_EQ(i.keyword, "");
  i = ParseCreatedBy("");
  EXPECT_EQ(i.keyword, "");
}

TEST(SplitShell, CommandsWrappersAndAssignments) {
  auto cmds =
      SplitShell("DEBIAN_FRONTEND=noninteractive apt-get -y upgrade && sudo -u app make; echo 'a && b' | tee x");
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0].words[0], "apt-get");
  EXPECT_EQ(cmds[0].words[2], "upgrade");
  EXPECT_EQ(cmds[1].words[0], "make");
  ASSERT_EQ(cmds[1].wrappers.size(), 1u);
  EXPECT_EQ(cmds[1].wrappers[0], "sudo");
  EXPECT_EQ(cmds[2].words[1], "'a && b'") << "quoted separators do not split";
  EXPECT_EQ(cmds[3].words[0], "tee");
  cmds = SplitShell("apt-get install -y sudo");
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(cmds[0].wrappers.empty()) << "installing sudo is not running it";
  EXPECT_TRUE(SplitShell("").empty());
  EXPECT_NO_FATAL_FAILURE(SplitShell(std::string(10000, '&') + "sudo" + std::string(10000, '"')));
}

TEST(Assignments, Forms) {
  auto a = Assignments("A=1 B=\"two words\" --build-arg=TOKEN=xyz 9X=no plain");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ(a[1], (std::pair<std::string, std::string>{"B", "two words"}));
  EXPECT_EQ(a[2], (std::pair<std::string, std::string>{"TOKEN", "xyz"}));
}

TEST(SecretNames, BothWays) {
  for (std::string_view n : {"DB_PASSWORD", "MYSQL_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
                             "GITHUB_TOKEN", "STRIPE_API_KEY", "apikey", "app.secret", "jwt-secret", "PASSWD",
                             "GOOGLE_APPLICATION_CREDENTIALS_JSON", "SSH_PRIVATE_KEY"})
    EXPECT_TRUE(IsSecretName(n)) << n;
  for (std::string_view n :
       {"PATH", "HOME", "GPG_KEY", "GPG_KEYS", "POSTGRES_PASSWORD_FILE", "TOKEN_URL", "SECRET_KEY_PATH", "AWS_REGION",
        "KEY", "NODE_ENV", "org.opencontainers.image.title", "SESSION_TOKEN_TTL", "PASSWORD_MIN_LENGTH"})
    EXPECT_FALSE(IsSecretName(n)) << n;
  EXPECT_TRUE(IsSecretValue("hunter2hunter2"));
  EXPECT_FALSE(IsSecretValue(""));
  EXPECT_FALSE(IsSecretValue("${DB_PASSWORD}"));
  EXPECT_FALSE(IsSecretValue("/run/secrets/db"));
  EXPECT_FALSE(IsSecretValue("false"));
  EXPECT_FALSE(IsSecretValue("8"));
  EXPECT_EQ(Mask("hunter2hunter2hunter2"), "********");
  EXPECT_EQ(Mask(""), "");
}

// The analyzer as the layer walk drives it: notable entries observed, account files read.
TEST(FileFactsAnalyzer, ObservesEntriesAndSanitisesShadow) {
  analyze::AnalyzerList analyzers;
  analyzers.push_back(NewFileFactsAnalyzer());
  EXPECT_EQ(analyzers[0]->Name(), "file-facts");
  analyze::LayerAnalysis analysis(analyzers, "sha256:layer");
  auto entry = [&](std::string_view path, io::EntryType type, uint32_t mode, int64_t size = 1) {
    layer::EntryInfo e;
    e.path = path;
    e.type = type;
    e.mode = mode;
    e.size = size;
    analysis.OnEntry(e);
    return e;
  };
  entry("usr/bin/su", io::EntryType::kFile, 04755);
  entry("usr/bin/ls", io::EntryType::kFile, 0755);
  entry("tmp", io::EntryType::kDirectory, 01777);
  entry("srv/drop", io::EntryType::kDirectory, 0777);
  entry("app/.git/HEAD", io::EntryType::kFile, 0644);
  entry("app/.git/config", io::EntryType::kFile, 0644);
  entry("var/lib/apt/lists/x_Packages", io::EntryType::kFile, 0644, 100);
  entry("var/lib/apt/lists/y_Packages", io::EntryType::kFile, 0644, 0);
  const std::string shadow = "root:$y$j9T$secret-hash-value:19000:0:99999:7:::\n";
  auto shadow_entry = entry("etc/shadow", io::EntryType::kFile, 0640, static_cast<int64_t>(shadow.size()));
  ASSERT_GT(analysis.WantedContentLimit(shadow_entry), 0);
  analysis.OnFileContent(shadow_entry, shadow);
  inventory::LayerResult result = std::move(analysis).Finish();

  std::vector<std::string> paths;
  for (const auto& f : result.notable_files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"usr/bin/su", "srv/drop", "app/.git", "var/lib/apt/lists/x_Packages"}));
  EXPECT_EQ(result.notable_files[0].mode, 04755u);
  EXPECT_EQ(result.notable_files[2].type, 'd');
  EXPECT_EQ(result.os_files.at("etc/shadow"), "root:set\n");
  EXPECT_EQ(result.written_paths.size(), 9u) << "every entry's path, for Squash to see rewrites";
}

}  // namespace
}  // namespace hullscan::checks::image::internal
