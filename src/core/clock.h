// Time as UTC epoch milliseconds behind a seam so tests can move it.
// Thread-safety: SystemClock is thread-safe; a test clock must be set before use.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace longnan::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// "2026-11-29" for an epoch-ms instant in Asia/Shanghai (UTC+8, no daylight saving).
std::string shanghai_date(int64_t epoch_ms);
// The day number (days since 1970-01-01) in Asia/Shanghai: the same for two times on the
// same Shanghai date, and cheaper to compare than their dates.
int64_t shanghai_day(int64_t epoch_ms);
// Parses "YYYY-MM-DD" as midnight Asia/Shanghai; false when malformed or not a date.
bool parse_date(std::string_view text, int64_t& epoch_ms);

}  // namespace longnan::core
