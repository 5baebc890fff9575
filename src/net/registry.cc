#include "net/registry.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "base/log.h"
#include "base/strings.h"
#include "net/http.h"
#include "net/internal/curl_util.h"
#include "net/reference.h"

namespace hullscan::net {
namespace {

using internal::ResponseHead;
using Clock = std::chrono::steady_clock;

// oci::kMaxManifestBytes, repeated here because net does not depend on oci.
constexpr uint64_t kMaxManifestBytes = uint64_t{4} << 20;
// Catalog and tag pages, token responses, referrers indexes, error documents.
constexpr uint64_t kMaxDocumentBytes = uint64_t{8} << 20;
// A blob stream holds at most this much (plus one curl chunk) before the transfer is paused.
constexpr size_t kBlobBufferBytes = size_t{1} << 20;
constexpr size_t kMaxErrorBodyBytes = 4096;
constexpr long kMaxRedirects = 10;
constexpr size_t kPooledHandles = 8;
constexpr int kMaxPages = 100000;

constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kEmptyReferrers =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string PercentEncode(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// "application/json; charset=utf-8" → "application/json".
std::string MediaTypeOf(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return ToLower(TrimSpace(content_type.substr(0, semi)));
}

// One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`.
struct Challenge {
  std::string scheme;  // lowercased: "basic", "bearer"
  std::map<std::string, std::string> params;
  std::string Param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

std::optional<Challenge> ParseChallenge(std::string_view header) {
  header = TrimSpace(header);
  size_t space = header.find(' ');
  Challenge challenge;
  challenge.scheme = ToLower(header.substr(0, space));
  if (challenge.scheme.empty()) return std::nullopt;
  if (space == std::string_view::npos) return challenge;
  std::string_view rest = header.substr(space + 1);
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == ',')) ++i;
    size_t eq = rest.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name = ToLower(TrimSpace(rest.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < rest.size() && rest[i] == '"') {
      ++i;
      while (i < rest.size() && rest[i] != '"') {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value.push_back(rest[i++]);
      }
      ++i;  // closing quote
    } else {
      size_t end = rest.find(',', i);
      if (end == std::string_view::npos) end = rest.size();
      value = std::string(TrimSpace(rest.substr(i, end - i)));
      i = end;
    }
    challenge.params[name] = std::move(value);
  }
  return challenge;
}

// The Bearer challenge among a response's WWW-Authenticate headers, else the first one.
std::optional<Challenge> ChallengeOf(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::optional<Challenge> first;
  for (const auto& [name, value] : headers) {
    if (name != "www-authenticate") continue;
    auto c = ParseChallenge(value);
    if (!c) continue;
    if (c->scheme == "bearer") return c;
    if (!first) first = std::move(c);
  }
  return first;
}

// `Link: </v2/_catalog?last=b&n=2>; rel="next"` → "/v2/_catalog?last=b&n=2".
std::optional<std::string> NextLink(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (name != "link") continue;
    for (std::string_view link : Split(value, ',')) {
      size_t open = link.find('<');
      size_t close = link.find('>', open == std::string_view::npos ? 0 : open);
      if (open == std::string_view::npos || close == std::string_view::npos) continue;
      std::string params = ToLower(link.substr(close + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
        return std::string(link.substr(open + 1, close - open - 1));
    }
  }
  return std::nullopt;
}

// "errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}] → " (MANIFEST_UNKNOWN: manifest unknown)".
std::string RegistryErrorDetail(std::string_view body) {
  if (body.empty() || body.size() > kMaxErrorBodyBytes) return {};
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return {};
  auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array() || errors->empty() || !(*errors)[0].is_object()) return {};
  const auto& first = (*errors)[0];
  std::string code = first.value("code", nlohmann::json()).is_string() ? first["code"].get<std::string>() : "";
  std::string message =
      first.value("message", nlohmann::json()).is_string() ? first["message"].get<std::string>() : "";
  if (code.empty() && message.empty()) return {};
  std::string text = code.empty() ? message : message.empty() ? code : code + ": " + message;
  // Served text: quoted so that it cannot forge log lines.
  return " (" + QuoteForMessage(text, '"', 160) + ")";
}

Result<Digest> DigestOf(std::string_view algorithm, std::string_view data) {
  HS_ASSIGN_OR_RETURN(Hasher hasher, Hasher::For(algorithm));
  hasher.Update(data.data(), data.size());
  return hasher.Finish();
}

bool IsDigestReference(std::string_view reference) { return reference.find(':') != std::string_view::npos; }

// ---------------------------------------------------------------------------------------------
// libcurl handles

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Result<Slist> MakeHeaderList(const std::vector<std::string>& lines) {
  Slist list;
  for (const std::string& line : lines) {
    if (internal::HasControlChars(line)) return InvalidArgument("malformed request header");
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (!next) return Internal("out of memory");
    (void)list.release();
    list.reset(next);
  }
  return list;
}

// DNS and TLS sessions shared by all handles of one client. (libcurl does not support sharing
// connections between threads: each pooled easy handle keeps its own.)
class CurlShare {
 public:
  CurlShare() : share_(curl_share_init()) {
    if (!share_) return;
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~CurlShare() {
    if (share_) curl_share_cleanup(share_);
  }
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;
  CURLSH* get() const { return share_; }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlShare*>(user)->locks_[static_cast<size_t>(data) % kLocks].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlShare*>(user)->locks_[static_cast<size_t>(data) % kLocks].unlock();
  }
  static constexpr size_t kLocks = CURL_LOCK_DATA_LAST;
  CURLSH* share_;
  std::array<std::mutex, kLocks> locks_;
};

// State of one blocking exchange, shared with libcurl's callbacks.
struct Exchange {
  ResponseHead head;
  std::string body;
  uint64_t max_body = 0;
  bool limit_exceeded = false;
  std::atomic<uint64_t>* blob_bytes = nullptr;  // counted when the response is a blob

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    static_cast<Exchange*>(user)->head.AddLine(std::string_view(data, size * count));
    return size * count;
  }
  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* x = static_cast<Exchange*>(user);
    size_t total = size * count;
    bool success = x->head.status >= 200 && x->head.status <= 299;
    uint64_t limit = success ? x->max_body : kMaxErrorBodyBytes;
    if (x->body.size() + total > limit) {
      if (!success) return total;  // an error document, cut short: only its start is shown
      x->limit_exceeded = true;
      return 0;
    }
    x->body.append(data, total);
    if (success && x->blob_bytes) *x->blob_bytes += total;
    return total;
  }
};

// ---------------------------------------------------------------------------------------------
// The client's shared state: readers keep it alive after the client is gone.

struct Request {
  std::string method = "GET";
  std::string target;  // "/v2/…" (relative to the registry) or an absolute URL
  std::vector<std::string> headers;
  std::optional<std::string_view> body;  // PUT/POST
  uint64_t max_body = kMaxDocumentBytes;
  std::string scope;  // "repository:app:pull"; "" = none needed
  bool is_blob = false;
  bool is_manifest = false;
};

struct Token {
  std::string value;
  Clock::time_point expires;
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(std::string registry, RegistryOptions options, std::optional<Credential> credential, bool loopback)
      : registry_(std::move(registry)),
        api_host_(registry_ == kDockerHub ? std::string("registry-1.docker.io") : registry_),
        options_(std::move(options)),
        credential_(std::move(credential)),
        loopback_(loopback) {}

  ~Core() {
    for (CURL* c : pool_) curl_easy_cleanup(c);
  }

  const std::string& registry() const { return registry_; }
  const RegistryOptions& options() const { return options_; }

  // Sends `request` with the authorization it needs, answering one auth challenge. Returns the
  // final response whatever its status (retries of connection failures, 429 and 5xx done).
  Result<Response> Send(const Request& request);
  // An error for a response that was not what the caller wanted.
  Error StatusError(const Request& request, const Response& response) const;

  // The URL of `target` (relative to the registry, or absolute).
  Result<std::string> Url(std::string_view target);
  // The Authorization header line for `scope` ("" when none is to be sent).
  Result<std::string> AuthorizationFor(const std::string& scope);
  // After a 401: makes the next AuthorizationFor(scope) fetch a fresh token (true when that can
  // help, i.e. a token flow is in use and the challenge is a Bearer one).
  bool OnUnauthorized(const std::vector<std::pair<std::string, std::string>>& headers, std::string* scope);

  // Options every easy handle of this client gets.
  void Configure(CURL* c, std::string_view method, const std::string& url, char* error_buffer) const;
  std::string Display(std::string_view method, std::string_view url) const {
    return fmt::format("{} {}", method, RedactUrl(url));
  }
  std::string AuthFailure() const;

  std::atomic<uint64_t> requests{0}, manifest_requests{0}, blob_requests{0}, blob_bytes{0}, token_requests{0};

 private:
  enum class AuthScheme { kNone, kBasic, kBearer };

  Status EnsurePinged();
  // One try-and-retry sequence on `url`, no auth logic. `tls_probe`: a TLS handshake failure is
  // returned at once (with *handshake_failed) so the caller can fall back to HTTP.
  Result<Response> Perform(const Request& request, const std::string& url, const std::string& authorization,
                           bool tls_probe = false, bool* handshake_failed = nullptr);
  Result<Token> FetchToken(const std::string& scope);
  CURL* AcquireHandle();
  void ReleaseHandle(CURL* c);

  const std::string registry_;
  const std::string api_host_;
  const RegistryOptions options_;
  const std::optional<Credential> credential_;
  const bool loopback_;
  CurlShare share_;

  std::mutex ping_mutex_;
  bool pinged_ = false;
  std::string base_;  // "https://host:port"
  AuthScheme auth_scheme_ = AuthScheme::kNone;
  std::string realm_, service_;

  std::mutex token_mutex_;  // held while a token is fetched: one fetch per scope at a time
  std::map<std::string, Token> tokens_;

  std::mutex pool_mutex_;
  std::vector<CURL*> pool_;
};

std::string Core::AuthFailure() const {
  std::string source = credential_ && !credential_->source.empty() ? credential_->source : "unknown source";
  return fmt::format("authentication failed for {} (credentials from {})", registry_, source);
}

CURL* Core::AcquireHandle() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      CURL* c = pool_.back();
      pool_.pop_back();
      curl_easy_reset(c);  // keeps the live connection
      return c;
    }
  }
  return curl_easy_init();
}

void Core::ReleaseHandle(CURL* c) {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < kPooledHandles) {
    pool_.push_back(c);
  } else {
    curl_easy_cleanup(c);
  }
}

void Core::Configure(CURL* c, std::string_view method, const std::string& url, char* error_buffer) const {
  const bool https = StartsWith(ToLower(url), "https://");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
  // Only reads follow redirects (blob storage); an upload's Location is handled by hand.
  if (method == "GET" || method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
    // libcurl drops Authorization when a redirect leads to another host, scheme or port.
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
  }
  if (share_.get()) curl_easy_setopt(c, CURLOPT_SHARE, share_.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, UserAgent().data());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count() * 1000));
  if (options_.stall_timeout.count() > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
}

Result<Response> Core::Perform(const Request& request, const std::string& url, const std::string& authorization,
                               bool tls_probe, bool* handshake_failed) {
  internal::GlobalInitOnce();
  const std::string display = Display(request.method, url);
  if (internal::HasControlChars(url)) return InvalidArgument(display + ": URL contains control characters");
  std::vector<std::string> lines = request.headers;
  if (!authorization.empty()) lines.push_back(authorization);
  if (request.body) lines.push_back("Expect:");  // no 100-continue round trip
  auto header_list = MakeHeaderList(lines);
  if (!header_list.ok()) return std::move(header_list).error().AddContext(display);

  CURL* c = AcquireHandle();
  if (!c) return Internal(display + ": curl_easy_init failed");
  struct Return {
    Core* core;
    CURL* c;
    ~Return() { core->ReleaseHandle(c); }
  } give_back{this, c};

  char error_buffer[CURL_ERROR_SIZE];
  Exchange exchange;
  Configure(c, request.method, url, error_buffer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, Exchange::OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Exchange::OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &exchange);
  if (header_list->get()) curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list->get());
  if (request.method != "GET" && request.method != "HEAD") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body->data());
  }
  // Documents are small; a whole-transfer bound keeps a trickling server from holding us.
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long{300} * 1000);

  const int max_attempts = std::max(options_.max_attempts, 1);
  for (int n = 1;; ++n) {
    exchange.head.Clear();
    exchange.body.clear();
    exchange.max_body = request.max_body;
    exchange.limit_exceeded = false;
    exchange.blob_bytes = request.is_blob ? &blob_bytes : nullptr;
    error_buffer[0] = '\0';
    ++requests;
    if (request.is_blob) ++blob_requests;
    if (request.is_manifest) ++manifest_requests;

    CURLcode code = curl_easy_perform(c);
    if (exchange.limit_exceeded || code == CURLE_FILESIZE_EXCEEDED)
      return LimitExceeded(fmt::format("{}: body larger than the limit of {} bytes", display, request.max_body));
    std::string failure;
    std::optional<std::chrono::milliseconds> retry_after;
    if (code == CURLE_OK) {
      int status = exchange.head.status;
      if (!internal::IsRetryableStatus(status) || n >= max_attempts) {
        Response response;
        response.status = status;
        response.headers = std::move(exchange.head.headers);
        response.body = std::move(exchange.body);
        char* effective = nullptr;
        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
        response.effective_url = effective ? effective : url;
        return response;
      }
      failure = internal::StatusText(status, exchange.head.reason);
      if (auto value = exchange.head.Header("retry-after")) retry_after = internal::ParseRetryAfter(*value);
    } else {
      failure = error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
      // A plain-HTTP probe of a TLS port: the server closes or answers garbage. Move on at once.
      if (tls_probe && StartsWith(url, "http://") && code != CURLE_COULDNT_CONNECT) {
        if (handshake_failed) *handshake_failed = true;
        return Unavailable(fmt::format("{}: no HTTP answer: {}", display, failure));
      }
      if (code == CURLE_SSL_CONNECT_ERROR && tls_probe) {
        if (handshake_failed) *handshake_failed = true;
        return Unavailable(fmt::format("{}: TLS handshake failed: {}", display, failure));
      }
      if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
        return Unavailable(fmt::format("{}: TLS certificate verification failed: {} (trust the registry's CA with "
                                       "--cacert, or skip verification for this registry with --insecure)",
                                       display, failure));
      bool retryable = internal::IsRetryableCurlCode(code);
      if (!retryable || n >= max_attempts) {
        std::string message = fmt::format("{}: {}", display, failure);
        if (n > 1) message += fmt::format(" (gave up after {} attempts)", n);
        if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) return InvalidArgument(message);
        return Unavailable(std::move(message));
      }
    }
    std::chrono::milliseconds wait = retry_after ? std::min(*retry_after, options_.max_backoff)
                                                 : internal::Backoff(options_.initial_backoff, options_.max_backoff, n);
    log::Info("{}: {}; retrying in {} ms (attempt {} of {})", display, failure, wait.count(), n + 1, max_attempts);
    std::this_thread::sleep_for(wait);
  }
}

Status Core::EnsurePinged() {
  std::lock_guard lock(ping_mutex_);
  if (pinged_) return {};
  std::vector<std::string> schemes;
  if (options_.plain_http) {
    schemes = {"http"};
  } else if (loopback_ && !options_.insecure) {
    // A registry on this machine usually speaks plain HTTP: ask that first, because a TLS
    // attempt costs a CA-store load and a handshake (~25 ms, half of a small image's scan). Safe:
    // the ping carries no credential (they go only where a challenge asks for them), and a TLS
    // server answers plain HTTP with 400 (Go) or a closed connection, which moves us to HTTPS.
    schemes = {"http", "https"};
  } else {
    schemes = {"https"};
    if (loopback_ || options_.insecure) schemes.push_back("http");
  }
  Request ping;
  ping.target = "/v2/";
  for (size_t i = 0; i < schemes.size(); ++i) {
    std::string url = fmt::format("{}://{}/v2/", schemes[i], api_host_);
    bool handshake_failed = false;
    bool can_fall_back = i + 1 < schemes.size();
    auto response = Perform(ping, url, "", can_fall_back, &handshake_failed);
    if (!response.ok()) {
      if (handshake_failed && can_fall_back) {
        log::Debug("{}: no answer over {}, trying {}", registry_, schemes[i], schemes[i + 1]);
        continue;
      }
      return std::move(response).error();
    }
    if (schemes[i] == "http" && can_fall_back && response->status == 400) {
      log::Debug("{}: plain HTTP refused (a TLS port), trying {}", registry_, schemes[i + 1]);
      continue;
    }
    base_ = fmt::format("{}://{}", schemes[i], api_host_);
    if (response->status == 401) {
      auto challenge = ChallengeOf(response->headers);
      if (challenge && challenge->scheme == "bearer") {
        auth_scheme_ = AuthScheme::kBearer;
        realm_ = challenge->Param("realm");
        service_ = challenge->Param("service");
        if (realm_.empty()) return Unsupported(fmt::format("{}: Bearer challenge without a realm", registry_));
        if (!StartsWith(realm_, "https://") && !StartsWith(realm_, "http://"))
          return Unsupported(fmt::format("{}: token realm {} is not an http(s) URL", registry_, RedactUrl(realm_)));
      } else if (challenge && challenge->scheme == "basic") {
        auth_scheme_ = AuthScheme::kBasic;
      } else {
        return Unsupported(fmt::format("{}: unsupported authentication scheme {}", registry_,
                                       QuoteForMessage(challenge ? challenge->scheme : std::string("(none)"))));
      }
    } else if (response->status >= 200 && response->status <= 299) {
      auth_scheme_ = AuthScheme::kNone;
    } else if (response->status == 404) {
      return Unsupported(fmt::format("GET {}: 404 Not Found: {} does not serve the OCI distribution API",
                                     RedactUrl(url), registry_));
    } else {
      return internal::ErrorForStatus(response->status,
                                      fmt::format("GET {}: {}", RedactUrl(url), internal::StatusText(response->status, "")));
    }
    pinged_ = true;
    return {};
  }
  return Internal("no scheme to try");  // unreachable: the loop returns
}

Result<std::string> Core::Url(std::string_view target) {
  if (StartsWith(target, "https://") || StartsWith(target, "http://")) return std::string(target);
  HS_TRY(EnsurePinged());
  if (StartsWith(target, "/")) return base_ + std::string(target);
  return base_ + "/" + std::string(target);
}

Result<Token> Core::FetchToken(const std::string& scope) {
  Request request;
  std::string url = realm_;
  std::string query;
  if (!service_.empty()) query += "service=" + PercentEncode(service_);
  for (std::string_view one : Split(scope, ' ')) {
    if (one.empty()) continue;
    if (!query.empty()) query += '&';
    query += "scope=" + PercentEncode(one);
  }
  std::string authorization;
  std::string form;
  if (credential_ && !credential_->identity_token.empty()) {
    // As docker does with an identity token: the OAuth2 refresh-token grant.
    request.method = "POST";
    form = "grant_type=refresh_token&client_id=hullscan&refresh_token=" + PercentEncode(credential_->identity_token);
    if (!query.empty()) form += "&" + query;
    request.body = form;
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  } else {
    if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
    if (credential_ && (!credential_->username.empty() || !credential_->password.empty()))
      authorization = "Authorization: Basic " + Base64(credential_->username + ":" + credential_->password);
  }
  request.headers.push_back("Accept: application/json");
  ++token_requests;
  Clock::time_point asked = Clock::now();
  HS_ASSIGN_OR_RETURN(Response response, Perform(request, url, authorization));
  if (response.status == 401 || response.status == 403) {
    if (credential_) return Error(ErrorCode::kPermissionDenied, AuthFailure());
    return Error(ErrorCode::kPermissionDenied,
                 fmt::format("{}: the token server refused anonymous access to {} (log in with docker login, or "
                             "give --username/--password)",
                             registry_, scope));
  }
  if (response.status < 200 || response.status > 299)
    return internal::ErrorForStatus(response.status, fmt::format("{} {}: {}", request.method, RedactUrl(url),
                                                                 internal::StatusText(response.status, "")));
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return Corrupt(fmt::format("{}: the token server's answer is not a JSON object", RedactUrl(realm_)));
  Token token;
  for (const char* key : {"token", "access_token"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      token.value = it->get<std::string>();
      break;
    }
  }
  if (token.value.empty() || internal::HasControlChars(token.value))
    return Corrupt(fmt::format("{}: the token server's answer holds no usable token", RedactUrl(realm_)));
  // The spec's default lifetime is 60 s. Our own clock from when we asked (not issued_at, which
  // may come from a skewed clock) minus a margin so that a token never expires in flight.
  int64_t expires_in = 60;
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer())
    expires_in = std::clamp<int64_t>(it->get<int64_t>(), 0, int64_t{1} << 31);
  int64_t margin = std::min<int64_t>(30, expires_in / 5);
  token.expires = asked + std::chrono::seconds(expires_in - margin);
  return token;
}

Result<std::string> Core::AuthorizationFor(const std::string& scope) {
  HS_TRY(EnsurePinged());
  if (credential_ && !credential_->registry_token.empty()) return "Authorization: Bearer " + credential_->registry_token;
  switch (auth_scheme_) {
    case AuthScheme::kNone:
      return std::string();
    case AuthScheme::kBasic:
      if (!credential_ || (credential_->username.empty() && credential_->password.empty())) return std::string();
      return "Authorization: Basic " + Base64(credential_->username + ":" + credential_->password);
    case AuthScheme::kBearer: {
      if (scope.empty()) return std::string();
      std::lock_guard lock(token_mutex_);
      auto it = tokens_.find(scope);
      if (it != tokens_.end() && Clock::now() < it->second.expires) return "Authorization: Bearer " + it->second.value;
      HS_ASSIGN_OR_RETURN(Token token, FetchToken(scope));
      std::string line = "Authorization: Bearer " + token.value;
      tokens_[scope] = std::move(token);
      return line;
    }
  }
  return std::string();
}

bool Core::OnUnauthorized(const std::vector<std::pair<std::string, std::string>>& headers, std::string* scope) {
  if (auth_scheme_ != AuthScheme::kBearer || (credential_ && !credential_->registry_token.empty())) return false;
  auto challenge = ChallengeOf(headers);
  if (!challenge || challenge->scheme != "bearer") return false;
  std::string wanted = challenge->Param("scope");
  std::lock_guard lock(token_mutex_);
  if (!wanted.empty() && wanted != *scope) {
    // insufficient_scope: the registry names the scope it wants (e.g. a cross-repository mount).
    *scope = wanted;
    tokens_.erase(wanted);
    return true;
  }
  // Same scope: the token may have been revoked or expired early; one fresh try.
  tokens_.erase(*scope);
  return true;
}

Result<Response> Core::Send(const Request& request) {
  HS_ASSIGN_OR_RETURN(std::string url, Url(request.target));
  std::string scope = request.scope;
  for (int auth_round = 0;; ++auth_round) {
    HS_ASSIGN_OR_RETURN(std::string authorization, AuthorizationFor(scope));
    HS_ASSIGN_OR_RETURN(Response response, Perform(request, url, authorization));
    if (response.status != 401 || auth_round > 0) return response;
    if (!OnUnauthorized(response.headers, &scope)) return response;
  }
}

Error Core::StatusError(const Request& request, const Response& response) const {
  std::string display = Display(request.method, response.effective_url.empty() ? request.target : response.effective_url);
  if (response.status == 401) {
    if (credential_) return Error(ErrorCode::kPermissionDenied, fmt::format("{}: {}", display, AuthFailure()));
    return Error(ErrorCode::kPermissionDenied,
                 fmt::format("{}: authentication required for {}: no credentials found (docker login, or "
                             "--username/--password)",
                             display, registry_));
  }
  std::string message = fmt::format("{}: {}{}", display, internal::StatusText(response.status, ""),
                                    RegistryErrorDetail(response.body));
  return internal::ErrorForStatus(response.status, std::move(message));
}

// ---------------------------------------------------------------------------------------------
// A blob streamed through curl's multi interface, driven by Read() on the caller's thread.

class BlobReader final : public io::Reader {
 public:
  BlobReader(std::shared_ptr<Core> core, std::string url, std::string scope, int64_t expected_size)
      : core_(std::move(core)), url_(std::move(url)), scope_(std::move(scope)), expected_size_(expected_size),
        display_(core_->Display("GET", url_)) {}

  ~BlobReader() override {
    if (multi_ && easy_) curl_multi_remove_handle(multi_, easy_);
    if (easy_) curl_easy_cleanup(easy_);
    if (multi_) curl_multi_cleanup(multi_);
  }

  // Connects and waits for the first bytes (or the end), so that 404, 401 and the like are
  // errors of OpenBlob rather than of the first Read.
  Status Start() {
    internal::GlobalInitOnce();
    multi_ = curl_multi_init();
    easy_ = curl_easy_init();
    if (!multi_ || !easy_) return Internal(display_ + ": curl init failed");
    HS_TRY(Connect());
    return Fill();
  }

  Result<size_t> Read(char* buf, size_t n) override {
    if (n == 0) return size_t{0};
    Status filled = Fill();
    if (!filled.ok()) return std::move(filled).error();
    size_t available = buffer_.size() - buffer_pos_;
    if (available == 0) return size_t{0};  // end of stream
    size_t k = std::min(n, available);
    std::memcpy(buf, buffer_.data() + buffer_pos_, k);
    buffer_pos_ += k;
    if (buffer_pos_ == buffer_.size()) {
      buffer_.clear();
      buffer_pos_ = 0;
    }
    return k;
  }

 private:
  size_t Buffered() const { return buffer_.size() - buffer_pos_; }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    static_cast<BlobReader*>(user)->head_.AddLine(std::string_view(data, size * count));
    return size * count;
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* r = static_cast<BlobReader*>(user);
    size_t total = size * count;
    int status = r->head_.status;
    if (!r->body_seen_) {
      r->body_seen_ = true;
      if (status == 206) {
        // "bytes <first>-<last>/<total>": must start where we stopped.
        auto range = r->head_.Header("content-range");
        uint64_t first = 0;
        bool ok = range && StartsWith(*range, "bytes ");
        if (ok) {
          std::string_view digits = range->substr(6);
          size_t i = 0;
          for (; i < digits.size() && digits[i] >= '0' && digits[i] <= '9' && i < 19; ++i)
            first = first * 10 + static_cast<uint64_t>(digits[i] - '0');
          ok = i > 0 && i < digits.size() && digits[i] == '-';
        }
        if (!ok || first != r->received_) {
          r->range_mismatch_ = true;
          return 0;
        }
      } else if (status == 200) {
        r->skip_ = r->received_;  // the server ignored the Range: drop what was delivered already
      }
    }
    if (status < 200 || status > 299) {
      if (r->error_body_.size() < kMaxErrorBodyBytes)
        r->error_body_.append(data, std::min(total, kMaxErrorBodyBytes - r->error_body_.size()));
      return total;
    }
    if (r->Buffered() >= kBlobBufferBytes) {
      r->paused_ = true;
      return CURL_WRITEFUNC_PAUSE;  // the same bytes are delivered again after unpausing
    }
    size_t offset = 0;
    if (r->skip_ > 0) {
      offset = static_cast<size_t>(std::min<uint64_t>(r->skip_, total));
      r->skip_ -= offset;
    }
    r->buffer_.append(data + offset, total - offset);
    r->received_ += total - offset;
    r->progress_ = true;
    r->core_->blob_bytes += total - offset;
    return total;
  }

  Status Connect() {
    if (multi_attached_) {
      curl_multi_remove_handle(multi_, easy_);
      multi_attached_ = false;
    }
    curl_easy_reset(easy_);
    HS_ASSIGN_OR_RETURN(std::string authorization, core_->AuthorizationFor(scope_));
    std::vector<std::string> lines;
    if (!authorization.empty()) lines.push_back(std::move(authorization));
    if (received_ > 0) lines.push_back(fmt::format("Range: bytes={}-", received_));
    auto list = MakeHeaderList(lines);
    if (!list.ok()) return std::move(list).error().AddContext(display_);
    headers_ = std::move(*list);
    core_->Configure(easy_, "GET", url_, error_buffer_);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    if (headers_) curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_.get());
    head_.Clear();
    error_body_.clear();
    body_seen_ = false;
    range_mismatch_ = false;
    paused_ = false;
    finished_ = false;
    skip_ = 0;
    error_buffer_[0] = '\0';
    if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) return Internal(display_ + ": curl_multi_add_handle failed");
    multi_attached_ = true;
    ++core_->requests;
    ++core_->blob_requests;
    return {};
  }

  // Drives the transfer until bytes are buffered or the stream ended; resumes broken transfers.
  Status Fill() {
    if (error_) return *error_;
    while (Buffered() == 0 && !eof_) {
      if (finished_) {
        Status next = OnFinished();
        if (!next.ok()) {
          error_ = next.error();
          return next;
        }
        continue;
      }
      if (paused_) {
        paused_ = false;
        curl_easy_pause(easy_, CURLPAUSE_CONT);  // may deliver the held bytes right here
      }
      int running = 0;
      CURLMcode mc = curl_multi_perform(multi_, &running);
      if (mc != CURLM_OK) {
        error_ = Internal(fmt::format("{}: {}", display_, curl_multi_strerror(mc)));
        return *error_;
      }
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg == CURLMSG_DONE) {
          finished_ = true;
          result_ = msg->data.result;
        }
      }
      if (Buffered() > 0 || finished_ || paused_) continue;
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
    return {};
  }

  // The transfer ended: end of stream, a resume, or the final error.
  Status OnFinished() {
    finished_ = false;
    const int status = head_.status;
    std::string failure;
    bool retryable = false;
    std::optional<std::chrono::milliseconds> retry_after;
    if (range_mismatch_) {
      failure = fmt::format("the resumed transfer does not start at byte {} (Content-Range {})", received_,
                            QuoteForMessage(head_.Header("content-range").value_or("")));
    } else if (result_ == CURLE_OK && status >= 200 && status <= 299) {
      if (expected_size_ < 0 || received_ >= static_cast<uint64_t>(expected_size_)) {
        eof_ = true;
        return {};
      }
      failure = fmt::format("connection closed after {} of {} bytes", received_, expected_size_);
      retryable = true;
    } else if (result_ == CURLE_OK) {
      if (status == 401 && !auth_retried_) {
        auth_retried_ = true;
        if (core_->OnUnauthorized(head_.headers, &scope_)) return Reconnect();
      }
      if (status == 416 && expected_size_ >= 0 && received_ == static_cast<uint64_t>(expected_size_)) {
        eof_ = true;  // everything had arrived; only the end was lost
        return {};
      }
      retryable = internal::IsRetryableStatus(status);
      if (!retryable) {
        Request request;
        request.target = url_;
        Response response;
        response.status = status;
        response.body = error_body_;
        response.effective_url = url_;
        Error error = core_->StatusError(request, response);
        if (received_ > 0) error.AddContext(fmt::format("after {} bytes", received_));
        return error;
      }
      failure = internal::StatusText(status, head_.reason);
      if (auto value = head_.Header("retry-after")) retry_after = internal::ParseRetryAfter(*value);
    } else {
      failure = error_buffer_[0] != '\0' ? std::string(error_buffer_) : std::string(curl_easy_strerror(result_));
      retryable = internal::IsRetryableCurlCode(result_);
      if (result_ == CURLE_PEER_FAILED_VERIFICATION)
        failure += " (trust the registry's CA with --cacert, or --insecure)";
    }
    // A try that moved the stream forward starts the count afresh: a long blob over a flaky
    // link gets through as long as each connection makes progress.
    if (progress_) failures_ = 0;
    progress_ = false;
    ++failures_;
    const int max_attempts = std::max(core_->options().max_attempts, 1);
    if (!retryable || failures_ >= max_attempts) {
      std::string message = fmt::format("{}: {}", display_, failure);
      if (failures_ > 1) message += fmt::format(" (gave up after {} attempts)", failures_);
      if (received_ > 0)
        message += expected_size_ >= 0 ? fmt::format("; {} of {} bytes received", received_, expected_size_)
                                       : fmt::format("; {} bytes received", received_);
      return Unavailable(std::move(message));
    }
    std::chrono::milliseconds wait =
        retry_after ? std::min(*retry_after, core_->options().max_backoff)
                    : internal::Backoff(core_->options().initial_backoff, core_->options().max_backoff, failures_);
    log::Info("{}: {} after {} bytes; resuming in {} ms (attempt {} of {})", display_, failure, received_,
              wait.count(), failures_ + 1, max_attempts);
    std::this_thread::sleep_for(wait);
    return Reconnect();
  }

  Status Reconnect() { return Connect(); }

  std::shared_ptr<Core> core_;
  const std::string url_;
  std::string scope_;
  const int64_t expected_size_;
  const std::string display_;

  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  bool multi_attached_ = false;
  Slist headers_;
  char error_buffer_[CURL_ERROR_SIZE] = {};

  ResponseHead head_;
  std::string error_body_;
  bool body_seen_ = false;
  bool range_mismatch_ = false;
  bool paused_ = false;
  bool finished_ = false;
  CURLcode result_ = CURLE_OK;

  std::string buffer_;
  size_t buffer_pos_ = 0;
  uint64_t received_ = 0;  // bytes of the blob buffered so far (the next Range starts here)
  uint64_t skip_ = 0;
  bool progress_ = false;
  bool auth_retried_ = false;
  int failures_ = 0;
  bool eof_ = false;
  std::optional<Error> error_;
};

// ---------------------------------------------------------------------------------------------

std::string PullScope(std::string_view repository) { return fmt::format("repository:{}:pull", repository); }
std::string PushScope(std::string_view repository) { return fmt::format("repository:{}:pull,push", repository); }

Status CheckRepository(std::string_view repository) {
  if (repository.empty() || repository.size() > 255 || internal::HasControlChars(repository) ||
      repository.find_first_of("?#% \t") != std::string_view::npos || repository.front() == '/' ||
      repository.find("..") != std::string_view::npos)
    return InvalidArgument(fmt::format("invalid repository name {}", QuoteForMessage(repository)));
  return {};
}

Status CheckReference(std::string_view reference) {
  if (reference.empty() || reference.size() > 200 ||
      reference.find_first_of("/?#% \t\r\n") != std::string_view::npos || reference.find('\0') != std::string_view::npos)
    return InvalidArgument(fmt::format("invalid tag or digest {}", QuoteForMessage(reference)));
  return {};
}

class Client final : public RegistryClient {
 public:
  Client(std::string registry, std::shared_ptr<Core> core) : RegistryClient(std::move(registry)), core_(std::move(core)) {}

  Result<ManifestResponse> GetManifest(std::string_view repository, std::string_view reference) override {
    HS_TRY(CheckRepository(repository));
    HS_TRY(CheckReference(reference));
    std::optional<Digest> asked;
    if (IsDigestReference(reference)) {
      HS_ASSIGN_OR_RETURN(Digest d, Digest::Parse(reference));
      asked = d;
    }
    Request request;
    request.target = fmt::format("/v2/{}/manifests/{}", repository, reference);
    request.headers.push_back(fmt::format("Accept: {}", kManifestAccept));
    request.max_body = kMaxManifestBytes;
    request.scope = PullScope(repository);
    request.is_manifest = true;
    HS_ASSIGN_OR_RETURN(Response response, core_->Send(request));
    if (response.status != 200) return core_->StatusError(request, response);
    const std::string display = core_->Display("GET", response.effective_url);

    ManifestResponse out;
    out.media_type = MediaTypeOf(response.Header("content-type").value_or(""));
    if (out.media_type.empty() || out.media_type == "application/json" || out.media_type == "text/plain" ||
        out.media_type == "application/octet-stream") {
      auto doc = nlohmann::json::parse(response.body, nullptr, false);
      if (!doc.is_discarded() && doc.is_object()) {
        auto it = doc.find("mediaType");
        if (it != doc.end() && it->is_string()) out.media_type = it->get<std::string>();
      }
    }
    std::optional<Digest> announced;
    if (auto header = response.Header("docker-content-digest")) {
      auto parsed = Digest::Parse(*header);
      if (parsed.ok()) announced = *parsed;
    }
    const Digest* expected = asked ? &*asked : announced ? &*announced : nullptr;
    if (expected) {
      HS_ASSIGN_OR_RETURN(Digest got, DigestOf(expected->algorithm(), response.body));
      if (got != *expected)
        return DigestMismatch(fmt::format("{}: manifest has digest {}, expected {}", display, got.ToString(),
                                          expected->ToString()));
      out.digest = *expected;
    } else {
      out.digest = Sha256::Of(response.body);
    }
    out.body = std::move(response.body);
    return out;
  }

  Result<std::optional<ManifestHead>> HeadManifest(std::string_view repository, std::string_view reference) override {
    HS_TRY(CheckRepository(repository));
    HS_TRY(CheckReference(reference));
    Request request;
    request.method = "HEAD";
    request.target = fmt::format("/v2/{}/manifests/{}", repository, reference);
    request.headers.push_back(fmt::format("Accept: {}", kManifestAccept));
    request.scope = PullScope(repository);
    request.is_manifest = true;
    HS_ASSIGN_OR_RETURN(Response response, core_->Send(request));
    if (response.status == 404) return std::optional<ManifestHead>();
    if (response.status != 200) return core_->StatusError(request, response);
    ManifestHead head;
    head.media_type = MediaTypeOf(response.Header("content-type").value_or(""));
    if (auto header = response.Header("docker-content-digest")) {
      HS_ASSIGN_OR_RETURN(Digest d, Digest::Parse(*header).AddContext("Docker-Content-Digest"));
      head.digest = d;
    } else if (IsDigestReference(reference)) {
      HS_ASSIGN_OR_RETURN(Digest d, Digest::Parse(reference));
      head.digest = d;
    } else {
      return Unsupported(fmt::format("{}: the registry sent no Docker-Content-Digest",
                                     core_->Display("HEAD", response.effective_url)));
    }
    if (auto length = response.Header("content-length")) {
      int64_t size = 0;
      bool ok = !length->empty() && length->size() < 19;
      for (char c : *length) {
        if (c < '0' || c > '9') ok = false;
        else size = size * 10 + (c - '0');
      }
      if (ok) head.size = size;
    }
    return std::optional<ManifestHead>(std::move(head));
  }

  Result<std::string> GetBlob(std::string_view repository, const Digest& digest, uint64_t max_bytes) override {
    HS_TRY(CheckRepository(repository));
    Request request;
    request.target = fmt::format("/v2/{}/blobs/{}", repository, digest.ToString());
    request.max_body = max_bytes;
    request.scope = PullScope(repository);
    request.is_blob = true;
    HS_ASSIGN_OR_RETURN(Response response, core_->Send(request));
    if (response.status != 200) return core_->StatusError(request, response);
    HS_ASSIGN_OR_RETURN(Digest got, DigestOf(digest.algorithm(), response.body));
    if (got != digest)
      return DigestMismatch(fmt::format("{}: blob has digest {}, expected {}",
                                        core_->Display("GET", response.effective_url), got.ToString(),
                                        digest.ToString()));
    return std::move(response.body);
  }

  Result<std::unique_ptr<io::Reader>> OpenBlob(std::string_view repository, const Digest& digest, int64_t size,
                                               bool verify) override {
    HS_TRY(CheckRepository(repository));
    HS_ASSIGN_OR_RETURN(std::string url, core_->Url(fmt::format("/v2/{}/blobs/{}", repository, digest.ToString())));
    auto reader = std::make_unique<BlobReader>(core_, url, PullScope(repository), size);
    HS_TRY(reader->Start());
    if (!verify) return std::unique_ptr<io::Reader>(std::move(reader));
    std::optional<uint64_t> expected_size;
    if (size >= 0) expected_size = static_cast<uint64_t>(size);
    return io::NewVerifyingReader(std::move(reader), digest, expected_size,
                                  fmt::format("blob {} of {}/{}", digest.Short(), registry(), repository));
  }

  Result<std::vector<std::string>> ListRepositories() override {
    return ListPaged("/v2/_catalog", "registry:catalog:*", "repositories");
  }

  Result<std::vector<std::string>> ListTags(std::string_view repository) override {
    HS_TRY(CheckRepository(repository));
    return ListPaged(fmt::format("/v2/{}/tags/list", repository), PullScope(repository), "tags");
  }

  Status PutBlob(std::string_view repository, const Digest& digest, std::string_view content) override {
    HS_TRY(CheckRepository(repository));
    HS_ASSIGN_OR_RETURN(Digest actual, DigestOf(digest.algorithm(), content));
    if (actual != digest)
      return InvalidArgument(fmt::format("blob to push has digest {}, not {}", actual.ToString(), digest.ToString()));
    const std::string scope = PushScope(repository);
    Request head;
    head.method = "HEAD";
    head.target = fmt::format("/v2/{}/blobs/{}", repository, digest.ToString());
    head.scope = scope;
    HS_ASSIGN_OR_RETURN(Response exists, core_->Send(head));
    if (exists.status == 200) return {};

    Request start;
    start.method = "POST";
    start.target = fmt::format("/v2/{}/blobs/uploads/", repository);
    start.body = std::string_view();
    start.scope = scope;
    HS_ASSIGN_OR_RETURN(Response started, core_->Send(start));
    if (started.status != 202) return core_->StatusError(start, started);
    auto location = started.Header("location");
    if (!location || location->empty())
      return Unavailable(fmt::format("{}: the registry sent no upload Location",
                                     core_->Display("POST", started.effective_url)));
    std::string target(*location);
    if (!StartsWith(target, "http://") && !StartsWith(target, "https://") && !StartsWith(target, "/"))
      target = "/" + target;
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "digest=" + PercentEncode(digest.ToString());

    Request put;
    put.method = "PUT";
    put.target = std::move(target);
    put.headers.push_back("Content-Type: application/octet-stream");
    put.body = content;
    put.scope = scope;
    HS_ASSIGN_OR_RETURN(Response done, core_->Send(put));
    if (done.status != 201 && done.status != 204) return core_->StatusError(put, done);
    return {};
  }

  Result<Digest> PutManifest(std::string_view repository, std::string_view reference, std::string_view media_type,
                             std::string_view body) override {
    HS_TRY(CheckRepository(repository));
    HS_TRY(CheckReference(reference));
    if (media_type.empty() || internal::HasControlChars(media_type))
      return InvalidArgument(fmt::format("invalid media type {}", QuoteForMessage(media_type)));
    if (body.size() > kMaxManifestBytes)
      return LimitExceeded(fmt::format("manifest of {} bytes exceeds the limit of {}", body.size(), kMaxManifestBytes));
    Digest computed = Sha256::Of(body);
    if (IsDigestReference(reference)) {
      HS_ASSIGN_OR_RETURN(Digest named, Digest::Parse(reference));
      HS_ASSIGN_OR_RETURN(Digest actual, DigestOf(named.algorithm(), body));
      if (actual != named)
        return InvalidArgument(fmt::format("manifest to push has digest {}, not {}", actual.ToString(), named.ToString()));
      computed = named;
    }
    Request put;
    put.method = "PUT";
    put.target = fmt::format("/v2/{}/manifests/{}", repository, reference);
    put.headers.push_back(fmt::format("Content-Type: {}", media_type));
    put.body = body;
    put.scope = PushScope(repository);
    put.is_manifest = true;
    HS_ASSIGN_OR_RETURN(Response response, core_->Send(put));
    if (response.status != 201 && response.status != 200 && response.status != 204)
      return core_->StatusError(put, response);
    if (auto header = response.Header("docker-content-digest")) {
      auto announced = Digest::Parse(*header);
      if (announced.ok() && announced->algorithm() == computed.algorithm() && *announced != computed)
        return DigestMismatch(fmt::format("{}: the registry stored digest {}, the manifest has {}",
                                          core_->Display("PUT", response.effective_url), announced->ToString(),
                                          computed.ToString()));
    }
    return computed;
  }

  Result<std::string> GetReferrers(std::string_view repository, const Digest& digest,
                                   std::string_view artifact_type) override {
    HS_TRY(CheckRepository(repository));
    Request request;
    request.target = fmt::format("/v2/{}/referrers/{}", repository, digest.ToString());
    if (!artifact_type.empty()) request.target += "?artifactType=" + PercentEncode(artifact_type);
    request.headers.push_back(fmt::format("Accept: {}", kOciIndex));
    request.scope = PullScope(repository);
    request.max_body = kMaxManifestBytes;
    HS_ASSIGN_OR_RETURN(Response response, core_->Send(request));
    if (response.status == 404) return std::string(kEmptyReferrers);
    if (response.status != 200) return core_->StatusError(request, response);
    // A registry that ignored the filter says so by not sending OCI-Filters-Applied: filter here.
    bool filtered = false;
    if (auto applied = response.Header("oci-filters-applied")) filtered = ToLower(*applied).find("artifacttype") != std::string::npos;
    if (artifact_type.empty() || filtered) return std::move(response.body);
    auto doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array())
      return Corrupt(fmt::format("{}: the referrers response is not an OCI index",
                                 core_->Display("GET", response.effective_url)));
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& m : doc["manifests"]) {
      if (m.is_object() && m.contains("artifactType") && m["artifactType"].is_string() &&
          m["artifactType"].get<std::string>() == artifact_type)
        kept.push_back(m);
    }
    doc["manifests"] = std::move(kept);
    return doc.dump();
  }

  RegistryStats Stats() const override {
    RegistryStats s;
    s.requests = core_->requests.load();
    s.manifest_requests = core_->manifest_requests.load();
    s.blob_requests = core_->blob_requests.load();
    s.blob_bytes = core_->blob_bytes.load();
    s.token_requests = core_->token_requests.load();
    return s;
  }

 private:
  Result<std::vector<std::string>> ListPaged(std::string path, std::string scope, const char* field) {
    std::vector<std::string> out;
    Request request;
    request.target = std::move(path);
    if (core_->options().page_size > 0) request.target += fmt::format("?n={}", core_->options().page_size);
    request.headers.push_back("Accept: application/json");
    request.scope = std::move(scope);
    std::set<std::string> seen;
    for (int page = 0; page < kMaxPages; ++page) {
      seen.insert(request.target);
      HS_ASSIGN_OR_RETURN(Response response, core_->Send(request));
      if (response.status != 200) return core_->StatusError(request, response);
      const std::string display = core_->Display("GET", response.effective_url);
      auto doc = nlohmann::json::parse(response.body, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) return Corrupt(display + ": the response is not a JSON object");
      auto it = doc.find(field);
      if (it != doc.end() && !it->is_null()) {
        if (!it->is_array()) return Corrupt(fmt::format("{}: \"{}\" is not an array", display, field));
        for (const auto& item : *it) {
          if (!item.is_string()) return Corrupt(fmt::format("{}: \"{}\" holds a non-string", display, field));
          out.push_back(item.get<std::string>());
        }
      }
      auto next = NextLink(response);
      if (!next) return out;
      if (seen.count(*next)) return Corrupt(display + ": the Link header leads back to a page already read");
      request.target = std::move(*next);
    }
    return LimitExceeded(fmt::format("{}: more than {} pages", request.target, kMaxPages));
  }

  std::shared_ptr<Core> core_;
};

}  // namespace

Result<std::unique_ptr<RegistryClient>> RegistryClient::Connect(std::string_view registry, RegistryOptions options) {
  if (registry.empty() || internal::HasControlChars(registry) ||
      registry.find_first_of("/?#@ \t") != std::string_view::npos)
    return InvalidArgument(fmt::format("invalid registry host {}", QuoteForMessage(registry)));
  HS_ASSIGN_OR_RETURN(std::optional<Credential> credential, LookupCredential(registry, options.credentials));
  if (credential && credential->empty()) credential.reset();
  bool loopback = IsLoopbackHost(registry);
  if (options.plain_http && !loopback && !options.insecure)
    log::Warn("{}: plain HTTP: traffic (and any credentials) are not encrypted", registry);
  if (options.insecure) log::Warn("{}: TLS certificate verification is disabled for this registry", registry);
  auto core = std::make_shared<Core>(std::string(registry), std::move(options), std::move(credential), loopback);
  return std::unique_ptr<RegistryClient>(std::make_unique<Client>(std::string(registry), std::move(core)));
}

}  // namespace hullscan::net
