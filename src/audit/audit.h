// The audit log: who changed which household, producer, store, product or user, when,
// and what it looked like before and after. Append-only. Personal fields are recorded
// masked, never in clear.
//
// Thread-safety: record() runs inside the caller's transaction on the caller's Session.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"
#include "http/http.h"

namespace longnan::audit {

struct Entry {
  std::optional<int64_t> platform_id;
  std::string entity;  // "household", "producer", "store", "product", "user"
  int64_t entity_id = 0;
  std::string action;  // "create", "update", "delete", "review:approve", "import", …
  boost::json::value before;  // null when created
  boost::json::value after;   // null when deleted
};

// Appends `entry`, attributed to the request's principal (or "system" without one).
void record(db::Session& session, const http::Request& request, const Entry& entry, int64_t now_ms);
// The same for changes made from the command line (imports, demo data).
void record_system(db::Session& session, const Entry& entry, const std::string& actor, int64_t now_ms);

// The `after` of an import entry: how many rows were created and their ids.
boost::json::value import_summary(const std::vector<int64_t>& ids);

// GET /api/v1/audit-log: auditors and admins, scoped to their county (city-wide for the city).
void register_routes(http::Router& router, db::Database& database);

}  // namespace longnan::audit
