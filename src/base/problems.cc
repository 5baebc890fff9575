#include "base/problems.h"

#include <fmt/format.h>

namespace hullscan {

void Problems::Add(size_t line, std::string_view message) {
  if (messages_.size() >= kMaxKept) {
    ++suppressed_;
    return;
  }
  messages_.push_back(line == 0 ? std::string(message) : fmt::format("line {}: {}", line, message));
}

void Problems::Append(Problems&& other) {
  for (std::string& message : other.messages_) {
    if (messages_.size() < kMaxKept) {
      messages_.push_back(std::move(message));
    } else {
      ++suppressed_;
    }
  }
  suppressed_ += other.suppressed_;
  other.messages_.clear();
  other.suppressed_ = 0;
}

std::vector<std::string> Problems::Take() {
  std::vector<std::string> out = std::move(messages_);
  if (suppressed_ > 0) out.push_back(fmt::format("{} more problems not shown", suppressed_));
  messages_.clear();
  suppressed_ = 0;
  return out;
}

}  // namespace hullscan
