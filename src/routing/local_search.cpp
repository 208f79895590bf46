// Local search on granular neighbourhoods. Every move follows one protocol: a cheap
// distance bound where it is exact (uniform fleets), then the O(1) evaluation of the new
// routes from prefix/tail segments (cost and feasibility), then apply when it improves.
#include <algorithm>
#include <array>

#include "routing/search.h"

namespace longnan::routing {
namespace {

constexpr int kMaxSegment = 3;   // longest chain moved by relocate (or-opt)
constexpr int kMaxExchange = 2;  // longest chain swapped by cross-exchange

// The cheapest places, by distance added, to insert one job into one route. Three suffice
// for SWAP* (Vidal 2022): removing the route's other job spoils at most the two positions
// next to it, so the best position in the route without it is one of these or its place.
struct ThreeBest {
  struct Entry {
    int64_t cost = 0;
    int position = -1;  // insert before route.jobs[position]
  };
  std::array<Entry, 3> entries;
  int count = 0;

  void add(int64_t cost, int position) {
    int at = std::min(count, 2);
    if (count == 3 && cost >= entries[2].cost) return;
    for (; at > 0 && entries[at - 1].cost > cost; --at) entries[at] = entries[at - 1];
    entries[at] = {cost, position};
    count = std::min(count + 1, 3);
  }
};

class LocalSearch {
 public:
  LocalSearch(const SearchContext& context, Rng& rng, Clock::time_point deadline, Solution& solution)
      : context_(context), problem_(context.problem), rng_(rng), deadline_(deadline), solution_(solution) {}

  void run();

 private:
  // One route's cost when made of `route` for `vehicle`, or -1 when infeasible.
  int64_t cost_of(int vehicle, const Segment& route) const {
    if (route.first < 0) return 0;
    if (!feasible(route, problem_.vehicles[vehicle])) return -1;
    return route_cost(route, context_.weights[vehicle]);
  }
  // Jobs [from, from + count) of `route` as one segment.
  Segment chain(const SearchRoute& route, int from, int count) const {
    Segment out;
    for (int at = from; at < from + count; ++at) out = concat(problem_, out, context_.job_segment[route.jobs[at]]);
    return out;
  }
  bool chain_compatible(int vehicle, const SearchRoute& route, int from, int count) const {
    for (int at = from; at < from + count; ++at)
      if (!context_.compatible(vehicle, route.jobs[at])) return false;
    return true;
  }
  int location_before(const SearchRoute& route, int position) const {
    return position == 0 ? problem_.vehicles[route.vehicle].start : problem_.jobs[route.jobs[position - 1]].location;
  }
  int location_at(const SearchRoute& route, int position) const {
    return position == route.size() ? problem_.vehicles[route.vehicle].end
                                    : problem_.jobs[route.jobs[position]].location;
  }
  int loc(int job) const { return problem_.jobs[job].location; }
  int64_t d(int from, int to) const { return problem_.dist(from, to); }
  // Tail of `route` from `position` on, ending at `vehicle`'s end depot instead of its own.
  Segment tail_for(const SearchRoute& route, int position, int vehicle) const {
    const Segment& own_end = context_.end_segment[route.vehicle];
    const Segment& other_end = context_.end_segment[vehicle];
    if (own_end.first == other_end.first && own_end.earliest == other_end.earliest &&
        own_end.latest == other_end.latest)
      return route.tail[position];
    return concat(problem_, chain(route, position, route.size() - position), other_end);
  }

  bool try_relocate(int u, int v);
  bool try_relocate_within(int u, int v);
  bool try_exchange(int u, int v);
  bool try_swap_within(int u, int v);
  bool try_two_opt_star(int u, int v);
  bool try_empty_vehicle(int u);
  bool try_swap_star(int r1, int r2);
  bool swap_star_pass();
  void three_best(const SearchRoute& route, int job, ThreeBest& out) const;
  int64_t distance_without(const SearchRoute& route, const ThreeBest& best, int job, int removed) const;
  int64_t exact_without(const SearchRoute& route, const ThreeBest& best, int job, int removed, int& position) const;
  void commit(int route_index, std::vector<int> jobs);

  const SearchContext& context_;
  const Problem& problem_;
  Rng& rng_;
  Clock::time_point deadline_;
  Solution& solution_;
  int64_t moves_ = 1;
  // SWAP* bookkeeping: per pair of routes (r1 * vehicles + r2, r1 < r2) the move counter
  // when last tested, and scratch per job of the two routes.
  std::vector<int64_t> pair_tested_;
  std::vector<ThreeBest> into_one_, into_two_;
  std::vector<int64_t> removal_one_, removal_two_;
  std::vector<char> linked_;
};

void LocalSearch::commit(int route_index, std::vector<int> jobs) {
  SearchRoute& route = solution_.routes[route_index];
  route.jobs = std::move(jobs);
  route.modified = moves_;
  update_route(context_, solution_, route_index);
}

// Moves u and up to kMaxSegment - 1 jobs after it to just after or just before v, in
// another route.
bool LocalSearch::try_relocate(int u, int v) {
  const int r1 = solution_.route_of[u], r2 = solution_.route_of[v];
  const SearchRoute& from = solution_.routes[r1];
  const SearchRoute& to = solution_.routes[r2];
  const int i = solution_.position_of[u], j = solution_.position_of[v];
  for (int length = 1; length <= kMaxSegment && i + length <= from.size(); ++length) {
    if (!context_.compatible(to.vehicle, from.jobs[i + length - 1])) return false;
    const int last = from.jobs[i + length - 1];
    const Segment moved = chain(from, i, length);
    const bool empties = length == from.size();
    const int prev = location_before(from, i), next = location_at(from, i + length);
    const int64_t removal_gain = d(prev, loc(u)) + d(loc(last), next) - d(prev, next);
    for (int position : {j + 1, j}) {
      const int a = location_before(to, position), b = location_at(to, position);
      if (context_.uniform_distance_cost && !empties && d(a, loc(u)) + d(loc(last), b) - d(a, b) - removal_gain >= 0)
        continue;
      bool fits = true;
      for (int dim = 0; dim < kLoadDimensions; ++dim)
        fits = fits && to.load()[dim] + moved.load[dim] <= problem_.vehicles[to.vehicle].capacity[dim];
      if (!fits) break;
      const int64_t new_to =
          cost_of(to.vehicle, concat(problem_, concat(problem_, to.prefix[position], moved), to.tail[position]));
      if (new_to < 0) continue;
      const int64_t new_from =
          empties ? 0 : cost_of(from.vehicle, concat(problem_, from.prefix[i], from.tail[i + length]));
      if (new_from < 0) continue;
      if (new_to + new_from >= to.cost + from.cost) continue;
      std::vector<int> jobs_to(to.jobs.begin(), to.jobs.begin() + position);
      jobs_to.insert(jobs_to.end(), from.jobs.begin() + i, from.jobs.begin() + i + length);
      jobs_to.insert(jobs_to.end(), to.jobs.begin() + position, to.jobs.end());
      std::vector<int> jobs_from(from.jobs.begin(), from.jobs.begin() + i);
      jobs_from.insert(jobs_from.end(), from.jobs.begin() + i + length, from.jobs.end());
      ++moves_;
      commit(r1, std::move(jobs_from));
      commit(r2, std::move(jobs_to));
      return true;
    }
  }
  return false;
}

// Or-opt: moves u and up to kMaxSegment - 1 jobs after it to just after v, same route.
bool LocalSearch::try_relocate_within(int u, int v) {
  const int r = solution_.route_of[u];
  const SearchRoute& route = solution_.routes[r];
  const int i = solution_.position_of[u], j = solution_.position_of[v];
  for (int length = 1; length <= kMaxSegment && i + length <= route.size(); ++length) {
    if (j >= i - 1 && j < i + length) return false;  // v inside the chain or already before it
    const int last = route.jobs[i + length - 1];
    const int prev = location_before(route, i), next = location_at(route, i + length);
    const int after = location_at(route, j + 1);
    if (context_.uniform_distance_cost && d(loc(v), loc(u)) + d(loc(last), after) - d(loc(v), after) + d(prev, next) -
                                                  d(prev, loc(u)) - d(loc(last), next) >=
                                              0)
      continue;
    std::vector<int> jobs;
    jobs.reserve(route.jobs.size());
    for (int at = 0; at < route.size(); ++at) {
      if (at >= i && at < i + length) continue;
      jobs.push_back(route.jobs[at]);
      if (at == j) jobs.insert(jobs.end(), route.jobs.begin() + i, route.jobs.begin() + i + length);
    }
    // Only the stretch between the two cut points changes.
    const int low = std::min(i, j + 1), high = std::max(i + length, j + 1);
    Segment middle = route.prefix[low];
    for (int at = low; at < high; ++at) middle = concat(problem_, middle, context_.job_segment[jobs[at]]);
    const int64_t cost = cost_of(route.vehicle, concat(problem_, middle, route.tail[high]));
    if (cost < 0 || cost >= route.cost) continue;
    ++moves_;
    commit(r, std::move(jobs));
    return true;
  }
  return false;
}

// Cross-exchange: swaps u's chain (1..kMaxExchange jobs) with v's chain, other route.
bool LocalSearch::try_exchange(int u, int v) {
  const int r1 = solution_.route_of[u], r2 = solution_.route_of[v];
  const SearchRoute& one = solution_.routes[r1];
  const SearchRoute& two = solution_.routes[r2];
  const int i = solution_.position_of[u], j = solution_.position_of[v];
  for (int length_one = 1; length_one <= kMaxExchange && i + length_one <= one.size(); ++length_one) {
    if (!chain_compatible(two.vehicle, one, i, length_one)) break;
    for (int length_two = 1; length_two <= kMaxExchange && j + length_two <= two.size(); ++length_two) {
      if (!chain_compatible(one.vehicle, two, j, length_two)) break;
      const int last_one = one.jobs[i + length_one - 1], last_two = two.jobs[j + length_two - 1];
      if (context_.uniform_distance_cost) {
        const int a1 = location_before(one, i), b1 = location_at(one, i + length_one);
        const int a2 = location_before(two, j), b2 = location_at(two, j + length_two);
        const int64_t change = d(a1, loc(v)) + d(loc(last_two), b1) + d(a2, loc(u)) + d(loc(last_one), b2) -
                               d(a1, loc(u)) - d(loc(last_one), b1) - d(a2, loc(v)) - d(loc(last_two), b2);
        if (change >= 0) continue;
      }
      const Segment chain_one = chain(one, i, length_one), chain_two = chain(two, j, length_two);
      const int64_t new_one =
          cost_of(one.vehicle, concat(problem_, concat(problem_, one.prefix[i], chain_two), one.tail[i + length_one]));
      if (new_one < 0) continue;
      const int64_t new_two =
          cost_of(two.vehicle, concat(problem_, concat(problem_, two.prefix[j], chain_one), two.tail[j + length_two]));
      if (new_two < 0 || new_one + new_two >= one.cost + two.cost) continue;
      std::vector<int> jobs_one(one.jobs.begin(), one.jobs.begin() + i);
      jobs_one.insert(jobs_one.end(), two.jobs.begin() + j, two.jobs.begin() + j + length_two);
      jobs_one.insert(jobs_one.end(), one.jobs.begin() + i + length_one, one.jobs.end());
      std::vector<int> jobs_two(two.jobs.begin(), two.jobs.begin() + j);
      jobs_two.insert(jobs_two.end(), one.jobs.begin() + i, one.jobs.begin() + i + length_one);
      jobs_two.insert(jobs_two.end(), two.jobs.begin() + j + length_two, two.jobs.end());
      ++moves_;
      commit(r1, std::move(jobs_one));
      commit(r2, std::move(jobs_two));
      return true;
    }
  }
  return false;
}

bool LocalSearch::try_swap_within(int u, int v) {
  const int r = solution_.route_of[u];
  const SearchRoute& route = solution_.routes[r];
  const int i = std::min(solution_.position_of[u], solution_.position_of[v]);
  const int j = std::max(solution_.position_of[u], solution_.position_of[v]);
  const int x = route.jobs[i], y = route.jobs[j];
  if (context_.uniform_distance_cost) {
    const int a = location_before(route, i), b = location_at(route, j + 1);
    int64_t change;
    if (j == i + 1) {
      change = d(a, loc(y)) + d(loc(y), loc(x)) + d(loc(x), b) - d(a, loc(x)) - d(loc(x), loc(y)) - d(loc(y), b);
    } else {
      const int after_i = location_at(route, i + 1), before_j = location_before(route, j);
      change = d(a, loc(y)) + d(loc(y), after_i) + d(before_j, loc(x)) + d(loc(x), b) - d(a, loc(x)) -
               d(loc(x), after_i) - d(before_j, loc(y)) - d(loc(y), b);
    }
    if (change >= 0) return false;
  }
  std::vector<int> jobs = route.jobs;
  std::swap(jobs[i], jobs[j]);
  Segment middle = route.prefix[i];
  for (int at = i; at <= j; ++at) middle = concat(problem_, middle, context_.job_segment[jobs[at]]);
  const int64_t cost = cost_of(route.vehicle, concat(problem_, middle, route.tail[j + 1]));
  if (cost < 0 || cost >= route.cost) return false;
  ++moves_;
  commit(r, std::move(jobs));
  return true;
}

// 2-opt*: exchanges the tails of two routes so that v follows u (or u follows v).
bool LocalSearch::try_two_opt_star(int u, int v) {
  const int r1 = solution_.route_of[u], r2 = solution_.route_of[v];
  const SearchRoute& one = solution_.routes[r1];
  const SearchRoute& two = solution_.routes[r2];
  const int i = solution_.position_of[u], j = solution_.position_of[v];
  // Variant A: one[..i] + two[j..], two[..j) + one[i+1..]. Variant B: one[..i) + two[j+1..],
  // two[..j] + one[i..].
  for (int variant = 0; variant < 2; ++variant) {
    const int cut_one = variant == 0 ? i + 1 : i, cut_two = variant == 0 ? j : j + 1;
    if (context_.uniform_distance_cost) {
      const int64_t change = d(location_before(one, cut_one), location_at(two, cut_two)) +
                             d(location_before(two, cut_two), location_at(one, cut_one)) -
                             d(location_before(one, cut_one), location_at(one, cut_one)) -
                             d(location_before(two, cut_two), location_at(two, cut_two));
      if (change >= 0) continue;
    }
    if (!chain_compatible(one.vehicle, two, cut_two, two.size() - cut_two) ||
        !chain_compatible(two.vehicle, one, cut_one, one.size() - cut_one))
      continue;
    const int64_t new_one =
        cut_one == 0 && cut_two == two.size()
            ? 0
            : cost_of(one.vehicle, concat(problem_, one.prefix[cut_one], tail_for(two, cut_two, one.vehicle)));
    if (new_one < 0) continue;
    const int64_t new_two =
        cut_two == 0 && cut_one == one.size()
            ? 0
            : cost_of(two.vehicle, concat(problem_, two.prefix[cut_two], tail_for(one, cut_one, two.vehicle)));
    if (new_two < 0 || new_one + new_two >= one.cost + two.cost) continue;
    std::vector<int> jobs_one(one.jobs.begin(), one.jobs.begin() + cut_one);
    jobs_one.insert(jobs_one.end(), two.jobs.begin() + cut_two, two.jobs.end());
    std::vector<int> jobs_two(two.jobs.begin(), two.jobs.begin() + cut_two);
    jobs_two.insert(jobs_two.end(), one.jobs.begin() + cut_one, one.jobs.end());
    ++moves_;
    commit(r1, std::move(jobs_one));
    commit(r2, std::move(jobs_two));
    return true;
  }
  return false;
}

// Moves u alone into an unused vehicle (one per vehicle class).
bool LocalSearch::try_empty_vehicle(int u) {
  const int r1 = solution_.route_of[u];
  const SearchRoute& from = solution_.routes[r1];
  if (from.size() == 1 && context_.uniform_distance_cost) return false;
  const int i = solution_.position_of[u];
  const int64_t new_from =
      from.size() == 1 ? 0 : cost_of(from.vehicle, concat(problem_, from.prefix[i], from.tail[i + 1]));
  if (new_from < 0) return false;
  for (int vehicle_class = 0; vehicle_class < context_.num_vehicles; ++vehicle_class) {
    if (context_.vehicle_class[vehicle_class] != vehicle_class) continue;
    int empty = -1;  // the first unused vehicle of this class
    for (int other = vehicle_class; other < context_.num_vehicles && empty < 0; ++other)
      if (context_.vehicle_class[other] == vehicle_class && solution_.routes[other].jobs.empty()) empty = other;
    if (empty < 0 || !context_.compatible(empty, u)) continue;
    const int64_t alone = cost_of(
        empty, concat(problem_, context_.start_segment[empty], context_.job_segment[u], context_.end_segment[empty]));
    if (alone < 0 || alone + new_from >= from.cost) continue;
    std::vector<int> jobs_from = from.jobs;
    jobs_from.erase(jobs_from.begin() + i);
    ++moves_;
    commit(r1, std::move(jobs_from));
    commit(empty, {u});
    return true;
  }
  return false;
}

void LocalSearch::three_best(const SearchRoute& route, int job, ThreeBest& out) const {
  out.count = 0;
  for (int position = 0; position <= route.size(); ++position) {
    const int a = location_before(route, position), b = location_at(route, position);
    out.add(d(a, loc(job)) + d(loc(job), b) - d(a, b), position);
  }
}

// Distance added by inserting `job` into `route` without its job at `removed`, at the best
// of the cached positions or in the removed job's place.
int64_t LocalSearch::distance_without(const SearchRoute& route, const ThreeBest& best, int job, int removed) const {
  const int a = location_before(route, removed), b = location_at(route, removed + 1);
  int64_t out = d(a, loc(job)) + d(loc(job), b) - d(a, b);
  for (int at = 0; at < best.count; ++at) {
    const ThreeBest::Entry& entry = best.entries[at];
    if (entry.position != removed && entry.position != removed + 1) out = std::min(out, entry.cost);
  }
  return out;
}

// Cost of `route` with its job at `removed` replaced by `job` at the best of the same
// candidate positions, evaluated exactly (windows, duration, capacity); -1 when none is
// feasible. `position` receives where `job` goes, in the original route's indexing.
int64_t LocalSearch::exact_without(const SearchRoute& route, const ThreeBest& best, int job, int removed,
                                   int& position) const {
  const Segment& inserted = context_.job_segment[job];
  int64_t out = cost_of(route.vehicle, concat(problem_, route.prefix[removed], inserted, route.tail[removed + 1]));
  position = removed;
  for (int at = 0; at < best.count; ++at) {
    const int candidate = best.entries[at].position;
    if (candidate == removed || candidate == removed + 1) continue;
    Segment middle;
    if (candidate < removed) {
      middle = concat(problem_, route.prefix[candidate], inserted);
      for (int next = candidate; next < removed; ++next)
        middle = concat(problem_, middle, context_.job_segment[route.jobs[next]]);
    } else {
      middle = route.prefix[removed];
      for (int next = removed + 1; next < candidate; ++next)
        middle = concat(problem_, middle, context_.job_segment[route.jobs[next]]);
      middle = concat(problem_, middle, inserted);
    }
    const int64_t cost =
        cost_of(route.vehicle, concat(problem_, middle, route.tail[candidate < removed ? removed + 1 : candidate]));
    if (cost >= 0 && (out < 0 || cost < out)) {
      out = cost;
      position = candidate;
    }
  }
  return out;
}

// SWAP* (Vidal 2022): exchanges u of one route with v of the other, each going to its best
// place in the other route rather than to the other's place. The distance estimate from
// the cached positions is exact when only distance costs (uniform fleets), so it prunes
// without losing moves there; elsewhere it is a filter. Pairs that pass are evaluated
// exactly with the segments at the same candidate positions, since time windows make the
// distance ranking only a guide. Applies the best improving exchange of the two routes.
bool LocalSearch::try_swap_star(int r1, int r2) {
  const SearchRoute& one = solution_.routes[r1];
  const SearchRoute& two = solution_.routes[r2];
  into_one_.resize(two.size());
  into_two_.resize(one.size());
  removal_one_.resize(one.size());
  removal_two_.resize(two.size());
  for (int i = 0; i < one.size(); ++i) {
    const int u = one.jobs[i], a = location_before(one, i), b = location_at(one, i + 1);
    removal_one_[i] = d(a, loc(u)) + d(loc(u), b) - d(a, b);
    into_two_[i].count = 0;
    if (context_.compatible(two.vehicle, u)) three_best(two, u, into_two_[i]);
  }
  for (int j = 0; j < two.size(); ++j) {
    const int v = two.jobs[j], a = location_before(two, j), b = location_at(two, j + 1);
    removal_two_[j] = d(a, loc(v)) + d(loc(v), b) - d(a, b);
    into_one_[j].count = 0;
    if (context_.compatible(one.vehicle, v)) three_best(one, v, into_one_[j]);
  }
  // Distance weights of the two vehicles; with none the distance ranking still guides.
  int64_t weight_one = context_.weights[one.vehicle].per_distance;
  int64_t weight_two = context_.weights[two.vehicle].per_distance;
  if (weight_one == 0 && weight_two == 0) weight_one = weight_two = 1;
  const Vehicle& vehicle_one = problem_.vehicles[one.vehicle];
  const Vehicle& vehicle_two = problem_.vehicles[two.vehicle];
  int64_t best_change = 0;
  int best_i = -1, best_j = -1, best_into_one = -1, best_into_two = -1;
  for (int i = 0; i < one.size(); ++i) {
    if (into_two_[i].count == 0) continue;
    const int u = one.jobs[i];
    const Load& load_u = context_.job_segment[u].load;
    for (int j = 0; j < two.size(); ++j) {
      if (into_one_[j].count == 0) continue;
      const int v = two.jobs[j];
      const Load& load_v = context_.job_segment[v].load;
      bool fits = true;
      for (int dim = 0; dim < kLoadDimensions; ++dim)
        fits = fits && one.load()[dim] - load_u[dim] + load_v[dim] <= vehicle_one.capacity[dim] &&
               two.load()[dim] - load_v[dim] + load_u[dim] <= vehicle_two.capacity[dim];
      if (!fits) continue;
      const int64_t estimate = weight_one * (distance_without(one, into_one_[j], v, i) - removal_one_[i]) +
                               weight_two * (distance_without(two, into_two_[i], u, j) - removal_two_[j]);
      if (estimate >= 0) continue;
      int into_one = -1, into_two = -1;
      const int64_t new_one = exact_without(one, into_one_[j], v, i, into_one);
      if (new_one < 0) continue;
      const int64_t new_two = exact_without(two, into_two_[i], u, j, into_two);
      if (new_two < 0) continue;
      const int64_t change = new_one + new_two - one.cost - two.cost;
      if (change >= best_change) continue;
      best_change = change;
      best_i = i, best_j = j, best_into_one = into_one, best_into_two = into_two;
    }
  }
  if (best_i < 0) return false;
  // Positions are in the original routes' indexing: past the removed job they shift by one.
  auto exchanged = [](const std::vector<int>& jobs, int removed, int job, int position) {
    std::vector<int> out = jobs;
    out.erase(out.begin() + removed);
    out.insert(out.begin() + (position > removed ? position - 1 : position), job);
    return out;
  };
  std::vector<int> jobs_one = exchanged(one.jobs, best_i, two.jobs[best_j], best_into_one);
  std::vector<int> jobs_two = exchanged(two.jobs, best_j, one.jobs[best_i], best_into_two);
  ++moves_;
  commit(r1, std::move(jobs_one));
  commit(r2, std::move(jobs_two));
  return true;
}

// SWAP* over the pairs of routes that some job of one has a granular neighbour in, each
// pair again only once one of its routes changed. Run at a local optimum of the cheaper
// moves, as it costs a pass over every job pair of the two routes.
bool LocalSearch::swap_star_pass() {
  const int routes = context_.num_vehicles;
  if (pair_tested_.empty()) pair_tested_.assign(static_cast<size_t>(routes) * routes, -1);
  linked_.assign(routes, 0);
  bool improved = false;
  for (int r1 = 0; r1 < routes; ++r1) {
    if (solution_.routes[r1].jobs.empty()) continue;
    std::fill(linked_.begin(), linked_.end(), 0);
    for (int u : solution_.routes[r1].jobs)
      for (int v : context_.neighbours[u])
        if (solution_.route_of[v] >= 0) linked_[solution_.route_of[v]] = 1;
    for (int r2 = 0; r2 < routes; ++r2) {
      if (!linked_[r2] || r2 == r1 || solution_.routes[r1].jobs.empty()) continue;
      if (Clock::now() >= deadline_) return improved;
      const int low = std::min(r1, r2), high = std::max(r1, r2);
      int64_t& tested = pair_tested_[static_cast<size_t>(low) * routes + high];
      if (std::max(solution_.routes[r1].modified, solution_.routes[r2].modified) <= tested) continue;
      tested = moves_;
      if (try_swap_star(r1, r2)) improved = true;
    }
  }
  return improved;
}

void LocalSearch::run() {
  std::vector<int> order;
  for (int job = 0; job < context_.num_jobs; ++job)
    if (solution_.route_of[job] >= 0) order.push_back(job);
  for (size_t at = order.size(); at > 1; --at) std::swap(order[at - 1], order[rng_.below(static_cast<int>(at))]);
  for (SearchRoute& route : solution_.routes) route.modified = 0;
  std::vector<int64_t> last_tested(context_.num_jobs, -1);
  bool improved = true;
  for (int pass = 0; improved; ++pass) {
    improved = false;
    for (int u : order) {
      if (Clock::now() >= deadline_) {
        recompute_cost(context_, solution_);
        return;
      }
      const int64_t tested = last_tested[u];
      last_tested[u] = moves_;
      for (int v : context_.neighbours[u]) {
        if (solution_.route_of[v] < 0) continue;
        const int ru = solution_.route_of[u], rv = solution_.route_of[v];
        if (std::max(solution_.routes[ru].modified, solution_.routes[rv].modified) <= tested) continue;
        bool moved;
        if (ru != rv) {
          moved = try_relocate(u, v) || try_exchange(u, v) || try_two_opt_star(u, v);
        } else {
          moved = try_relocate_within(u, v) || try_swap_within(u, v);
        }
        improved = improved || moved;
      }
      if (solution_.routes[solution_.route_of[u]].modified > tested && try_empty_vehicle(u)) improved = true;
    }
    if (!improved) improved = swap_star_pass();
  }
  recompute_cost(context_, solution_);
}

}  // namespace

void local_search(const SearchContext& context, Rng& rng, Clock::time_point deadline, Solution& solution) {
  LocalSearch(context, rng, deadline, solution).run();
}

}  // namespace longnan::routing
