// Small hand-made problems and helpers shared by the routing tests.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "routing/routing.h"

namespace longnan::routing::testing {

inline std::string source_path(const std::string& relative) { return std::string(LONGNAN_SOURCE_DIR) + "/" + relative; }

// A problem on planar points: location 0 is the depot, one job per further point; integer
// distances = durations = rounded Euclidean; one vehicle of unlimited capacity per entry
// of `vehicles` (defaults), or none.
inline Problem planar_problem(const std::vector<Point>& points, int vehicles = 1) {
  Problem problem;
  problem.name = "test";
  problem.num_locations = static_cast<int>(points.size());
  for (const Point& from : points)
    for (const Point& to : points) {
      const int64_t metres = std::llround(std::hypot(from.x - to.x, from.y - to.y));
      problem.distance.push_back(metres);
      problem.duration.push_back(metres);
    }
  for (size_t location = 1; location < points.size(); ++location) {
    Job job;
    job.id = "j" + std::to_string(location);
    job.location = static_cast<int>(location);
    problem.jobs.push_back(job);
  }
  for (int index = 0; index < vehicles; ++index) {
    Vehicle vehicle;
    vehicle.id = "v" + std::to_string(index);
    problem.vehicles.push_back(vehicle);
  }
  return problem;
}

// Writes `text` to a fresh file under the test temp dir and returns its path.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "longnan_routing_tests";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path.string();
}

inline bool has_kind(const std::vector<Violation>& violations, ViolationKind kind) {
  for (const Violation& violation : violations)
    if (violation.kind == kind) return true;
  return false;
}

inline std::string describe(const std::vector<Violation>& violations) {
  std::string out;
  for (const Violation& violation : violations) out += violation.message + "\n";
  return out;
}

}  // namespace longnan::routing::testing
