#include "apps/cmd_sign.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/fail.h"
#include "base/strings.h"
#include "io/reader.h"
#include "net/reference.h"
#include "sign/bundle.h"
#include "sign/cosign.h"
#include "sign/keys.h"
#include "sign/notation.h"
#include "sign/store.h"
#include "source/source.h"

namespace hullscan::apps {
namespace {

constexpr uint64_t kMaxKeyFileBytes = 1 << 20;

// The image to sign or verify: where its signatures live and the digest they are about.
struct SignTarget {
  std::unique_ptr<sign::ArtifactStore> store;
  Digest digest;
  std::string repository;  // "127.0.0.1:5000/team/app" for registries; empty for layouts
};

Result<SignTarget> ResolveSignTarget(const std::string& image, const ScanFlags& flags) {
  SignTarget t;
  if (StartsWith(image, "oci:")) {
    HS_ASSIGN_OR_RETURN(source::Target target, source::ParseTarget(image));
    HS_ASSIGN_OR_RETURN(t.store, sign::OpenLayoutStore(target.path));
    std::string ref = target.ref;
    if (ref.empty()) {
      // The only image of the layout, as `hullscan image oci:DIR` picks it.
      HS_ASSIGN_OR_RETURN(std::string index, io::ReadFile(std::filesystem::path(target.path) / "index.json", 4 << 20));
      auto j = nlohmann::json::parse(index, nullptr, false);
      if (j.is_discarded() || !j.contains("manifests") || !j["manifests"].is_array() || j["manifests"].size() != 1 ||
          !j["manifests"][0].contains("digest") || !j["manifests"][0]["digest"].is_string())
        return InvalidArgument(image + ": name the image to sign with oci:DIR:REF (the layout holds several, or none)");
      ref = j["manifests"][0]["digest"].get<std::string>();
    }
    HS_ASSIGN_OR_RETURN(auto manifest, t.store->GetManifest(ref));
    t.digest = manifest.digest;
    return t;
  }
  std::string text = image;
  for (std::string_view scheme : {"docker://", "registry:"})
    if (StartsWith(text, scheme)) text = text.substr(scheme.size());
  HS_ASSIGN_OR_RETURN(net::Reference ref, net::Reference::Parse(text));
  HS_ASSIGN_OR_RETURN(net::RegistryOptions options, RegistryOptionsFromFlags(flags));
  HS_ASSIGN_OR_RETURN(auto client, net::RegistryClient::Connect(ref.registry, options));
  t.repository = ref.registry + "/" + ref.repository;
  t.store = sign::NewRegistryStore(std::shared_ptr<net::RegistryClient>(std::move(client)), ref.repository);
  // Never a tag: what is signed or verified is the digest the reference resolves to now.
  auto manifest = t.store->GetManifest(ref.Identifier());
  if (!manifest.ok()) return std::move(manifest).error().AddContext(ref.Familiar());
  t.digest = manifest->digest;
  if (ref.digest && *ref.digest != t.digest)
    return DigestMismatch(ref.Familiar() + ": the registry served " + t.digest.ToString());
  return t;
}

Result<std::map<std::string, std::string>> ParseAnnotations(const std::vector<std::string>& list) {
  std::map<std::string, std::string> out;
  for (const std::string& a : list) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("-a wants KEY=VALUE, got " + QuoteForMessage(a));
    out[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return out;
}

Result<std::string> ReadKeyFile(const std::string& path) {
  if (path.empty()) return InvalidArgument("--key FILE is required");
  auto text = io::ReadFile(path, kMaxKeyFileBytes);
  if (!text.ok()) return std::move(text).error().AddContext("key file " + path);
  return std::move(text).value();
}

// Reads a line from the terminal without echo.
Result<std::string> Prompt(const std::string& question) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return InvalidArgument("no password: set HULLSCAN_PASSWORD (or COSIGN_PASSWORD), or run on a terminal");
  struct termios old {};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    struct termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSANOW, &quiet);
  }
  (void)!::write(fd, question.data(), question.size());
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (restore) ::tcsetattr(fd, TCSANOW, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

std::string Mark(bool valid) { return valid ? "valid  " : "INVALID"; }

}  // namespace

Result<std::string> KeyPassword(bool confirm) {
  for (const char* name : {"HULLSCAN_PASSWORD", "COSIGN_PASSWORD"})
    if (const char* v = std::getenv(name)) return std::string(v);
  HS_ASSIGN_OR_RETURN(std::string first, Prompt("Enter password for private key: "));
  if (!confirm) return first;
  HS_ASSIGN_OR_RETURN(std::string second, Prompt("Enter password for private key again: "));
  if (first != second) return InvalidArgument("the passwords do not match");
  return first;
}

int RunKeyGenerate(const std::string& prefix, std::ostream& out) {
  std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
  std::error_code ec;
  if (std::filesystem::exists(key_path, ec))
    return Fail(InvalidArgument(key_path + " exists: refusing to overwrite a private key"));
  auto password = KeyPassword(/*confirm=*/true);
  if (!password.ok()) return Fail(password.error());
  auto pair = sign::GenerateKeyPair(*password);
  if (!pair.ok()) return Fail(pair.error());
  {
    // The private key is created 0600 before a byte is written.
    int fd = ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Fail(IoErrorFromErrno("create " + key_path, errno));
    const std::string& pem = pair->private_pem;
    bool ok = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok) return Fail(IoError("cannot write " + key_path));
  }
  std::ofstream pub(pub_path, std::ios::binary | std::ios::trunc);
  pub << pair->public_pem;
  pub.flush();
  if (!pub) return Fail(IoError("cannot write " + pub_path));
  out << "Private key written to " << key_path << "\nPublic key written to " << pub_path << "\n";
  return 0;
}

int RunSign(const SignFlags& flags, std::ostream& out) {
  auto pem = ReadKeyFile(flags.key);
  if (!pem.ok()) return Fail(pem.error());
  auto annotations = ParseAnnotations(flags.annotations);
  if (!annotations.ok()) return Fail(annotations.error());
  auto password = KeyPassword(/*confirm=*/false);
  if (!password.ok()) return Fail(password.error());
  auto key = sign::LoadPrivateKey(*pem, *password);
  if (!key.ok()) return Fail(std::move(key).error().AddContext("key file " + flags.key));
  auto target = ResolveSignTarget(flags.image, flags.registry);
  if (!target.ok()) return Fail(target.error());
  sign::SignOptions options;
  options.annotations = *annotations;
  options.docker_reference = flags.reference;
  Status signed_ = sign::SignImage(*target->store, target->digest, *key, options);
  if (!signed_.ok()) return Fail(signed_.error());
  out << "Signed " << target->store->Describe() << "@" << target->digest.ToString() << " (tag "
      << sign::CosignSignatureTag(target->digest) << ")\n";
  return 0;
}

namespace {

struct VerifyLine {
  std::string kind;  // "cosign", "bundle", "notation"
  std::string where;
  bool valid = false;
  std::string reason;
};

// Every signature of the image checked with every method the flags allow.
Result<std::vector<VerifyLine>> CheckSignatures(SignTarget& target, const SignFlags& flags) {
  std::vector<VerifyLine> lines;
  HS_ASSIGN_OR_RETURN(auto annotations, ParseAnnotations(flags.annotations));
  if (!flags.key.empty()) {
    HS_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(flags.key));
    auto key = sign::LoadPublicKey(pem);
    if (!key.ok()) return std::move(key).error().AddContext("key file " + flags.key);
    sign::VerifyOptions options;
    options.annotations = annotations;
    if (!flags.identity.empty()) options.identity = flags.identity;
    HS_ASSIGN_OR_RETURN(auto cosign, sign::VerifyCosignSignatures(*target.store, target.digest, *key, options));
    for (const auto& c : cosign.checks) lines.push_back({"cosign", c.where, c.valid, c.reason});
    sign::BundleVerifyOptions bundle_options;
    bundle_options.annotations = annotations;
    bundle_options.offline = flags.offline;
    auto bundles = sign::VerifyBundleSignatures(*target.store, target.digest, *key, bundle_options);
    if (bundles.ok()) {
      for (const auto& b : *bundles) lines.push_back({"bundle", b.where, b.valid, b.reason});
    } else if (bundles.error().code() != ErrorCode::kNotFound) {
      return std::move(bundles).error();
    }
  }
  if (!flags.trust_policy.empty() || !flags.trust_store.empty()) {
    if (flags.trust_policy.empty() || flags.trust_store.empty())
      return InvalidArgument("Notation verification needs both --trust-policy FILE and --trust-store DIR");
    HS_ASSIGN_OR_RETURN(auto policies, sign::LoadTrustPolicy(flags.trust_policy));
    HS_ASSIGN_OR_RETURN(auto stores, sign::TrustStoreSet::Load(flags.trust_store));
    std::string repository = target.repository.empty() ? flags.identity : target.repository;
    HS_ASSIGN_OR_RETURN(const sign::TrustPolicy* policy, sign::SelectTrustPolicy(policies, repository));
    // audit and skip levels report but do not vouch for an image: only strict and permissive
    // policies can make it pass.
    bool vouches = policy->level == "strict" || policy->level == "permissive";
    auto checks = sign::VerifyNotationSignatures(*target.store, repository, target.digest, policies, stores,
                                                 std::chrono::system_clock::now());
    if (checks.ok()) {
      for (const auto& c : *checks) {
        std::string reason = c.reason;
        if (c.valid && !vouches) reason = "trust policy level '" + policy->level + "' does not vouch for images";
        lines.push_back({"notation", c.where, c.valid && vouches, reason});
      }
    } else if (checks.error().code() == ErrorCode::kNotFound) {
      lines.push_back({"notation", "referrers", false, checks.error().message()});
    } else {
      return std::move(checks).error();
    }
  }
  if (flags.key.empty() && flags.trust_policy.empty())
    return InvalidArgument("verify needs --key PUBLIC_KEY (cosign, skopeo) or --trust-policy/--trust-store (Notation)");
  return lines;
}

}  // namespace

int RunVerify(const SignFlags& flags, std::ostream& out) {
  if (flags.format != "table" && flags.format != "json") return Fail(InvalidArgument("-f: use table or json"));
  auto target = ResolveSignTarget(flags.image, flags.registry);
  if (!target.ok()) return Fail(target.error());
  auto lines = CheckSignatures(*target, flags);
  if (!lines.ok()) return Fail(lines.error());
  bool verified = false;
  for (const auto& l : *lines) verified = verified || l.valid;
  std::string subject = target->store->Describe() + "@" + target->digest.ToString();
  if (flags.format == "json") {
    nlohmann::ordered_json doc;
    doc["image"] = subject;
    doc["verified"] = verified;
    doc["signatures"] = nlohmann::ordered_json::array();
    for (const auto& l : *lines)
      doc["signatures"].push_back({{"kind", l.kind}, {"where", l.where}, {"valid", l.valid}, {"reason", l.reason}});
    out << doc.dump(2) << "\n";
  } else {
    for (const auto& l : *lines)
      out << Mark(l.valid) << "  " << l.kind << "  " << l.where << (l.reason.empty() ? "" : ": " + l.reason) << "\n";
    out << (verified ? "Verified " : "NOT verified ") << subject << "\n";
  }
  // Fail closed: exit 0 only when a signature is valid in every respect.
  return verified ? 0 : 1;
}

Result<report::SignatureStatus> RequireSignature(const std::string& image, const std::string& public_key_file,
                                                 const ScanFlags& flags) {
  if (public_key_file.empty()) return InvalidArgument("--require-signature needs --key PUBLIC_KEY");
  HS_ASSIGN_OR_RETURN(source::Target parsed, source::ParseTarget(image));
  std::string text = image;
  if (parsed.kind == source::TargetKind::kRegistry) text = parsed.ref;
  else if (parsed.kind != source::TargetKind::kOciLayout)
    return InvalidArgument(image + ": signatures are verified on registry images and OCI layouts (a " +
                           std::string(source::TargetKindName(parsed.kind)) + " carries none)");
  else if (!StartsWith(text, "oci:")) text = "oci:" + text;
  HS_ASSIGN_OR_RETURN(SignTarget target, ResolveSignTarget(text, flags));
  SignFlags sign_flags;
  sign_flags.key = public_key_file;
  HS_ASSIGN_OR_RETURN(auto lines, CheckSignatures(target, sign_flags));
  report::SignatureStatus status;
  std::string reasons;
  for (const auto& l : lines) {
    status.verified = status.verified || l.valid;
    status.signatures.push_back({l.kind, l.where, l.valid, l.reason});
    if (!l.valid) reasons += "\n  " + l.kind + " " + l.where + ": " + l.reason;
  }
  if (status.verified) return status;
  return Error(ErrorCode::kPermissionDenied, "signature required: no valid signature for " +
                                                 target.store->Describe() + "@" + target.digest.ToString() + reasons);
}

}  // namespace hullscan::apps
