#include "report/internal/image_identity.h"

#include <algorithm>
#include <array>

#include "base/strings.h"
#include "inventory/purl.h"

namespace hullscan::report::internal {
namespace {

// Transports of local image sources (containers/image and hullscan's own names). A name with one
// of these prefixes never names a registry repository, although "docker-archive:x.tar" would parse as
// one ("docker-archive" with tag "x.tar").
constexpr std::array<std::string_view, 9> kLocalTransports = {
    "oci:",    "oci-archive:", "docker-archive:", "docker-daemon:", "containers-storage:", "dir:",
    "rootfs:", "fs:",          "archive:"};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A repository path component: [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)* (distribution's grammar).
bool IsPathComponent(std::string_view c) {
  size_t i = 0;
  auto alnum_run = [&] {
    size_t start = i;
    while (i < c.size() && IsLowerAlnum(c[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < c.size()) {
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      i += (i + 1 < c.size() && c[i + 1] == '_') ? 2 : 1;
    } else if (c[i] == '-') {
      while (i < c.size() && c[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool IsTag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(t.front())) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

bool IsDigestText(std::string_view d) {
  size_t colon = d.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= d.size()) return false;
  std::string_view hex = d.substr(colon + 1);
  return hex.size() >= 32 &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A registry host: "localhost", or a name with a dot, either with an optional numeric port.
bool IsRegistryHost(std::string_view host) {
  std::string_view name = host;
  if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    name = host.substr(0, colon);
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !alnum(name.front()) || !alnum(name.back())) return false;
  bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  return chars_ok && (name == "localhost" || name.find('.') != std::string_view::npos || name != host);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The base name of a local source: "oci:build/img:latest" -> "img", "/tmp/alpine.tar" -> "alpine".
std::string LocalBaseName(std::string_view name) {
  bool oci_layout = false;
  for (std::string_view transport : kLocalTransports) {
    if (StartsWith(name, transport)) {
      oci_layout = transport == "oci:" || transport == "oci-archive:";
      name.remove_prefix(transport.size());
      break;
    }
  }
  if (oci_layout) {
    // oci:PATH[:REFERENCE]: the reference is after the last ':' that follows the last '/'.
    size_t slash = name.rfind('/');
    size_t colon = name.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
      name = name.substr(0, colon);
  }
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  for (std::string_view ext : {".tar.gz", ".tgz", ".tar", ".oci"}) {
    if (EndsWith(name, ext) && name.size() > ext.size()) {
      name.remove_suffix(ext.size());
      break;
    }
  }
  std::string base = AsciiLower(name);
  return base.empty() || base == "." || base == ".." ? "image" : base;
}

}  // namespace

std::optional<RegistryReference> ParseRegistryReference(std::string_view text) {
  if (StartsWith(text, "docker://")) text.remove_prefix(9);
  if (text.empty() || text.size() > 4096) return std::nullopt;
  for (std::string_view transport : kLocalTransports) {
    if (StartsWith(text, transport)) return std::nullopt;
  }
  RegistryReference ref;
  if (size_t at = text.rfind('@'); at != std::string_view::npos) {
    if (!IsDigestText(text.substr(at + 1))) return std::nullopt;
    ref.digest = std::string(text.substr(at + 1));
    text = text.substr(0, at);
  }
  size_t slash = text.find('/');
  if (slash != std::string_view::npos && IsRegistryHost(text.substr(0, slash))) {
    ref.registry = AsciiLower(text.substr(0, slash));
    text.remove_prefix(slash + 1);
  } else if (slash != std::string_view::npos && text.substr(0, slash).find(':') != std::string_view::npos) {
    return std::nullopt;  // "word:rest/..." with a non-numeric port is a transport, not a host
  }
  size_t last_slash = text.rfind('/');
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    if (!IsTag(text.substr(colon + 1))) return std::nullopt;
    ref.tag = std::string(text.substr(colon + 1));
    text = text.substr(0, colon);
  }
  if (text.empty() || text.size() > 255) return std::nullopt;
  for (std::string_view component : Split(text, '/')) {
    if (!IsPathComponent(component)) return std::nullopt;
  }
  ref.repository = std::string(text);
  if (ref.registry.empty() || ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") {
    ref.registry = "docker.io";
  }
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  return ref;
}

ImageIdentity IdentifyImage(const inventory::Artifact& artifact) {
  ImageIdentity id;
  if (artifact.kind != inventory::ArtifactKind::kImage) {
    id.purl_name = LocalBaseName(artifact.name);  // a directory: only its name, for labels
    return id;
  }
  id.reference = ParseRegistryReference(artifact.name);
  if (!id.reference) {
    // The image's own tag list, in its order (deterministic: it comes from the image). Only entries
    // of the form repository:tag name a repository: an OCI layout's ref.name is often a bare tag
    // ("3.20.3", "latest"), which would otherwise parse as Docker Hub's library/3.20.3.
    for (const std::string& tag : artifact.repo_tags) {
      auto ref = ParseRegistryReference(tag);
      if (ref && (!ref->tag.empty() || !ref->digest.empty())) {
        id.reference = std::move(ref);
        break;
      }
    }
  }
  if (id.reference) {
    std::string_view repo = id.reference->repository;
    id.purl_name = std::string(repo.substr(repo.rfind('/') + 1));  // npos + 1 == 0
  } else {
    id.purl_name = LocalBaseName(artifact.name);
  }
  if (artifact.manifest_digest.empty()) return id;

  // purl-spec "oci": the name is the last repository fragment, the version the manifest digest; the
  // qualifiers are sorted by key. The tag is left out, as Trivy does: the digest pins the image.
  id.purl = "pkg:oci/" + inventory::PurlEscape(id.purl_name) + "@" + inventory::PurlEscape(artifact.manifest_digest);
  char sep = '?';
  if (!artifact.architecture.empty()) {
    id.purl += sep + std::string("arch=") + inventory::PurlEscape(artifact.architecture);
    sep = '&';
  }
  if (id.reference) {
    id.purl += sep + std::string("repository_url=") + inventory::PurlEscape(id.reference->RepositoryUrl());
    // A registry image resolved through an index: the repository's digest is the index's (what
    // the tag points to), not the platform manifest's.
    std::string digest = artifact.manifest_digest;
    if (!artifact.repo_digests.empty()) {
      std::string_view rd = artifact.repo_digests.front();
      if (size_t at = rd.rfind('@'); at != std::string_view::npos) digest = std::string(rd.substr(at + 1));
    }
    id.repo_digest = id.reference->RepositoryUrl() + "@" + digest;
  }
  return id;
}

}  // namespace hullscan::report::internal
