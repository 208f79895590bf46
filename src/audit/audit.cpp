#include "audit/audit.h"

#include <boost/json.hpp>

#include "http/export.h"
#include "http/json.h"

namespace longnan::audit {
namespace {

std::string json_or_null(const boost::json::value& value) {
  return value.is_null() ? std::string() : boost::json::serialize(value);
}

void insert(db::Session& session, const Entry& entry, std::optional<int64_t> actor_id, const std::string& actor_name,
            const std::string& request_id, int64_t now_ms) {
  std::string before = json_or_null(entry.before), after = json_or_null(entry.after);
  session.exec(
      "INSERT INTO audit_log (platform_id, actor_user_id, actor_name, entity, entity_id, action, before_json, "
      "after_json, request_id, at) VALUES (:p, :u, :n, :e, :i, :a, :b, :f, :r, :t)",
      {entry.platform_id ? db::Value(*entry.platform_id) : db::Value(), actor_id ? db::Value(*actor_id) : db::Value(),
       actor_name, entry.entity, entry.entity_id, entry.action, before.empty() ? db::Value() : db::Value(before),
       after.empty() ? db::Value() : db::Value(after), request_id, now_ms});
}

boost::json::value stored_json(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  auto parsed = http::parse_json(*text);
  return parsed ? std::move(parsed.value()) : boost::json::value(*text);
}

// GET /api/v1/audit-log: the audit trail in the caller's scope, newest first.
http::Response list(http::Request& request, db::Database& database) {
  auto principal = http::require_role(request, {core::Role::kAuditor, core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  auto entity_id = http::query_integer(request, "entity_id", 1, INT64_MAX);
  if (!entity_id) return http::error_response(request, entity_id.error());

  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!(*principal)->is_city_wide()) {
    where += " AND platform_id = :p";
    params.emplace_back(*(*principal)->platform_id);
  }
  if (auto entity = request.query_param("entity"); entity && !entity->empty()) {
    where += " AND entity = :e";
    params.emplace_back(std::string(*entity));
  }
  if (*entity_id) {
    where += " AND entity_id = :i";
    params.emplace_back(**entity_id);
  }
  boost::json::array items;
  core::Table table;
  db::PageRows result;
  database.with_session([&](db::Session& session) {
    result = db::select_page(session,
                             "SELECT id, at, actor_name, entity, entity_id, action, before_json, after_json, request_id, "
                             "platform_id",
                             "FROM audit_log" + where, "ORDER BY id DESC", params, http::list_limit(*format, *page),
                             http::list_offset(*format, *page));
  });
  if (*format) table.push_back({"id", "at", "actor", "entity", "entity_id", "action", "before", "after", "request_id"});
  for (const auto& row : result.rows) {
      if (*format) {
      table.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                       row.text(7), row.text(8)});
      continue;
    }
    items.push_back(boost::json::object{{"id", row.integer(0)},
                                        {"at", row.integer(1)},
                                        {"actor_name", row.text(2)},
                                        {"entity", row.text(3)},
                                        {"entity_id", row.integer(4)},
                                        {"action", row.text(5)},
                                        {"before", stored_json(row.optional_text(6))},
                                        {"after", stored_json(row.optional_text(7))},
                                        {"request_id", row.text(8)},
                                        {"platform_id", row.is_null(9) ? boost::json::value() : row.integer(9)}});
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "audit-log");
}

}  // namespace

void record(db::Session& session, const http::Request& request, const Entry& entry, int64_t now_ms) {
  std::optional<int64_t> actor_id;
  std::string actor_name = "system";
  if (request.principal) {
    actor_id = request.principal->user_id;
    actor_name = request.principal->name;
  }
  insert(session, entry, actor_id, actor_name, request.request_id, now_ms);
}

void record_system(db::Session& session, const Entry& entry, const std::string& actor, int64_t now_ms) {
  insert(session, entry, std::nullopt, actor, "cli", now_ms);
}

boost::json::value import_summary(const std::vector<int64_t>& ids) {
  boost::json::array list(ids.begin(), ids.end());
  return boost::json::object{{"rows", ids.size()}, {"ids", std::move(list)}};
}

void register_routes(http::Router& router, db::Database& database) {
  router.add(http::Method::kGet, "/api/v1/audit-log", [&database](http::Request& request) { return list(request, database); });
}

}  // namespace longnan::audit
