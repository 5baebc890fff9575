// Registry credentials from real files and a real credential-helper executable: config files are
// written into a TempDir, helpers are shell scripts named docker-credential-<name> put first on
// PATH, speaking the docker-credential-helpers protocol (server URL on stdin, JSON on stdout,
// "credentials not found in native keychain" and exit 1 when they hold nothing).
#include "net/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "testing/testdata.h"

namespace hullscan::net {
namespace {

namespace fs = std::filesystem;

// Secrets that must never appear in a message.
constexpr std::string_view kHelperSecret = "helper-secret-Zq81";
constexpr std::string_view kHubToken = "hub-identity-token-Pw02";
constexpr std::string_view kFilePassword = "pa:ss:word-Kx77";

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (in.size() - i == 1) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Saves environment variables and restores them when the test ends.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
    }
  }
  void Set(const std::string& name, const std::string& value) {
    Save(name);
    setenv(name.c_str(), value.c_str(), 1);
  }
  void Unset(const std::string& name) {
    Save(name);
    unsetenv(name.c_str());
  }

 private:
  void Save(const std::string& name) {
    if (saved_.count(name)) return;
    const char* v = std::getenv(name.c_str());
    saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = dir_.path() / "bin";
    fs::create_directories(bin_);
    env_.Set("PATH", bin_.string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"));
    // A helper that knows one private registry by password and Docker Hub by identity token, and
    // records what it was asked on stdin (byte for byte) next to itself.
    WriteHelper("test", R"(#!/bin/sh
cat > "$(dirname "$0")/test.input"
url=$(cat "$(dirname "$0")/test.input")
case "$url" in
  reg.example:5000) printf '{"ServerURL":"%s","Username":"helperuser","Secret":"helper-secret-Zq81"}\n' "$url" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-identity-token-Pw02"}\n' "$url" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)");
    WriteHelper("broken", R"(#!/bin/sh
cat > /dev/null
echo "fatal: cannot unlock keychain holding helper-secret-Zq81" >&2
echo "helper-secret-Zq81"
exit 3
)");
    WriteHelper("garbage", R"(#!/bin/sh
echo "this is not json, helper-secret-Zq81"
)");
    // A helper that stores Docker Hub under "docker.io" only, as podman's login does.
    WriteHelper("podmanlike", R"(#!/bin/sh
url=$(cat)
echo "$url" >> "$(dirname "$0")/podmanlike.asked"
if [ "$url" = docker.io ]; then
  echo '{"ServerURL":"docker.io","Username":"hubuser","Secret":"helper-secret-Zq81"}'
  exit 0
fi
echo "credentials not found in native keychain"
exit 1
)");
  }

  void WriteHelper(const std::string& name, const std::string& script) {
    fs::path p = bin_ / ("docker-credential-" + name);
    std::ofstream(p) << script;
    fs::permissions(p, fs::perms::owner_all);
  }

  fs::path WriteFile(const std::string& name, const std::string& text) {
    fs::path p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  CredentialSources Docker(const fs::path& config) {
    CredentialSources s;
    s.use_environment = false;
    s.docker_config = config;
    return s;
  }

  static void ExpectNoSecret(const Error& e) {
    for (std::string_view secret : {kHelperSecret, kHubToken, kFilePassword, std::string_view("pa:ss")})
      EXPECT_EQ(e.message().find(secret), std::string::npos) << e.message();
  }

  std::string Asked(const std::string& helper) {
    std::ifstream in(bin_ / (helper + ".input"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  hullscan::testing::TempDir dir_;
  fs::path bin_;
  ScopedEnv env_;
};

TEST_F(CredentialsTest, NothingConfiguredIsAnonymous) {
  CredentialSources s;
  s.use_environment = false;
  auto c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_FALSE(c->has_value());
  // Files named but absent are no credentials either.
  s.docker_config = dir_.path() / "nope" / "config.json";
  s.auth_file = dir_.path() / "auth.json";
  c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_FALSE(c->has_value());
}

TEST_F(CredentialsTest, ExplicitFlagsComeFirst) {
  fs::path config = WriteFile("config.json", R"({"auths":{"reg.example:5000":{"auth":")" + Base64("file:pw") + R"("}}})");
  CredentialSources s = Docker(config);
  s.username = "flaguser";
  s.password = "flagpass";
  auto c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "flaguser");
  EXPECT_EQ((*c)->password, "flagpass");
  EXPECT_EQ((*c)->source, "--username");

  CredentialSources t = Docker(config);
  t.registry_token = "ready-bearer";
  c = LookupCredential("reg.example:5000", t);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->registry_token, "ready-bearer");
  EXPECT_EQ((*c)->source, "--registry-token");
  EXPECT_TRUE((*c)->username.empty());

  CredentialSources half = Docker(config);
  half.username = "flaguser";
  c = LookupCredential("reg.example:5000", half);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message().find("--password"), std::string::npos);
}

TEST_F(CredentialsTest, EnvironmentThenDockerConfigThenAuthFile) {
  fs::path docker_dir = dir_.path() / "docker";
  fs::create_directories(docker_dir);
  std::ofstream(docker_dir / "config.json")
      << R"({"auths":{"reg.example:5000":{"username":"dockeruser","password":"dockerpw"}}})";
  fs::path auth = WriteFile("auth.json", R"({"auths":{"reg.example:5000":{"auth":")" + Base64("podman:pw") +
                                             R"("},"other.example":{"auth":")" + Base64("podman2:pw2") + R"("}}})");
  env_.Set("DOCKER_CONFIG", docker_dir.string());
  env_.Set("REGISTRY_AUTH_FILE", auth.string());
  env_.Unset("HULLSCAN_REGISTRY_USERNAME");
  env_.Unset("HULLSCAN_REGISTRY_PASSWORD");
  CredentialSources s;  // use_environment = true: everything from the environment

  auto c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "dockeruser");
  EXPECT_EQ((*c)->source, "docker config " + (docker_dir / "config.json").string());

  c = LookupCredential("other.example", s);  // only in the containers auth file
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "podman2");
  EXPECT_EQ((*c)->password, "pw2");
  EXPECT_EQ((*c)->source, "containers auth file " + auth.string());

  env_.Set("HULLSCAN_REGISTRY_USERNAME", "envuser");
  env_.Set("HULLSCAN_REGISTRY_PASSWORD", "envpw");
  c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "envuser");
  EXPECT_EQ((*c)->source, "HULLSCAN_REGISTRY_USERNAME");

  // use_environment = false ignores all of it.
  s.use_environment = false;
  c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());

  // $XDG_RUNTIME_DIR/containers/auth.json when REGISTRY_AUTH_FILE is unset.
  env_.Unset("HULLSCAN_REGISTRY_USERNAME");
  env_.Unset("HULLSCAN_REGISTRY_PASSWORD");
  env_.Unset("REGISTRY_AUTH_FILE");
  fs::create_directories(dir_.path() / "run" / "containers");
  fs::copy_file(auth, dir_.path() / "run" / "containers" / "auth.json");
  env_.Set("XDG_RUNTIME_DIR", (dir_.path() / "run").string());
  s.use_environment = true;
  c = LookupCredential("other.example", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "podman2");
}

TEST_F(CredentialsTest, AuthIsBase64AndThePasswordMayHoldColons) {
  fs::path config = WriteFile("config.json", R"({"auths":{"reg.example:5000":{"auth":")" +
                                                 Base64("alice:" + std::string(kFilePassword)) + R"("}}})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "alice");
  EXPECT_EQ((*c)->password, kFilePassword);
  EXPECT_EQ((*c)->source, "docker config " + config.string());

  // Unpadded base64 and a line break inside, as some tools write it.
  std::string unpadded = Base64("bob:pw1");  // 7 bytes → "==" of padding
  ASSERT_EQ(unpadded.substr(unpadded.size() - 2), "==");
  unpadded.resize(unpadded.size() - 2);
  unpadded.insert(4, "\\n");
  config = WriteFile("config2.json", R"({"auths":{"reg.example:5000":{"auth":")" + unpadded + R"("}}})");
  c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "bob");
  EXPECT_EQ((*c)->password, "pw1");
}

TEST_F(CredentialsTest, EntryFields) {
  fs::path config = WriteFile("config.json", R"({"auths":{
      "a.example":{"username":"u","password":"p","email":"ignored@example.com"},
      "b.example":{"identitytoken":"refresh-tok"},
      "c.example":{"registrytoken":"bearer-tok"},
      "d.example":{"auth":")" + Base64("fromauth:pw") + R"(","username":"fromfield","password":"x"},
      "e.example":{}}})");
  auto a = LookupCredential("a.example", Docker(config));
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->username, "u");
  EXPECT_EQ((*a)->password, "p");
  auto b = LookupCredential("b.example", Docker(config));
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->identity_token, "refresh-tok");
  EXPECT_TRUE((*b)->username.empty());
  auto c = LookupCredential("c.example", Docker(config));
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->registry_token, "bearer-tok");
  auto d = LookupCredential("d.example", Docker(config));  // "auth" wins, as docker decodes it last
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->username, "fromauth");
  EXPECT_EQ((*d)->password, "pw");
  auto e = LookupCredential("e.example", Docker(config));  // an empty entry is no credential
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_value());
}

TEST_F(CredentialsTest, HostKeyForms) {
  for (std::string key : {"reg.example:5000", "https://reg.example:5000", "https://reg.example:5000/v1/",
                          "http://reg.example:5000", "reg.example:5000/v2/"}) {
    SCOPED_TRACE(key);
    fs::path config = WriteFile("config.json", R"({"auths":{")" + key + R"(":{"auth":")" + Base64("u:p") + R"("}}})");
    auto c = LookupCredential("reg.example:5000", Docker(config));
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_TRUE(c->has_value());
  }
  // Another port or no port is another registry.
  for (std::string key : {"reg.example", "reg.example:5001", "https://reg.example/v1/", "xreg.example:5000"}) {
    SCOPED_TRACE(key);
    fs::path config = WriteFile("config.json", R"({"auths":{")" + key + R"(":{"auth":")" + Base64("u:p") + R"("}}})");
    auto c = LookupCredential("reg.example:5000", Docker(config));
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_FALSE(c->has_value());
  }
  // The bare host key wins over a URL form of it.
  fs::path config = WriteFile("config.json", R"({"auths":{"https://reg.example:5000/v1/":{"auth":")" +
                                                 Base64("url:p") + R"("},"reg.example:5000":{"auth":")" +
                                                 Base64("bare:p") + R"("}}})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->username, "bare");
}

TEST_F(CredentialsTest, DockerHubAliases) {
  for (std::string key : {"https://index.docker.io/v1/", "index.docker.io", "docker.io", "https://index.docker.io",
                          "registry-1.docker.io"}) {
    SCOPED_TRACE(key);
    fs::path config = WriteFile("config.json", R"({"auths":{")" + key + R"(":{"auth":")" + Base64("hub:p") + R"("}}})");
    auto c = LookupCredential("docker.io", Docker(config));
    ASSERT_TRUE(c.ok()) << c.error().message();
    ASSERT_TRUE(c->has_value());
    EXPECT_EQ((*c)->username, "hub");
    // Docker Hub credentials are not another registry's.
    auto other = LookupCredential("ghcr.io", Docker(config));
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value());
  }
  // The v1 index URL, which `docker login` writes, is looked up first.
  fs::path config = WriteFile("config.json", R"({"auths":{"docker.io":{"auth":")" + Base64("podman:p") +
                                                 R"("},"https://index.docker.io/v1/":{"auth":")" +
                                                 Base64("docker:p") + R"("}}})");
  auto c = LookupCredential("docker.io", Docker(config));
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->username, "docker");
}

TEST_F(CredentialsTest, CredHelperFound) {
  fs::path config = WriteFile("config.json", R"({"credHelpers":{"reg.example:5000":"test"},
      "auths":{"reg.example:5000":{"auth":")" + Base64("file:pw") + R"("}}})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "helperuser");
  EXPECT_EQ((*c)->password, kHelperSecret);
  EXPECT_EQ((*c)->source, "docker config credHelpers (test)");
  EXPECT_EQ(Asked("test"), "reg.example:5000");  // the server URL, no newline, on stdin
}

TEST_F(CredentialsTest, CredsStoreIdentityTokenForDockerHub) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"test","auths":{"https://index.docker.io/v1/":{}}})");
  auto c = LookupCredential("docker.io", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_TRUE((*c)->username.empty());
  EXPECT_TRUE((*c)->password.empty());
  EXPECT_EQ((*c)->identity_token, kHubToken);  // Username "<token>"
  EXPECT_EQ((*c)->source, "docker config credsStore (test)");
  EXPECT_EQ(Asked("test"), "https://index.docker.io/v1/");
}

TEST_F(CredentialsTest, HubHelperAskedUnderEachAlias) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"podmanlike"})");
  auto c = LookupCredential("docker.io", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "hubuser");
  std::ifstream in(bin_ / "podmanlike.asked");
  std::string asked(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(asked, "https://index.docker.io/v1/\nindex.docker.io\ndocker.io\n");
}

TEST_F(CredentialsTest, HelperWithoutCredentialsFallsBackToAuths) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"test",
      "auths":{"other.example":{"auth":")" + Base64("fileuser:pw") + R"("}}})");
  auto c = LookupCredential("other.example", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "fileuser");
  EXPECT_EQ(Asked("test"), "other.example");
  // Nothing anywhere: anonymous.
  auto none = LookupCredential("third.example", Docker(config));
  ASSERT_TRUE(none.ok()) << none.error().message();
  EXPECT_FALSE(none->has_value());
}

TEST_F(CredentialsTest, CredHelpersBeatCredsStore) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"broken","credHelpers":{"reg.example:5000":"test"}})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "helperuser");
  // Hosts without a credHelpers entry use the credsStore (which fails here).
  auto other = LookupCredential("other.example", Docker(config));
  EXPECT_FALSE(other.ok());
}

TEST_F(CredentialsTest, FailingHelperIsAnErrorWithoutItsOutput) {
  fs::path config = WriteFile("config.json", R"({"credHelpers":{"reg.example:5000":"broken"}})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kUnavailable);
  const std::string& m = c.error().message();
  EXPECT_NE(m.find("reg.example:5000"), std::string::npos) << m;
  EXPECT_NE(m.find("docker-credential-broken"), std::string::npos) << m;
  EXPECT_NE(m.find("exited with status 3"), std::string::npos) << m;
  EXPECT_NE(m.find(config.string()), std::string::npos) << m;
  ExpectNoSecret(c.error());
}

TEST_F(CredentialsTest, HelperPrintingGarbageIsCorrupt) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"garbage"})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kCorrupt);
  ExpectNoSecret(c.error());
}

// A runaway helper is cut off (the kill-and-reap path that the 30 s timeout also takes).
TEST_F(CredentialsTest, HelperFloodingOutputIsStopped) {
  WriteHelper("flood", "#!/bin/sh\nexec yes helper-secret-Zq81\n");
  fs::path config = WriteFile("config.json", R"({"credsStore":"flood"})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(c.error().message().find("wrote more than 1 MiB"), std::string::npos) << c.error().message();
  ExpectNoSecret(c.error());
}

TEST_F(CredentialsTest, HelperNotOnPath) {
  fs::path config = WriteFile("config.json", R"({"credsStore":"not-installed-anywhere"})");
  auto c = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(c.error().message().find("docker-credential-not-installed-anywhere is not on PATH"), std::string::npos)
      << c.error().message();
}

TEST_F(CredentialsTest, HelperNamesCannotBePaths) {
  for (std::string name : {"../bin/test", "/bin/sh", "a b", ""}) {
    SCOPED_TRACE(name);
    fs::path config = WriteFile("config.json", R"({"credHelpers":{"reg.example:5000":")" + name + R"("}})");
    auto c = LookupCredential("reg.example:5000", Docker(config));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code(), ErrorCode::kCorrupt);
  }
}

TEST_F(CredentialsTest, MalformedConfigsNameTheFileAndNeverAValue) {
  const std::string secret_b64 = Base64("alice:" + std::string(kFilePassword));
  struct Case {
    std::string text;
    std::string says;
  };
  const std::vector<Case> cases = {
      {R"({"auths":{"reg.example:5000":{"auth":")" + secret_b64 + R"(")", "not valid JSON"},  // truncated
      {R"({"auths":{"reg.example:5000":{"password":")" + std::string(kFilePassword) + R"(" "x"}}})", "not valid JSON"},
      {R"(["auths"])", "not a JSON object"},
      {R"({"auths":["reg.example:5000"]})", "'auths' is not an object"},
      {R"({"auths":{"reg.example:5000":"pa:ss"}})", "is not an object"},
      {R"({"auths":{"reg.example:5000":{"auth":"!!)" + std::string(kFilePassword) + R"("}}})",
       "'auth' is not valid base64"},
      {R"({"auths":{"reg.example:5000":{"auth":")" + Base64("nocolonpa:ss") + R"(x"}}})", "'auth' is not valid base64"},
      {R"({"auths":{"reg.example:5000":{"auth":")" + Base64("no-colon-here") + R"("}}})",
       "'auth' does not decode to username:password"},
      {R"({"auths":{"reg.example:5000":{"auth":")" + Base64(":" + std::string(kFilePassword)) + R"("}}})",
       "'auth' does not decode to username:password"},
      {R"({"auths":{"reg.example:5000":{"password":42}}})", "'password' is not a string"},
      {R"({"credsStore":7})", "'credsStore' is not a string"},
      {R"({"credHelpers":"test"})", "'credHelpers' is not an object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    fs::path config = WriteFile("config.json", c.text);
    auto r = LookupCredential("reg.example:5000", Docker(config));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
    EXPECT_NE(r.error().message().find(c.says), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find(config.string()), std::string::npos) << r.error().message();
    ExpectNoSecret(r.error());
  }
  // A malformed entry names its host.
  fs::path config = WriteFile("config.json", R"({"auths":{"reg.example:5000":{"auth":"%%%"}}})");
  auto r = LookupCredential("reg.example:5000", Docker(config));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("auths['reg.example:5000']"), std::string::npos) << r.error().message();
  // The same for the containers auth file.
  CredentialSources s;
  s.use_environment = false;
  s.auth_file = WriteFile("auth.json", "{not json " + std::string(kFilePassword));
  r = LookupCredential("reg.example:5000", s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find(s.auth_file.string()), std::string::npos);
  ExpectNoSecret(r.error());
  // A directory where the file should be.
  s.auth_file = dir_.path();
  r = LookupCredential("reg.example:5000", s);
  EXPECT_FALSE(r.ok());
}

TEST_F(CredentialsTest, ContainersAuthFileWhenDockerHasNothing) {
  fs::path config = WriteFile("config.json", R"({"auths":{"reg.example:5000":{}}})");
  fs::path auth = WriteFile("auth.json", R"({"auths":{"reg.example:5000":{"auth":")" + Base64("podman:pw") + R"("}}})");
  CredentialSources s = Docker(config);
  s.auth_file = auth;
  auto c = LookupCredential("reg.example:5000", s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "podman");
  EXPECT_EQ((*c)->source, "containers auth file " + auth.string());
}

}  // namespace
}  // namespace hullscan::net
