// Internal to routing. Route segments summarised so that two of them concatenate in O(1):
// the data of Vidal et al. (2013), "A hybrid genetic algorithm with adaptive diversity
// management for a large class of vehicle routing problems with time-windows". A local
// search move or an insertion is the concatenation of two or three precomputed segments,
// so its cost and feasibility are known without walking the route.
//
// Thread-safety: plain values.
#pragma once

#include <algorithm>
#include <cstdint>

#include "routing/routing.h"

namespace longnan::routing {

// Invariants: for a non-empty segment, serving it in order starting at the first node at
// a time in [earliest, latest] gives the least `duration` (travel + service + waiting) and
// the least `time_warp` (total lateness the schedule must "travel back in time" by).
// A schedule is feasible iff time_warp == 0. An empty segment has first == -1.
struct Segment {
  int first = -1;  // location of the first node
  int last = -1;   // location of the last node
  int64_t duration = 0;
  int64_t time_warp = 0;
  int64_t earliest = 0;
  int64_t latest = 0;
  int64_t distance = 0;
  Load load{};

  bool empty() const { return first < 0; }
};

inline Segment node_segment(int location, int64_t ready, int64_t due, int64_t service, const Load& load) {
  return {location, location, service, 0, ready, due, 0, load};
}

inline Segment job_segment(const Job& job) {
  return node_segment(job.location, job.ready, job.due, job.service, job.demand);
}

// A depot visit: the vehicle may be there at any time of its shift.
inline Segment depot_segment(int location, const Vehicle& vehicle) {
  return node_segment(location, vehicle.shift_start, vehicle.shift_end, 0, Load{});
}

// `a` followed by `b`.
inline Segment concat(const Problem& problem, const Segment& a, const Segment& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int64_t travel = problem.time(a.last, b.first);
  const int64_t delta = a.duration - a.time_warp + travel;
  const int64_t wait = std::max<int64_t>(b.earliest - delta - a.latest, 0);
  const int64_t warp = std::max<int64_t>(a.earliest + delta - b.latest, 0);
  Segment out;
  out.first = a.first;
  out.last = b.last;
  out.duration = a.duration + b.duration + travel + wait;
  out.time_warp = a.time_warp + b.time_warp + warp;
  out.earliest = std::max(b.earliest - delta, a.earliest) - wait;
  out.latest = std::min(b.latest - delta, a.latest) + warp;
  out.distance = a.distance + b.distance + problem.dist(a.last, b.first);
  for (int dim = 0; dim < kLoadDimensions; ++dim) out.load[dim] = a.load[dim] + b.load[dim];
  return out;
}

inline Segment concat(const Problem& problem, const Segment& a, const Segment& b, const Segment& c) {
  return concat(problem, concat(problem, a, b), c);
}

// Integer cost weights of one vehicle: cost = fixed + per_distance × distance + per_time ×
// duration, all in money × distance_units_per_km × time_units_per_hour, so no division.
struct CostWeights {
  int64_t fixed = 0;
  int64_t per_distance = 0;
  int64_t per_time = 0;
};

inline CostWeights cost_weights(const Problem& problem, const Vehicle& vehicle) {
  return {vehicle.fixed_cost * problem.distance_units_per_km * problem.time_units_per_hour,
          vehicle.cost_per_km * problem.time_units_per_hour, vehicle.cost_per_hour * problem.distance_units_per_km};
}

// A whole route, depots included, is feasible for `vehicle` (cold chain aside).
inline bool feasible(const Segment& route, const Vehicle& vehicle) {
  if (route.time_warp != 0 || route.duration > vehicle.max_duration) return false;
  for (int dim = 0; dim < kLoadDimensions; ++dim)
    if (route.load[dim] > vehicle.capacity[dim]) return false;
  return true;
}

inline int64_t route_cost(const Segment& route, const CostWeights& weights) {
  return weights.fixed + weights.per_distance * route.distance + weights.per_time * route.duration;
}

}  // namespace longnan::routing
