#include "report/internal/model.h"

#include <map>
#include <set>
#include <tuple>

#include "base/digest.h"
#include "base/strings.h"
#include "inventory/purl.h"

namespace hullscan::report::internal {

std::string Sha256Hex(std::string_view data) { return Sha256::Of(data).hex(); }

std::string ContentUuid(std::string_view data) {
  std::string h = Sha256Hex(data).substr(0, 32);
  h[12] = '8';  // version 8
  static constexpr char kHex[] = "0123456789abcdef";
  int nibble = (h[16] >= 'a') ? h[16] - 'a' + 10 : h[16] - '0';
  h[16] = kHex[(nibble & 0x3) | 0x8];  // RFC 4122/9562 variant: 10xx
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

SplitDigest SplitDigestText(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return {};
  return {std::string(digest.substr(0, colon)), std::string(digest.substr(colon + 1))};
}

bool IsHexOfAlgorithm(const SplitDigest& d) {
  size_t want = 0;
  if (d.algorithm == "md5") want = 32;
  if (d.algorithm == "sha1") want = 40;
  if (d.algorithm == "sha256") want = 64;
  if (d.algorithm == "sha512") want = 128;
  if (want == 0 || d.hex.size() != want) return false;
  for (char c : d.hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

size_t Utf16Length(std::string_view valid_utf8) {
  size_t units = 0;
  for (unsigned char c : valid_utf8) {
    if ((c & 0xC0) != 0x80) ++units;  // one per code point…
    if (c >= 0xF0) ++units;           // …and a second for those outside the BMP (surrogate pair)
  }
  return units;
}

std::string_view ArtifactKindName(inventory::ArtifactKind kind) {
  switch (kind) {
    case inventory::ArtifactKind::kImage:
      return "image";
    case inventory::ArtifactKind::kRootfs:
      return "rootfs";
  }
  return "image";
}

std::string ShortDigest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return std::string(digest.substr(0, 12));
  return std::string(digest.substr(0, colon + 1 + 12));
}

std::string DiagnosticText(const inventory::Diagnostic& d, bool short_layer) {
  std::string text;
  if (!d.layer_diff_id.empty())
    text += "layer " + (short_layer ? ShortDigest(d.layer_diff_id) : d.layer_diff_id) + ": ";
  if (!d.path.empty()) text += d.path + ": ";
  return text + d.message;
}

ReportModel BuildModel(const inventory::Inventory& inventory) {
  ReportModel model;
  model.inventory = &inventory;
  const inventory::Artifact& artifact = inventory.artifact;
  model.image = IdentifyImage(artifact);
  if (!model.image.purl.empty()) {
    model.artifact_ref = model.image.purl;
  } else {
    std::string key = "artifact";
    for (std::string_view part :
         {ArtifactKindName(artifact.kind), std::string_view(artifact.name), std::string_view(artifact.manifest_digest),
          std::string_view(artifact.config_digest)}) {
      key += '\0';
      key += part;
    }
    model.artifact_ref = ContentUuid(key);
  }
  if (inventory.distro) {
    std::string key = "os";
    for (std::string_view part : {std::string_view(inventory.distro->family),
                                  std::string_view(inventory.distro->version), std::string_view(model.artifact_ref)}) {
      key += '\0';
      key += part;
    }
    model.os_ref = ContentUuid(key);
  }

  std::set<std::string> taken = {model.artifact_ref, model.os_ref};
  model.packages.reserve(inventory.packages.size());
  for (const inventory::Package& p : inventory.packages) {
    PackageView view;
    view.package = &p;
    view.purl = p.purl.empty() ? inventory::MakePurl(p, inventory.distro) : p.purl;
    std::string ref = view.purl;
    if (taken.count(ref) != 0) {
      ref = view.purl + "#" + Sha256Hex(p.location.layer_diff_id + '\0' + p.location.path).substr(0, 12);
      std::string base = ref;
      for (int n = 2; taken.count(ref) != 0; ++n) ref = base + "-" + std::to_string(n);
    }
    taken.insert(ref);
    view.ref = std::move(ref);
    model.packages.push_back(std::move(view));
  }
  return model;
}

ReportModel BuildModel(const ScanReport& report) {
  ReportModel model = BuildModel(*report.inventory);
  model.scanners = report.scanners;
  model.db = report.db;
  model.signature = report.signature;
  if (report.checks != nullptr) {
    model.check_scan = true;
    model.checks.reserve(report.checks->size());
    for (const checks::Finding& f : *report.checks) model.checks.push_back(&f);
  }
  if (report.findings == nullptr) return model;
  model.vulnerability_scan = true;

  // A finding carries a copy of its package: find the inventory's by identity, else by purl.
  using Identity = std::tuple<inventory::PackageType, const std::string&, const std::string&, const std::string&,
                              const inventory::Location&>;
  auto identity = [](const inventory::Package& p) { return Identity(p.type, p.name, p.version, p.arch, p.location); };
  std::map<Identity, const PackageView*> by_identity;
  std::map<std::string, const PackageView*> by_purl;
  for (const PackageView& view : model.packages) {
    by_identity.emplace(identity(*view.package), &view);
    by_purl.emplace(view.purl, &view);
    if (!view.package->purl.empty()) by_purl.emplace(view.package->purl, &view);
  }
  const std::string& artifact_name = report.inventory->artifact.name;
  model.findings.reserve(report.findings->size());
  for (const match::Finding& f : *report.findings) {
    FindingView view;
    view.finding = &f;
    const PackageView* package = nullptr;
    if (auto it = by_identity.find(identity(f.package)); it != by_identity.end()) package = it->second;
    std::string purl = f.package.purl.empty() ? inventory::MakePurl(f.package, report.inventory->distro) : f.package.purl;
    if (package == nullptr) {
      if (auto it = by_purl.find(purl); it != by_purl.end()) package = it->second;
    }
    view.package_ref = package != nullptr ? package->ref : purl;
    view.package_purl = package != nullptr ? package->purl : purl;
    view.location = !f.package.location.path.empty() ? f.package.location.path : artifact_name;
    model.findings.push_back(std::move(view));
  }
  return model;
}

}  // namespace hullscan::report::internal
