#include <gtest/gtest.h>

#include "fixtures.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

constexpr const char* kMatrixProblem = R"({
  "name": "two stops",
  "matrix": {"distance": [[0, 1000, 2000], [1000, 0, 1500], [2000, 1500, 0]],
             "duration": [[0, 100, 200], [100, 0, 150], [200, 150, 0]]},
  "jobs": [{"id": "a", "location": 1, "demand": [5, 10], "window": [0, 1000], "service": 60, "cold": true},
           {"id": 7, "location": 2, "demand": 3}],
  "vehicles": [{"id": "van", "start": 0, "capacity": [10, 20], "shift": [0, 5000], "max_duration": 4000,
                "cold": true, "cost_per_km": 150, "cost_per_hour": 3000, "fixed_cost": 2000}]
})";

std::string error_of(const std::string& text) {
  auto problem = parse_problem_json(text, "p.json");
  EXPECT_FALSE(problem.ok()) << text;
  return problem.ok() ? "" : problem.error().message;
}

TEST(JsonReader, ReadsAMatrixProblem) {
  auto problem = parse_problem_json(kMatrixProblem, "p.json");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_EQ(problem->name, "two stops");
  ASSERT_EQ(problem->num_locations, 3);
  EXPECT_EQ(problem->dist(1, 2), 1500);
  EXPECT_EQ(problem->time(2, 0), 200);
  ASSERT_EQ(problem->jobs.size(), 2u);
  EXPECT_EQ(problem->jobs[0].id, "a");
  EXPECT_EQ(problem->jobs[0].demand, (Load{5, 10}));
  EXPECT_TRUE(problem->jobs[0].needs_cold);
  EXPECT_EQ(problem->jobs[0].service, 60);
  EXPECT_EQ(problem->jobs[1].id, "7");
  EXPECT_EQ(problem->jobs[1].demand, (Load{3, 0}));
  EXPECT_EQ(problem->jobs[1].due, kUnlimited);
  const Vehicle& van = problem->vehicles[0];
  EXPECT_EQ(van.end, 0);
  EXPECT_EQ(van.capacity, (Load{10, 20}));
  EXPECT_EQ(van.max_duration, 4000);
  EXPECT_EQ(van.fixed_cost, 2000);
  EXPECT_TRUE(van.cold);

  auto result = solve(*problem, {.time_limit_s = 0.2, .max_iterations = 200});
  EXPECT_TRUE(check(*problem, result.plan).empty()) << testing::describe(check(*problem, result.plan));
  EXPECT_EQ(plan_to_json(*problem, result.plan).substr(0, 10), "{\"routes\":");
}

TEST(JsonReader, BuildsTheMatrixFromCoordinates) {
  // 0.01° of latitude ≈ 1111.95 m; × circuity 1.2 = 1334 m; at 36 km/h (10 m/s) 134 s.
  auto problem = parse_problem_json(R"({
    "locations": [{"lat": 33.0, "lng": 105.0}],
    "circuity": 1.2, "speed_kmh": 36,
    "jobs": [{"id": "x", "lat": 33.01, "lng": 105.0}],
    "vehicles": [{"start": 0}]})",
                                    "geo.json");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  ASSERT_EQ(problem->num_locations, 2);
  EXPECT_EQ(problem->jobs[0].location, 1);
  EXPECT_NEAR(static_cast<double>(problem->dist(0, 1)), 1334, 1);
  EXPECT_NEAR(static_cast<double>(problem->time(0, 1)), 134, 1);
  auto result = solve(*problem, {.time_limit_s = 0.2, .max_iterations = 10});
  ASSERT_TRUE(check(*problem, result.plan).empty());
  EXPECT_NEAR(reported_distance(*problem, result.plan), 2.668, 0.002);  // km, there and back
}

TEST(JsonReader, DefaultCircuityIsOnePointFour) {
  auto problem = parse_problem_json(R"({"locations": [{"lat": 0, "lng": 0}, {"lat": 0, "lng": 0.01}],
    "jobs": [{"location": 1}], "vehicles": [{"start": 0}]})",
                                    "geo.json");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_NEAR(static_cast<double>(problem->dist(0, 1)), 1111.95 * 1.4, 1);
}

TEST(JsonReader, ReportsWhatIsWrongAndWhere) {
  std::string message = error_of("{\n  \"jobs\": [\n  ,]\n}");
  EXPECT_NE(message.find("p.json:3: JSON syntax error"), std::string::npos) << message;

  message = error_of(R"({"matrix": {"distance": [[0]], "duration": [[0]]}, "vehicles": []})");
  EXPECT_NE(message.find("p.json: jobs: missing"), std::string::npos) << message;

  message = error_of(R"({"jobs": [], "vehicles": []})");
  EXPECT_NE(message.find("give \"matrix\" or \"locations\""), std::string::npos) << message;

  const std::string matrix = R"("matrix": {"distance": [[0, 10], [10, 0]], "duration": [[0, 10], [10, 0]]})";
  message = error_of("{" + matrix + R"(, "jobs": [{"location": 1, "window": [50, 40]}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("p.json: jobs[0]: job 0: window closes (40) before it opens (50)"), std::string::npos)
      << message;

  message = error_of("{" + matrix + R"(, "jobs": [{"location": 1, "demand": -1}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("jobs[0]: job 0: negative demand"), std::string::npos) << message;

  message = error_of("{" + matrix + R"(, "jobs": [{"location": 1, "cold": true}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("needs a cold vehicle"), std::string::npos) << message;

  message =
      error_of("{" + matrix +
               R"(, "jobs": [{"location": 1, "demand": [1, 30]}], "vehicles": [{"start": 0, "capacity": [5, 20]}]})");
  EXPECT_NE(message.find("demand above every suitable vehicle's capacity"), std::string::npos) << message;

  message = error_of("{" + matrix + R"(, "jobs": [{"location": 1, "window": [0, 5]}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("no vehicle can reach it"), std::string::npos) << message;

  message = error_of("{" + matrix + R"(, "jobs": [{"location": 2}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("jobs[0].location: must be from 0 to 1"), std::string::npos) << message;

  message = error_of("{" + matrix + R"(, "jobs": [{"location": "one"}], "vehicles": [{"start": 0}]})");
  EXPECT_NE(message.find("jobs[0].location: expected a number"), std::string::npos) << message;

  message = error_of("{" + matrix + R"(, "jobs": [], "vehicles": [{"start": 0, "shift": [10, 5]}]})");
  EXPECT_NE(message.find("vehicles[0]: vehicle 0: shift ends before it starts"), std::string::npos) << message;

  message =
      error_of(R"({"matrix": {"distance": [[0, 1], [1]], "duration": [[0, 1], [1, 0]]}, "jobs": [], "vehicles": []})");
  EXPECT_NE(message.find("matrix.distance[1]: expected 2 numbers"), std::string::npos) << message;

  message =
      error_of(R"({"matrix": {"distance": [[0]], "duration": [[0]]}, "locations": [], "jobs": [], "vehicles": []})");
  EXPECT_NE(message.find("not both"), std::string::npos) << message;

  message = error_of("[1, 2]");
  EXPECT_NE(message.find("expected an object"), std::string::npos) << message;
}

TEST(JsonReader, WritesPlansWithNumericIdsAsNumbers) {
  Problem problem = testing::planar_problem({{0, 0}, {3, 4}, {6, 8}});
  problem.jobs[0].id = "12";
  problem.jobs[1].id = "b\"1";
  problem.planar = {{0, 0}, {3, 4}, {6, 8}};
  const Plan plan{{{0, {0, 1}}}};
  EXPECT_EQ(plan_to_json(problem, plan), R"({"routes":[[12,"b\"1"]],"distance":20.00,"vehicles":1})");
}

}  // namespace
}  // namespace longnan::routing
