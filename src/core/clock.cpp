#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace longnan::core {
namespace {
constexpr int64_t kShanghaiOffsetMs = 8 * 3600 * 1000;
}

int64_t shanghai_day(int64_t epoch_ms) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t local = epoch_ms + kShanghaiOffsetMs;
  return local / kDayMs - (local % kDayMs < 0);  // rounded down, before 1970 too
}

std::string shanghai_date(int64_t epoch_ms) {
  using namespace std::chrono;
  year_month_day date{sys_days(std::chrono::days(shanghai_day(epoch_ms)))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

bool parse_date(std::string_view text, int64_t& epoch_ms) {
  using namespace std::chrono;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part)
    for (size_t at = starts[part]; at < starts[part] + lengths[part]; ++at) {
      if (text[at] < '0' || text[at] > '9') return false;
      parts[part] = parts[part] * 10 + (text[at] - '0');
    }
  year_month_day date{year(parts[0]), month(static_cast<unsigned>(parts[1])), day(static_cast<unsigned>(parts[2]))};
  if (!date.ok() || parts[0] < 1900 || parts[0] > 2200) return false;
  epoch_ms = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count() - kShanghaiOffsetMs;
  return true;
}

}  // namespace longnan::core
