#include "net/reference.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "base/strings.h"

// A hand-written matcher for the grammar of github.com/distribution/reference (regexp.go,
// reference.go, normalize.go), rather than std::regex: the grammar is small and deterministic
// once split at '@', the last ':' after the last '/', and the first '/', and std::regex recurses
// per character (a stack hazard on long input) and is slow.
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | '[' [a-fA-F0-9:]+ ']'
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   remote-name      := path-component ['/' path-component]*
//   path-component   := [a-z0-9]+ (separator [a-z0-9]+)*      separator := [._] | __ | -+
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" /[0-9a-fA-F]{32,}/      algorithm := /[A-Za-z][A-Za-z0-9]*/ ([-_+.] same)*

namespace hullscan::net {
namespace {

constexpr size_t kRepositoryNameMax = 255;  // distribution/reference RepositoryNameTotalLengthMax
constexpr size_t kTagMax = 128;
constexpr std::string_view kLegacyDockerHub = "index.docker.io";
constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";
constexpr std::string_view kDefaultTag = "latest";
// Docker's error texts (reference.go, go-digest), so that messages read as `docker pull` says them.
constexpr std::string_view kInvalidFormat = "invalid reference format";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWord(char c) { return IsAlnum(c) || c == '_'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
bool HasUpper(std::string_view s) {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return true;
  return false;
}

// Text from the user inside a message: as is when it is plain printable ASCII of sane length,
// else escaped and cut (so a hostile argument cannot forge log lines).
std::string Shown(std::string_view s) {
  bool plain = s.size() <= 512;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) plain = false;
  return plain ? std::string(s) : QuoteForMessage(s);
}

Error FormatError(std::string_view detail = {}) {
  std::string m(kInvalidFormat);
  if (!detail.empty()) m += ": " + std::string(detail);
  return InvalidArgument(std::move(m));
}

bool ValidPathComponent(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto alnum_run = [&] {
    size_t start = i;
    while (i < n && IsLowerAlnum(s[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < n) {
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < n && s[i] == '_') ++i;  // "__" but never "___"
    } else if (s[i] == '-') {
      while (i < n && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool ValidRemoteName(std::string_view s) {
  if (s.empty()) return false;
  for (std::string_view part : Split(s, '/'))
    if (!ValidPathComponent(part)) return false;
  return true;
}

bool ValidDomainComponent(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s)
    if (!IsAlnum(c) && c != '-') return false;
  return true;
}

bool ValidDomainAndPort(std::string_view s) {
  std::string_view host = s, port;
  bool has_port = false;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos || close < 2) return false;
    for (char c : s.substr(1, close - 1))
      if (!IsHex(c) && c != ':') return false;
    host = {};
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    size_t colon = s.find(':');
    if (colon != std::string_view::npos) {
      host = s.substr(0, colon);
      port = s.substr(colon + 1);
      has_port = true;
    }
    if (host.empty()) return false;
    for (std::string_view part : Split(host, '.'))
      if (!ValidDomainComponent(part)) return false;
  }
  if (has_port) {
    if (port.empty()) return false;
    for (char c : port)
      if (!IsDigit(c)) return false;
  }
  return true;
}

bool ValidTag(std::string_view s) {
  if (s.empty() || s.size() > kTagMax || !IsWord(s.front())) return false;
  for (char c : s)
    if (!IsWord(c) && c != '.' && c != '-') return false;
  return true;
}

// The digest pattern of regexp.go (the shape only; go-digest then checks algorithm and length).
bool ValidDigestShape(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view alg = s.substr(0, colon), hex = s.substr(colon + 1);
  if (hex.size() < 32) return false;
  for (char c : hex)
    if (!IsHex(c)) return false;
  // algorithm components [A-Za-z][A-Za-z0-9]* separated by one of [-_+.]
  bool need_letter = true;
  for (char c : alg) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (need_letter) {
      if (!letter) return false;
      need_letter = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      need_letter = true;
    } else if (!IsAlnum(c)) {
      return false;
    }
  }
  return !need_letter;
}

struct Parts {
  std::string_view domain, path, tag, digest;
};

// The anchored ReferenceRegexp plus anchoredNameRegexp's split, or why not. `why` says which part
// failed, for the message.
bool MatchReference(std::string_view s, Parts* out, std::string* why) {
  Parts p;
  std::string_view rest = s;
  if (size_t at = s.find('@'); at != std::string_view::npos) {
    p.digest = s.substr(at + 1);
    rest = s.substr(0, at);
    if (!ValidDigestShape(p.digest)) {
      *why = "invalid digest format";
      return false;
    }
  }
  // Only the domain may hold ':' and it ends at a '/', so a ':' after the last '/' opens the tag.
  size_t last_slash = rest.rfind('/');
  size_t last_colon = rest.rfind(':');
  if (last_colon != std::string_view::npos && (last_slash == std::string_view::npos || last_colon > last_slash)) {
    p.tag = rest.substr(last_colon + 1);
    rest = rest.substr(0, last_colon);
    if (!ValidTag(p.tag)) {
      *why = p.tag.size() > kTagMax ? "tag too long (at most 128 characters)" : "invalid tag format";
      return false;
    }
  }
  if (rest.empty()) {
    *why = "";
    return false;
  }
  // The domain group is optional and tried first (Go's leftmost-first), and it cannot hold '/'.
  if (size_t slash = rest.find('/'); slash != std::string_view::npos &&
                                     ValidDomainAndPort(rest.substr(0, slash)) &&
                                     ValidRemoteName(rest.substr(slash + 1))) {
    p.domain = rest.substr(0, slash);
    p.path = rest.substr(slash + 1);
  } else if (ValidRemoteName(rest)) {
    p.path = rest;
  } else {
    *why = "";
    return false;
  }
  *out = p;
  return true;
}

// go-digest's Parse/Validate for the algorithms Docker registers, then our Digest.
Result<Digest> ParseReferenceDigest(std::string_view text) {
  size_t colon = text.find(':');
  std::string_view alg = text.substr(0, colon), hex = text.substr(colon + 1);
  size_t want = 0;
  if (alg == "sha256") {
    want = 64;
  } else if (alg == "sha512") {
    want = 128;
  } else if (alg == "sha384") {
    // Valid for Docker, but hullscan cannot verify content against it (base/digest.h).
    return Unsupported("digest algorithm sha384 is not supported");
  } else {
    return InvalidArgument("unsupported digest algorithm");
  }
  if (hex.size() != want) return InvalidArgument("invalid checksum digest length");
  for (char c : hex)
    if (!IsLowerHex(c)) return InvalidArgument("invalid checksum digest format");
  return Digest::Parse(text);
}

bool IsIdentifier(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!IsLowerHex(c)) return false;
  return true;
}

}  // namespace

Result<Reference> Reference::ParseUnnormalized(std::string_view text) {
  if (text.empty()) return FormatError("repository name must have at least one component");
  Parts parts;
  std::string why;
  if (!MatchReference(text, &parts, &why)) {
    if (HasUpper(text)) {
      std::string lower = ToLower(text);
      Parts ignored;
      std::string ignored_why;
      if (MatchReference(lower, &ignored, &ignored_why)) return FormatError("repository name must be lowercase");
    }
    return FormatError(why);
  }
  if (parts.path.size() > kRepositoryNameMax)
    return FormatError("repository name must not be more than 255 characters");
  Reference ref;
  ref.registry = std::string(parts.domain);
  ref.repository = std::string(parts.path);
  ref.tag = std::string(parts.tag);
  if (!parts.digest.empty()) {
    auto digest = ParseReferenceDigest(parts.digest);
    if (!digest.ok()) {
      Error e = std::move(digest).error();
      return Error(e.code(), std::string(kInvalidFormat) + ": " + e.message());
    }
    ref.digest = std::move(digest).value();
  }
  return ref;
}

Result<Reference> Reference::Parse(std::string_view text) {
  // normalize.go ParseNormalizedNamed: a bare 64-hex string is an image ID, never a name.
  if (IsIdentifier(text))
    return InvalidArgument("invalid repository name (" + std::string(text) +
                           "), cannot specify 64-byte hexadecimal strings");
  // normalize.go splitDockerDomain.
  std::string domain;
  std::string remainder;
  if (size_t slash = text.find('/'); slash == std::string_view::npos) {
    domain = kDockerHub;
    remainder = std::string(kOfficialPrefix) + std::string(text);
  } else {
    std::string_view maybe_domain = text.substr(0, slash);
    std::string_view maybe_remote = text.substr(slash + 1);
    if (maybe_domain == "localhost" || maybe_domain.find_first_of(".:") != std::string_view::npos ||
        HasUpper(maybe_domain)) {
      // localhost, a host name or address with '.', one with a port, or a first component that
      // cannot be a namespace because namespaces are lowercase.
      domain = maybe_domain == kLegacyDockerHub ? std::string(kDockerHub) : std::string(maybe_domain);
      remainder = std::string(maybe_remote);
    } else {
      domain = kDockerHub;
      remainder = std::string(text);
    }
    if (domain == kDockerHub && remainder.find('/') == std::string::npos)
      remainder = std::string(kOfficialPrefix) + remainder;
  }
  std::string_view remote = remainder;
  if (size_t colon = remote.find(':'); colon != std::string_view::npos) remote = remote.substr(0, colon);
  if (HasUpper(remote)) return FormatError("repository name (" + Shown(remote) + ") must be lowercase");

  HS_ASSIGN_OR_RETURN(Reference ref, ParseUnnormalized(domain + "/" + remainder));
  if (ref.registry.empty()) {
    // Docker would carry on with an empty domain ("a_b.com/x" is a valid remote name), which no
    // client can pull from; say what is wrong instead.
    return FormatError("registry host (" + Shown(domain) + ") is not a valid host name");
  }
  if (ref.tag.empty() && !ref.digest) ref.tag = kDefaultTag;  // TagNameOnly
  return ref;
}

std::string Reference::ToString() const {
  std::string out = registry.empty() ? repository : registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->ToString();
  return out;
}

std::string Reference::Familiar() const {
  // normalize.go familiarizeName: drop docker.io, and "library/" when nothing nested follows.
  std::string out;
  if (registry == kDockerHub) {
    std::string_view path = repository;
    if (StartsWith(path, kOfficialPrefix) && path.substr(kOfficialPrefix.size()).find('/') == std::string_view::npos)
      path.remove_prefix(kOfficialPrefix.size());
    out = std::string(path);
  } else {
    out = registry.empty() ? repository : registry + "/" + repository;
  }
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->ToString();
  return out;
}

std::string Reference::Identifier() const { return digest ? digest->ToString() : tag; }

std::string Reference::ApiHost() const { return registry == kDockerHub ? std::string(kDockerHubApiHost) : registry; }

bool IsLoopbackHost(std::string_view host_and_port) {
  std::string_view host = host_and_port;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    host = host.substr(1, close - 1);
  } else if (host.find(':') != host.rfind(':')) {
    // Several colons without brackets: a bare IPv6 address ("::1"), no port.
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty() || host.size() > 64) return false;
  std::string h = ToLower(host);
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.y.z, the IPv4 loopback seen through a dual-stack socket.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace hullscan::net
