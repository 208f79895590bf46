// Road distances and times from an OSRM server's table service. Large waves are asked in
// blocks of sources × destinations, each request carrying only the places of its block.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "delivery/delivery.h"

namespace longnan::delivery {
namespace {

// "lng,lat;lng,lat;…" of the places at `indices`.
std::string coordinates(const std::vector<LatLng>& places, const std::vector<size_t>& indices) {
  std::string text;
  char buffer[48];
  for (size_t index : indices) {
    std::snprintf(buffer, sizeof buffer, "%s%.6f,%.6f", text.empty() ? "" : ";", places[index].lng, places[index].lat);
    text += buffer;
  }
  return text;
}

std::string positions(size_t from, size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += (i ? ";" : "") + std::to_string(from + i);
  return text;
}

// Copies one annotation (rows of numbers or nulls) of a block into `out`.
core::Status copy_rows(const boost::json::object& answer, std::string_view name, const std::vector<size_t>& sources,
                       const std::vector<size_t>& targets, size_t n, std::vector<int64_t>& out) {
  const auto* rows = answer.if_contains(name);
  if (!rows || !rows->is_array() || rows->as_array().size() != sources.size())
    return core::unavailable("the road router's answer lacks " + std::string(name));
  for (size_t row = 0; row < sources.size(); ++row) {
    const auto& cells = rows->as_array()[row];
    if (!cells.is_array() || cells.as_array().size() != targets.size())
      return core::unavailable("the road router's " + std::string(name) + " have the wrong shape");
    for (size_t column = 0; column < targets.size(); ++column) {
      const auto& cell = cells.as_array()[column];
      if (!cell.is_number()) continue;  // null: no road between them
      const double value = cell.to_number<double>();
      if (std::isfinite(value) && value >= 0) out[sources[row] * n + targets[column]] = std::llround(value);
    }
  }
  return core::Status();
}

}  // namespace

core::Result<RoadTable> osrm_table(const std::string& base_url, const std::vector<LatLng>& places, const HttpGet& get,
                                   size_t block) {
  const size_t n = places.size();
  RoadTable table{std::vector<int64_t>(n * n, -1), std::vector<int64_t>(n * n, -1)};
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  for (size_t source_start = 0; source_start < n; source_start += block)
    for (size_t target_start = 0; target_start < n; target_start += block) {
      std::vector<size_t> sources, targets;
      for (size_t i = source_start; i < std::min(n, source_start + block); ++i) sources.push_back(i);
      for (size_t i = target_start; i < std::min(n, target_start + block); ++i) targets.push_back(i);
      // One request per block, its places once: the sources, then the targets (unless the
      // same block).
      const bool same = source_start == target_start;
      std::vector<size_t> asked = sources;
      if (!same) asked.insert(asked.end(), targets.begin(), targets.end());
      const std::string url =
          base + "/table/v1/driving/" + coordinates(places, asked) + "?sources=" + positions(0, sources.size()) +
          "&destinations=" + positions(same ? 0 : sources.size(), targets.size()) + "&annotations=duration,distance";
      auto body = get(url);
      if (!body) return body.error();
      boost::system::error_code error;
      auto answer = boost::json::parse(*body, error);
      if (error || !answer.is_object()) return core::unavailable("the road router's answer is not JSON");
      const auto& object = answer.as_object();
      const auto* code = object.if_contains("code");
      if (!code || !code->is_string() || code->as_string() != "Ok")
        return core::unavailable("the road router answered " +
                                 (code && code->is_string() ? std::string(code->as_string()) : std::string("no code")));
      if (auto status = copy_rows(object, "distances", sources, targets, n, table.distance_m); !status)
        return status.error();
      if (auto status = copy_rows(object, "durations", sources, targets, n, table.duration_s); !status)
        return status.error();
    }
  return table;
}

}  // namespace longnan::delivery
