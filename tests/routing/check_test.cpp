#include <gtest/gtest.h>

#include "fixtures.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

using testing::describe;
using testing::has_kind;

// Depot at 0, jobs j1 at 10 m east, j2 at 20 m east, j3 at 10 m north; two vehicles.
Problem small_problem() {
  Problem problem = testing::planar_problem({{0, 0}, {10, 0}, {20, 0}, {0, 10}}, 2);
  for (Job& job : problem.jobs) job.demand = {10, 5};
  return problem;
}

TEST(Check, AFeasiblePlanHasNoViolations) {
  const Problem problem = small_problem();
  const Plan plan{{{0, {0, 1}}, {1, {2}}}};
  EXPECT_TRUE(check(problem, plan).empty()) << describe(check(problem, plan));
  EXPECT_EQ(plan_cost(problem, plan) / (problem.time_units_per_hour), 20 + 20 + 20);
}

TEST(Check, FindsUnknownDuplicateAndMissingJobs) {
  const Problem problem = small_problem();
  auto violations = check(problem, {{{0, {0, 7, -1, 0}}}});
  EXPECT_TRUE(has_kind(violations, ViolationKind::kUnknownJob)) << describe(violations);
  EXPECT_TRUE(has_kind(violations, ViolationKind::kDuplicateJob));
  EXPECT_TRUE(has_kind(violations, ViolationKind::kMissingJob));
  EXPECT_NE(describe(violations).find("job j1 is served twice"), std::string::npos) << describe(violations);
  EXPECT_NE(describe(violations).find("job j2 is served by no route"), std::string::npos) << describe(violations);
  EXPECT_NE(describe(violations).find("names job index 7, which does not exist"), std::string::npos);
}

TEST(Check, FindsUnknownVehiclesAndVehiclesUsedTwice) {
  const Problem problem = small_problem();
  auto violations = check(problem, {{{0, {0}}, {0, {1}}, {5, {2}}, {-3, {}}}});
  EXPECT_TRUE(has_kind(violations, ViolationKind::kVehicleUsedTwice)) << describe(violations);
  EXPECT_TRUE(has_kind(violations, ViolationKind::kUnknownVehicle));
  EXPECT_FALSE(has_kind(violations, ViolationKind::kMissingJob));  // j3 is listed, on a bad vehicle
  EXPECT_NE(describe(violations).find("vehicle v0 drives two routes"), std::string::npos) << describe(violations);
}

TEST(Check, FindsCapacityExceededPerDimension) {
  Problem problem = small_problem();
  problem.vehicles[0].capacity = {25, 100};
  auto violations = check(problem, {{{0, {0, 1, 2}}}});
  ASSERT_TRUE(has_kind(violations, ViolationKind::kCapacityExceeded)) << describe(violations);
  EXPECT_NE(describe(violations).find("carries 30 weight, above its capacity 25"), std::string::npos);
  problem.vehicles[0].capacity = {100, 12};
  violations = check(problem, {{{0, {0, 1, 2}}}});
  EXPECT_NE(describe(violations).find("carries 15 volume, above its capacity 12"), std::string::npos)
      << describe(violations);
}

TEST(Check, FindsAMissedTimeWindowWithTheArrivalTime) {
  Problem problem = small_problem();
  problem.jobs[0].service = 5;
  problem.jobs[1].due = 20;  // reached at 10 + 5 + 10 = 25 via j1
  auto violations = check(problem, {{{0, {0, 1, 2}}}});
  ASSERT_TRUE(has_kind(violations, ViolationKind::kTimeWindowMissed)) << describe(violations);
  EXPECT_NE(describe(violations).find("vehicle v0 arrives at job j2 at 25, after its window closes at 20"),
            std::string::npos)
      << describe(violations);
  EXPECT_TRUE(check(problem, {{{0, {1, 0, 2}}}}).empty());  // j2 first: there at 20
}

TEST(Check, WaitsForAWindowToOpen) {
  Problem problem = small_problem();
  problem.jobs[0].ready = 100;
  problem.jobs[0].due = 100;
  problem.jobs[1].due = 115;  // leaves j1 at 100, there at 110
  EXPECT_TRUE(check(problem, {{{0, {0, 1, 2}}}}).empty()) << describe(check(problem, {{{0, {0, 1, 2}}}}));
}

TEST(Check, FindsTheShiftEndExceeded) {
  Problem problem = small_problem();
  problem.vehicles[0].shift_end = 50;  // the tour is 20 + 20 + 20 + 20 = 60... plus more
  auto violations = check(problem, {{{0, {0, 1, 2}}}});
  ASSERT_TRUE(has_kind(violations, ViolationKind::kShiftEndExceeded)) << describe(violations);
  EXPECT_NE(describe(violations).find("is back at"), std::string::npos);
}

TEST(Check, MaxDurationCountsFromTheLatestFeasibleDeparture) {
  Problem problem = small_problem();
  problem.jobs[0].ready = 1000;  // a vehicle leaving at 0 would wait 990
  problem.vehicles[0].max_duration = 25;
  EXPECT_TRUE(check(problem, {{{0, {0}}, {1, {1, 2}}}}).empty()) << describe(check(problem, {{{0, {0}}, {1, {1, 2}}}}));
  problem.vehicles[0].max_duration = 19;
  auto violations = check(problem, {{{0, {0}}, {1, {1, 2}}}});
  ASSERT_TRUE(has_kind(violations, ViolationKind::kMaxDurationExceeded)) << describe(violations);
  EXPECT_NE(describe(violations).find("needs at least 20"), std::string::npos) << describe(violations);
}

TEST(Check, FindsColdJobsOnVehiclesWithoutCooling) {
  Problem problem = small_problem();
  problem.jobs[2].needs_cold = true;
  problem.vehicles[1].cold = true;
  EXPECT_TRUE(check(problem, {{{0, {0, 1}}, {1, {2}}}}).empty());
  auto violations = check(problem, {{{0, {0, 1, 2}}}});
  ASSERT_TRUE(has_kind(violations, ViolationKind::kColdChain)) << describe(violations);
  EXPECT_NE(describe(violations).find("job j3 needs cold chain but vehicle v0 has no cooling"), std::string::npos);
}

TEST(Check, ReportsAMalformedProblemInsteadOfCrashing) {
  Problem problem = small_problem();
  problem.distance.pop_back();
  auto violations = check(problem, {{{0, {0, 1, 2}}}});
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].kind, ViolationKind::kBadProblem);
  problem = small_problem();
  problem.jobs[0].location = 99;
  EXPECT_EQ(check(problem, {}).at(0).kind, ViolationKind::kBadProblem);
  EXPECT_EQ(check(Problem{}, {}).at(0).kind, ViolationKind::kBadProblem);
}

TEST(Check, SurvivesNonsensePlans) {
  const Problem problem = small_problem();
  uint64_t state = 7;
  auto next = [&] { return static_cast<int>((state = state * 6364136223846793005ULL + 1) >> 33); };
  for (int round = 0; round < 500; ++round) {
    Plan plan;
    for (int route = next() % 5; route > 0; --route) {
      Route r{next() % 7 - 2, {}};
      for (int job = next() % 6; job > 0; --job) r.jobs.push_back(next() % 9 - 3);
      plan.routes.push_back(r);
    }
    plan.routes.push_back({std::numeric_limits<int>::max(), {std::numeric_limits<int>::min()}});
    EXPECT_FALSE(check(problem, plan).empty());
  }
}

}  // namespace
}  // namespace longnan::routing
