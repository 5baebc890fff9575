// Every config and account check both ways: a clean image config passes every check, and each
// single violation of it yields exactly that check's finding (and nothing else).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "checks/image/image_checks.h"
#include "checks/secret/secret.h"

namespace hullscan::checks::image {
namespace {

using vulndb::SeverityLevel;

constexpr const char* kLayer1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kLayer2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
constexpr const char* kLayer3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

// A well-kept image: numeric non-root user, health check, no secrets, no risky steps.
inventory::Inventory Clean() {
  inventory::Inventory inv;
  auto& r = inv.artifact.runtime;
  r.present = true;
  r.user = "10001:10001";
  r.env = {"PATH=/usr/local/bin:/usr/bin:/bin",
           "NODE_ENV=production",
           "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
           "POSTGRES_PASSWORD_FILE=/run/secrets/db",
           "TOKEN_URL=https://auth.example/token",
           "PASSWORD_AUTH=false"};
  r.labels = {{"org.opencontainers.image.title", "app"}, {"maintainer", "ops@example.com"}};
  r.exposed_ports = {"8080/tcp", "2222/tcp"};
  r.volumes = {"/data", "/var/lib/app/"};
  r.healthcheck = {"CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"};
  r.history = {
      {"", "/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ", false},
      {"", "/bin/sh -c #(nop)  CMD [\"bash\"]", true},
      {"",
       "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends sudo curl && rm -rf "
       "/var/lib/apt/lists/* # buildkit",
       false},
      {"", "COPY app /app # buildkit", false},
      {"", "ENV NODE_ENV=production", true},
      {"", "USER 10001:10001", true},
  };
  inv.artifact.layers = {{"", kLayer1, "", 0, ""}, {"", kLayer2, "", 0, ""}, {"", kLayer3, "", 0, ""}};
  inv.os_files["etc/passwd"] = "root:x:0:0:root:/root:/bin/bash\napp:x:10001:10001::/home/app:/usr/sbin/nologin\n";
  inv.os_files["etc/group"] = "root:x:0:\napp:x:10001:\n";
  inv.os_files["etc/shadow"] = "root:locked\napp:locked\n";
  return inv;
}

Options Opts() {
  Options o;
  o.image_ref = "registry.example/app:1.4.2";
  return o;
}

std::vector<std::string> Ids(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.id);
  return ids;
}

// The only finding for `inv`, which must have id `id`.
Finding Only(const inventory::Inventory& inv, const std::string& id, const Options& options = Opts()) {
  auto findings = CheckImage(inv, options);
  EXPECT_EQ(Ids(findings), std::vector<std::string>{id});
  if (findings.size() != 1) return {};
  const Finding& f = findings[0];
  EXPECT_FALSE(f.title.empty());
  EXPECT_FALSE(f.message.empty());
  EXPECT_FALSE(f.remediation.empty());
  return f;
}

TEST(ConfigChecks, CleanImagePassesEverything) {
  EXPECT_EQ(Ids(CheckImage(Clean(), Opts())), std::vector<std::string>{});
}

TEST(ConfigChecks, RootfsHasNoConfigChecks) {
  inventory::Inventory inv = Clean();
  inv.artifact.runtime = {};  // present = false: a root filesystem directory
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(ConfigChecks, UserRoot) {
  for (std::string user : {"", "root", "0", "0:0", "root:root", " 0 "}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.user = user;
    inv.artifact.runtime.history.pop_back();  // the USER step
    Finding f = Only(inv, "CFG-USER-ROOT");
    EXPECT_EQ(f.severity, SeverityLevel::kHigh) << user;
    EXPECT_EQ(f.kind, Kind::kConfig);
  }
  // A name that resolves to uid 0 in the image's own etc/passwd.
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.user = "toor";
  inv.artifact.runtime.history.back().created_by = "/bin/sh -c #(nop)  USER toor";
  inv.os_files["etc/passwd"] += "toor:x:0:0::/root:/bin/sh\n";
  // (toor shares uid 0 with root: that is also a duplicate-uid finding)
  auto findings = CheckImage(inv, Opts());
  EXPECT_EQ(Ids(findings), (std::vector<std::string>{"CFG-USER-ROOT", "FS-DUPLICATE-UID"}));
  EXPECT_EQ(findings[0].history, "/bin/sh -c #(nop)  USER toor") << "evidence: the USER step";
  EXPECT_NE(findings[0].message.find("uid 0"), std::string::npos);
}

TEST(ConfigChecks, UserNamedWithoutNumericUid) {
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.user = "app";
  Finding f = Only(inv, "CFG-USER-NAME");
  EXPECT_EQ(f.severity, SeverityLevel::kLow);
  EXPECT_NE(f.message.find("10001"), std::string::npos);
  inv.artifact.runtime.user = "10001";  // numeric, no group: passes
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
  inv.artifact.runtime.user = "10001:app";  // numeric uid, group by name that exists: passes
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
  inv.artifact.runtime.user = "20000:20000";  // numeric ids need no passwd entry to run
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(ConfigChecks, UserMissingFromPasswd) {
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.user = "web";
  EXPECT_EQ(Only(inv, "CFG-USER-UNKNOWN").severity, SeverityLevel::kMedium);
  inv.artifact.runtime.user = "10001:web";
  EXPECT_EQ(Only(inv, "CFG-USER-UNKNOWN").severity, SeverityLevel::kMedium);
  inv.artifact.runtime.user = "app";
  inv.os_files.erase("etc/passwd");  // FROM scratch
  Finding f = Only(inv, "CFG-USER-UNKNOWN");
  EXPECT_NE(f.message.find("no etc/passwd"), std::string::npos);
}

TEST(ConfigChecks, Healthcheck) {
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.healthcheck.clear();
  EXPECT_EQ(Only(inv, "CFG-NO-HEALTHCHECK").severity, SeverityLevel::kLow);
  inv.artifact.runtime.healthcheck = {"NONE"};
  Only(inv, "CFG-NO-HEALTHCHECK");
}

TEST(ConfigChecks, AddRemoteArchiveAndFile) {
  struct Case {
    std::string created_by;
    SeverityLevel severity;
  };
  for (const Case& c :
       {Case{"ADD https://example.com/tool.tar.gz /opt/ # buildkit", SeverityLevel::kMedium},
        Case{"ADD --chown=app https://example.com/app.jar /app/app.jar # buildkit", SeverityLevel::kMedium},
        Case{"ADD rootfs.tar.xz /srv/ # buildkit", SeverityLevel::kLow},
        Case{"/bin/sh -c #(nop) ADD file:0c4555f363c2672e350001f1293e689875a3760afe7b3f9146886afe67121cba in "
             "/app/ ",
             SeverityLevel::kLow}}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.history[3].created_by = c.created_by;
    Finding f = Only(inv, "CFG-ADD");
    EXPECT_EQ(f.severity, c.severity) << c.created_by;
    EXPECT_EQ(f.history, c.created_by);
    EXPECT_EQ(f.layer_diff_id, kLayer3) << "the layer the step made";
  }
  // The base image's root filesystem (step 1, "ADD file:… in /") is not the user's doing.
  EXPECT_TRUE(CheckImage(Clean(), Opts()).empty());
}

TEST(ConfigChecks, Sudo) {
  for (std::string cmd :
       {"/bin/sh -c sudo apt-get install -y curl", "RUN /bin/sh -c make && sudo -u app make install # buildkit",
        "|1 V=1 /bin/sh -c cd /src; /usr/bin/sudo ./install.sh"}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.history[2].created_by = cmd;
    Finding f = Only(inv, "CFG-SUDO");
    EXPECT_EQ(f.severity, SeverityLevel::kMedium);
    EXPECT_EQ(f.layer_diff_id, kLayer2);
  }
  // Installing the sudo package, or a word containing "sudo", is not running it.
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.history[2].created_by = "/bin/sh -c apt-get install -y sudo pseudo && echo sudoers";
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(ConfigChecks, PackageUpgrade) {
  for (std::string cmd : {"/bin/sh -c apt-get update && apt-get -y upgrade", "/bin/sh -c apt-get dist-upgrade -y",
                          "RUN /bin/sh -c apk upgrade --no-cache # buildkit", "/bin/sh -c apt full-upgrade"}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.history[2].created_by = cmd;
    EXPECT_EQ(Only(inv, "CFG-PKG-UPGRADE").severity, SeverityLevel::kLow) << cmd;
  }
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.history[2].created_by =
      "/bin/sh -c apt-get install -y unattended-upgrades && apk add --upgrade x";
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(ConfigChecks, LatestTag) {
  for (std::string ref :
       {"registry.example/app:latest", "docker://alpine", "registry:localhost:5000/app", "oci:/tmp/layout:latest"}) {
    Options o = Opts();
    o.image_ref = ref;
    EXPECT_EQ(Only(Clean(), "CFG-LATEST-TAG", o).severity, SeverityLevel::kLow) << ref;
  }
  for (std::string ref :
       {"registry.example/app:1.2", "docker://alpine:3.20", "registry:localhost:5000/app:v1",
        "docker://alpine@sha256:beefdead", "/work/images/docker-archive/x.tar", "oci:/tmp/layout", ""}) {
    Options o = Opts();
    o.image_ref = ref;
    EXPECT_TRUE(CheckImage(Clean(), o).empty()) << ref;
  }
  // A bare name pulled from a registry (the artifact has a repo digest): no tag means latest.
  inventory::Inventory inv = Clean();
  inv.artifact.repo_digests = {"docker.io/library/alpine@sha256:beefdead"};
  Options o = Opts();
  o.image_ref = "alpine";
  Only(inv, "CFG-LATEST-TAG", o);
}

TEST(ConfigChecks, SshPort) {
  for (std::string port : {"22/tcp", "22"}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.exposed_ports.push_back(port);
    EXPECT_EQ(Only(inv, "CFG-SSH-PORT").severity, SeverityLevel::kMedium);
  }
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.exposed_ports = {"22/udp", "220/tcp", "8022/tcp"};
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(ConfigChecks, VolumeOnSystemDir) {
  for (std::string volume : {"/", "/etc", "/usr/", "/proc", "/sys", "/dev", "/var/lib"}) {
    inventory::Inventory inv = Clean();
    inv.artifact.runtime.volumes.push_back(volume);
    EXPECT_EQ(Only(inv, "CFG-VOLUME-SYSTEM-DIR").severity, SeverityLevel::kMedium) << volume;
  }
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.volumes = {"/etcetera", "/usr/share/app", "/var/lib/postgresql/data", "/srv"};
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(AccountChecks, EmptyPassword) {
  inventory::Inventory inv = Clean();
  inv.os_files["etc/shadow"] = "root:empty\napp:locked\n";
  Finding f = Only(inv, "FS-EMPTY-PASSWORD");
  EXPECT_EQ(f.severity, SeverityLevel::kHigh);
  EXPECT_EQ(f.path, "etc/shadow");
  EXPECT_EQ(f.line, 1);
  inv = Clean();
  inv.os_files["etc/passwd"] = "root::0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n";
  f = Only(inv, "FS-EMPTY-PASSWORD");
  EXPECT_EQ(f.path, "etc/passwd");
  inv = Clean();
  inv.os_files["etc/shadow"] = "root:set\napp:locked\n";  // a password, not an empty one
  EXPECT_TRUE(CheckImage(inv, Opts()).empty());
}

TEST(AccountChecks, DuplicateIds) {
  inventory::Inventory inv = Clean();
  inv.os_files["etc/passwd"] += "app2:x:10001:10001::/home/app2:/bin/sh\n";
  Finding f = Only(inv, "FS-DUPLICATE-UID");
  EXPECT_EQ(f.line, 3);
  EXPECT_NE(f.message.find("app, app2"), std::string::npos);
  inv = Clean();
  inv.os_files["etc/group"] += "wheel:x:0:\n";
  EXPECT_EQ(Only(inv, "FS-DUPLICATE-GID").severity, SeverityLevel::kMedium);
}

TEST(SecretChecks, EnvLabelAndHistoryByName) {
  inventory::Inventory inv = Clean();
  inv.artifact.runtime.env.push_back("DB_PASSWORD=Qw8rTy2uIo9pAs");
  inv.artifact.runtime.history.push_back({"", "ENV DB_PASSWORD=Qw8rTy2uIo9pAs", true});
  Finding f = Only(inv, "SECRET-ENV");
  EXPECT_EQ(f.kind, Kind::kSecret);
  EXPECT_EQ(f.severity, SeverityLevel::kHigh);
  EXPECT_EQ(f.match, "DB_PASSWORD=********");
  EXPECT_EQ(f.history, "ENV DB_PASSWORD=********") << "the step that set it, masked";

  inv = Clean();
  inv.artifact.runtime.labels["com.example.api-token"] = "Zx9Cv8Bn7Mm6Ll5K";
  f = Only(inv, "SECRET-LABEL");
  EXPECT_EQ(f.match, "com.example.api-token=********");

  inv = Clean();
  inv.artifact.runtime.history[2].created_by = "|1 NPM_TOKEN=Hh7Gg6Ff5Dd4Ss3A /bin/sh -c npm ci";
  f = Only(inv, "SECRET-HISTORY");
  EXPECT_EQ(f.layer_diff_id, kLayer2);
  EXPECT_EQ(f.history, "|1 NPM_TOKEN=******** /bin/sh -c npm ci");

  // An ENV step overridden later still ships in the history.
  inv = Clean();
  inv.artifact.runtime.history.push_back({"", "ENV API_KEY=Pp0Oo9Ii8Uu7Yy6T", true});
  EXPECT_EQ(Only(inv, "SECRET-HISTORY").match, "API_KEY=********");

  // options.secrets off: none of them.
  inv.artifact.runtime.env.push_back("DB_PASSWORD=Qw8rTy2uIo9pAs");
  Options o = Opts();
  o.secrets = false;
  EXPECT_TRUE(CheckImage(inv, o).empty());
}

// Secrets with made-up but well-formed values, derived at run time (no literal token in the tree).
std::string Token(std::string_view alphabet, size_t length, uint32_t seed) {
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    seed = seed * 1664525u + 1013904223u;
    out.push_back(alphabet[(seed >> 16) % alphabet.size()]);
  }
  return out;
}

TEST(SecretChecks, ValuePatternsFromTheScanner) {
  auto scanner = secret::Scanner::Create(secret::Config{});
  ASSERT_TRUE(scanner.ok()) << scanner.error().message();
  const std::string aws_id = "AKIA" + Token("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 7);
  const std::string gh = "ghp_" + Token("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36, 11);
  // What the scanner itself says of these texts: the expected rule ids.
  auto rule_of = [&](const std::string& text) {
    auto hits = (*scanner)->Scan("x", text);
    std::string id = "SECRET-";
    if (hits.empty()) return std::string();
    for (char c : hits[0].rule_id)
      id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '-');
    return id;
  };
  const std::string aws_rule = rule_of("AWS_ACCESS_KEY_ID=" + aws_id);
  const std::string gh_rule = rule_of("MY_VAR=" + gh);
  ASSERT_FALSE(aws_rule.empty());
  ASSERT_FALSE(gh_rule.empty());

  inventory::Inventory inv = Clean();
  inv.artifact.runtime.env.push_back("AWS_ACCESS_KEY_ID=" + aws_id);
  inv.artifact.runtime.env.push_back("MY_VAR=" + gh);  // a name that says nothing: found by value
  inv.artifact.runtime.history[2].created_by = "/bin/sh -c git clone https://" + gh + "@github.com/x/y.git";
  Options o = Opts();
  o.scanner = scanner->get();
  auto findings = CheckImage(inv, o);
  std::multiset<std::string> ids;
  for (const auto& f : findings) {
    ids.insert(f.id);
    EXPECT_EQ(f.kind, Kind::kSecret);
    for (const std::string* field : {&f.message, &f.match, &f.history, &f.title})
      EXPECT_TRUE(field->find(gh) == std::string::npos && field->find(aws_id) == std::string::npos)
          << "a secret leaked into " << *field;
  }
  EXPECT_EQ(ids, (std::multiset<std::string>{aws_rule, gh_rule, gh_rule}));
  auto in_history =
      std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return !f.layer_diff_id.empty(); });
  ASSERT_NE(in_history, findings.end());
  EXPECT_EQ(in_history->layer_diff_id, kLayer2);
  // Without a scanner, names still find the AWS key; the neutral name does not.
  o.scanner = nullptr;
  EXPECT_EQ(Ids(CheckImage(inv, o)), std::vector<std::string>{"SECRET-ENV"});
}

TEST(SecretChecks, InventorySecretsBecomeFindings) {
  inventory::Inventory inv = Clean();
  inv.artifact.layers[1].created_by = "COPY .env /app/.env";
  inv.secrets.push_back({"github-pat", "GitHub", "GitHub Personal Access Token", "CRITICAL", "app/.env", 3,
                         "GITHUB_TOKEN=****", kLayer2});
  Finding f = Only(inv, "SECRET-GITHUB-PAT");
  EXPECT_EQ(f.kind, Kind::kSecret);
  EXPECT_EQ(f.severity, SeverityLevel::kCritical);
  EXPECT_EQ(f.path, "app/.env");
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.match, "GITHUB_TOKEN=****");
  EXPECT_EQ(f.layer_diff_id, kLayer2);
  EXPECT_EQ(f.title, "GitHub Personal Access Token");
}

}  // namespace
}  // namespace hullscan::checks::image

namespace hullscan::checks::image {
namespace {

// Whatever an image config holds, the checks finish.
TEST(ConfigChecks, HostileConfigDoesNotCrash) {
  inventory::Inventory inv = Clean();
  auto& r = inv.artifact.runtime;
  r.user = std::string(5000, ':') + "0";
  r.env = {"", "=", "NOEQUALS", "PASSWORD=", "=value", std::string(100000, 'A') + "_TOKEN=" + std::string(100000, 'b')};
  r.labels[""] = "";
  r.exposed_ports = {"", "/", "22/", "/tcp"};
  r.volumes = {"", "////", "/"};
  r.healthcheck = {""};
  for (std::string step :
       std::vector<std::string>{"", "|", "RUN", "RUN |", "RUN /bin/sh -c ", "/bin/sh -c #(nop)", "ADD", "ADD in",
                                "/bin/sh -c #(nop) ADD file:x in", std::string(50000, '"'), std::string(50000, '&'),
                                "RUN " + std::string(20000, '(') + "sudo"})
    r.history.push_back({"", step, false});
  inv.os_files["etc/passwd"] = std::string(100000, ':');
  inv.os_files["etc/group"] = "\n\n\n:::\n";
  inv.os_files["etc/shadow"] = ":empty\n";
  EXPECT_NO_FATAL_FAILURE(CheckImage(inv, Opts()));
  inv.artifact.layers.clear();  // history steps claim layers the image does not have
  EXPECT_NO_FATAL_FAILURE(CheckImage(inv, Opts()));
}

}  // namespace
}  // namespace hullscan::checks::image
