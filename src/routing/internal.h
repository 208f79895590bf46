// Internal to routing: helpers shared by the readers, check() and the solver.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "routing/routing.h"

namespace longnan::routing {

// The first thing wrong with a problem, tied to a job or vehicle when it is about one so
// that readers can point at the line or JSON element it came from.
struct ProblemIssue {
  int job = -1;
  int vehicle = -1;
  std::string what;
};
std::optional<ProblemIssue> find_problem_issue(const Problem& problem);

// `vehicle` can serve `job` on a route of its own: cold chain, capacity, window, shift,
// maximum duration. REQUIRES: the problem's invariants hold.
bool can_serve_alone(const Problem& problem, int vehicle, int job);

// Formats a time or quantity for messages.
std::string format_int(int64_t value);

}  // namespace longnan::routing
