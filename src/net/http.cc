#include "net/http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>

#include "base/log.h"
#include "base/strings.h"
#include "net/internal/curl_util.h"

#ifndef HULLSCAN_VERSION
#define HULLSCAN_VERSION "0.0.0"
#endif

namespace hullscan::net {
namespace {

constexpr long kMaxRedirects = 10;
constexpr size_t kLocalChunk = size_t{1} << 20;

using internal::ErrorForStatus;
using internal::GlobalInitOnce;
using internal::HasControlChars;
using internal::IsRetryableStatus;
using internal::ParseRetryAfter;
using internal::StatusText;

// ---------------------------------------------------------------------------------------------
// Where the body goes. Restart() is called before every try, so a retried transfer starts over.

class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Restart() = 0;
  virtual Status Append(const char* data, size_t size) = 0;
};

class StringSink final : public BodySink {
 public:
  Status Restart() override {
    body.clear();
    return {};
  }
  Status Append(const char* data, size_t size) override {
    body.append(data, size);
    return {};
  }
  std::string body;
};

// Writes to an open file and hashes what it writes when a digest is expected.
class FileSink final : public BodySink {
 public:
  FileSink(int fd, std::string display, std::optional<std::string> algorithm)
      : fd_(fd), display_(std::move(display)), algorithm_(std::move(algorithm)) {}

  Status Restart() override {
    if (ftruncate(fd_, 0) != 0 || lseek(fd_, 0, SEEK_SET) != 0) return IoErrorFromErrno("truncate " + display_, errno);
    if (algorithm_) {
      HS_ASSIGN_OR_RETURN(Hasher h, Hasher::For(*algorithm_));
      hasher_.emplace(std::move(h));
    }
    return {};
  }

  Status Append(const char* data, size_t size) override {
    if (hasher_) hasher_->Update(data, size);
    while (size > 0) {
      ssize_t n = write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoErrorFromErrno("write " + display_, errno);
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return {};
  }

  std::optional<Digest> Finish() { return hasher_ ? std::optional<Digest>(hasher_->Finish()) : std::nullopt; }

 private:
  int fd_;
  std::string display_;
  std::optional<std::string> algorithm_;
  std::optional<Hasher> hasher_;
};

// ---------------------------------------------------------------------------------------------
// Small helpers

bool IsRetryableCurlCode(CURLcode code) { return internal::IsRetryableCurlCode(static_cast<int>(code)); }

std::chrono::milliseconds Backoff(const RequestOptions& options, int failed_attempts) {
  return internal::Backoff(options.initial_backoff, options.max_backoff, failed_attempts);
}

// ---------------------------------------------------------------------------------------------
// Local files: file:// URLs and plain paths.

bool IsRemoteUrl(std::string_view url) { return url.find("://") != std::string_view::npos && !StartsWith(url, "file://"); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::filesystem::path> LocalPath(std::string_view url) {
  if (!StartsWith(url, "file://")) return std::filesystem::path(url);
  std::string_view rest = url.substr(7);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return InvalidArgument("malformed file URL " + RedactUrl(url));
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost")
    return InvalidArgument("file URL with a remote host is not supported: " + RedactUrl(url));
  std::string_view encoded = rest.substr(slash);
  std::string decoded;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && HexValue(encoded[i + 1]) >= 0 &&
        HexValue(encoded[i + 2]) >= 0) {
      char c = static_cast<char>(HexValue(encoded[i + 1]) * 16 + HexValue(encoded[i + 2]));
      if (c == '\0') return InvalidArgument("file URL with a NUL byte: " + RedactUrl(url));
      decoded.push_back(c);
      i += 2;
    } else if (encoded[i] == '?' || encoded[i] == '#') {
      break;
    } else {
      decoded.push_back(encoded[i]);
    }
  }
  return std::filesystem::path(decoded);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Result<Response> ReadLocal(std::string_view url, const RequestOptions& options, BodySink& sink) {
  std::string display = "GET " + RedactUrl(url);
  HS_ASSIGN_OR_RETURN(std::filesystem::path path, LocalPath(url));
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFound(fmt::format("{}: no such file", display));
    if (err == EACCES) return Error(ErrorCode::kPermissionDenied, fmt::format("{}: {}", display, std::strerror(err)));
    return IoErrorFromErrno(display, err);
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return IoErrorFromErrno(display, errno);
  if (!S_ISREG(st.st_mode)) return NotFound(fmt::format("{}: not a regular file", display));
  if (static_cast<uint64_t>(st.st_size) > options.max_body_bytes)
    return LimitExceeded(fmt::format("{}: {} bytes exceed the limit of {}", display, st.st_size, options.max_body_bytes));
  HS_TRY(sink.Restart());
  std::vector<char> buf(kLocalChunk);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoErrorFromErrno(display, errno);
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (total > options.max_body_bytes)  // the file grew while we read it
      return LimitExceeded(fmt::format("{}: more than {} bytes", display, options.max_body_bytes));
    HS_TRY(sink.Append(buf.data(), static_cast<size_t>(n)));
  }
  Response response;
  response.status = 200;
  response.effective_url = std::string(url);
  return response;
}

// ---------------------------------------------------------------------------------------------
// Remote transfers.

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// State of one try, shared with libcurl's callbacks.
struct Attempt {
  BodySink* sink = nullptr;
  uint64_t max_body_bytes = 0;
  bool keep_error_bodies = false;  // accept_any_status: the caller reads the error document
  uint64_t received = 0;
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  bool limit_exceeded = false;
  std::optional<Error> sink_error;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  size_t total = size * count;
  std::string_view line(data, total);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (StartsWith(line, "HTTP/")) {
    // A new response (after a redirect or a 100 Continue): only the final one's headers count.
    a->headers.clear();
    a->status = 0;
    a->reason.clear();
    auto parts = Split(line, ' ');
    if (parts.size() >= 2) {
      int status = 0;
      for (char c : parts[1]) {
        if (c < '0' || c > '9') break;
        status = status * 10 + (c - '0');
        if (status > 999) break;
      }
      a->status = status;
      size_t reason_at = line.find(' ', line.find(' ') + 1);
      if (reason_at != std::string_view::npos) a->reason = std::string(TrimSpace(line.substr(reason_at + 1)));
    }
    return total;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    a->headers.emplace_back(ToLower(TrimSpace(line.substr(0, colon))), std::string(TrimSpace(line.substr(colon + 1))));
  }
  return total;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  size_t total = size * count;
  // Bodies of error responses are not content: drop them (they are not logged either).
  if ((a->status < 200 || a->status > 299) && !a->keep_error_bodies) return total;
  a->received += total;
  if (a->received > a->max_body_bytes) {
    a->limit_exceeded = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  Status st = a->sink->Append(data, total);
  if (!st.ok()) {
    a->sink_error = std::move(st).error();
    return 0;
  }
  return total;
}

Result<Response> Transfer(std::string_view method, std::string_view url, const RequestOptions& options,
                          BodySink& sink) {
  GlobalInitOnce();
  const std::string display = fmt::format("{} {}", method, RedactUrl(url));
  if (HasControlChars(url)) return InvalidArgument(display + ": URL contains control characters");
  for (const auto& [name, value] : options.headers) {
    if (name.empty() || HasControlChars(name) || HasControlChars(value) || name.find(':') != std::string::npos)
      return InvalidArgument(fmt::format("{}: malformed request header {}", display, QuoteForMessage(name)));
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal(display + ": curl_easy_init failed");

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& [name, value] : options.headers) {
    // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
    if (!next) return Internal(display + ": out of memory");
    (void)header_list.release();
    header_list.reset(next);
  }

  const std::string url_string(url);
  const bool https = StartsWith(ToLower(url), "https://");
  char error_buffer[CURL_ERROR_SIZE];
  Attempt attempt;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url_string.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // No downgrade from https to http through a redirect.
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, UserAgent().data());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &attempt);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &attempt);
  if (header_list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  // Deliberately no CURLOPT_ACCEPT_ENCODING: the bytes saved are the bytes the server holds
  // (a .csv.gz stays gzip even from servers that label it Content-Encoding: gzip), and digests
  // are of those bytes.
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count() * 1000));
  if (options.stall_timeout.count() > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.stall_timeout.count()));
  }
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<uint64_t>(options.max_body_bytes, INT64_MAX)));
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (options.insecure_tls) {
    log::Warn("{}: TLS certificate verification is disabled", display);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const int max_attempts = std::max(options.max_attempts, 1);
  for (int n = 1;; ++n) {
    attempt.sink = &sink;
    attempt.max_body_bytes = options.max_body_bytes;
    attempt.keep_error_bodies = options.accept_any_status;
    attempt.received = 0;
    attempt.status = 0;
    attempt.reason.clear();
    attempt.headers.clear();
    attempt.limit_exceeded = false;
    attempt.sink_error.reset();
    error_buffer[0] = '\0';
    HS_TRY_CTX(sink.Restart(), display);

    CURLcode code = curl_easy_perform(c);
    long response_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response_code);
    if (attempt.status == 0) attempt.status = static_cast<int>(response_code);

    if (attempt.sink_error) return std::move(*attempt.sink_error).AddContext(display);
    if (attempt.limit_exceeded || code == CURLE_FILESIZE_EXCEEDED)
      return LimitExceeded(fmt::format("{}: body larger than the limit of {} bytes", display, options.max_body_bytes));

    std::string failure;  // why this try failed, for the log and the final error
    bool retryable = false;
    std::optional<std::chrono::milliseconds> retry_after;
    if (code == CURLE_OK) {
      int status = attempt.status;
      bool success = (status >= 200 && status <= 299) || (method == "HEAD" && status >= 200 && status <= 399);
      if (success || (options.accept_any_status && !IsRetryableStatus(status)) ||
          (options.accept_any_status && IsRetryableStatus(status) && n >= max_attempts)) {
        Response response;
        response.status = status;
        response.headers = std::move(attempt.headers);
        char* effective = nullptr;
        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
        response.effective_url = effective ? effective : url_string;
        return response;
      }
      failure = StatusText(status, attempt.reason);
      retryable = IsRetryableStatus(status);
      if (retryable) {
        for (const auto& [name, value] : attempt.headers)
          if (name == "retry-after") retry_after = ParseRetryAfter(value);
      }
      if (!retryable || n >= max_attempts) {
        std::string message = fmt::format("{}: {}", display, failure);
        if (n > 1) message += fmt::format(" (gave up after {} attempts)", n);
        return ErrorForStatus(status, std::move(message));
      }
    } else {
      failure = error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
      retryable = IsRetryableCurlCode(code);
      if (!retryable || n >= max_attempts) {
        std::string message = fmt::format("{}: {}", display, failure);
        if (n > 1) message += fmt::format(" (gave up after {} attempts)", n);
        if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) return InvalidArgument(message);
        return Unavailable(std::move(message));
      }
    }

    std::chrono::milliseconds wait = retry_after ? std::min(*retry_after, options.max_backoff) : Backoff(options, n);
    log::Info("{}: {}; retrying in {} ms (attempt {} of {})", display, failure, wait.count(), n + 1, max_attempts);
    std::this_thread::sleep_for(wait);
  }
}

Result<Response> Perform(std::string_view method, std::string_view url, const RequestOptions& options,
                         BodySink& sink) {
  if (IsRemoteUrl(url)) return Transfer(method, url, options, sink);
  return ReadLocal(url, options, sink);
}

// Keeps a name only when it is a query parameter that can carry a secret.
bool IsSecretParameterName(std::string_view name) {
  std::string lower = ToLower(name);
  static constexpr std::string_view kMarkers[] = {"token", "sig", "key", "secret", "pass", "auth",
                                                   "credential", "session", "code", "jwt"};
  return std::any_of(std::begin(kMarkers), std::end(kMarkers),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

bool LooksLikeToken(std::string_view value) {
  if (value.size() < 24) return false;
  bool letters = false, digits = false;
  for (char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      letters = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
    } else if (std::string_view("-_.~%+/=").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return letters && digits;
}

}  // namespace

std::optional<std::string_view> Response::Header(std::string_view name) const {
  std::string lower = ToLower(name);
  for (const auto& [key, value] : headers)
    if (key == lower) return std::string_view(value);
  return std::nullopt;
}

std::string_view UserAgent() {
  static const std::string agent = std::string("hullscan/") + HULLSCAN_VERSION;
  return agent;
}

std::string RedactUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t authority_begin = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string out(url.substr(0, authority_begin));
  std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  size_t at = authority.rfind('@');
  out += at == std::string_view::npos ? authority : authority.substr(at + 1);

  std::string_view rest = url.substr(authority_end);
  // The fragment never reaches the server and may hold anything (OAuth implicit tokens): dropped.
  rest = rest.substr(0, rest.find('#'));
  size_t query = rest.find('?');
  if (query == std::string_view::npos) return out + std::string(rest);
  out += rest.substr(0, query + 1);
  std::string_view params = rest.substr(query + 1);
  bool first = true;
  for (std::string_view param : Split(params, '&')) {
    if (!first) out += '&';
    first = false;
    size_t eq = param.find('=');
    std::string_view name = eq == std::string_view::npos ? std::string_view() : param.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? param : param.substr(eq + 1);
    bool secret = LooksLikeToken(value) || (!name.empty() && IsSecretParameterName(name) && !value.empty());
    if (!secret) {
      out += param;
    } else if (eq == std::string_view::npos) {
      out += "REDACTED";
    } else {
      out += fmt::format("{}=REDACTED", name);
    }
  }
  return out;
}

Result<Response> Get(std::string_view url, const RequestOptions& options) {
  StringSink sink;
  HS_ASSIGN_OR_RETURN(Response response, Perform("GET", url, options, sink));
  response.body = std::move(sink.body);
  return response;
}

Status Download(std::string_view url, const std::filesystem::path& dest, const RequestOptions& options,
                std::optional<Digest> expected) {
  std::filesystem::path part = dest;
  part += ".part";
  const std::string display = "GET " + RedactUrl(url);
  Fd fd(open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return IoErrorFromErrno(fmt::format("{}: create {}", display, part.string()), errno);
  // Whatever happens below, the .part file does not outlive this call.
  struct PartRemover {
    const std::filesystem::path& path;
    bool armed = true;
    ~PartRemover() {
      if (armed) unlink(path.c_str());
    }
  } remover{part};

  std::optional<std::string> algorithm;
  if (expected) algorithm = expected->algorithm();
  FileSink sink(fd.get(), part.string(), algorithm);
  RequestOptions download_options = options;
  download_options.accept_any_status = false;  // an error document is never the file
  auto response = Perform("GET", url, download_options, sink);
  if (!response.ok()) return std::move(response).error();
  if (expected) {
    std::optional<Digest> got = sink.Finish();
    if (!got || *got != *expected)
      return DigestMismatch(fmt::format("{}: content has digest {}, expected {}", display,
                                        got ? got->ToString() : std::string("?"), expected->ToString()));
  }
  if (fsync(fd.get()) != 0) return IoErrorFromErrno("fsync " + part.string(), errno);
  if (close(fd.Release()) != 0) return IoErrorFromErrno("close " + part.string(), errno);
  if (std::rename(part.c_str(), dest.c_str()) != 0)
    return IoErrorFromErrno(fmt::format("rename {} to {}", part.string(), dest.string()), errno);
  remover.armed = false;
  return {};
}

}  // namespace hullscan::net
