// Solves the Solomon instances single-threaded with a fixed time limit each, checks every
// plan with routing::check(), and prints per instance and per class (C1 … RC2) the
// vehicles, the gap to the distance-only best-known distance and the time, in the layout
// of data/solomon/vroom.md so the two tables compare directly. Run by bench/routing.sh.
//
// With --large S it solves instead a 1,000-customer instance of Gehring–Homberger size
// (generated, deterministic: 1,000 customers in a 500 × 500 square, windows of 400–700 in
// a horizon of 3,000, capacity 200) within S seconds and reports whether every customer is
// served by a plan that passes check().
//
// usage: routing_bench DATA_DIR [--time-limit S] [--seed N] [--only PREFIX] [--iterations N] [--large S]
// Exit code 1 when a plan fails check() or an instance cannot be read.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.h"
#include "routing/routing.h"

namespace {

using namespace longnan;

struct Outcome {
  std::string instance;
  int vehicles = 0;
  double distance = 0;
  int reference_vehicles = 0;
  double reference_distance = 0;
  double seconds = 0;
  int64_t iterations = 0;
  double gap() const { return 100 * (distance / reference_distance - 1); }
};

// "RC105" → "RC1".
std::string class_of(const std::string& instance) {
  size_t letters = 0;
  while (letters < instance.size() && std::isalpha(static_cast<unsigned char>(instance[letters]))) ++letters;
  return instance.substr(0, std::min(instance.size(), letters + 1));
}

void print_table(const std::vector<Outcome>& outcomes, double time_limit) {
  const std::vector<std::string> classes = {"C1", "C2", "R1", "R2", "RC1", "RC2", "all"};
  std::printf(
      "\n| class | vehicles | vehicles, distance-only best-known | gap %% | time per instance, mean / max (s) |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const std::string& cls : classes) {
    double vehicles = 0, reference = 0, gap = 0, seconds = 0, slowest = 0;
    int count = 0;
    for (const Outcome& outcome : outcomes) {
      if (cls != "all" && class_of(outcome.instance) != cls) continue;
      ++count;
      vehicles += outcome.vehicles;
      reference += outcome.reference_vehicles;
      gap += outcome.gap();
      seconds += outcome.seconds;
      slowest = std::max(slowest, outcome.seconds);
    }
    if (count == 0) continue;
    const bool all = cls == "all";
    std::printf("| %s%s%s | %.2f | %.2f | %s%+.2f%s | %.2f / %.2f |\n", all ? "**" : "", cls.c_str(), all ? "**" : "",
                vehicles / count, reference / count, all ? "**" : "", gap / count, all ? "**" : "", seconds / count,
                slowest);
  }
  int over = 0;
  for (const Outcome& outcome : outcomes) over += outcome.vehicles > outcome.reference_vehicles + 1;
  std::printf("\n%zu instances, time limit %.1f s each, one thread; %d with more vehicles than the best-known + 1.\n",
              outcomes.size(), time_limit, over);
}

}  // namespace

// The generated 1,000-customer instance, solved within `seconds`.
int solve_large(double seconds, uint64_t seed) {
  std::string text = "LARGE1000\nVEHICLE\nNUMBER CAPACITY\n250 200\nCUSTOMER\nCUST NO. X Y DEMAND READY DUE SERVICE\n";
  text += "0 250 250 0 0 3000 0\n";
  uint64_t state = 20130621;
  auto next = [&](int bound) { return static_cast<int>(((state = state * 6364136223846793005ULL + 1) >> 33) % bound); };
  for (int customer = 1; customer <= 1000; ++customer) {
    const int ready = next(2000);
    text += std::to_string(customer) + " " + std::to_string(next(500)) + " " + std::to_string(next(500)) + " " +
            std::to_string(1 + next(30)) + " " + std::to_string(ready) + " " + std::to_string(ready + 400 + next(300)) +
            " 10\n";
  }
  auto problem = routing::parse_solomon(text, "large1000");
  if (!problem) {
    std::fprintf(stderr, "%s\n", problem.error().message.c_str());
    return 1;
  }
  const auto result = routing::solve(*problem, {.time_limit_s = seconds, .seed = seed});
  const auto violations = routing::check(*problem, result.plan);
  std::printf(
      "1,000 customers, limit %.0f s: %s, %zu unassigned, %d vehicles, distance %.2f, %.2f s, %lld iterations\n",
      seconds, violations.empty() ? "feasible (check() passes)" : "INFEASIBLE", result.unassigned.size(),
      routing::used_vehicles(result.plan), routing::reported_distance(*problem, result.plan), result.seconds,
      static_cast<long long>(result.iterations));
  return violations.empty() ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: routing_bench DATA_DIR [--time-limit S] [--seed N] [--only PREFIX] [--iterations N]\n");
    return 2;
  }
  const std::string dir = argv[1];
  routing::SolveOptions options;
  options.time_limit_s = 5;
  std::string only;
  for (int at = 2; at + 1 < argc; at += 2) {
    const std::string flag = argv[at], value = argv[at + 1];
    if (flag == "--time-limit")
      options.time_limit_s = std::stod(value);
    else if (flag == "--seed")
      options.seed = std::stoull(value);
    else if (flag == "--only")
      only = value;
    else if (flag == "--iterations")
      options.max_iterations = std::stoll(value);
    else if (flag == "--large")
      return solve_large(std::stod(value), options.seed);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::ifstream csv_file(dir + "/best_known.csv");
  std::stringstream csv_text;
  csv_text << csv_file.rdbuf();
  core::Table rows;
  std::string error;
  if (!core::parse_csv(csv_text.str(), rows, error) || rows.size() < 2) {
    std::fprintf(stderr, "%s/best_known.csv: cannot read %s\n", dir.c_str(), error.c_str());
    return 1;
  }
  const std::vector<std::string>& header = rows[0];
  auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t instance_col = column("instance"), vehicles_col = column("dist_only_vehicles"),
               distance_col = column("dist_only_distance");
  if (distance_col >= header.size() || vehicles_col >= header.size() || instance_col >= header.size()) {
    std::fprintf(stderr, "best_known.csv: missing columns\n");
    return 1;
  }
  std::vector<Outcome> outcomes;
  bool failed = false;
  std::printf("%-6s %8s %10s %10s %8s %7s %10s\n", "inst", "vehicles", "distance", "best", "gap%", "time",
              "iterations");
  for (size_t row = 1; row < rows.size(); ++row) {
    if (rows[row].size() <= distance_col) continue;
    Outcome outcome;
    outcome.instance = rows[row][instance_col];
    if (!only.empty() && outcome.instance.rfind(only, 0) != 0) continue;
    outcome.reference_vehicles = std::stoi(rows[row][vehicles_col]);
    outcome.reference_distance = std::stod(rows[row][distance_col]);
    auto problem = routing::read_solomon(dir + "/" + outcome.instance + ".txt");
    if (!problem) {
      std::fprintf(stderr, "%s\n", problem.error().message.c_str());
      failed = true;
      continue;
    }
    const routing::SolveResult result = routing::solve(*problem, options);
    const auto violations = routing::check(*problem, result.plan);
    for (const auto& violation : violations)
      std::fprintf(stderr, "%s: %s\n", outcome.instance.c_str(), violation.message.c_str());
    if (!violations.empty()) failed = true;
    outcome.vehicles = routing::used_vehicles(result.plan);
    outcome.distance = routing::reported_distance(*problem, result.plan);
    outcome.seconds = result.seconds;
    outcome.iterations = result.iterations;
    std::printf("%-6s %8d %10.2f %10.2f %+8.2f %7.2f %10lld%s\n", outcome.instance.c_str(), outcome.vehicles,
                outcome.distance, outcome.reference_distance, outcome.gap(), outcome.seconds,
                static_cast<long long>(outcome.iterations), violations.empty() ? "" : "  INFEASIBLE");
    std::fflush(stdout);
    outcomes.push_back(outcome);
  }
  print_table(outcomes, options.time_limit_s);
  return failed ? 1 : 0;
}
