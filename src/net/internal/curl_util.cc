#include "net/internal/curl_util.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "base/strings.h"

namespace hullscan::net::internal {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string StatusText(int status, std::string_view reason) {
  if (reason.empty()) reason = ReasonPhrase(status);
  return reason.empty() ? std::to_string(status) : fmt::format("{} {}", status, reason);
}

bool IsRetryableStatus(int status) { return status == 429 || (status >= 500 && status <= 599); }

bool IsRetryableCurlCode(int code) {
  switch (static_cast<CURLcode>(code)) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

Error ErrorForStatus(int status, std::string message) {
  if (status == 404 || status == 410) return NotFound(std::move(message));
  if (status == 401 || status == 403) return Error(ErrorCode::kPermissionDenied, std::move(message));
  return Unavailable(std::move(message));
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value) {
  value = TrimSpace(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::hours(24 * 365);  // absurd: the cap applies
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  std::string text(value);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  time_t now = std::time(nullptr);
  return std::chrono::seconds(when > now ? when - now : 0);
}

std::chrono::milliseconds Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap_ms,
                                  int failed_attempts) {
  int64_t base = std::max<int64_t>(initial.count(), 0);
  int64_t cap = std::max<int64_t>(cap_ms.count(), 0);
  int64_t delay = base;
  for (int i = 1; i < failed_attempts && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  // Jitter keeps many clients that failed together from coming back together.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(delay / 2, std::max<int64_t>(delay, delay / 2));
  return std::chrono::milliseconds(dist(rng));
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

void ResponseHead::Clear() {
  status = 0;
  reason.clear();
  headers.clear();
}

void ResponseHead::AddLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (StartsWith(line, "HTTP/")) {
    Clear();
    auto parts = Split(line, ' ');
    if (parts.size() >= 2) {
      int code = 0;
      for (char c : parts[1]) {
        if (c < '0' || c > '9') break;
        code = code * 10 + (c - '0');
        if (code > 999) break;
      }
      status = code;
      size_t reason_at = line.find(' ', line.find(' ') + 1);
      if (reason_at != std::string_view::npos) reason = std::string(TrimSpace(line.substr(reason_at + 1)));
    }
    return;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0)
    headers.emplace_back(ToLower(TrimSpace(line.substr(0, colon))), std::string(TrimSpace(line.substr(colon + 1))));
}

std::optional<std::string_view> ResponseHead::Header(std::string_view lowercase_name) const {
  for (const auto& [key, value] : headers)
    if (key == lowercase_name) return std::string_view(value);
  return std::nullopt;
}

}  // namespace hullscan::net::internal
