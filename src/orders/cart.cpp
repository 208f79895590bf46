// The shopping cart: one line per SKU, across stores, grouped by store when read.
#include <boost/json.hpp>

#include <map>

#include "http/json.h"
#include "orders/orders.h"

namespace longnan::orders {

// GET /api/v1/cart: the caller's cart by store, with today's prices and whether each line
// can be bought (the product is listed and has the stock).
http::Response Orders::get_cart(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  std::vector<db::Row> rows;
  database_.with_session([&](db::Session& session) {
    rows = session.query(
        "SELECT c.sku_id, c.quantity, k.code, k.attrs_json, k.price_fen, k.stock, k.weight_g, k.cold_chain, p.id, p.name, "
        "p.status, p.images_json, s.id, s.name, p.name_en FROM cart_items c JOIN skus k ON k.id = c.sku_id "
        "JOIN products p ON p.id = k.product_id JOIN stores s ON s.id = p.store_id WHERE c.user_id = :u "
        "ORDER BY s.id, c.added_at, c.sku_id",
        {(*principal)->user_id});
  });
  boost::json::array stores;
  int64_t total_fen = 0, count = 0;
  for (size_t index = 0; index < rows.size();) {
    const int64_t store_id = rows[index].integer(12);
    boost::json::array items;
    int64_t subtotal_fen = 0;
    const std::string store_name = rows[index].text(13);
    for (; index < rows.size() && rows[index].integer(12) == store_id; ++index) {
      const db::Row& row = rows[index];
      const int64_t quantity = row.integer(1), price = row.integer(4), stock = row.integer(5);
      const bool listed = row.text(10) == "listed";
      const bool available = listed && stock >= quantity;
      // Checkout skips lines no longer on sale but refuses lines short of stock.
      boost::json::value reason = nullptr;
      if (!listed) reason = "not_listed";
      else if (!available) reason = "insufficient_stock";
      auto attrs = http::parse_json(row.text(3));
      auto images = http::parse_json(row.text(11));
      items.push_back(boost::json::object{{"sku_id", row.integer(0)},
                                          {"sku_code", row.text(2)},
                                          {"attrs", attrs ? attrs.value() : boost::json::object()},
                                          {"product_id", row.integer(8)},
                                          {"name", row.text(9)},
                                          {"name_en", row.text(14)},
                                          {"images", images ? images.value() : boost::json::array()},
                                          {"price_fen", price},
                                          {"quantity", quantity},
                                          {"stock", stock},
                                          {"weight_g", row.is_null(6) ? boost::json::value() : row.integer(6)},
                                          {"cold_chain", row.integer(7) != 0},
                                          {"available", available},
                                          {"unavailable_reason", reason},
                                          {"subtotal_fen", price * quantity}});
      if (available) subtotal_fen += price * quantity;
      count += quantity;
    }
    total_fen += subtotal_fen;
    stores.push_back(boost::json::object{{"store", boost::json::object{{"id", store_id}, {"name", store_name}}},
                                         {"items", std::move(items)},
                                         {"subtotal_fen", subtotal_fen}});
  }
  auto response = http::json_response(
      boost::json::object{{"stores", std::move(stores)}, {"total_fen", total_fen}, {"count", count}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// PUT /api/v1/cart/items/{sku_id}: sets how many of a SKU the cart holds.
http::Response Orders::put_cart_item(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto sku_id = http::path_id(request, "sku_id");
  if (!sku_id) return http::error_response(request, sku_id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto quantity = fields.integer("quantity", true, 1, kMaxQuantity);
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t user_id = (*principal)->user_id;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto sku = session.query_one(
        "SELECT k.stock, p.status FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = :s", {*sku_id});
    if (!sku || sku->text(1) != "listed") return core::not_found("no such product on sale");
    if (sku->integer(0) < *quantity)
      return core::invalid("quantity", "only " + std::to_string(sku->integer(0)) + " left in stock");
    bool present = session.query_one("SELECT 1 FROM cart_items WHERE user_id = :u AND sku_id = :s", {user_id, *sku_id})
                       .has_value();
    if (present) {
      session.exec("UPDATE cart_items SET quantity = :q WHERE user_id = :u AND sku_id = :s", {*quantity, user_id, *sku_id});
      return core::Status();
    }
    if (session.scalar("SELECT COUNT(*) FROM cart_items WHERE user_id = :u", {user_id}) >= kMaxCartLines)
      return core::conflict("the cart holds " + std::to_string(kMaxCartLines) + " products already");
    session.exec("INSERT INTO cart_items (user_id, sku_id, quantity, added_at) VALUES (:u, :s, :q, :t)",
                 {user_id, *sku_id, *quantity, clock_.now_ms()});
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return get_cart(request);
}

// DELETE /api/v1/cart/items/{sku_id}: removes a SKU from the cart.
http::Response Orders::delete_cart_item(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto sku_id = http::path_id(request, "sku_id");
  if (!sku_id) return http::error_response(request, sku_id.error());
  int64_t removed = 0;
  database_.write([&](db::Session& session) {
    removed = session.exec("DELETE FROM cart_items WHERE user_id = :u AND sku_id = :s", {(*principal)->user_id, *sku_id});
  });
  if (removed == 0) return http::error_response(request, core::not_found("the cart does not hold this SKU"));
  http::Response response;
  response.status = 204;
  return response;
}

}  // namespace longnan::orders
