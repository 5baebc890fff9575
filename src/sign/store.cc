#include "sign/store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "base/strings.h"

namespace hullscan::sign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr uint64_t kMaxManifestBytes = 4 * 1024 * 1024;
// Referrer scans of a layout read only files this small (manifests), so image layers are never read.
constexpr uint64_t kMaxScannedBlobBytes = 1024 * 1024;
constexpr size_t kMaxScannedBlobs = 100000;

// The descriptor of a manifest for a referrers index: artifactType is the manifest's own, or
// its config's media type (as the distribution spec says registries report it).
json ReferrerDescriptor(const json& manifest, const Digest& digest, size_t size, std::string_view media_type) {
  json d = {{"mediaType", media_type}, {"digest", digest.ToString()}, {"size", size}};
  if (manifest.contains("artifactType") && manifest["artifactType"].is_string()) {
    d["artifactType"] = manifest["artifactType"];
  } else if (manifest.contains("config") && manifest["config"].is_object() && manifest["config"].contains("mediaType") &&
             manifest["config"]["mediaType"].is_string()) {
    d["artifactType"] = manifest["config"]["mediaType"];
  }
  if (manifest.contains("annotations") && manifest["annotations"].is_object()) d["annotations"] = manifest["annotations"];
  return d;
}

std::string MediaTypeOf(const json& doc, std::string_view fallback) {
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) {
    return doc["mediaType"].get<std::string>();
  }
  return std::string(fallback);
}

class RegistryStore final : public ArtifactStore {
 public:
  RegistryStore(std::shared_ptr<net::RegistryClient> client, std::string repository)
      : client_(std::move(client)), repository_(std::move(repository)) {}

  std::string Describe() const override { return client_->registry() + "/" + repository_; }

  Result<StoredManifest> GetManifest(std::string_view reference) override {
    HS_ASSIGN_OR_RETURN(net::ManifestResponse r, client_->GetManifest(repository_, reference));
    return StoredManifest{std::move(r.media_type), std::move(r.digest), std::move(r.body)};
  }
  Result<std::string> GetBlob(const Digest& digest, uint64_t max_bytes) override {
    return client_->GetBlob(repository_, digest, max_bytes);
  }
  Status PutBlob(const Digest& digest, std::string_view content) override {
    return client_->PutBlob(repository_, digest, content);
  }
  Result<Digest> PutManifest(std::string_view tag, std::string_view media_type, std::string_view body) override {
    std::string reference = tag.empty() ? Sha256::Of(body).ToString() : std::string(tag);
    return client_->PutManifest(repository_, reference, media_type, body);
  }
  Result<std::string> GetReferrers(const Digest& subject, std::string_view artifact_type) override {
    return client_->GetReferrers(repository_, subject, artifact_type);
  }

 private:
  std::shared_ptr<net::RegistryClient> client_;
  std::string repository_;
};

Result<std::string> ReadFile(const fs::path& path, uint64_t max_bytes) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return NotFound(fmt::format("{}: no such file", path.string()));
    return IoError(fmt::format("{}: {}", path.string(), ec.message()));
  }
  if (size > max_bytes) return LimitExceeded(fmt::format("{}: {} bytes, more than {}", path.string(), size, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(fmt::format("{}: cannot open", path.string()));
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) return IoError(fmt::format("{}: short read", path.string()));
  return data;
}

// Writes to a temporary file next to `path`, syncs, renames over it: readers see the old or the
// new content, never a part.
Status WriteFileAtomically(const fs::path& path, std::string_view content) {
  std::random_device rd;
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}-{:x}", getpid(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoErrorFromErrno("create " + tmp.string(), errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoErrorFromErrno("write " + tmp.string(), err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoErrorFromErrno("sync " + tmp.string(), err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoErrorFromErrno("rename to " + path.string(), err);
  }
  return OkStatus();
}

class LayoutStore final : public ArtifactStore {
 public:
  explicit LayoutStore(fs::path dir) : dir_(std::move(dir)) {}

  std::string Describe() const override { return "oci:" + dir_.string(); }

  Result<StoredManifest> GetManifest(std::string_view reference) override {
    HS_ASSIGN_OR_RETURN(json index, ReadIndex());
    std::optional<Digest> digest;
    std::string media_type;
    if (reference.find(':') != std::string_view::npos) {
      HS_ASSIGN_OR_RETURN(digest, Digest::Parse(reference));
    }
    for (const json& d : index["manifests"]) {
      if (!d.is_object() || !d.contains("digest") || !d["digest"].is_string()) continue;
      bool match = false;
      if (digest) {
        match = d["digest"].get<std::string>() == digest->ToString();
      } else if (d.contains("annotations") && d["annotations"].is_object()) {
        auto it = d["annotations"].find(std::string(kRefNameAnnotation));
        match = it != d["annotations"].end() && it->is_string() && it->get<std::string>() == reference;
      }
      if (!match) continue;
      if (!digest) {
        HS_ASSIGN_OR_RETURN(digest, Digest::Parse(d["digest"].get<std::string>()));
      }
      if (d.contains("mediaType") && d["mediaType"].is_string()) media_type = d["mediaType"].get<std::string>();
      break;
    }
    if (!digest) return NotFound(fmt::format("{}: no manifest tagged '{}'", Describe(), reference));
    auto body = GetBlob(*digest, kMaxManifestBytes);
    if (!body.ok()) {
      if (body.error().code() == ErrorCode::kNotFound) {
        return NotFound(fmt::format("{}: no manifest {}", Describe(), digest->ToString()));
      }
      return std::move(body).error();
    }
    json doc = json::parse(*body, nullptr, false);
    if (media_type.empty()) media_type = MediaTypeOf(doc, kOciManifest);
    return StoredManifest{media_type, *digest, std::move(*body)};
  }

  Result<std::string> GetBlob(const Digest& digest, uint64_t max_bytes) override {
    HS_ASSIGN_OR_RETURN(std::string data, ReadFile(BlobPath(digest), max_bytes));
    HS_ASSIGN_OR_RETURN(Hasher hasher, Hasher::For(digest.algorithm()));
    hasher.Update(data.data(), data.size());
    Digest got = hasher.Finish();
    if (got != digest) {
      return DigestMismatch(fmt::format("{}: blob {} hashes to {}", Describe(), digest.ToString(), got.ToString()));
    }
    return data;
  }

  Status PutBlob(const Digest& digest, std::string_view content) override {
    HS_ASSIGN_OR_RETURN(Hasher hasher, Hasher::For(digest.algorithm()));
    hasher.Update(content.data(), content.size());
    if (hasher.Finish() != digest) return DigestMismatch(fmt::format("blob content does not hash to {}", digest.ToString()));
    fs::path path = BlobPath(digest);
    std::error_code ec;
    if (fs::exists(path, ec)) return OkStatus();  // content-addressed: the same bytes are there
    fs::create_directories(path.parent_path(), ec);
    if (ec) return IoError(fmt::format("{}: {}", path.parent_path().string(), ec.message()));
    return WriteFileAtomically(path, content);
  }

  Result<Digest> PutManifest(std::string_view tag, std::string_view media_type, std::string_view body) override {
    Digest digest = Sha256::Of(body);
    HS_TRY(PutBlob(digest, body));
    HS_ASSIGN_OR_RETURN(json index, ReadIndex());
    json kept = json::array();
    bool present = false;
    for (json& d : index["manifests"]) {
      bool tagged_here = false;
      if (!tag.empty() && d.is_object() && d.contains("annotations") && d["annotations"].is_object()) {
        auto it = d["annotations"].find(std::string(kRefNameAnnotation));
        tagged_here = it != d["annotations"].end() && it->is_string() && it->get<std::string>() == tag;
      }
      if (tagged_here) continue;  // the tag moves to the new manifest
      if (tag.empty() && d.is_object() && d.value("digest", "") == digest.ToString()) present = true;
      kept.push_back(std::move(d));
    }
    if (!present) {
      json d = {{"mediaType", media_type}, {"digest", digest.ToString()}, {"size", body.size()}};
      if (!tag.empty()) d["annotations"] = {{std::string(kRefNameAnnotation), std::string(tag)}};
      kept.push_back(std::move(d));
    }
    index["manifests"] = std::move(kept);
    HS_TRY(WriteFileAtomically(dir_ / "index.json", index.dump()));
    return digest;
  }

  Result<std::string> GetReferrers(const Digest& subject, std::string_view artifact_type) override {
    json manifests = json::array();
    std::set<std::string> seen;
    auto consider = [&](const Digest& digest, const std::string& body) {
      if (!seen.insert(digest.ToString()).second) return;
      json doc = json::parse(body, nullptr, false);
      if (!doc.is_object() || !doc.contains("subject") || !doc["subject"].is_object()) return;
      if (doc["subject"].value("digest", "") != subject.ToString()) return;
      json d = ReferrerDescriptor(doc, digest, body.size(), MediaTypeOf(doc, kOciManifest));
      if (!artifact_type.empty() && d.value("artifactType", "") != artifact_type) return;
      manifests.push_back(std::move(d));
    };
    // Manifests listed in index.json (oras and notation list every manifest they push there),
    // then any other small blob: a referrer need not be listed.
    HS_ASSIGN_OR_RETURN(json index, ReadIndex());
    for (const json& d : index["manifests"]) {
      if (!d.is_object() || !d.contains("digest") || !d["digest"].is_string()) continue;
      auto digest = Digest::Parse(d["digest"].get<std::string>());
      if (!digest.ok()) continue;
      auto body = GetBlob(*digest, kMaxManifestBytes);
      if (body.ok()) consider(*digest, *body);
    }
    std::error_code ec;
    size_t scanned = 0;
    for (fs::directory_iterator it(dir_ / "blobs" / "sha256", ec), end; !ec && it != end; it.increment(ec)) {
      if (++scanned > kMaxScannedBlobs) break;
      std::error_code size_ec;
      if (!it->is_regular_file(size_ec) || it->file_size(size_ec) > kMaxScannedBlobBytes || size_ec) continue;
      auto digest = Digest::Parse("sha256:" + it->path().filename().string());
      if (!digest.ok() || seen.count(digest->ToString())) continue;
      auto body = GetBlob(*digest, kMaxScannedBlobBytes);
      if (!body.ok() || body->empty() || (*body)[0] != '{') continue;
      consider(*digest, *body);
    }
    json out = {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", std::move(manifests)}};
    return out.dump();
  }

  Result<json> ReadIndex() {
    HS_ASSIGN_OR_RETURN(std::string text, ReadFile(dir_ / "index.json", kMaxManifestBytes));
    json index = json::parse(text, nullptr, false);
    if (index.is_discarded() || !index.is_object()) return Corrupt(fmt::format("{}: index.json is not JSON", Describe()));
    if (!index.contains("manifests")) index["manifests"] = json::array();
    if (!index["manifests"].is_array()) return Corrupt(fmt::format("{}: index.json manifests is not a list", Describe()));
    return index;
  }

 private:
  fs::path BlobPath(const Digest& digest) const { return dir_ / "blobs" / digest.algorithm() / digest.hex(); }

  fs::path dir_;
};

}  // namespace

std::unique_ptr<ArtifactStore> NewRegistryStore(std::shared_ptr<net::RegistryClient> client, std::string repository) {
  return std::make_unique<RegistryStore>(std::move(client), std::move(repository));
}

Result<std::unique_ptr<ArtifactStore>> OpenLayoutStore(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(fmt::format("{}: not a directory", dir.string()));
  if (!fs::exists(dir / "oci-layout", ec) || !fs::exists(dir / "index.json", ec)) {
    return InvalidArgument(fmt::format("{}: not an OCI image layout (no oci-layout or index.json)", dir.string()));
  }
  return std::unique_ptr<ArtifactStore>(std::make_unique<LayoutStore>(dir));
}

}  // namespace hullscan::sign
