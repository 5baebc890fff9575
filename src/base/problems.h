// Problems: the diagnostics a parser of untrusted input collects, bounded (a file of garbage
// would otherwise produce one message per line) and tagged with line numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan {

class Problems {
 public:
  static constexpr size_t kMaxKept = 50;

  // `line` is 1-based; 0 when the problem is not tied to a line.
  void Add(size_t line, std::string_view message);
  // Moves `other`'s problems (kept and counted) to the end of these.
  void Append(Problems&& other);
  size_t count() const { return messages_.size() + suppressed_; }
  // The kept messages, plus one saying how many more were dropped; leaves this empty.
  std::vector<std::string> Take();

 private:
  std::vector<std::string> messages_;
  size_t suppressed_ = 0;
};

}  // namespace hullscan
