// check(): validates any plan against the problem's rules, independently of the solver's
// segment arithmetic (it simulates each route's schedule step by step), so that solver
// bugs show up as violations and a dispatcher's hand-edited plan gets the same scrutiny.
#include <algorithm>
#include <string>
#include <vector>

#include "routing/internal.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

std::string job_label(const Problem& problem, int job) { return "job " + problem.jobs[job].id; }
std::string vehicle_label(const Problem& problem, int vehicle) { return "vehicle " + problem.vehicles[vehicle].id; }

// What must hold before routes can be simulated at all: matrix shape, location indices.
std::optional<std::string> structural_issue(const Problem& problem) {
  const int n = problem.num_locations;
  if (n <= 0) return "no locations";
  const size_t cells = static_cast<size_t>(n) * n;
  if (problem.distance.size() != cells || problem.duration.size() != cells) return "matrix size mismatch";
  for (const Vehicle& vehicle : problem.vehicles)
    if (vehicle.start < 0 || vehicle.start >= n || vehicle.end < 0 || vehicle.end >= n)
      return "vehicle " + vehicle.id + " has a location out of range";
  for (const Job& job : problem.jobs)
    if (job.location < 0 || job.location >= n) return "job " + job.id + " has a location out of range";
  return std::nullopt;
}

// Schedule of one route whose vehicle and job indices are valid: leaves at shift start,
// waits for windows, reports each late arrival, then the shift end and maximum duration.
void check_schedule(const Problem& problem, int route_index, int vehicle_index, const std::vector<int>& jobs,
                    std::vector<Violation>& out) {
  const Vehicle& vehicle = problem.vehicles[vehicle_index];
  const std::string name = vehicle_label(problem, vehicle_index);
  bool late = false;
  int64_t time = vehicle.shift_start;
  int location = vehicle.start;
  for (int job_index : jobs) {
    const Job& job = problem.jobs[job_index];
    const int64_t arrival = time + problem.time(location, job.location);
    if (arrival > job.due) {
      late = true;
      out.push_back({ViolationKind::kTimeWindowMissed, route_index, job_index,
                     name + " arrives at " + job_label(problem, job_index) + " at " + format_int(arrival) +
                         ", after its window closes at " + format_int(job.due)});
    }
    time = std::max(arrival, job.ready) + job.service;
    location = job.location;
  }
  const int64_t back = time + problem.time(location, vehicle.end);
  if (back > vehicle.shift_end) {
    out.push_back(
        {ViolationKind::kShiftEndExceeded, route_index, -1,
         name + " is back at " + format_int(back) + ", after its shift ends at " + format_int(vehicle.shift_end)});
    return;
  }
  if (late || vehicle.max_duration >= kUnlimited) return;
  // Shortest duration: leave as late as every window and the shift allow (duration can
  // only shrink by leaving later), found by a backward pass of latest start times.
  int64_t latest = vehicle.shift_end;
  int next = vehicle.end;
  for (auto job_it = jobs.rbegin(); job_it != jobs.rend(); ++job_it) {
    const Job& job = problem.jobs[*job_it];
    latest = std::min(job.due, latest - problem.time(job.location, next) - job.service);
    next = job.location;
  }
  const int64_t departure = std::max(vehicle.shift_start, latest - problem.time(vehicle.start, next));
  time = departure;
  location = vehicle.start;
  for (int job_index : jobs) {
    const Job& job = problem.jobs[job_index];
    time = std::max(time + problem.time(location, job.location), job.ready) + job.service;
    location = job.location;
  }
  const int64_t duration = time + problem.time(location, vehicle.end) - departure;
  if (duration > vehicle.max_duration)
    out.push_back({ViolationKind::kMaxDurationExceeded, route_index, -1,
                   name + " needs at least " + format_int(duration) + " from leaving to arriving, above its maximum " +
                       format_int(vehicle.max_duration)});
}

}  // namespace

std::vector<Violation> check(const Problem& problem, const Plan& plan) {
  std::vector<Violation> out;
  if (auto issue = structural_issue(problem)) {
    out.push_back({ViolationKind::kBadProblem, -1, -1, "the problem is malformed: " + *issue});
    return out;
  }
  const int num_jobs = static_cast<int>(problem.jobs.size());
  const int num_vehicles = static_cast<int>(problem.vehicles.size());
  std::vector<int> served_by(num_jobs, -1);  // route index
  std::vector<int> vehicle_route(num_vehicles, -1);
  for (int route_index = 0; route_index < static_cast<int>(plan.routes.size()); ++route_index) {
    const Route& route = plan.routes[route_index];
    const std::string where = "route " + std::to_string(route_index);
    std::vector<int> valid_jobs;
    for (int job : route.jobs) {
      if (job < 0 || job >= num_jobs) {
        out.push_back({ViolationKind::kUnknownJob, route_index, -1,
                       where + " names job index " + std::to_string(job) + ", which does not exist"});
        continue;
      }
      if (served_by[job] >= 0) {
        out.push_back({ViolationKind::kDuplicateJob, route_index, job,
                       job_label(problem, job) + " is served twice (routes " + std::to_string(served_by[job]) +
                           " and " + std::to_string(route_index) + ")"});
      } else {
        served_by[job] = route_index;
      }
      valid_jobs.push_back(job);
    }
    if (route.vehicle < 0 || route.vehicle >= num_vehicles) {
      out.push_back({ViolationKind::kUnknownVehicle, route_index, -1,
                     where + " names vehicle index " + std::to_string(route.vehicle) + ", which does not exist"});
      continue;
    }
    if (route.jobs.empty()) continue;  // an unused vehicle, even if listed twice
    const Vehicle& vehicle = problem.vehicles[route.vehicle];
    const std::string name = vehicle_label(problem, route.vehicle);
    if (vehicle_route[route.vehicle] >= 0) {
      out.push_back({ViolationKind::kVehicleUsedTwice, route_index, -1,
                     name + " drives two routes (" + std::to_string(vehicle_route[route.vehicle]) + " and " +
                         std::to_string(route_index) + ")"});
    } else {
      vehicle_route[route.vehicle] = route_index;
    }
    Load load{};
    for (int job : valid_jobs) {
      if (problem.jobs[job].needs_cold && !vehicle.cold)
        out.push_back({ViolationKind::kColdChain, route_index, job,
                       job_label(problem, job) + " needs cold chain but " + name + " has no cooling"});
      for (int dim = 0; dim < kLoadDimensions; ++dim) load[dim] += problem.jobs[job].demand[dim];
    }
    static const char* kDimensionNames[kLoadDimensions] = {"weight", "volume"};
    for (int dim = 0; dim < kLoadDimensions; ++dim)
      if (load[dim] > vehicle.capacity[dim])
        out.push_back({ViolationKind::kCapacityExceeded, route_index, -1,
                       name + " carries " + format_int(load[dim]) + " " + kDimensionNames[dim] +
                           ", above its capacity " + format_int(vehicle.capacity[dim])});
    check_schedule(problem, route_index, route.vehicle, valid_jobs, out);
  }
  for (int job = 0; job < num_jobs; ++job)
    if (served_by[job] < 0)
      out.push_back({ViolationKind::kMissingJob, -1, job, job_label(problem, job) + " is served by no route"});
  return out;
}

}  // namespace longnan::routing
