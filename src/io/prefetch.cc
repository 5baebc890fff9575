#include "io/prefetch.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace hullscan::io {
namespace {

class PrefetchReaderImpl final : public PrefetchReader {
 public:
  PrefetchReaderImpl(std::unique_ptr<Reader> inner, size_t chunk, int depth)
      : inner_(std::move(inner)), chunk_(chunk), depth_(static_cast<size_t>(depth < 1 ? 1 : depth)) {}

  ~PrefetchReaderImpl() override { Cancel(); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (consumer_cancelled_) return Internal("read after the prefetch was cancelled");
    if (!started_) Start();
    while (current_pos_ == current_.size()) {
      // Current chunk used up: hand it back for reuse and wait for the next.
      std::unique_lock lock(mu_);
      if (!current_.empty()) free_.push_back(std::move(current_));
      current_.clear();
      current_pos_ = 0;
      space_.notify_one();
      ready_cv_.wait(lock, [&] { return !ready_.empty() || done_ || cancelled_; });
      if (cancelled_) return Internal("read after the prefetch was cancelled");
      if (!ready_.empty()) {
        current_ = std::move(ready_.front());
        ready_.pop_front();
        continue;
      }
      // done_ and nothing ready: end of stream or the inner reader's error.
      if (error_) return *error_;
      return size_t{0};
    }
    size_t k = std::min(n, current_.size() - current_pos_);
    std::memcpy(buf, current_.data() + current_pos_, k);
    current_pos_ += k;
    return k;
  }

  void Cancel() override {
    consumer_cancelled_ = true;
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    space_.notify_all();
    ready_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

 private:
  void Start() {
    started_ = true;
    worker_ = std::thread([this] { Produce(); });
  }

  void Produce() {
    while (true) {
      std::vector<char> chunk;
      {
        std::unique_lock lock(mu_);
        space_.wait(lock, [&] { return cancelled_ || ready_.size() < depth_; });
        if (cancelled_) return;
        if (!free_.empty()) {
          chunk = std::move(free_.back());
          free_.pop_back();
        }
      }
      chunk.resize(chunk_);
      size_t have = 0;
      std::optional<Error> error;
      bool eof = false;
      // Fill the chunk (small inner reads are batched, so the consumer sees few handovers).
      while (have < chunk.size()) {
        auto got = inner_->Read(chunk.data() + have, chunk.size() - have);
        if (!got.ok()) {
          error = std::move(got).error();
          break;
        }
        if (*got == 0) {
          eof = true;
          break;
        }
        have += *got;
        std::lock_guard lock(mu_);
        if (cancelled_) return;
      }
      chunk.resize(have);
      std::lock_guard lock(mu_);
      if (have > 0) ready_.push_back(std::move(chunk));
      if (error || eof) {
        error_ = std::move(error);
        done_ = true;
        ready_cv_.notify_one();
        return;
      }
      ready_cv_.notify_one();
    }
  }

  std::unique_ptr<Reader> inner_;
  const size_t chunk_;
  const size_t depth_;
  bool started_ = false;
  std::thread worker_;

  std::mutex mu_;
  std::condition_variable space_;     // producer waits for room
  std::condition_variable ready_cv_;  // consumer waits for data
  std::deque<std::vector<char>> ready_;
  std::vector<std::vector<char>> free_;
  bool done_ = false;
  bool cancelled_ = false;
  std::optional<Error> error_;

  // Consumer side only.
  bool consumer_cancelled_ = false;
  std::vector<char> current_;
  size_t current_pos_ = 0;
};

}  // namespace

std::unique_ptr<PrefetchReader> NewPrefetchReader(std::unique_ptr<Reader> inner, size_t chunk_bytes, int depth) {
  return std::make_unique<PrefetchReaderImpl>(std::move(inner), chunk_bytes, depth);
}

}  // namespace hullscan::io
