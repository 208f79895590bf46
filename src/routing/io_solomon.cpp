// Reader for Solomon (1987) and Gehring–Homberger VRPTW instances. Layout:
//
//   C101
//   VEHICLE
//   NUMBER     CAPACITY
//     25         200
//   CUSTOMER
//   CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
//       0      40         50          0          0       1236          0
//       1      45         68         10        912        967         90
//
// Row 0 is the depot: its window is the vehicles' shift. Blank lines and CRLF are fine.
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "routing/internal.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

// Integer units per Solomon unit. 10000 keeps rounding error per leg at 0.00005 — far
// below the 2 decimals results are reported in — with totals well inside int64.
constexpr double kScale = 10000;

struct Line {
  int number = 0;  // 1-based
  std::vector<std::string_view> fields;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    std::string_view line = text.substr(begin, end - begin);
    Line parsed{number, {}};
    size_t at = 0;
    while (at < line.size()) {
      while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
      size_t start = at;
      while (at < line.size() && !std::isspace(static_cast<unsigned char>(line[at]))) ++at;
      if (at > start) parsed.fields.push_back(line.substr(start, at - start));
    }
    if (!parsed.fields.empty()) lines.push_back(std::move(parsed));
    begin = end + 1;
  }
  return lines;
}

bool parse_number(std::string_view field, double& out) {
  const char* first = field.data();
  if (!field.empty() && field[0] == '+') ++first;
  auto [end, error] = std::from_chars(first, field.data() + field.size(), out);
  return error == std::errc() && end == field.data() + field.size() && std::isfinite(out);
}

bool all_numbers(const Line& line) {
  double ignored;
  for (auto field : line.fields)
    if (!parse_number(field, ignored)) return false;
  return true;
}

bool is_word(const Line& line, std::string_view word) {
  if (line.fields.size() != 1 || line.fields[0].size() != word.size()) return false;
  for (size_t at = 0; at < word.size(); ++at)
    if (std::toupper(static_cast<unsigned char>(line.fields[0][at])) != word[at]) return false;
  return true;
}

int64_t scaled(double value) { return std::llround(value * kScale); }

class Parser {
 public:
  Parser(std::string_view text, std::string name) : lines_(split_lines(text)), name_(std::move(name)) {}

  core::Result<Problem> run();

 private:
  core::Error error_at(int line, const std::string& what) const {
    return core::bad_request(name_ + ":" + std::to_string(line) + ": " + what);
  }
  core::Error error(const std::string& what) const { return core::bad_request(name_ + ": " + what); }
  // Numbers of a line that must hold exactly `count` of them, described by `what`.
  bool numbers(const Line& line, size_t count, const char* what, std::vector<double>& out, core::Error& failure) const;

  std::vector<Line> lines_;
  std::string name_;
};

bool Parser::numbers(const Line& line, size_t count, const char* what, std::vector<double>& out,
                     core::Error& failure) const {
  out.clear();
  for (auto field : line.fields) {
    double value;
    if (!parse_number(field, value)) {
      failure = error_at(line.number, "bad number '" + std::string(field) + "' (expected " + what + ")");
      return false;
    }
    out.push_back(value);
  }
  if (out.size() != count) {
    failure = error_at(line.number, "expected " + std::to_string(count) + " numbers (" + what + "), found " +
                                        std::to_string(out.size()));
    return false;
  }
  return true;
}

core::Result<Problem> Parser::run() {
  size_t at = 0;
  if (lines_.empty()) return error("empty file");
  Problem problem;
  problem.name = std::string(lines_[at++].fields[0]);
  if (at >= lines_.size() || !is_word(lines_[at], "VEHICLE"))
    return at < lines_.size() ? error_at(lines_[at].number, "expected the VEHICLE section")
                              : error("missing the VEHICLE section");
  ++at;
  if (at < lines_.size() && !all_numbers(lines_[at])) ++at;  // NUMBER CAPACITY
  if (at >= lines_.size()) return error("missing the vehicle number and capacity");
  std::vector<double> values;
  core::Error failure;
  if (!numbers(lines_[at], 2, "vehicle number, capacity", values, failure)) return failure;
  const int fleet_line = lines_[at].number;
  const double fleet = values[0], capacity = values[1];
  if (fleet < 1 || fleet > 100000 || fleet != std::floor(fleet))
    return error_at(fleet_line, "the number of vehicles must be a whole number from 1 to 100000");
  if (capacity < 0 || capacity > 1e15 || capacity != std::floor(capacity))
    return error_at(fleet_line, "the capacity must be a non-negative whole number");
  ++at;
  if (at >= lines_.size() || !is_word(lines_[at], "CUSTOMER"))
    return at < lines_.size() ? error_at(lines_[at].number, "expected the CUSTOMER section")
                              : error("missing the CUSTOMER section");
  ++at;
  if (at < lines_.size() && !all_numbers(lines_[at])) ++at;  // column headings
  if (at >= lines_.size()) return error("no depot row in the CUSTOMER section");

  const char* kColumns = "CUST NO., XCOORD., YCOORD., DEMAND, READY TIME, DUE DATE, SERVICE TIME";
  std::vector<int> job_lines;
  std::vector<double> depot;
  for (; at < lines_.size(); ++at) {
    const Line& line = lines_[at];
    if (!numbers(line, 7, kColumns, values, failure)) return failure;
    if (values[0] != std::floor(values[0]) || values[0] < 0)
      return error_at(line.number, "the customer number must be a non-negative whole number");
    for (int column = 1; column < 7; ++column)
      if (std::fabs(values[column]) > 1e9) return error_at(line.number, "a value above 1e9 in absolute value");
    const std::string id = std::string(line.fields[0]);
    if (values[3] < 0) return error_at(line.number, "customer " + id + ": negative demand");
    if (values[3] != std::floor(values[3])) return error_at(line.number, "customer " + id + ": demand not whole");
    if (values[4] < 0 || values[6] < 0)
      return error_at(line.number, "customer " + id + ": negative ready time or service time");
    if (values[5] < values[4])
      return error_at(line.number, "customer " + id + ": window closes (due " + std::string(line.fields[5]) +
                                       ") before it opens (ready " + std::string(line.fields[4]) + ")");
    problem.planar.push_back({values[1], values[2]});
    if (depot.empty()) {
      depot = values;
      continue;
    }
    Job job;
    job.id = id;
    job.location = static_cast<int>(problem.planar.size()) - 1;
    job.demand = {static_cast<int64_t>(values[3]), 0};
    job.ready = scaled(values[4]);
    job.due = scaled(values[5]);
    job.service = scaled(values[6]);
    problem.jobs.push_back(std::move(job));
    job_lines.push_back(line.number);
  }

  const int n = static_cast<int>(problem.planar.size());
  problem.num_locations = n;
  problem.distance.resize(static_cast<size_t>(n) * n);
  problem.duration.resize(static_cast<size_t>(n) * n);
  for (int from = 0; from < n; ++from) {
    for (int to = 0; to < n; ++to) {
      const double exact =
          std::hypot(problem.planar[from].x - problem.planar[to].x, problem.planar[from].y - problem.planar[to].y);
      problem.distance[static_cast<size_t>(from) * n + to] = std::llround(exact * kScale);
      // Rounded up: every integer arrival time is then no earlier than the true one, so a
      // schedule that keeps integer windows keeps them in double precision too.
      problem.duration[static_cast<size_t>(from) * n + to] = static_cast<int64_t>(std::ceil(exact * kScale));
    }
  }
  // Cost = scaled distance: one money unit per Solomon unit, no time cost.
  problem.distance_units_per_km = static_cast<int64_t>(kScale);
  problem.time_units_per_hour = 1;
  Vehicle vehicle;
  vehicle.start = vehicle.end = 0;
  vehicle.capacity = {static_cast<int64_t>(capacity), kUnlimited};
  vehicle.shift_start = scaled(depot[4]);
  vehicle.shift_end = scaled(depot[5]);
  for (int index = 0; index < static_cast<int>(fleet); ++index) {
    vehicle.id = std::to_string(index + 1);
    problem.vehicles.push_back(vehicle);
  }
  if (auto issue = find_problem_issue(problem)) {
    if (issue->job >= 0) return error_at(job_lines[issue->job], issue->what);
    return error(issue->what);
  }
  return problem;
}

}  // namespace

core::Result<Problem> parse_solomon(std::string_view text, const std::string& name) { return Parser(text, name).run(); }

core::Result<Problem> read_solomon(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::bad_request(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_solomon(text.str(), path);
}

core::Result<Problem> read_problem(const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return read_problem_json(path);
  return read_solomon(path);
}

}  // namespace longnan::routing
