// Freight templates per store: by weight and region, with a free-shipping threshold; and
// the quote of a checkout (goods, freight and total per store) before it is placed.
#include <boost/json.hpp>

#include "audit/audit.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

constexpr size_t kMaxRules = 50;

boost::json::object template_json(db::Session& session, int64_t store_id) {
  auto header =
      session.query_one("SELECT free_over_fen, updated_at FROM freight_templates WHERE store_id = :s", {store_id});
  boost::json::array rules;
  for (const auto& row : session.query("SELECT region_prefix, first_weight_g, first_fen, extra_weight_g, extra_fen "
                                       "FROM freight_rules WHERE store_id = :s "
                                       "ORDER BY region_prefix",
                                       {store_id}))
    rules.push_back(boost::json::object{{"region_prefix", row.text(0)},
                                        {"first_weight_g", row.integer(1)},
                                        {"first_fen", row.integer(2)},
                                        {"extra_weight_g", row.integer(3)},
                                        {"extra_fen", row.integer(4)}});
  return {
      {"store_id", store_id},
      {"configured", header.has_value()},
      {"free_over_fen", header && !header->is_null(0) ? boost::json::value(header->integer(0)) : boost::json::value()},
      {"updated_at", header ? boost::json::value(header->integer(1)) : boost::json::value()},
      {"rules", std::move(rules)}};
}

}  // namespace

core::Result<int64_t> freight_for(db::Session& session, const OrderDraft& draft) {
  // Same-city couriers and village points serve the store's own county; anywhere else the
  // parcel goes by express.
  if ((draft.mode == "same_city" || draft.mode == "village_point") &&
      region::platform_of(session, draft.division_code) != draft.platform_id) {
    auto store = session.query_one("SELECT name FROM stores WHERE id = :s", {draft.store_id});
    return core::invalid("delivery_mode", (store ? store->text(0) : "a store") +
                                              " delivers same-city and to village points only in its own county: "
                                              "choose express for this address");
  }
  if (draft.mode == "pickup") return int64_t{0};
  auto header = session.query_one("SELECT free_over_fen FROM freight_templates WHERE store_id = :s", {draft.store_id});
  if (!header) return int64_t{0};  // the store has no template: delivery is free
  // The longest prefix of the address's division code that has a rule.
  std::optional<db::Row> rule;
  for (const auto& row : session.query("SELECT region_prefix, first_weight_g, first_fen, extra_weight_g, extra_fen "
                                       "FROM freight_rules WHERE store_id = :s",
                                       {draft.store_id}))
    if (draft.division_code.starts_with(row.text(0)) && (!rule || row.text(0).size() > rule->text(0).size()))
      rule = row;
  if (!rule) {
    auto store = session.query_one("SELECT name FROM stores WHERE id = :s", {draft.store_id});
    return core::invalid("address_id", (store ? store->text(0) : "a store") + " does not deliver to this region");
  }
  if (!header->is_null(0) && draft.goods_fen >= header->integer(0)) return int64_t{0};
  int64_t weight = 0;
  for (const auto& line : draft.lines) weight += line.weight_g * line.quantity;
  const int64_t extra = std::max<int64_t>(0, weight - rule->integer(1));
  const int64_t steps = (extra + rule->integer(3) - 1) / rule->integer(3);
  return rule->integer(2) + steps * rule->integer(4);
}

// GET /api/v1/stores/{id}/freight: public (buyers see how freight is worked out).
http::Response Orders::get_freight(http::Request& request) {
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    if (session.scalar("SELECT COUNT(*) FROM stores WHERE id = :s", {*id}) > 0) body = template_json(session, *id);
  });
  if (!body) return http::error_response(request, core::not_found("no such store"));
  return http::json_response(*body);
}

// PUT /api/v1/stores/{id}/freight {free_over_fen, rules: [{region_prefix, first_weight_g,
// first_fen, extra_weight_g, extra_fen}]}: the store keeper or the county replaces the
// template as a whole. Applies to orders placed from now on.
http::Response Orders::put_freight(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kStoreKeeper, core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto free_over = fields.integer("free_over_fen", false, 1, INT64_C(1) << 40);
  const auto* rule_array = fields.array("rules", true, kMaxRules);
  if (fields.ok() && rule_array->empty())
    fields.fail(core::invalid("rules", "give at least one rule (region_prefix \"\" for everywhere)"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  struct Rule {
    std::string prefix;
    int64_t first_weight_g, first_fen, extra_weight_g, extra_fen;
  };
  std::vector<Rule> rules;
  for (size_t index = 0; index < rule_array->size(); ++index) {
    const auto& value = (*rule_array)[index];
    const std::string where = "rules[" + std::to_string(index) + "]";
    if (!value.is_object())
      return http::error_response(request, core::bad_request(where + " must be an object", "rules"));
    http::Fields rule(value.as_object());
    auto prefix = rule.text("region_prefix", false, 12);  // "" or absent: everywhere
    auto first_weight = rule.integer("first_weight_g", true, 1, 1'000'000);
    auto first_fen = rule.integer("first_fen", true, 0, 10'000'000);
    auto extra_weight = rule.integer("extra_weight_g", true, 1, 1'000'000);
    auto extra_fen = rule.integer("extra_fen", true, 0, 10'000'000);
    if (rule.ok() && prefix.value_or("").find_first_not_of("0123456789") != std::string::npos)
      rule.fail(core::invalid("region_prefix", "a region is the start of a division code: digits only"));
    if (!rule.ok()) {
      core::Error error = rule.error();
      error.field = where + "." + error.field;
      return http::error_response(request, error);
    }
    for (const auto& seen : rules)
      if (seen.prefix == prefix.value_or(""))
        return http::error_response(request, core::invalid(where + ".region_prefix", "two rules for one region"));
    rules.push_back({prefix.value_or(""), *first_weight, *first_fen, *extra_weight, *extra_fen});
  }
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto store = session.query_one("SELECT platform_id FROM stores WHERE id = :s", {*id});
    const bool mine = store && (caller.role == core::Role::kStoreKeeper ? caller.store_id == *id
                                                                        : caller.sees_platform(store->integer(0)));
    if (!mine) return core::not_found("no such store");
    auto before = template_json(session, *id);
    session.exec("DELETE FROM freight_rules WHERE store_id = :s", {*id});
    session.exec("DELETE FROM freight_templates WHERE store_id = :s", {*id});
    session.exec("INSERT INTO freight_templates (store_id, free_over_fen, updated_at) VALUES (:s, :f, :t)",
                 {*id, free_over ? db::Value(*free_over) : db::Value(), now});
    for (const auto& rule : rules)
      session.exec(
          "INSERT INTO freight_rules (store_id, region_prefix, first_weight_g, first_fen, extra_weight_g, extra_fen) "
          "VALUES (:s, :r, :fw, :ff, :ew, :ef)",
          {*id, rule.prefix, rule.first_weight_g, rule.first_fen, rule.extra_weight_g, rule.extra_fen});
    answer = template_json(session, *id);
    audit::record(session, request,
                  {.platform_id = store->integer(0),
                   .entity = "freight_template",
                   .entity_id = *id,
                   .action = "update",
                   .before = before,
                   .after = answer},
                  now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

// POST /api/v1/orders/quote: what a checkout with this body would cost, per store, without
// placing it (the checkout page shows freight before the buyer commits).
http::Response Orders::quote(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t user_id = (*principal)->user_id, now = clock_.now_ms();
  auto wanted = parse_checkout(**principal, *body, now);
  if (!wanted) return http::error_response(request, wanted.error());
  boost::json::object answer;
  core::Status status;
  database_.with_session([&](db::Session& session) {
    status = [&]() -> core::Status {
      auto address = session.query_one("SELECT division_code FROM addresses WHERE id = :i AND user_id = :u",
                                       {wanted->address_id, user_id});
      if (!address) return core::invalid("address_id", "no such address of yours");
      auto lines = wanted->sale ? sale_line(session, *wanted->sale, user_id, now) : cart_lines(session, user_id);
      if (!lines) return lines.error();
      boost::json::array orders;
      int64_t total = 0;
      for (auto& draft : group_by_store(*lines)) {
        draft.mode = wanted->mode;
        draft.division_code = address->text(0);
        auto freight = freight_for(session, draft);
        if (!freight) return freight.error();
        auto store = session.query_one("SELECT name FROM stores WHERE id = :s", {draft.store_id});
        total += draft.goods_fen + *freight;
        orders.push_back(
            boost::json::object{{"store", boost::json::object{{"id", draft.store_id}, {"name", store->text(0)}}},
                                {"goods_fen", draft.goods_fen},
                                {"freight_fen", *freight},
                                {"total_fen", draft.goods_fen + *freight}});
      }
      answer = {{"orders", std::move(orders)}, {"total_fen", total}};
      return core::Status();
    }();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

}  // namespace longnan::orders
