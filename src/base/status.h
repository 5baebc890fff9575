// Errors as values: every fallible function across a module boundary returns Result<T> or Status.
//
// Shaped like C++23 std::expected (GCC 12 in C++20 mode has none), with one addition that the
// design asks for: a context chain, so an error reads like a path to its cause:
//   "layer sha256:ab…: var/lib/dpkg/status: line 812: missing Version".
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace hullscan {

enum class ErrorCode {
  kInvalidArgument,  // the caller (user) asked for something malformed
  kNotFound,         // a file, blob, image or record that should exist does not
  kCorrupt,          // untrusted input is malformed: bad JSON, truncated tar, bad header
  kDigestMismatch,   // content does not hash to the digest that names it
  kLimitExceeded,    // input exceeds a safety bound (size, entries, nesting, expansion ratio)
  kUnsupported,      // well-formed but not something we handle (media type, format version)
  kIo,               // the operating system failed a read, write or open
  kUnavailable,      // a remote service failed or could not be reached
  kPermissionDenied,
  kInternal,         // a bug in hullscan
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  // The full message, outermost context first.
  const std::string& message() const { return message_; }

  // Prefixes "context: " to the message. Used at each module hop to say where the error happened.
  Error& AddContext(std::string_view context) &;
  Error AddContext(std::string_view context) &&;  // by value: safe on temporaries

  friend bool operator==(const Error&, const Error&) = default;

 private:
  ErrorCode code_;
  std::string message_;
};

inline Error InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Error Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
inline Error DigestMismatch(std::string m) { return {ErrorCode::kDigestMismatch, std::move(m)}; }
inline Error LimitExceeded(std::string m) { return {ErrorCode::kLimitExceeded, std::move(m)}; }
inline Error Unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Error IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
// An I/O error from errno, e.g. IoErrorFromErrno("open /x", errno) -> "open /x: No such file…".
Error IoErrorFromErrno(std::string_view what, int errnum);

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : v_(value) {}                                         // NOLINT
  Result(T&& value) : v_(std::move(value)) {}                                   // NOLINT
  Result(Error error) : v_(std::move(error)) {}                                 // NOLINT
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Error> &&
             !std::is_same_v<std::decay_t<U>, Result>)
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}     // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

  template <typename U>
  T value_or(U&& fallback) const& { return ok() ? value() : static_cast<T>(std::forward<U>(fallback)); }

  Result& AddContext(std::string_view context) & {
    if (!ok()) std::get<1>(v_).AddContext(context);
    return *this;
  }
  // By value, so that `auto&& r = Make().AddContext(…)` (as in HS_TRY) never dangles.
  Result AddContext(std::string_view context) && {
    if (!ok()) std::get<1>(v_).AddContext(context);
    return std::move(*this);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const { assert(ok_); }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

  Result& AddContext(std::string_view context) & {
    if (!ok_) error_.AddContext(context);
    return *this;
  }
  Result AddContext(std::string_view context) && {
    if (!ok_) error_.AddContext(context);
    return std::move(*this);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

using Status = Result<void>;
inline Status OkStatus() { return {}; }

}  // namespace hullscan

#define HS_CONCAT_INNER(a, b) a##b
#define HS_CONCAT(a, b) HS_CONCAT_INNER(a, b)

// HS_TRY(expr): evaluate a Status/Result expression; on error return it from the enclosing function.
#define HS_TRY(expr)                                         \
  do {                                                       \
    auto&& hs_try_result_ = (expr);                          \
    if (!hs_try_result_.ok())                                \
      return ::hullscan::Error(std::move(hs_try_result_).error()); \
  } while (0)

// HS_TRY_CTX(expr, context): as HS_TRY, adding "context: " to the error on the way out.
#define HS_TRY_CTX(expr, context)                                                  \
  do {                                                                             \
    auto&& hs_try_result_ = (expr);                                                \
    if (!hs_try_result_.ok())                                                      \
      return ::hullscan::Error(std::move(hs_try_result_).error()).AddContext(context); \
  } while (0)

// HS_ASSIGN_OR_RETURN(lhs, expr): lhs = value of a Result, or return its error.
#define HS_ASSIGN_OR_RETURN(lhs, expr) HS_ASSIGN_OR_RETURN_IMPL(HS_CONCAT(hs_r_, __LINE__), lhs, expr)
#define HS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)          \
  auto tmp = (expr);                                      \
  if (!tmp.ok()) return ::hullscan::Error(std::move(tmp).error()); \
  lhs = std::move(tmp).value()
