// Delivery addresses: in Longnan a village or town community (official 12-digit code) and
// the house; elsewhere in China a province (6-digit code) and the rest of the address in
// words (city, district, street, house), for express parcels. The recipient's phone is
// encrypted at rest.
#include <boost/json.hpp>

#include "core/validate.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "region/region.h"

namespace longnan::orders {
namespace {

constexpr char kDivisionRule[] =
    "division_code must be the 12-digit code of a village or community of Longnan, or the 6-digit code of a province";

constexpr std::string_view kAddressColumns =
    "SELECT a.id, a.recipient, a.phone_enc, a.division_code, a.detail, a.is_default, a.created_at, v.name, t.name, c.name, "
    "v.level "
    "FROM addresses a JOIN divisions v ON v.code = a.division_code LEFT JOIN divisions t ON t.code = v.parent_code "
    "LEFT JOIN divisions c ON c.code = t.parent_code";

boost::json::object address_json(const db::Row& row, const core::FieldCipher& cipher) {
  const bool province = row.text(10) == "province";
  return {{"id", row.integer(0)},
          {"recipient", row.text(1)},
          {"phone", cipher.decrypt(row.text(2)).value_or("")},
          {"division_code", row.text(3)},
          {"province_name", province ? row.text(7) : std::string()},
          {"village_name", province ? std::string() : region::short_village_name(row.text(7))},
          {"township_name", province ? std::string() : row.text(8)},
          {"county_name", province ? std::string() : row.text(9)},
          {"detail", row.text(4)},
          {"is_default", row.integer(5) != 0},
          {"created_at", row.integer(6)}};
}

struct NewAddress {
  std::string recipient;
  std::string phone;
  std::string division_code;
  std::string detail;
  bool is_default = false;
};

core::Result<NewAddress> address_from_json(const boost::json::object& body, NewAddress base, bool partial) {
  http::Fields fields(body);
  if (auto value = fields.text("recipient", !partial, 50)) base.recipient = *value;
  if (auto value = fields.text("phone", !partial, 11)) base.phone = *value;
  if (auto value = fields.text("division_code", !partial, 12)) base.division_code = *value;
  if (auto value = fields.text("detail", !partial, 200)) base.detail = *value;
  if (auto value = fields.boolean("is_default", false)) base.is_default = *value;
  if (!fields.ok()) return fields.error();
  if (!core::valid_mobile(base.phone)) return core::invalid("phone", "phone must be an 11-digit mobile number");
  if (base.division_code.size() == 9 || !core::valid_division_code(base.division_code))
    return core::invalid("division_code", kDivisionRule);
  if (base.recipient.empty()) return core::invalid("recipient", "recipient must not be empty");
  if (base.detail.empty()) return core::invalid("detail", "detail must not be empty");
  return base;
}

// Whether `code` names a village or community of Longnan (the level local delivery goes
// down to), or a province (express parcels, the rest of the address in words).
bool deliverable(db::Session& session, const std::string& code) {
  return session.query_one("SELECT code FROM divisions WHERE code = :c AND level IN ('village', 'province')", {code})
      .has_value();
}

}  // namespace

// GET /api/v1/addresses: the caller's addresses, the default first.
http::Response Orders::list_addresses(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  boost::json::array items;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(std::string(kAddressColumns) + " WHERE a.user_id = :u ORDER BY a.is_default DESC, a.id",
                                         {(*principal)->user_id}))
      items.push_back(address_json(row, cipher_));
  });
  auto response = http::json_response(boost::json::object{{"items", std::move(items)}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// POST /api/v1/addresses
http::Response Orders::create_address(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  auto address = address_from_json(*body, {}, false);
  if (!address) return http::error_response(request, address.error());
  const int64_t user_id = (*principal)->user_id, now = clock_.now_ms();
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    if (!deliverable(session, address->division_code))
      return core::invalid("division_code", kDivisionRule);
    int64_t existing = session.scalar("SELECT COUNT(*) FROM addresses WHERE user_id = :u", {user_id});
    if (existing >= kMaxAddresses) return core::conflict("an account keeps at most 20 addresses");
    bool is_default = address->is_default || existing == 0;
    if (is_default) session.exec("UPDATE addresses SET is_default = 0 WHERE user_id = :u", {user_id});
    int64_t id = session.insert(
        "INSERT INTO addresses (user_id, recipient, phone_enc, division_code, detail, is_default, created_at, updated_at) "
        "VALUES (:u, :r, :p, :d, :x, :f, :t, :t2) RETURNING id",
        {user_id, address->recipient, cipher_.encrypt(address->phone), address->division_code, address->detail,
         int64_t{is_default}, now, now});
    created = address_json(*session.query_one(std::string(kAddressColumns) + " WHERE a.id = :i", {id}), cipher_);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/addresses/{id}
http::Response Orders::update_address(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t user_id = (*principal)->user_id, now = clock_.now_ms();
  boost::json::object updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kAddressColumns) + " WHERE a.id = :i AND a.user_id = :u", {*id, user_id});
    if (!row) return core::not_found("no such address");
    NewAddress base{row->text(1), cipher_.decrypt(row->text(2)).value_or(""), row->text(3), row->text(4), row->integer(5) != 0};
    auto address = address_from_json(*body, base, true);
    if (!address) return address.error();
    // The default moves only by choosing another address: it cannot be switched off.
    if (base.is_default) address->is_default = true;
    if (!deliverable(session, address->division_code))
      return core::invalid("division_code", kDivisionRule);
    if (address->is_default) session.exec("UPDATE addresses SET is_default = 0 WHERE user_id = :u", {user_id});
    session.exec(
        "UPDATE addresses SET recipient = :r, phone_enc = :p, division_code = :d, detail = :x, is_default = :f, "
        "updated_at = :t WHERE id = :i",
        {address->recipient, cipher_.encrypt(address->phone), address->division_code, address->detail,
         int64_t{address->is_default}, now, *id});
    updated = address_json(*session.query_one(std::string(kAddressColumns) + " WHERE a.id = :i", {*id}), cipher_);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(updated);
}

// DELETE /api/v1/addresses/{id}
http::Response Orders::delete_address(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  int64_t removed = 0;
  database_.write([&](db::Session& session) {
    removed = session.exec("DELETE FROM addresses WHERE id = :i AND user_id = :u", {*id, (*principal)->user_id});
    // The oldest remaining address becomes the default when the default went.
    if (removed && !session.query_one("SELECT 1 FROM addresses WHERE user_id = :u AND is_default = 1", {(*principal)->user_id}))
      session.exec("UPDATE addresses SET is_default = 1 WHERE id = (SELECT MIN(id) FROM addresses WHERE user_id = :u)",
                   {(*principal)->user_id});
  });
  if (removed == 0) return http::error_response(request, core::not_found("no such address"));
  http::Response response;
  response.status = 204;
  return response;
}

void Orders::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/cart", [this](http::Request& r) { return get_cart(r); });
  router.add(Method::kPut, "/api/v1/cart/items/{sku_id}", [this](http::Request& r) { return put_cart_item(r); });
  router.add(Method::kDelete, "/api/v1/cart/items/{sku_id}", [this](http::Request& r) { return delete_cart_item(r); });
  router.add(Method::kGet, "/api/v1/addresses", [this](http::Request& r) { return list_addresses(r); });
  router.add(Method::kPost, "/api/v1/addresses", [this](http::Request& r) { return create_address(r); });
  router.add(Method::kPatch, "/api/v1/addresses/{id}", [this](http::Request& r) { return update_address(r); });
  router.add(Method::kDelete, "/api/v1/addresses/{id}", [this](http::Request& r) { return delete_address(r); });
  router.add(Method::kPost, "/api/v1/orders", [this](http::Request& r) { return checkout(r); });
  router.add(Method::kPost, "/api/v1/orders/quote", [this](http::Request& r) { return quote(r); });
  router.add(Method::kGet, "/api/v1/stores/{id}/freight", [this](http::Request& r) { return get_freight(r); });
  router.add(Method::kPut, "/api/v1/stores/{id}/freight", [this](http::Request& r) { return put_freight(r); });
  router.add(Method::kPost, "/api/v1/sale-events", [this](http::Request& r) { return create_sale_event(r); });
  router.add(Method::kGet, "/api/v1/sale-events", [this](http::Request& r) { return list_sale_events(r); });
  router.add(Method::kGet, "/api/v1/sale-events/{id}", [this](http::Request& r) { return get_sale_event(r); });
  router.add(Method::kPost, "/api/v1/sale-events/{id}/close", [this](http::Request& r) { return close_sale_event(r); });
  router.add(Method::kGet, "/api/v1/orders", [this](http::Request& r) { return list_orders(r); });
  router.add(Method::kGet, "/api/v1/orders/{id}", [this](http::Request& r) { return get_order(r); });
  router.add(Method::kPost, "/api/v1/orders/{id}/cancel", [this](http::Request& r) { return cancel_order(r); });
  router.add(Method::kPost, "/api/v1/orders/{id}/advance", [this](http::Request& r) { return advance_order(r); });
  payments_->register_routes(router);
  after_sales_->register_routes(router);
  register_ledger_routes(router, database_, clock_);
}

}  // namespace longnan::orders
