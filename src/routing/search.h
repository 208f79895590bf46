// Internal to routing: the solution state the metaheuristic works on, and its operators.
//
// The search keeps one route slot per vehicle (empty slots are unused vehicles) and for
// each route the prefix and tail segments (segment.h), so that inserting a job, or any
// local-search move joining pieces of one or two routes, is evaluated in O(1).
// All constraints are hard: a Solution's routes are always feasible; jobs that fit nowhere
// are unassigned and pay a penalty larger than any insertion.
//
// Thread-safety: a Solution and an Rng belong to one search thread; the SearchContext is
// read-only once built and shared by all threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "routing/routing.h"
#include "routing/segment.h"

namespace longnan::routing {

// SplitMix64: small, fast, and the same sequence on every platform and library, which
// std::uniform_*_distribution does not promise.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound). REQUIRES: bound > 0.
  int below(int bound) { return static_cast<int>((next() >> 33) % static_cast<uint64_t>(bound)); }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Everything about the problem the search looks up often, computed once.
struct SearchContext {
  explicit SearchContext(const Problem& problem);

  bool compatible(int vehicle, int job) const { return compatible_[static_cast<size_t>(vehicle) * num_jobs + job]; }

  const Problem& problem;
  int num_jobs = 0;
  int num_vehicles = 0;
  std::vector<CostWeights> weights;                 // per vehicle
  std::vector<Segment> job_segment;                 // per job
  std::vector<Segment> start_segment, end_segment;  // per vehicle
  // The first vehicle identical to this one: unused vehicles of one class are
  // interchangeable, so insertions try one empty vehicle per class.
  std::vector<int> vehicle_class;
  // Granular neighbourhoods (Vidal 2013): per job, the jobs most worth visiting right after
  // or before it — distance plus penalties for waiting and lateness between the windows.
  std::vector<std::vector<int>> neighbours;
  // Per job, other jobs by increasing distance: the "adjacency" string removal walks.
  std::vector<std::vector<int>> nearest;
  // Every vehicle has the same depots, shift and cost per distance and no time cost: a
  // move's distance change alone then decides whether it can improve the cost.
  bool uniform_distance_cost = false;
  int64_t unassigned_penalty = 0;
  std::vector<char> compatible_;  // vehicle × job: cold chain and reachable on its own
};

struct SearchRoute {
  int vehicle = 0;
  std::vector<int> jobs;
  std::vector<Segment> prefix;  // prefix[i]: start depot then jobs[0, i); size jobs + 1
  std::vector<Segment> tail;    // tail[i]: jobs[i, end) then end depot; size jobs + 1
  int64_t cost = 0;             // 0 when empty
  int64_t modified = 0;         // move counter of the last change (local search bookkeeping)

  int size() const { return static_cast<int>(jobs.size()); }
  const Load& load() const { return tail[0].load; }
};

// Invariants: routes[v].vehicle == v; route_of/position_of agree with the routes;
// every route is feasible; cost == sum of route costs + penalty × unassigned.size().
struct Solution {
  std::vector<SearchRoute> routes;  // one per vehicle
  std::vector<int> route_of;        // per job, -1 when unassigned
  std::vector<int> position_of;     // per job
  std::vector<int> unassigned;
  int64_t cost = 0;
};

Solution empty_solution(const SearchContext& context);
// Recomputes a route's segments and cost and its jobs' positions after its jobs changed.
void update_route(const SearchContext& context, Solution& solution, int route);
void recompute_cost(const SearchContext& context, Solution& solution);
Plan to_plan(const Solution& solution);

// Cost of route `route` with `job` inserted before position `position`, or -1 when
// infeasible. REQUIRES: context.compatible(vehicle, job).
int64_t insertion_cost(const SearchContext& context, const SearchRoute& route, int job, int position);

struct RuinRecreateParams {
  double average_removed = 10;  // c̄ in SISR
  int max_string_length = 10;   // L_max
  double split_rate = 0.5;
  double split_depth = 0.01;
  double blink_rate = 0.01;
};

// SISR (Christiaens & Vanden Berghe 2020): removes strings of consecutive jobs from
// routes near a random seed job, then reinserts every unassigned job greedily.
void ruin(const SearchContext& context, const RuinRecreateParams& params, Rng& rng, Solution& solution);
void recreate(const SearchContext& context, const RuinRecreateParams& params, Rng& rng, Solution& solution);

// The clock deadlines are read from: the local search checks it before each job it tries to move.
using Clock = std::chrono::steady_clock;

// First-improvement local search over relocate (1–3 jobs, or-opt within a route), swap
// and cross-exchange (segments of up to 2), 2-opt* and moves into an empty vehicle, on the
// granular neighbourhoods. Stops at a local optimum or at the deadline.
void local_search(const SearchContext& context, Rng& rng, Clock::time_point deadline, Solution& solution);

}  // namespace longnan::routing
