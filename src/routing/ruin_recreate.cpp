// The search context, solution bookkeeping, and SISR's ruin and recreate operators.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "routing/internal.h"
#include "routing/search.h"

namespace longnan::routing {
namespace {

constexpr int kGranularity = 40;       // neighbours per job for the local search
constexpr int kMaxAdjacency = 200;     // nearest jobs kept for string removal
constexpr double kWaitWeight = 0.2;    // Vidal (2013): weight of waiting time in neighbour ranking
constexpr double kLatenessWeight = 1;  // and of lateness

bool same_vehicle_class(const Vehicle& a, const Vehicle& b) {
  return a.start == b.start && a.end == b.end && a.capacity == b.capacity && a.shift_start == b.shift_start &&
         a.shift_end == b.shift_end && a.max_duration == b.max_duration && a.cold == b.cold &&
         a.cost_per_km == b.cost_per_km && a.cost_per_hour == b.cost_per_hour && a.fixed_cost == b.fixed_cost;
}

// How unfit `to` is to follow `from` in a route: distance, plus waiting and lateness.
double correlation(const Problem& problem, const Job& from, const Job& to) {
  const double travel = static_cast<double>(problem.time(from.location, to.location));
  const double earliest_arrival = static_cast<double>(from.ready + from.service) + travel;
  const double latest_arrival = static_cast<double>(std::min(from.due, kUnlimited / 4) + from.service) + travel;
  const double wait = std::max(0.0, static_cast<double>(to.ready) - latest_arrival);
  const double late = std::max(0.0, earliest_arrival - static_cast<double>(to.due));
  return static_cast<double>(problem.dist(from.location, to.location)) + kWaitWeight * wait + kLatenessWeight * late;
}

}  // namespace

SearchContext::SearchContext(const Problem& problem_in) : problem(problem_in) {
  num_jobs = static_cast<int>(problem.jobs.size());
  num_vehicles = static_cast<int>(problem.vehicles.size());
  for (const Job& job : problem.jobs) job_segment.push_back(routing::job_segment(job));
  for (int vehicle = 0; vehicle < num_vehicles; ++vehicle) {
    const Vehicle& v = problem.vehicles[vehicle];
    weights.push_back(cost_weights(problem, v));
    start_segment.push_back(depot_segment(v.start, v));
    end_segment.push_back(depot_segment(v.end, v));
    int cls = vehicle;
    for (int other = 0; other < vehicle; ++other) {
      if (vehicle_class[other] == other && same_vehicle_class(v, problem.vehicles[other])) {
        cls = other;
        break;
      }
    }
    vehicle_class.push_back(cls);
  }
  compatible_.assign(static_cast<size_t>(num_vehicles) * num_jobs, 0);
  int64_t worst_alone = 0;
  for (int vehicle = 0; vehicle < num_vehicles; ++vehicle) {
    for (int job = 0; job < num_jobs; ++job) {
      const bool ok = vehicle_class[vehicle] == vehicle ? can_serve_alone(problem, vehicle, job)
                                                        : compatible(vehicle_class[vehicle], job);
      compatible_[static_cast<size_t>(vehicle) * num_jobs + job] = ok;
      const Segment alone = concat(problem, start_segment[vehicle], job_segment[job], end_segment[vehicle]);
      worst_alone = std::max(worst_alone, route_cost(alone, weights[vehicle]));
    }
  }
  // More than any job can add to a plan, so a complete plan always beats an incomplete one.
  unassigned_penalty = 2 * worst_alone + 1;

  uniform_distance_cost = true;
  for (int vehicle = 0; vehicle < num_vehicles; ++vehicle) {
    const Vehicle& a = problem.vehicles[vehicle];
    const Vehicle& b = problem.vehicles[0];
    if (a.start != b.start || a.end != b.end || a.shift_start != b.shift_start || a.shift_end != b.shift_end ||
        a.cost_per_km != b.cost_per_km || a.cost_per_hour != 0 || a.fixed_cost != 0)
      uniform_distance_cost = false;
  }

  neighbours.resize(num_jobs);
  nearest.resize(num_jobs);
  std::vector<std::pair<double, int>> ranked;
  for (int job = 0; job < num_jobs; ++job) {
    ranked.clear();
    for (int other = 0; other < num_jobs; ++other)
      if (other != job) ranked.push_back({correlation(problem, problem.jobs[job], problem.jobs[other]), other});
    const size_t keep = std::min<size_t>(kGranularity, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end());
    for (size_t at = 0; at < keep; ++at) neighbours[job].push_back(ranked[at].second);
    ranked.clear();
    for (int other = 0; other < num_jobs; ++other)
      if (other != job)
        ranked.push_back(
            {static_cast<double>(problem.dist(problem.jobs[job].location, problem.jobs[other].location)), other});
    const size_t adjacency = std::min<size_t>(kMaxAdjacency, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + adjacency, ranked.end());
    for (size_t at = 0; at < adjacency; ++at) nearest[job].push_back(ranked[at].second);
  }
}

Solution empty_solution(const SearchContext& context) {
  Solution solution;
  solution.routes.resize(context.num_vehicles);
  solution.route_of.assign(context.num_jobs, -1);
  solution.position_of.assign(context.num_jobs, -1);
  for (int vehicle = 0; vehicle < context.num_vehicles; ++vehicle) {
    solution.routes[vehicle].vehicle = vehicle;
    update_route(context, solution, vehicle);
  }
  solution.unassigned.resize(context.num_jobs);
  std::iota(solution.unassigned.begin(), solution.unassigned.end(), 0);
  recompute_cost(context, solution);
  return solution;
}

void update_route(const SearchContext& context, Solution& solution, int route_index) {
  SearchRoute& route = solution.routes[route_index];
  const int n = route.size();
  route.prefix.resize(n + 1);
  route.tail.resize(n + 1);
  route.prefix[0] = context.start_segment[route.vehicle];
  for (int at = 0; at < n; ++at) {
    route.prefix[at + 1] = concat(context.problem, route.prefix[at], context.job_segment[route.jobs[at]]);
    solution.route_of[route.jobs[at]] = route_index;
    solution.position_of[route.jobs[at]] = at;
  }
  route.tail[n] = context.end_segment[route.vehicle];
  for (int at = n - 1; at >= 0; --at)
    route.tail[at] = concat(context.problem, context.job_segment[route.jobs[at]], route.tail[at + 1]);
  route.cost =
      n == 0 ? 0 : route_cost(concat(context.problem, route.prefix[0], route.tail[0]), context.weights[route.vehicle]);
}

void recompute_cost(const SearchContext& context, Solution& solution) {
  int64_t total = context.unassigned_penalty * static_cast<int64_t>(solution.unassigned.size());
  for (const SearchRoute& route : solution.routes) total += route.cost;
  solution.cost = total;
}

Plan to_plan(const Solution& solution) {
  Plan plan;
  for (const SearchRoute& route : solution.routes)
    if (!route.jobs.empty()) plan.routes.push_back({route.vehicle, route.jobs});
  return plan;
}

int64_t insertion_cost(const SearchContext& context, const SearchRoute& route, int job, int position) {
  const Vehicle& vehicle = context.problem.vehicles[route.vehicle];
  const Segment result = concat(
      context.problem, concat(context.problem, route.prefix[position], context.job_segment[job]), route.tail[position]);
  if (!feasible(result, vehicle)) return -1;
  return route_cost(result, context.weights[route.vehicle]);
}

namespace {

// Removes jobs [first, first + count) of `route`, except `keep` jobs starting at
// `keep_from` (split string), appending them to the unassigned list.
void remove_string(const SearchContext& context, Solution& solution, int route_index, int first, int count,
                   int keep_from, int keep) {
  SearchRoute& route = solution.routes[route_index];
  std::vector<int> kept;
  kept.reserve(route.jobs.size());
  for (int at = 0; at < route.size(); ++at) {
    const bool in_string = at >= first && at < first + count;
    const bool preserved = at >= keep_from && at < keep_from + keep;
    if (in_string && !preserved) {
      solution.unassigned.push_back(route.jobs[at]);
      solution.route_of[route.jobs[at]] = -1;
    } else {
      kept.push_back(route.jobs[at]);
    }
  }
  route.jobs.swap(kept);
  update_route(context, solution, route_index);
}

}  // namespace

void ruin(const SearchContext& context, const RuinRecreateParams& params, Rng& rng, Solution& solution) {
  int used = 0, served = 0;
  for (const SearchRoute& route : solution.routes) {
    if (route.jobs.empty()) continue;
    ++used;
    served += route.size();
  }
  if (used == 0) return;
  const double average_size = static_cast<double>(served) / used;
  const double max_string = std::min<double>(params.max_string_length, average_size);
  const double max_strings = 4 * params.average_removed / (1 + max_string) - 1;
  const int strings = static_cast<int>(rng.unit() * max_strings) + 1;

  int seed = rng.below(context.num_jobs);
  std::vector<int> ruined_routes;
  auto visit = [&](int job) {
    const int route_index = solution.route_of[job];
    if (route_index < 0) return;
    if (std::find(ruined_routes.begin(), ruined_routes.end(), route_index) != ruined_routes.end()) return;
    ruined_routes.push_back(route_index);
    const SearchRoute& route = solution.routes[route_index];
    const int size = route.size();
    const int max_length = std::min<int>(size, static_cast<int>(max_string));
    const int length = 1 + rng.below(std::max(1, max_length));
    const int position = solution.position_of[job];
    if (length < size && rng.unit() < params.split_rate) {
      // Split string: a longer string that keeps `keep` consecutive jobs in it.
      int keep = 1;
      while (keep < size - length && rng.unit() > params.split_depth) ++keep;
      const int span = length + keep;
      const int lowest = std::max(0, position - span + 1), highest = std::min(position, size - span);
      const int first = lowest + rng.below(highest - lowest + 1);
      const int keep_from = first + rng.below(length + 1);
      remove_string(context, solution, route_index, first, span, keep_from, keep);
    } else {
      const int lowest = std::max(0, position - length + 1), highest = std::min(position, size - length);
      const int first = lowest + rng.below(highest - lowest + 1);
      remove_string(context, solution, route_index, first, length, 0, 0);
    }
  };
  visit(seed);
  for (int neighbour : context.nearest[seed]) {
    if (static_cast<int>(ruined_routes.size()) >= strings) break;
    visit(neighbour);
  }
  recompute_cost(context, solution);
}

namespace {

// Orders the removed jobs as SISR does: random, by decreasing demand, far from the depot
// first, or close first, with weights 4 : 4 : 2 : 1.
void sort_removed(const SearchContext& context, Rng& rng, std::vector<int>& jobs) {
  const Problem& problem = context.problem;
  for (size_t at = jobs.size(); at > 1; --at) std::swap(jobs[at - 1], jobs[rng.below(static_cast<int>(at))]);
  const int pick = rng.below(11);
  if (pick < 4) return;
  const int depot = problem.vehicles[0].start;
  auto demand = [&](int job) { return problem.jobs[job].demand[0] + problem.jobs[job].demand[1]; };
  auto far = [&](int job) { return problem.dist(depot, problem.jobs[job].location); };
  if (pick < 8) {
    std::stable_sort(jobs.begin(), jobs.end(), [&](int a, int b) { return demand(a) > demand(b); });
  } else if (pick < 10) {
    std::stable_sort(jobs.begin(), jobs.end(), [&](int a, int b) { return far(a) > far(b); });
  } else {
    std::stable_sort(jobs.begin(), jobs.end(), [&](int a, int b) { return far(a) < far(b); });
  }
}

int location_before(const SearchContext& context, const SearchRoute& route, int position) {
  return position == 0 ? context.problem.vehicles[route.vehicle].start
                       : context.problem.jobs[route.jobs[position - 1]].location;
}
int location_at(const SearchContext& context, const SearchRoute& route, int position) {
  return position == route.size() ? context.problem.vehicles[route.vehicle].end
                                  : context.problem.jobs[route.jobs[position]].location;
}

}  // namespace

void recreate(const SearchContext& context, const RuinRecreateParams& params, Rng& rng, Solution& solution) {
  const Problem& problem = context.problem;
  std::vector<int> pending;
  pending.swap(solution.unassigned);
  sort_removed(context, rng, pending);
  std::vector<char> class_tried(context.num_vehicles);
  for (int job : pending) {
    const Load& demand = problem.jobs[job].demand;
    const int location = problem.jobs[job].location;
    int64_t best_delta = std::numeric_limits<int64_t>::max();
    int best_route = -1, best_position = -1;
    std::fill(class_tried.begin(), class_tried.end(), 0);
    for (int route_index = 0; route_index < context.num_vehicles; ++route_index) {
      const SearchRoute& route = solution.routes[route_index];
      if (!context.compatible(route.vehicle, job)) continue;
      const Vehicle& vehicle = problem.vehicles[route.vehicle];
      if (route.jobs.empty()) {
        // Unused vehicles of one class are interchangeable: try the first of each.
        const int cls = context.vehicle_class[route.vehicle];
        if (class_tried[cls]) continue;
        class_tried[cls] = 1;
      }
      bool fits = true;
      for (int dim = 0; dim < kLoadDimensions; ++dim)
        fits = fits && route.load()[dim] + demand[dim] <= vehicle.capacity[dim];
      if (!fits) continue;
      const CostWeights& weights = context.weights[route.vehicle];
      const bool distance_bounds = weights.per_time == 0;
      for (int position = 0; position <= route.size(); ++position) {
        if (rng.unit() < params.blink_rate) continue;
        const int before = location_before(context, route, position), after = location_at(context, route, position);
        if (distance_bounds) {
          // Without time cost the distance change is the cost change: skip the window check
          // for positions that cannot win.
          const int64_t detour =
              problem.dist(before, location) + problem.dist(location, after) - problem.dist(before, after);
          const int64_t lower = weights.per_distance * detour + (route.jobs.empty() ? weights.fixed : 0);
          if (lower >= best_delta) continue;
        }
        const int64_t cost = insertion_cost(context, route, job, position);
        if (cost < 0) continue;
        const int64_t delta = cost - route.cost;
        if (delta < best_delta) {
          best_delta = delta;
          best_route = route_index;
          best_position = position;
        }
      }
    }
    if (best_route < 0) {
      solution.unassigned.push_back(job);
      continue;
    }
    SearchRoute& route = solution.routes[best_route];
    route.jobs.insert(route.jobs.begin() + best_position, job);
    update_route(context, solution, best_route);
  }
  recompute_cost(context, solution);
}

}  // namespace longnan::routing
