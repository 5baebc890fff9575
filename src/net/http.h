// HTTP client over libcurl: the one module that talks to the network.
//
// Get() fetches a small document into memory, Download() streams a large one into a file and
// verifies its digest. Both retry what is worth retrying (connection failures, 429, 5xx) with
// exponential backoff and jitter, honour Retry-After, follow redirects, verify TLS against the
// system CA store, take proxies from the environment (http_proxy, https_proxy, no_proxy) and
// send "User-Agent: hullscan/<version>". file:// URLs and plain local paths are read from disk
// through the same calls, so that a mirror directory and a mirror server behave alike.
//
// Errors name the request as "GET <url>: <what>" with the URL redacted (RedactUrl): no
// credentials or tokens ever reach a message or a log line.
//
// Growth path (the OCI registry client, issue 6): the transfer core in http.cc already takes a
// method, request headers and a streaming body sink; a `Client` with HEAD, Range resume, an
// auth hook for `WWW-Authenticate` challenges and connection reuse is added on top of it, next to
// these free functions, without changing them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/digest.h"
#include "base/status.h"

namespace hullscan::net {

struct RequestOptions {
  // Extra request headers, e.g. {"Accept", "application/json"}. Sent to the first host; libcurl
  // drops Authorization and Cookie when a redirect leads to another host.
  std::vector<std::pair<std::string, std::string>> headers;
  // Tries in all (1 = no retry). Only connection failures, 429 and 5xx are retried.
  int max_attempts = 4;
  // Wait before the second try; doubled for each further one, with jitter (a random 50–100 %).
  std::chrono::milliseconds initial_backoff{500};
  // Upper bound of any wait between tries, also of a server's Retry-After.
  std::chrono::milliseconds max_backoff{60000};
  // A larger body fails with LimitExceeded and is not retried. Get() keeps the body in memory:
  // callers fetching small documents should set this much lower.
  uint64_t max_body_bytes = uint64_t{4} << 30;
  // Whole transfer, per try; and connection setup.
  std::chrono::seconds timeout{300};
  std::chrono::seconds connect_timeout{30};
  // A try that moves no byte for this long fails (and is retried) even within `timeout`.
  std::chrono::seconds stall_timeout{60};
  // PEM bundle to verify servers with instead of the system CA store.
  std::string ca_file;
  // Skips TLS verification. Only for an explicitly named host the user vouches for.
  bool insecure_tls = false;
  // Get(): return the Response for any final HTTP status instead of an error for non-2xx
  // (after retries of 429/5xx). For callers that act on 401, 404 etc. themselves.
  bool accept_any_status = false;
};

struct Response {
  int status = 0;  // HTTP status; 200 for a local file
  // Response headers of the final response (after redirects), names lowercased, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string effective_url;  // after redirects (unredacted: do not log it, use RedactUrl)

  // The first header named `name` (case-insensitive), if present.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Fetches `url` (http, https, file:// or a local path) into memory. A non-2xx final status is an
// error ("GET https://host/x: 404 Not Found") unless options.accept_any_status.
// Error codes: NotFound (404, 410, missing file), PermissionDenied (401, 403), LimitExceeded,
// InvalidArgument (malformed URL or unsupported scheme), Unavailable (everything else remote).
Result<Response> Get(std::string_view url, const RequestOptions& options = {});

// Streams `url` into `dest`: written to `dest` + ".part" and renamed over `dest` only when the
// whole body arrived (and, when `expected` is given, hashes to it: else DigestMismatch). On any
// failure `dest` is left as it was and the ".part" file is removed. The parent directory of
// `dest` must exist.
Status Download(std::string_view url, const std::filesystem::path& dest, const RequestOptions& options = {},
                std::optional<Digest> expected = std::nullopt);

// `url` safe to print: "user:password@" removed, values of query parameters that look like
// credentials (token, signature, key, … or long opaque strings) replaced by "REDACTED".
std::string RedactUrl(std::string_view url);

// "hullscan/<version>".
std::string_view UserAgent();

}  // namespace hullscan::net
