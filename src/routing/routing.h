// Route planning: a capacitated vehicle routing problem with time windows (VRPTW) and the
// constraints deliveries need — two capacity dimensions (kg, litres), service times,
// cold-chain vehicles, a maximum route duration, heterogeneous vehicles with their own
// depots, shifts and costs, and a fixed cost per used vehicle.
//
// Pure computation: no database, no HTTP. A caller builds (or reads) a Problem, calls
// solve() for a Plan, and runs every plan — solved or edited by hand — through check().
//
// Units: the matrices hold integers in the problem's own units (metres and seconds for
// JSON problems; 1/10000 of a Solomon unit for Solomon files). All search costs are
// integers; doubles appear only in reported distances.
//
// Thread-safety: plain values. solve() and check() read the Problem only, so any number
// of threads may solve or check the same Problem at once. solve() may start its own
// threads (SolveOptions::threads) and joins them before it returns.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace longnan::routing {

// Two capacity dimensions: [0] weight (kg or the instance's unit), [1] volume (litres).
inline constexpr int kLoadDimensions = 2;
using Load = std::array<int64_t, kLoadDimensions>;

// "No limit" for capacities, shift ends and durations. Small enough that sums of a few
// of them do not overflow int64.
inline constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max() / 8;

struct Point {
  double x = 0;
  double y = 0;
};

// One delivery (or pickup counted as load): served once, by one vehicle.
struct Job {
  std::string id;    // as the caller knows it; Solomon: the customer number
  int location = 0;  // index into the matrices
  Load demand{};
  int64_t ready = 0;         // service may start from here ...
  int64_t due = kUnlimited;  // ... up to and including here (arrival earlier means waiting)
  int64_t service = 0;       // time spent at the customer
  bool needs_cold = false;   // only a cold vehicle may carry it
};

struct Vehicle {
  std::string id;
  int start = 0;  // location index of the depot it leaves from
  int end = 0;    // location index where it ends its shift
  Load capacity{kUnlimited, kUnlimited};
  int64_t shift_start = 0;            // may leave its start no earlier than this
  int64_t shift_end = kUnlimited;     // must be back at its end by this
  int64_t max_duration = kUnlimited;  // leaving start to reaching end, waiting included (it leaves as late as it can)
  bool cold = false;
  // Costs: integers, in any one money unit (fen for deliveries).
  int64_t cost_per_km = 1;
  int64_t cost_per_hour = 0;
  int64_t fixed_cost = 0;  // paid once when the vehicle serves at least one job
};

// Invariants (checked by validate()): distance and duration are num_locations²,
// row-major, non-negative; every location index is in range.
struct Problem {
  std::string name;
  int num_locations = 0;
  std::vector<int64_t> distance;  // distance[from * num_locations + to]
  std::vector<int64_t> duration;  // travel time, same layout
  // How many distance units make the km that cost_per_km is priced in, and how many time
  // units make an hour. Integer so that route costs stay integers (see route_cost()).
  int64_t distance_units_per_km = 1000;
  int64_t time_units_per_hour = 3600;
  // Optional planar coordinates per location (Solomon). When present, reported distances
  // are Euclidean in double precision on these, as the literature reports them.
  std::vector<Point> planar;
  std::vector<Job> jobs;
  std::vector<Vehicle> vehicles;

  int64_t dist(int from, int to) const { return distance[static_cast<size_t>(from) * num_locations + to]; }
  int64_t time(int from, int to) const { return duration[static_cast<size_t>(from) * num_locations + to]; }
};

// One vehicle's tour: leaves vehicle.start, serves jobs in order, ends at vehicle.end.
struct Route {
  int vehicle = 0;        // index into Problem::vehicles
  std::vector<int> jobs;  // indices into Problem::jobs, in visiting order
};

struct Plan {
  std::vector<Route> routes;  // routes without jobs are allowed and cost nothing
};

// ---- Checking ----------------------------------------------------------------------

enum class ViolationKind {
  kBadProblem,      // the problem itself breaks its invariants
  kUnknownVehicle,  // vehicle index out of range
  kVehicleUsedTwice,
  kUnknownJob,        // job index out of range
  kDuplicateJob,      // served twice (in one route or two)
  kMissingJob,        // served by no route
  kCapacityExceeded,  // per dimension
  kTimeWindowMissed,  // arrival after the job's due time
  kShiftEndExceeded,  // back at the end depot after shift_end
  kMaxDurationExceeded,
  kColdChain,  // a cold job on a vehicle without cooling
};

struct Violation {
  ViolationKind kind;
  int route = -1;       // index into Plan::routes, -1 when not about one route
  int job = -1;         // index into Problem::jobs, -1 when not about one job
  std::string message;  // one line, names vehicle and job ids, e.g. the late arrival time
};

// Every way `plan` breaks `problem`'s rules; empty when the plan is feasible. Never throws
// or crashes on nonsense (out-of-range indices, a malformed problem).
std::vector<Violation> check(const Problem& problem, const Plan& plan);

// ---- Problems ----------------------------------------------------------------------

// One line about the first thing wrong with `problem`: broken invariants, negative demand
// or service, a window with due < ready, a job no vehicle can carry (capacity, cold) or
// reach within its window and shift. Messages name jobs and vehicles by id.
core::Status validate(const Problem& problem);

// Reads a Solomon or Gehring–Homberger VRPTW text file (name; VEHICLE / NUMBER CAPACITY;
// CUSTOMER table with customer 0 the depot). Distances are Euclidean × 10000 rounded to
// nearest, travel times the same × 10000 rounded up, so a plan feasible in integers is
// feasible in double precision. Errors read "FILE:LINE: what".
core::Result<Problem> read_solomon(const std::string& path);
core::Result<Problem> parse_solomon(std::string_view text, const std::string& name);

// Reads the JSON problem format (documented at the top of io_json.cpp). Errors
// read "FILE: what" or "FILE:LINE: what" for syntax errors.
core::Result<Problem> read_problem_json(const std::string& path);
core::Result<Problem> parse_problem_json(std::string_view text, const std::string& name);

// Reads .json with read_problem_json, anything else with read_solomon.
core::Result<Problem> read_problem(const std::string& path);

// ---- Costs and reports -------------------------------------------------------------

// Total integer cost in internal units (money × distance_units_per_km × time_units_per_hour);
// for Solomon problems (cost_per_km 1, no time or fixed cost) it is the scaled distance.
// REQUIRES: check(problem, plan) is empty.
int64_t plan_cost(const Problem& problem, const Plan& plan);

// Distance in reporting units: Euclidean in double on Problem::planar when present
// (Solomon units), otherwise matrix distance / distance_units_per_km (km).
double reported_distance(const Problem& problem, const Plan& plan);

int used_vehicles(const Plan& plan);

// {"routes":[[job ids in visiting order], ...], "distance": ..., "vehicles": ...}; ids that
// are integers are written as numbers (Solomon customer numbers), others as strings.
std::string plan_to_json(const Problem& problem, const Plan& plan);

// ---- Solving -----------------------------------------------------------------------

struct SolveOptions {
  double time_limit_s = 10;    // wall clock; the search stops within a few ms of it
  int64_t max_iterations = 0;  // ruin-and-recreate iterations; 0: until the time limit
  uint64_t seed = 1;
  int threads = 1;  // independent searches with seeds seed, seed+1, ...; the best plan wins
};

struct SolveResult {
  Plan plan;                    // only non-empty routes
  std::vector<int> unassigned;  // jobs no route could take (empty for a feasible problem)
  int64_t cost = 0;             // plan_cost of plan
  int64_t iterations = 0;       // summed over threads
  double seconds = 0;
};

// Minimises total cost (not the number of vehicles first). Deterministic for a given
// seed and max_iterations when the time limit does not cut the search short.
// REQUIRES: validate(problem).ok()
SolveResult solve(const Problem& problem, const SolveOptions& options);

}  // namespace longnan::routing
