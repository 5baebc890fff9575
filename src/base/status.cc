#include "base/status.h"

#include <cstring>

namespace hullscan {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kCorrupt: return "corrupt input";
    case ErrorCode::kDigestMismatch: return "digest mismatch";
    case ErrorCode::kLimitExceeded: return "limit exceeded";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kPermissionDenied: return "permission denied";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown";
}

Error& Error::AddContext(std::string_view context) & {
  std::string m;
  m.reserve(context.size() + 2 + message_.size());
  m.append(context).append(": ").append(message_);
  message_ = std::move(m);
  return *this;
}

Error Error::AddContext(std::string_view context) && {
  AddContext(context);
  return std::move(*this);
}

Error IoErrorFromErrno(std::string_view what, int errnum) {
  char buf[256];
  // GNU strerror_r returns the message pointer (possibly not buf).
  const char* msg = strerror_r(errnum, buf, sizeof buf);
  std::string m(what);
  m.append(": ").append(msg);
  ErrorCode code = ErrorCode::kIo;
  if (errnum == ENOENT || errnum == ENOTDIR) code = ErrorCode::kNotFound;
  if (errnum == EACCES || errnum == EPERM) code = ErrorCode::kPermissionDenied;
  return Error(code, std::move(m));
}

}  // namespace hullscan
