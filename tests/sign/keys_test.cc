// sign/keys.h: cosign/sigstore encrypted key files, plain PEM keys, signing and verification.
// Key files go both ways with the real tools ($PEERS/bin: cosign2, cosign3, skopeo-sigstore):
// we read theirs, they read ours (cosign sign-blob / verify-blob need no registry), and the bad
// key files are made by editing the JSON of a real tool's key file.
#include "sign/keys.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "base/strings.h"
#include "testing/testdata.h"

namespace hullscan::sign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TempDir;

constexpr char kPassword[] = "interop-pass";

using hullscan::testing::PeersDir;

// A peer tool, or empty when it is not there (tests then skip, naming it).
fs::path Peer(const std::string& name) { return hullscan::testing::PeerTool(name); }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

struct RunResult {
  int rc = -1;
  std::string output;  // stdout and stderr
};

// Runs argv in `cwd` with extra environment, HOME set to `cwd` so no tool touches the real home.
RunResult RunTool(const std::vector<std::string>& argv, const fs::path& cwd,
              const std::map<std::string, std::string>& env = {}) {
  std::string cmd = "cd " + ShellQuote(cwd.string()) + " && env HOME=" + ShellQuote(cwd.string());
  for (const auto& [k, v] : env) cmd += " " + k + "=" + ShellQuote(v);
  cmd += " timeout 120";
  for (const auto& a : argv) cmd += " " + ShellQuote(a);
  fs::path out = cwd / ".run-output";
  cmd += " >" + ShellQuote(out.string()) + " 2>&1";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// The JSON envelope inside an encrypted key PEM.
json Envelope(const std::string& pem) {
  std::string b64;
  std::istringstream in(pem);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("-----", 0) == 0) continue;
    b64 += line;
  }
  auto text = Base64Decode(b64);
  if (!text) return json();
  return json::parse(*text, nullptr, false);
}

std::string PemWithEnvelope(const std::string& label, const json& env) {
  std::string b64 = Base64Encode(env.dump());
  std::string out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST(Base64, RoundTripsAndIsStrict) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm8").has_value());     // no padding
  EXPECT_FALSE(Base64Decode("Zm9=").has_value());    // stray bits in the padding
  EXPECT_FALSE(Base64Decode("Zm 8=").has_value());   // whitespace
  EXPECT_FALSE(Base64Decode("Z===").has_value());
}

TEST(Keys, GeneratedKeyFileHasCosignsLayout) {
  auto pair = GenerateKeyPair(kPassword);
  ASSERT_TRUE(pair.ok()) << pair.error().message();
  EXPECT_EQ(FirstLine(pair->private_pem), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
  EXPECT_EQ(FirstLine(pair->public_pem), "-----BEGIN PUBLIC KEY-----");
  json env = Envelope(pair->private_pem);
  ASSERT_TRUE(env.is_object());
  EXPECT_EQ(env["kdf"]["name"], "scrypt");
  EXPECT_EQ(env["kdf"]["params"], json({{"N", 32768}, {"r", 8}, {"p", 1}}));
  EXPECT_EQ(Base64Decode(env["kdf"]["salt"].get<std::string>())->size(), 32u);
  EXPECT_EQ(env["cipher"]["name"], "nacl/secretbox");
  EXPECT_EQ(Base64Decode(env["cipher"]["nonce"].get<std::string>())->size(), 24u);
  // The PKCS#8 DER of a P-256 key (~138 bytes) plus the 16-byte secretbox tag.
  size_t ct = Base64Decode(env["ciphertext"].get<std::string>())->size();
  EXPECT_GT(ct, 120u);
  EXPECT_LT(ct, 200u);

  auto key = LoadPrivateKey(pair->private_pem, kPassword);
  ASSERT_TRUE(key.ok()) << key.error().message();
  auto pub_pem = PublicKeyPem(*key);
  ASSERT_TRUE(pub_pem.ok());
  EXPECT_EQ(*pub_pem, pair->public_pem);
  auto pub = LoadPublicKey(pair->public_pem);
  ASSERT_TRUE(pub.ok());
  auto sig = SignData(*key, "payload");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(static_cast<unsigned char>((*sig)[0]), 0x30) << "ASN.1 DER SEQUENCE";
  EXPECT_TRUE(VerifyData(*pub, "payload", *sig).ok());
  auto other = VerifyData(*pub, "payload!", *sig);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(other.error().message(), "signature does not verify");
}

TEST(Keys, EveryAcceptedScryptCostLoads) {
  for (uint64_t n : {32768u, 65536u, 131072u}) {
    auto pair = GenerateKeyPair(kPassword, ScryptParams{n, 8, 1});
    ASSERT_TRUE(pair.ok()) << n;
    EXPECT_EQ(Envelope(pair->private_pem)["kdf"]["params"]["N"], n);
    EXPECT_TRUE(LoadPrivateKey(pair->private_pem, kPassword).ok()) << n;
  }
  auto refused = GenerateKeyPair(kPassword, ScryptParams{16384, 8, 1});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnsupported);
}

TEST(Keys, OlderCosignLabelIsRead) {
  auto pair = GenerateKeyPair(kPassword);
  ASSERT_TRUE(pair.ok());
  std::string pem = PemWithEnvelope("ENCRYPTED COSIGN PRIVATE KEY", Envelope(pair->private_pem));
  EXPECT_TRUE(LoadPrivateKey(pem, kPassword).ok());
}

TEST(Keys, WrongPasswordIsPermissionDenied) {
  auto pair = GenerateKeyPair(kPassword);
  ASSERT_TRUE(pair.ok());
  auto key = LoadPrivateKey(pair->private_pem, "wrong-pass");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(key.error().message(), "wrong password (decryption failed)");
}

// Bad key files, each refused with its own message. Edited from a key file of ours here; the
// interop test below does the same to a real cosign key file.
void ExpectBadKeyFilesRefused(const std::string& real_pem, const std::string& password) {
  std::string label = FirstLine(real_pem).substr(11, FirstLine(real_pem).size() - 16);
  json env = Envelope(real_pem);
  ASSERT_TRUE(env.is_object());
  struct Case {
    std::string name, pem;
    ErrorCode code;
    std::string message;
  };
  auto edited = [&](auto edit) {
    json e = env;
    edit(e);
    return PemWithEnvelope(label, e);
  };
  std::vector<Case> cases = {
      {"not PEM", "not a pem file\n", ErrorCode::kCorrupt, "not a PEM file (no -----BEGIN line)"},
      {"PEM body not JSON",
       "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\nbm90IGpzb24=\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n",
       ErrorCode::kCorrupt, "'ENCRYPTED COSIGN PRIVATE KEY' PEM body is not the JSON key envelope"},
      {"PEM body not base64", "-----BEGIN " + label + "-----\n@@@@\n-----END " + label + "-----\n", ErrorCode::kCorrupt,
       "'" + label + "' PEM body is not base64"},
      {"no END line", "-----BEGIN " + label + "-----\nAAAA\n", ErrorCode::kCorrupt,
       "PEM block '" + label + "' has no END line"},
      {"N=16384", edited([](json& e) { e["kdf"]["params"]["N"] = 16384; }), ErrorCode::kUnsupported,
       "unsupported scrypt parameters N=16384 r=8 p=1 (supported: N=32768, 65536 or 131072 with r=8 p=1)"},
      {"N=2^30", edited([](json& e) { e["kdf"]["params"]["N"] = 1073741824; }), ErrorCode::kUnsupported,
       "unsupported scrypt parameters N=1073741824 r=8 p=1 (supported: N=32768, 65536 or 131072 with r=8 p=1)"},
      {"r=16", edited([](json& e) { e["kdf"]["params"]["r"] = 16; }), ErrorCode::kUnsupported,
       "unsupported scrypt parameters N=" + env["kdf"]["params"]["N"].dump() +
           " r=16 p=1 (supported: N=32768, 65536 or 131072 with r=8 p=1)"},
      {"kdf pbkdf2", edited([](json& e) { e["kdf"]["name"] = "pbkdf2"; }), ErrorCode::kUnsupported,
       "unsupported key derivation 'pbkdf2' (only scrypt)"},
      {"cipher aes", edited([](json& e) { e["cipher"]["name"] = "aes-gcm"; }), ErrorCode::kUnsupported,
       "unsupported key cipher 'aes-gcm' (only nacl/secretbox)"},
      {"no params", edited([](json& e) { e["kdf"].erase("params"); }), ErrorCode::kCorrupt,
       "key envelope has no scrypt parameters kdf.params.{N,r,p}"},
      {"short nonce", edited([](json& e) { e["cipher"]["nonce"] = Base64Encode("short"); }), ErrorCode::kCorrupt,
       "key envelope nonce has 5 bytes, want 24"},
      {"ciphertext flipped",
       edited([](json& e) {
         std::string ct = *Base64Decode(e["ciphertext"].get<std::string>());
         ct[ct.size() / 2] ^= 1;
         e["ciphertext"] = Base64Encode(ct);
       }),
       ErrorCode::kPermissionDenied, "wrong password (decryption failed)"},
      {"public key given as private", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
       ErrorCode::kUnsupported, "PEM block 'PUBLIC KEY' is not a private key"},
  };
  for (const auto& c : cases) {
    auto key = LoadPrivateKey(c.pem, password);
    ASSERT_FALSE(key.ok()) << c.name;
    EXPECT_EQ(key.error().code(), c.code) << c.name << ": " << key.error().message();
    EXPECT_EQ(key.error().message(), c.message) << c.name;
  }
}

TEST(Keys, BadKeyFilesAreRefusedWithSpecificMessages) {
  auto pair = GenerateKeyPair(kPassword);
  ASSERT_TRUE(pair.ok());
  ExpectBadKeyFilesRefused(pair->private_pem, kPassword);
}

TEST(Keys, PlainPemKeysAndCertificates) {
  TempDir dir;
  auto openssl = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = RunTool(argv, dir.path());
    EXPECT_EQ(r.rc, 0) << r.output;
  };
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl command not found";
  openssl({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem"});           // EC PRIVATE KEY
  openssl({"pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-out", "p8.pem"});                    // PRIVATE KEY
  openssl({"genpkey", "-algorithm", "ed25519", "-out", "ed.pem"});
  openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem"});
  openssl({"ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem"});
  openssl({"req", "-x509", "-new", "-key", "ec.pem", "-subj", "/CN=hullscan test", "-days", "1", "-out", "cert.pem"});
  for (const char* name : {"ec.pem", "p8.pem", "ed.pem", "rsa.pem", "p384.pem"}) {
    std::string pem = ReadFileOrFail(dir.path() / name);
    auto key = LoadPrivateKey(pem, "");
    ASSERT_TRUE(key.ok()) << name << ": " << key.error().message();
    auto pub_pem = PublicKeyPem(*key);
    ASSERT_TRUE(pub_pem.ok());
    auto pub = LoadPublicKey(*pub_pem);
    ASSERT_TRUE(pub.ok());
    auto sig = SignData(*key, "data");
    ASSERT_TRUE(sig.ok()) << name;
    EXPECT_TRUE(VerifyData(*pub, "data", *sig).ok()) << name;
    EXPECT_FALSE(VerifyData(*pub, "other", *sig).ok()) << name;
    // openssl agrees: SHA-256 over the data (Ed25519: the data itself).
    WriteFile(dir.path() / "data.bin", "data");
    WriteFile(dir.path() / "data.sig", *sig);
    WriteFile(dir.path() / "pub.pem", *pub_pem);
    RunResult check = std::string(name) == "ed.pem"
                          ? RunTool({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in",
                                 "data.bin", "-sigfile", "data.sig"},
                                dir.path())
                          : RunTool({"openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "data.sig", "data.bin"},
                                dir.path());
    EXPECT_EQ(check.rc, 0) << name << ": " << check.output;
  }
  // The certificate's public key verifies what its key signed.
  auto key = LoadPrivateKey(ReadFileOrFail(dir.path() / "ec.pem"), "");
  ASSERT_TRUE(key.ok());
  auto cert_key = LoadPublicKey(ReadFileOrFail(dir.path() / "cert.pem"));
  ASSERT_TRUE(cert_key.ok()) << cert_key.error().message();
  auto sig = SignData(*key, "data");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyData(*cert_key, "data", *sig).ok());

  // Raw r||s (JWS style) of a P-256 signature: 64 bytes, converted from the DER signature.
  const auto* der = reinterpret_cast<const unsigned char*>(sig->data());
  ASSERT_EQ(der[0], 0x30);
  size_t pos = 2;
  auto read_int = [&]() {
    EXPECT_EQ(der[pos], 0x02);
    size_t len = der[pos + 1];
    std::string v(sig->data() + pos + 2, len);
    pos += 2 + len;
    while (v.size() > 32 && v[0] == '\0') v.erase(0, 1);
    return std::string(32 - v.size(), '\0') + v;
  };
  std::string raw = read_int();
  raw += read_int();
  EXPECT_TRUE(VerifyData(*cert_key, "data", raw).ok());
  raw[5] ^= 1;
  EXPECT_FALSE(VerifyData(*cert_key, "data", raw).ok());

  auto not_pub = LoadPublicKey(ReadFileOrFail(dir.path() / "ec.pem"));
  ASSERT_FALSE(not_pub.ok());
  EXPECT_EQ(not_pub.error().message(), "PEM block 'EC PRIVATE KEY' is not a public key or certificate");
  auto broken = LoadPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message(), "malformed 'PUBLIC KEY' PEM block");
}

// ---- interop with the real tools' key files

struct CosignTool {
  std::string name;
  std::vector<std::string> sign_flags;  // cosign 3 writes the legacy formats only when told
};

std::vector<CosignTool> CosignTools() {
  return {{"cosign2", {"--tlog-upload=false"}},
          {"cosign3", {"--tlog-upload=false", "--use-signing-config=false", "--new-bundle-format=false"}}};
}

TEST(KeysInterop, WeReadCosignKeyFilesAndTheyReadOurs) {
  for (const auto& tool : CosignTools()) {
    if (Peer(tool.name).empty()) {
      GTEST_SKIP() << tool.name << " not found under " << PeersDir() << "/bin (fetch with shared/tools/peer-tools.sh)";
    }
  }
  for (const auto& tool : CosignTools()) {
    SCOPED_TRACE(tool.name);
    fs::path cosign = Peer(tool.name);
    TempDir dir;
    std::map<std::string, std::string> env = {{"COSIGN_PASSWORD", kPassword}};
    RunResult gen = RunTool({cosign.string(), "generate-key-pair"}, dir.path(), env);
    ASSERT_EQ(gen.rc, 0) << gen.output;
    std::string cosign_key = ReadFileOrFail(dir.path() / "cosign.key");
    EXPECT_EQ(FirstLine(cosign_key), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");

    // Theirs → us: load, sign; cosign verify-blob accepts our signature with its public key.
    auto key = LoadPrivateKey(cosign_key, kPassword);
    ASSERT_TRUE(key.ok()) << key.error().message();
    auto their_pub = LoadPublicKey(ReadFileOrFail(dir.path() / "cosign.pub"));
    ASSERT_TRUE(their_pub.ok());
    WriteFile(dir.path() / "blob.txt", "hello from hullscan\n");
    auto sig = SignData(*key, "hello from hullscan\n");
    ASSERT_TRUE(sig.ok());
    WriteFile(dir.path() / "ours.sig", Base64Encode(*sig));
    RunResult vb = RunTool({cosign.string(), "verify-blob", "--key", "cosign.pub", "--signature", "ours.sig",
                        "--insecure-ignore-tlog", "blob.txt"},
                       dir.path(), env);
    EXPECT_EQ(vb.rc, 0) << vb.output;
    EXPECT_NE(vb.output.find("Verified OK"), std::string::npos) << vb.output;

    // Wrong password on their file.
    auto wrong = LoadPrivateKey(cosign_key, "wrong-pass");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code(), ErrorCode::kPermissionDenied);
    // Their file, edited: every bad-file case still gets its specific message.
    ExpectBadKeyFilesRefused(cosign_key, kPassword);
    // … and cosign itself refuses the same edited files for the same reasons.
    json env_n16k = Envelope(cosign_key);
    env_n16k["kdf"]["params"]["N"] = 16384;
    WriteFile(dir.path() / "n16k.key", PemWithEnvelope("ENCRYPTED SIGSTORE PRIVATE KEY", env_n16k));
    WriteFile(dir.path() / "notpem.key", "not a pem file\n");
    WriteFile(dir.path() / "blob.txt", "hello from hullscan\n");
    for (const auto& [file, says] : std::vector<std::pair<std::string, std::string>>{
             {"n16k.key", "unsupported scrypt parameters"}, {"notpem.key", "invalid pem block"}}) {
      std::vector<std::string> argv = {cosign.string(), "sign-blob", "--key", file, "--yes"};
      argv.insert(argv.end(), tool.sign_flags.begin(), tool.sign_flags.end());
      argv.push_back("blob.txt");
      RunResult refused = RunTool(argv, dir.path(), env);
      EXPECT_NE(refused.rc, 0) << file;
      EXPECT_NE(refused.output.find(says), std::string::npos) << file << ": " << refused.output;
    }
    auto ours_n16k = LoadPrivateKey(ReadFileOrFail(dir.path() / "n16k.key"), kPassword);
    ASSERT_FALSE(ours_n16k.ok());
    EXPECT_EQ(ours_n16k.error().code(), ErrorCode::kUnsupported);

    // Ours → them: cosign signs a blob with our key file (COSIGN_PASSWORD) and verifies with our
    // public key; we verify cosign's signature too.
    auto pair = GenerateKeyPair(kPassword);
    ASSERT_TRUE(pair.ok());
    WriteFile(dir.path() / "ours.key", pair->private_pem);
    WriteFile(dir.path() / "ours.pub", pair->public_pem);
    std::vector<std::string> sign = {cosign.string(), "sign-blob", "--key", "ours.key", "--yes",
                                     "--output-signature", "theirs.sig"};
    sign.insert(sign.end(), tool.sign_flags.begin(), tool.sign_flags.end());
    sign.push_back("blob.txt");
    RunResult sb = RunTool(sign, dir.path(), env);
    ASSERT_EQ(sb.rc, 0) << sb.output;
    auto their_sig = Base64Decode(std::string(TrimSpace(ReadFileOrFail(dir.path() / "theirs.sig"))));
    ASSERT_TRUE(their_sig.has_value());
    auto our_pub = LoadPublicKey(pair->public_pem);
    ASSERT_TRUE(our_pub.ok());
    EXPECT_TRUE(VerifyData(*our_pub, "hello from hullscan\n", *their_sig).ok());
    RunResult vb2 = RunTool({cosign.string(), "verify-blob", "--key", "ours.pub", "--signature", "theirs.sig",
                         "--insecure-ignore-tlog", "blob.txt"},
                        dir.path(), env);
    EXPECT_EQ(vb2.rc, 0) << vb2.output;
    // And cosign refuses our key file with a wrong password, as it says it.
    RunResult wrong_pw = RunTool(sign, dir.path(), {{"COSIGN_PASSWORD", "wrong-pass"}});
    EXPECT_NE(wrong_pw.rc, 0);
    EXPECT_NE(wrong_pw.output.find("decrypt"), std::string::npos) << wrong_pw.output;
  }
}

TEST(KeysInterop, WeReadSkopeoKeyFiles) {
  fs::path skopeo = Peer("skopeo-sigstore");
  if (skopeo.empty()) GTEST_SKIP() << "skopeo-sigstore not found under " << PeersDir() << "/bin";
  TempDir dir;
  WriteFile(dir.path() / "pass.txt", kPassword);
  RunResult gen = RunTool({skopeo.string(), "generate-sigstore-key", "--output-prefix", "sk", "--passphrase-file", "pass.txt"},
                      dir.path());
  ASSERT_EQ(gen.rc, 0) << gen.output;
  std::string pem = ReadFileOrFail(dir.path() / "sk.private");
  // skopeo 1.18 writes the older label; both are the same envelope.
  EXPECT_EQ(FirstLine(pem), "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----");
  auto key = LoadPrivateKey(pem, kPassword);
  ASSERT_TRUE(key.ok()) << key.error().message();
  auto pub = LoadPublicKey(ReadFileOrFail(dir.path() / "sk.pub"));
  ASSERT_TRUE(pub.ok());
  auto sig = SignData(*key, "x");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyData(*pub, "x", *sig).ok());
  auto wrong = LoadPrivateKey(pem, "wrong-pass");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kPermissionDenied);
  ExpectBadKeyFilesRefused(pem, kPassword);
}

}  // namespace
}  // namespace hullscan::sign
