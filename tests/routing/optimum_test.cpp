// The solver against exact optima: small random problems (seven jobs, capacities, time
// windows, three identical vehicles) whose optimum is found by trying every plan — every
// order of the jobs cut into at most three routes — each through check(). The solver must
// find a plan of exactly that cost, and its plan must pass check() too.
#include <algorithm>
#include <cstdint>
#include <numeric>

#include "fixtures.h"

namespace longnan::routing {
namespace {

using testing::describe;
using testing::planar_problem;

// A random problem: jobs on a 100 × 100 square around a central depot, demands and windows
// such that every job alone can be served.
Problem random_problem(uint64_t seed, int jobs) {
  uint64_t state = seed * 2654435761ULL + 1;
  auto next = [&](int bound) {
    return static_cast<int>(((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) % bound);
  };
  std::vector<Point> points{{50, 50}};
  for (int job = 0; job < jobs; ++job)
    points.push_back({static_cast<double>(next(101)), static_cast<double>(next(101))});
  Problem problem = planar_problem(points, 3);
  for (auto& vehicle : problem.vehicles) {
    vehicle.capacity = {20, kUnlimited};
    vehicle.shift_end = 1000;
  }
  for (auto& job : problem.jobs) {
    job.demand = {1 + next(10), 0};
    job.service = 5;
    job.ready = next(400);
    job.due = job.ready + 100 + next(300);
  }
  return problem;
}

// The least cost of any feasible plan, trying them all.
int64_t brute_force_optimum(const Problem& problem) {
  const int n = static_cast<int>(problem.jobs.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  int64_t best = INT64_MAX;
  do {
    // Cut the order at a ≤ b into three routes (empty routes allowed).
    for (int a = 0; a <= n; ++a)
      for (int b = a; b <= n; ++b) {
        Plan plan;
        plan.routes.push_back({0, std::vector<int>(order.begin(), order.begin() + a)});
        plan.routes.push_back({1, std::vector<int>(order.begin() + a, order.begin() + b)});
        plan.routes.push_back({2, std::vector<int>(order.begin() + b, order.end())});
        if (!check(problem, plan).empty()) continue;
        best = std::min(best, plan_cost(problem, plan));
      }
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

TEST(Optimum, TheSolverFindsTheExactOptimumOfSmallProblems) {
  int with_windows_binding = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const Problem problem = random_problem(seed, 7);
    ASSERT_TRUE(validate(problem).ok()) << validate(problem).error().message;
    const int64_t optimum = brute_force_optimum(problem);
    ASSERT_LT(optimum, INT64_MAX) << "seed " << seed << " has no feasible plan";
    const auto result = solve(problem, {.time_limit_s = 5, .max_iterations = 3000, .seed = seed});
    const auto violations = check(problem, result.plan);
    ASSERT_TRUE(violations.empty()) << "seed " << seed << ": " << describe(violations);
    EXPECT_EQ(result.cost, optimum) << "seed " << seed;
    EXPECT_EQ(plan_cost(problem, result.plan), result.cost);
    // The windows matter: the optimum without them is cheaper on at least some seeds.
    Problem relaxed = problem;
    for (auto& job : relaxed.jobs) {
      job.ready = 0;
      job.due = kUnlimited;
    }
    with_windows_binding += brute_force_optimum(relaxed) < optimum;
  }
  EXPECT_GT(with_windows_binding, 0) << "the random windows never bind: the test would not test them";
}

}  // namespace
}  // namespace longnan::routing
