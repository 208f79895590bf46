// Shared inside the delivery module only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/http.h"

namespace longnan::delivery {

// Minutes after local midnight as "HH:MM" (1440 is "24:00"), and back (nullopt when malformed).
std::string minutes_text(int64_t minutes);
std::optional<int64_t> parse_minutes(std::string_view text);

inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;
inline constexpr int64_t kShanghaiOffsetMs = 8LL * 3600 * 1000;
// Local midnight (Asia/Shanghai) of a "YYYY-MM-DD" date as epoch ms; nullopt when malformed.
std::optional<int64_t> local_midnight(std::string_view day);
// Local midnight (Asia/Shanghai) of the day of `at_ms`.
inline int64_t local_day_start(int64_t at_ms) {
  return (at_ms + kShanghaiOffsetMs) / kDayMs * kDayMs - kShanghaiOffsetMs;
}
// The ?day=YYYY-MM-DD of a request as its local midnight, today's when absent (422 when malformed).
core::Result<int64_t> requested_day(const http::Request& request, int64_t now_ms);

}  // namespace longnan::delivery
