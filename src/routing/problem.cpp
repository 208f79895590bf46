// Problem invariants and feasibility of single jobs, plan costs and reported distances.
#include <cmath>
#include <string>

#include "routing/internal.h"
#include "routing/routing.h"
#include "routing/segment.h"

namespace longnan::routing {
namespace {

// Bounds that keep every integer cost and time sum far from int64 overflow: costs are
// at most per-unit 1e6 × units 1e6 × sums of 1e6 entries of at most 1e9.
constexpr int64_t kMaxMatrixValue = 1'000'000'000;
constexpr int64_t kMaxUnitsPer = 1'000'000;
constexpr int64_t kMaxCost = 1'000'000;
constexpr int64_t kMaxTime = int64_t{1} << 50;

// Readers add where the element came from (file line, JSON path), so the id is enough.
std::string job_name(const Problem& problem, int job) { return "job " + problem.jobs[job].id; }
std::string vehicle_name(const Problem& problem, int vehicle) { return "vehicle " + problem.vehicles[vehicle].id; }

std::optional<ProblemIssue> matrix_issue(const Problem& problem) {
  if (problem.num_locations <= 0) return ProblemIssue{-1, -1, "no locations"};
  const size_t cells = static_cast<size_t>(problem.num_locations) * problem.num_locations;
  if (problem.distance.size() != cells || problem.duration.size() != cells)
    return ProblemIssue{
        -1, -1,
        "matrices must be " + std::to_string(problem.num_locations) + " x " + std::to_string(problem.num_locations)};
  for (size_t cell = 0; cell < cells; ++cell) {
    if (problem.distance[cell] < 0 || problem.duration[cell] < 0 || problem.distance[cell] > kMaxMatrixValue ||
        problem.duration[cell] > kMaxMatrixValue)
      return ProblemIssue{-1, -1,
                          "matrix entry from " + std::to_string(cell / problem.num_locations) + " to " +
                              std::to_string(cell % problem.num_locations) + " is negative or above 1e9"};
  }
  if (!problem.planar.empty() && problem.planar.size() != static_cast<size_t>(problem.num_locations))
    return ProblemIssue{-1, -1, "planar coordinates must be given for every location or none"};
  if (problem.distance_units_per_km <= 0 || problem.distance_units_per_km > kMaxUnitsPer ||
      problem.time_units_per_hour <= 0 || problem.time_units_per_hour > kMaxUnitsPer)
    return ProblemIssue{-1, -1, "units per km and per hour must be in 1..1000000"};
  return std::nullopt;
}

std::optional<ProblemIssue> vehicle_issue(const Problem& problem, int index) {
  const Vehicle& vehicle = problem.vehicles[index];
  auto issue = [&](std::string what) { return ProblemIssue{-1, index, vehicle_name(problem, index) + ": " + what}; };
  if (vehicle.start < 0 || vehicle.start >= problem.num_locations || vehicle.end < 0 ||
      vehicle.end >= problem.num_locations)
    return issue("start or end location out of range");
  for (int dim = 0; dim < kLoadDimensions; ++dim)
    if (vehicle.capacity[dim] < 0) return issue("negative capacity");
  if (vehicle.shift_start < 0 || vehicle.shift_start > kMaxTime) return issue("shift start out of range");
  if (vehicle.shift_end < vehicle.shift_start) return issue("shift ends before it starts");
  if (vehicle.max_duration < 0) return issue("negative maximum duration");
  if (vehicle.cost_per_km < 0 || vehicle.cost_per_km > kMaxCost || vehicle.cost_per_hour < 0 ||
      vehicle.cost_per_hour > kMaxCost || vehicle.fixed_cost < 0 || vehicle.fixed_cost > kMaxCost)
    return issue("costs must be in 0..1000000");
  return std::nullopt;
}

std::optional<ProblemIssue> job_issue(const Problem& problem, int index) {
  const Job& job = problem.jobs[index];
  auto issue = [&](std::string what) { return ProblemIssue{index, -1, job_name(problem, index) + ": " + what}; };
  if (job.location < 0 || job.location >= problem.num_locations) return issue("location out of range");
  for (int dim = 0; dim < kLoadDimensions; ++dim)
    if (job.demand[dim] < 0) return issue("negative demand");
  if (job.service < 0 || job.service > kMaxTime) return issue("service time negative or too large");
  if (job.ready < 0 || job.ready > kMaxTime) return issue("ready time negative or too large");
  if (job.due < job.ready)
    return issue("window closes (" + format_int(job.due) + ") before it opens (" + format_int(job.ready) + ")");
  bool cold_ok = false, capacity_ok = false;
  for (size_t vehicle = 0; vehicle < problem.vehicles.size(); ++vehicle) {
    if (can_serve_alone(problem, static_cast<int>(vehicle), index)) return std::nullopt;
    const Vehicle& v = problem.vehicles[vehicle];
    if (!job.needs_cold || v.cold) {
      cold_ok = true;
      bool fits = true;
      for (int dim = 0; dim < kLoadDimensions; ++dim) fits = fits && job.demand[dim] <= v.capacity[dim];
      capacity_ok = capacity_ok || fits;
    }
  }
  if (!cold_ok) return issue("needs a cold vehicle and there is none");
  if (!capacity_ok) return issue("demand above every suitable vehicle's capacity");
  return issue("no vehicle can reach it within its window (" + format_int(job.ready) + ".." + format_int(job.due) +
               ") and be back within its shift and maximum duration");
}

}  // namespace

std::string format_int(int64_t value) { return value >= kUnlimited ? "unlimited" : std::to_string(value); }

bool can_serve_alone(const Problem& problem, int vehicle_index, int job_index) {
  const Vehicle& vehicle = problem.vehicles[vehicle_index];
  const Job& job = problem.jobs[job_index];
  if (job.needs_cold && !vehicle.cold) return false;
  const Segment route =
      concat(problem, depot_segment(vehicle.start, vehicle), job_segment(job), depot_segment(vehicle.end, vehicle));
  return feasible(route, vehicle);
}

std::optional<ProblemIssue> find_problem_issue(const Problem& problem) {
  if (auto issue = matrix_issue(problem)) return issue;
  if (problem.vehicles.empty()) return ProblemIssue{-1, -1, "no vehicles"};
  for (size_t vehicle = 0; vehicle < problem.vehicles.size(); ++vehicle)
    if (auto issue = vehicle_issue(problem, static_cast<int>(vehicle))) return issue;
  for (size_t job = 0; job < problem.jobs.size(); ++job)
    if (auto issue = job_issue(problem, static_cast<int>(job))) return issue;
  return std::nullopt;
}

core::Status validate(const Problem& problem) {
  if (auto issue = find_problem_issue(problem)) return core::invalid("problem", issue->what);
  return {};
}

int64_t plan_cost(const Problem& problem, const Plan& plan) {
  int64_t total = 0;
  for (const Route& route : plan.routes) {
    if (route.jobs.empty()) continue;
    const Vehicle& vehicle = problem.vehicles[route.vehicle];
    Segment segment = depot_segment(vehicle.start, vehicle);
    for (int job : route.jobs) segment = concat(problem, segment, job_segment(problem.jobs[job]));
    segment = concat(problem, segment, depot_segment(vehicle.end, vehicle));
    total += route_cost(segment, cost_weights(problem, vehicle));
  }
  return total;
}

double reported_distance(const Problem& problem, const Plan& plan) {
  const bool euclidean = problem.planar.size() == static_cast<size_t>(problem.num_locations);
  double total = 0;
  for (const Route& route : plan.routes) {
    if (route.jobs.empty() || route.vehicle < 0 || route.vehicle >= static_cast<int>(problem.vehicles.size())) continue;
    const Vehicle& vehicle = problem.vehicles[route.vehicle];
    int previous = vehicle.start;
    auto add_leg = [&](int to) {
      if (euclidean) {
        total += std::hypot(problem.planar[previous].x - problem.planar[to].x,
                            problem.planar[previous].y - problem.planar[to].y);
      } else {
        total += static_cast<double>(problem.dist(previous, to)) / static_cast<double>(problem.distance_units_per_km);
      }
      previous = to;
    };
    for (int job : route.jobs) {
      if (job >= 0 && job < static_cast<int>(problem.jobs.size())) add_leg(problem.jobs[job].location);
    }
    add_leg(vehicle.end);
  }
  return total;
}

int used_vehicles(const Plan& plan) {
  int used = 0;
  for (const Route& route : plan.routes) used += route.jobs.empty() ? 0 : 1;
  return used;
}

}  // namespace longnan::routing
