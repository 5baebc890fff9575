// Pieces shared by the libcurl transfers of net/http.cc and net/registry.cc: retry policy,
// Retry-After, status texts and errors, response-head parsing. Private to src/net.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hullscan::net::internal {

// curl_global_init once per process (never cleaned up: other threads may still transfer at exit).
void GlobalInitOnce();

std::string_view ReasonPhrase(int status);
// "404 Not Found" (the server's reason phrase when it sent one).
std::string StatusText(int status, std::string_view reason);
bool IsRetryableStatus(int status);
// `code` is a CURLcode; int keeps curl.h out of this header.
bool IsRetryableCurlCode(int code);
// NotFound (404, 410), PermissionDenied (401, 403), Unavailable (everything else).
Error ErrorForStatus(int status, std::string message);

// Retry-After: delta-seconds or an HTTP-date. nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value);
// Exponential backoff with jitter (a random 50–100 % of initial * 2^(failed_attempts-1), capped).
std::chrono::milliseconds Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap,
                                  int failed_attempts);

bool HasControlChars(std::string_view s);

// The head of the final response, fed header lines by a CURLOPT_HEADERFUNCTION: a status line
// starts a new response (after a redirect or a 100 Continue), so only the last one's headers stay.
struct ResponseHead {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in order

  void Clear();
  void AddLine(std::string_view line);
  std::optional<std::string_view> Header(std::string_view lowercase_name) const;
};

}  // namespace hullscan::net::internal
