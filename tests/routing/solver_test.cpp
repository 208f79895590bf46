#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include "fixtures.h"
#include "routing/routing.h"
#include "routing/search.h"

namespace longnan::routing {
namespace {

using testing::describe;

// Distance-only best-known distances from data/solomon/best_known.csv.
std::map<std::string, double> best_known() {
  std::ifstream csv(testing::source_path("data/solomon/best_known.csv"));
  std::map<std::string, double> out;
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      fields.push_back(line.substr(start, comma - start));
    fields.push_back(line.substr(start));
    out[fields[0]] = std::stod(fields[5]);
  }
  return out;
}

Problem solomon(const std::string& instance) {
  auto problem = read_solomon(testing::source_path("data/solomon/" + instance + ".txt"));
  EXPECT_TRUE(problem.ok()) << problem.error().message;
  return problem.ok() ? std::move(problem.value()) : Problem{};
}

// Re-checks a Solomon plan's windows and shift in double precision on the original
// coordinates and times, as the literature evaluates them.
std::string double_precision_violation(const Problem& problem, const Plan& plan) {
  constexpr double kScale = 10000;
  for (const Route& route : plan.routes) {
    const Vehicle& vehicle = problem.vehicles[route.vehicle];
    double time = static_cast<double>(vehicle.shift_start) / kScale;
    int at = vehicle.start;
    auto travel = [&](int to) {
      time += std::hypot(problem.planar[at].x - problem.planar[to].x, problem.planar[at].y - problem.planar[to].y);
      at = to;
    };
    for (int index : route.jobs) {
      const Job& job = problem.jobs[index];
      travel(job.location);
      if (time > static_cast<double>(job.due) / kScale + 1e-9) return "late at customer " + job.id;
      time = std::max(time, static_cast<double>(job.ready) / kScale) + static_cast<double>(job.service) / kScale;
    }
    travel(vehicle.end);
    if (time > static_cast<double>(vehicle.shift_end) / kScale + 1e-9) return "late back at the depot";
  }
  return "";
}

void expect_near_best_known(const std::string& instance, double seconds, double max_gap_percent) {
  const Problem problem = solomon(instance);
  const auto result = solve(problem, {.time_limit_s = seconds, .seed = 1});
  const auto violations = check(problem, result.plan);
  ASSERT_TRUE(violations.empty()) << instance << ": " << describe(violations);
  EXPECT_TRUE(result.unassigned.empty());
  EXPECT_EQ(double_precision_violation(problem, result.plan), "") << instance;
  const double distance = reported_distance(problem, result.plan);
  const double gap = 100 * (distance / best_known().at(instance) - 1);
  EXPECT_LT(gap, max_gap_percent) << instance << ": " << distance;
  EXPECT_EQ(result.cost, plan_cost(problem, result.plan));
}

TEST(Solver, SolvesSolomonInstancesNearTheBestKnown) {
  for (const char* instance : {"C101", "R102", "RC105", "R201", "C205"}) expect_near_best_known(instance, 1.0, 5.0);
}

TEST(Solver, SameSeedAndIterationsGiveTheSamePlan) {
  const Problem problem = solomon("RC101");
  const SolveOptions options{.time_limit_s = 60, .max_iterations = 3000, .seed = 7};
  const auto first = solve(problem, options);
  const auto second = solve(problem, options);
  ASSERT_TRUE(check(problem, first.plan).empty());
  ASSERT_EQ(first.plan.routes.size(), second.plan.routes.size());
  for (size_t route = 0; route < first.plan.routes.size(); ++route) {
    EXPECT_EQ(first.plan.routes[route].vehicle, second.plan.routes[route].vehicle);
    EXPECT_EQ(first.plan.routes[route].jobs, second.plan.routes[route].jobs);
  }
  EXPECT_EQ(first.cost, second.cost);
  EXPECT_EQ(first.iterations, 3000);
}

// A Gehring–Homberger-sized instance (1000 customers, random windows): construction and
// local search must stop at the deadline too.
TEST(Solver, HonoursTheTimeLimit) {
  std::string text = "BIG\nVEHICLE\nNUMBER CAPACITY\n250 200\nCUSTOMER\nCUST NO. X Y DEMAND READY DUE SERVICE\n";
  text += "0 250 250 0 0 3000 0\n";
  uint64_t state = 3;
  auto next = [&](int bound) { return static_cast<int>(((state = state * 6364136223846793005ULL + 1) >> 33) % bound); };
  for (int customer = 1; customer <= 1000; ++customer) {
    const int ready = next(2000);
    text += std::to_string(customer) + " " + std::to_string(next(500)) + " " + std::to_string(next(500)) + " " +
            std::to_string(1 + next(30)) + " " + std::to_string(ready) + " " + std::to_string(ready + 400 + next(300)) +
            " 10\n";
  }
  auto problem = parse_solomon(text, "big.txt");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  for (int threads : {1, 2}) {
    const auto started = std::chrono::steady_clock::now();
    const auto result = solve(*problem, {.time_limit_s = 0.5, .threads = threads});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(seconds, 0.55) << threads << " thread(s)";
    EXPECT_LT(result.seconds, 0.55);
    EXPECT_TRUE(check(*problem, result.plan).empty() || !result.unassigned.empty());
    for (const auto& violation : check(*problem, result.plan))
      EXPECT_EQ(violation.kind, ViolationKind::kMissingJob) << violation.message;
  }
}

TEST(Solver, TwoThreadsGiveAFeasiblePlan) {
  const Problem problem = solomon("R101");
  const auto result = solve(problem, {.time_limit_s = 0.5, .threads = 2});
  EXPECT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
}

// Jobs on a circle of radius 1000 m around the depot.
Problem ring(int jobs, int vehicles) {
  std::vector<Point> points = {{0, 0}};
  for (int job = 0; job < jobs; ++job) {
    const double angle = 2 * 3.14159265358979 * job / jobs;
    points.push_back({1000 * std::cos(angle), 1000 * std::sin(angle)});
  }
  return testing::planar_problem(points, vehicles);
}

TEST(Solver, KeepsColdJobsOnColdVehicles) {
  Problem problem = ring(12, 3);
  for (int job = 0; job < 12; job += 3) problem.jobs[job].needs_cold = true;
  problem.vehicles[2].cold = true;
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 500});
  ASSERT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
  for (const Route& route : result.plan.routes)
    for (int job : route.jobs)
      if (problem.jobs[job].needs_cold) {
        EXPECT_EQ(route.vehicle, 2);
      }
}

TEST(Solver, PrefersTheCheaperVehicleAndRespectsEachCapacity) {
  Problem problem = ring(10, 3);
  for (Job& job : problem.jobs) job.demand = {10, 20};
  problem.vehicles[0].cost_per_km = 5;  // dear but big
  problem.vehicles[0].capacity = {1000, 1000};
  problem.vehicles[1].capacity = {60, 1000};  // cheap, small by weight
  problem.vehicles[2].capacity = {1000, 80};  // cheap, small by volume
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 1000});
  ASSERT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
  std::map<int, size_t> served;
  for (const Route& route : result.plan.routes) served[route.vehicle] = route.jobs.size();
  EXPECT_EQ(served[1], 6u);  // 60 kg
  EXPECT_EQ(served[2], 4u);  // 80 litres
  EXPECT_EQ(served.count(0), 0u);
}

TEST(Solver, StartsAndEndsEachVehicleAtItsOwnDepot) {
  // Two clusters 100 km apart, a depot in each; vehicle 0 from A to A, vehicle 1 from B
  // to A (it ends its shift at A).
  std::vector<Point> points = {{0, 0}, {100000, 0}};
  for (int job = 0; job < 5; ++job) points.push_back({100.0 * job, 500});
  for (int job = 0; job < 5; ++job) points.push_back({100000 + 100.0 * job, 500});
  Problem problem = testing::planar_problem(points, 2);
  problem.jobs.erase(problem.jobs.begin());  // location 1 is a depot, not a job
  problem.vehicles[1].start = 1;
  problem.vehicles[1].capacity = {5, kUnlimited};
  problem.vehicles[0].capacity = {5, kUnlimited};
  for (Job& job : problem.jobs) job.demand = {1, 0};
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 500});
  ASSERT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
  for (const Route& route : result.plan.routes)
    for (int job : route.jobs) EXPECT_EQ(route.vehicle, problem.jobs[job].location >= 7 ? 1 : 0);
}

TEST(Solver, SplitsRoutesAtTheMaximumDuration) {
  Problem problem = ring(8, 4);
  for (Job& job : problem.jobs) job.service = 600;
  for (Vehicle& vehicle : problem.vehicles) vehicle.max_duration = 5400;  // 3 stops take 5330 s, 4 stops 6695 s
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 500});
  ASSERT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
  EXPECT_GE(used_vehicles(result.plan), 3);
  for (const Route& route : result.plan.routes) EXPECT_LE(route.jobs.size(), 3u);
}

TEST(Solver, AFixedCostSavesVehicles) {
  Problem problem = ring(12, 4);
  for (Vehicle& vehicle : problem.vehicles) vehicle.fixed_cost = 1'000'000;
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 300});
  ASSERT_TRUE(check(problem, result.plan).empty());
  EXPECT_EQ(used_vehicles(result.plan), 1);
}

TEST(Solver, ReportsJobsThatFitNowhere) {
  Problem problem = ring(6, 1);
  for (Job& job : problem.jobs) job.demand = {10, 0};
  problem.vehicles[0].capacity = {40, kUnlimited};
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 200});
  EXPECT_EQ(result.unassigned.size(), 2u);
  const auto violations = check(problem, result.plan);
  ASSERT_EQ(violations.size(), 2u) << describe(violations);
  EXPECT_EQ(violations[0].kind, ViolationKind::kMissingJob);
}

TEST(Solver, RespectsTimeWindowsOnAHandMadeProblem) {
  Problem problem = ring(6, 2);
  // Opposite sides of the ring, both due early: one vehicle cannot do both.
  problem.jobs[0].due = 1100;
  problem.jobs[3].due = 1100;
  const auto result = solve(problem, {.time_limit_s = 1, .max_iterations = 300});
  ASSERT_TRUE(check(problem, result.plan).empty()) << describe(check(problem, result.plan));
  EXPECT_EQ(used_vehicles(result.plan), 2);
}

// Two full routes (capacity 4, four jobs each) that relocate, swap, cross-exchange, 2-opt*
// and or-opt cannot improve — the start is where the local search stopped without SWAP*
// — but exchanging job 6 of the first with job 3 of the second, each to its best place
// in the other route rather than to the other's place, does.
TEST(LocalSearch, SwapStarImprovesWhereInPlaceExchangesCannot) {
  Problem problem = testing::planar_problem(
      {{0, 0}, {200, -900}, {-300, -500}, {400, -700}, {500, 700}, {700, -500}, {-100, 200}, {-100, -600}, {-300, 0}},
      2);
  for (Job& job : problem.jobs) job.demand = {1, 0};
  for (Vehicle& vehicle : problem.vehicles) vehicle.capacity = {4, kUnlimited};
  const SearchContext context(problem);
  Solution solution = empty_solution(context);
  solution.routes[0].jobs = {6, 0, 2, 4};
  solution.routes[1].jobs = {3, 5, 7, 1};
  solution.unassigned.clear();
  update_route(context, solution, 0);
  update_route(context, solution, 1);
  recompute_cost(context, solution);
  const int64_t start_cost = solution.cost;
  Rng rng(1);
  local_search(context, rng, Clock::now() + std::chrono::seconds(10), solution);
  EXPECT_LT(solution.cost, start_cost);
  const Plan plan = to_plan(solution);
  ASSERT_TRUE(check(problem, plan).empty()) << describe(check(problem, plan));
  EXPECT_EQ(solution.cost, plan_cost(problem, plan));
  EXPECT_EQ(solution.route_of[6], 1);
  EXPECT_EQ(solution.route_of[3], 0);
}

TEST(Solver, HandlesAnEmptyProblem) {
  Problem problem = testing::planar_problem({{0, 0}});
  const auto result = solve(problem, {.time_limit_s = 1});
  EXPECT_TRUE(result.plan.routes.empty());
  EXPECT_TRUE(check(problem, result.plan).empty());
}

}  // namespace
}  // namespace longnan::routing
