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

// SQL, on delivery_tasks t: the node the task's current leg goes to.
inline constexpr std::string_view kLegEnd =
    "CASE WHEN t.leg = 'line_haul' THEN t.hub_node_id ELSE t.destination_node_id END";
// SQL, on run_stops s and delivery_tasks t: the state of the stop — the task's, except that a
// line-haul stop whose task has moved on to its local leg was handed over at the station.
inline constexpr std::string_view kStopStatus =
    "CASE WHEN s.leg = 'line_haul' AND t.leg = 'local' THEN 'handed_over' ELSE t.status END";

// Numbers the stops of runs read in order (run, seq): consecutive rows of one run with the
// same node, arrival and leg are one stop, the tasks that travel together.
class StopGroups {
 public:
  int of(int64_t run, int64_t node, int64_t eta, std::string_view leg) {
    if (run != run_ || node != node_ || eta != eta_ || leg != leg_) {
      ++group_;
      run_ = run, node_ = node, eta_ = eta, leg_ = leg;
    }
    return group_;
  }

 private:
  int64_t run_ = -1, node_ = -1, eta_ = -1;
  std::string leg_;
  int group_ = 0;
};

}  // namespace longnan::delivery
