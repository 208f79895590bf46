// What a checkout buys: the validated request, the cart's lines or one sale-event line,
// their stock taken under guards, and the split into one order per store.
#include <sodium.h>

#include <algorithm>
#include <map>

#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

const std::vector<std::string_view> kDeliveryModes{"same_city", "village_point", "pickup", "express"};

// The delivery windows a buyer may choose, in minutes after local midnight.
struct Slot {
  std::string_view name;
  int64_t from_min, to_min;
};
constexpr Slot kSlots[] = {
    {"morning", 9 * 60, 12 * 60}, {"afternoon", 14 * 60, 18 * 60}, {"evening", 18 * 60, 21 * 60}};
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kWindowDays = 7;                    // today and the six days after
constexpr int64_t kWindowNoticeMs = 2 * 3600 * 1000;  // a window must end at least this long after ordering

// {day: "YYYY-MM-DD", slot: morning|afternoon|evening} as epoch ms [start, end).
core::Result<std::pair<int64_t, int64_t>> parse_window(const boost::json::object& object, int64_t now_ms) {
  http::Fields fields(object);
  auto day = fields.text("day", true, 10);
  auto slot = fields.text("slot", true, 10);
  if (!fields.ok()) {
    core::Error error = fields.error();
    error.field = "delivery_window." + error.field;
    return error;
  }
  int64_t day_start = 0;
  if (!core::parse_date(*day, day_start)) return core::invalid("delivery_window.day", "day must be a date YYYY-MM-DD");
  const auto* chosen =
      std::find_if(std::begin(kSlots), std::end(kSlots), [&](const Slot& s) { return s.name == *slot; });
  if (chosen == std::end(kSlots))
    return core::invalid("delivery_window.slot", "slot must be morning, afternoon or evening");
  int64_t today = 0;
  core::parse_date(core::shanghai_date(now_ms), today);
  if (day_start < today || day_start >= today + kWindowDays * kDayMs)
    return core::invalid("delivery_window.day", "day must be today or within the next six days");
  const int64_t start = day_start + chosen->from_min * 60'000, end = day_start + chosen->to_min * 60'000;
  if (end < now_ms + kWindowNoticeMs)
    return core::invalid("delivery_window.slot", "this window ends too soon: choose a later one");
  return std::make_pair(start, end);
}

}  // namespace

core::Result<CheckoutRequest> parse_checkout(const core::Principal& caller, const boost::json::object& body,
                                             int64_t now_ms) {
  http::Fields fields(body);
  CheckoutRequest wanted;
  auto address_id = fields.integer("address_id", true, 1, INT32_MAX);
  auto mode = fields.text("delivery_mode", true, 20);
  auto note = fields.text("note", false, 200);
  auto payment_method = fields.text("payment_method", false, 20);
  const auto* sale = fields.object("sale", false);
  const auto* agent = fields.object("on_behalf_of", false);
  const auto* window = fields.object("delivery_window", false);
  if (fields.ok() && std::find(kDeliveryModes.begin(), kDeliveryModes.end(), *mode) == kDeliveryModes.end())
    fields.fail(core::invalid("delivery_mode", "delivery_mode must be same_city, village_point, pickup or express"));
  if (fields.ok() && payment_method && *payment_method != "online" && *payment_method != "cash_on_delivery")
    fields.fail(core::invalid("payment_method", "payment_method must be online or cash_on_delivery"));
  if (!fields.ok()) return fields.error();
  wanted.payment_method = payment_method.value_or("online");
  wanted.address_id = *address_id;
  wanted.mode = *mode;
  wanted.note = note.value_or("");
  if (window) {
    if (wanted.mode != "same_city" && wanted.mode != "village_point")
      return core::invalid("delivery_window", "a delivery window is chosen for same_city and village_point only");
    auto chosen = parse_window(*window, now_ms);
    if (!chosen) return chosen.error();
    wanted.window = *chosen;
  }
  auto nested = [](http::Fields& part, std::string_view prefix) {
    core::Error error = part.error();
    error.field = std::string(prefix) + "." + error.field;
    return error;
  };
  if (sale) {
    http::Fields part(*sale);
    auto event_id = part.integer("event_id", true, 1, INT64_MAX);
    auto sku_id = part.integer("sku_id", true, 1, INT64_MAX);
    auto quantity = part.integer("quantity", true, 1, kMaxQuantity);
    if (!part.ok()) return nested(part, "sale");
    wanted.sale = SaleWanted{*event_id, *sku_id, *quantity};
  }
  if (agent) {
    // 代购: the village store keeper orders for a villager without a smartphone.
    if (caller.role != core::Role::kStoreKeeper)
      return core::forbidden("only a village agent (store keeper) orders for others");
    http::Fields part(*agent);
    auto name = part.text("name", true, 40);
    auto household = part.integer("household_id", false, 1, INT64_MAX);
    if (part.ok() && name->empty()) part.fail(core::invalid("name", "say whom the order is for"));
    if (!part.ok()) return nested(part, "on_behalf_of");
    wanted.for_name = *name;
    wanted.for_household_id = household;
  }
  return wanted;
}

core::Result<std::vector<OrderLine>> cart_lines(db::Session& session, int64_t user_id) {
  std::vector<OrderLine> lines;
  for (const auto& row : session.query(
           "SELECT c.sku_id, c.quantity, k.price_fen, k.code, p.id, p.name, p.store_id, p.producer_id, p.platform_id, "
           "COALESCE(k.weight_g, 0) FROM cart_items c JOIN skus k ON k.id = c.sku_id JOIN products p ON p.id = "
           "k.product_id "
           "WHERE c.user_id = :u AND p.status = 'listed' ORDER BY p.store_id, c.sku_id",
           {user_id}))
    lines.push_back(OrderLine{.sku_id = row.integer(0),
                              .product_id = row.integer(4),
                              .producer_id = row.integer(7),
                              .store_id = row.integer(6),
                              .platform_id = row.integer(8),
                              .quantity = row.integer(1),
                              .price_fen = row.integer(2),
                              .weight_g = row.integer(9),
                              .name = row.text(5),
                              .sku_code = row.text(3)});
  if (lines.empty()) return core::invalid("cart", "the cart holds nothing that is on sale");
  return lines;
}

core::Result<std::vector<OrderLine>> sale_line(db::Session& session, const SaleWanted& sale, int64_t user_id,
                                               int64_t now) {
  // One statement for the event, its SKU and what this buyer holds already: it runs for
  // every flash-sale request, on the one writer thread for those that buy.
  auto row = session.query_one(
      "SELECT v.starts_at, v.ends_at, v.per_buyer_limit, v.status, e.sku_id, e.sale_price_fen, k.code, p.id, p.name, "
      "p.store_id, p.producer_id, p.platform_id, COALESCE(k.weight_g, 0), e.stock, e.released, COALESCE(b.quantity, 0) "
      "FROM sale_events v LEFT JOIN sale_event_skus e ON e.event_id = v.id AND e.sku_id = :s "
      "LEFT JOIN skus k ON k.id = e.sku_id LEFT JOIN products p ON p.id = k.product_id "
      "LEFT JOIN sale_event_buyers b ON b.event_id = v.id AND b.user_id = :u WHERE v.id = :e",
      {sale.sku_id, user_id, sale.event_id});
  if (!row) return core::invalid("sale.event_id", "no such sale event");
  if (row->text(3) == "closed" || now >= row->integer(1)) return core::conflict("the sale has ended", "sale");
  if (now < row->integer(0)) return core::conflict("the sale has not started yet", "sale");
  if (row->is_null(4)) return core::invalid("sale.sku_id", "this SKU is not part of the sale");
  const int64_t limit = row->integer(2);
  if (row->integer(15) + sale.quantity > limit)
    return core::conflict("each buyer may buy at most " + std::to_string(limit) + " in this sale", "sale.quantity");
  if (row->integer(14) || row->integer(13) < sale.quantity)
    return core::conflict("sold out: the sale has fewer than " + std::to_string(sale.quantity) + " left",
                          "sale.quantity");
  return std::vector<OrderLine>{OrderLine{.sku_id = sale.sku_id,
                                          .product_id = row->integer(7),
                                          .producer_id = row->integer(10),
                                          .store_id = row->integer(9),
                                          .platform_id = row->integer(11),
                                          .quantity = sale.quantity,
                                          .price_fen = row->integer(5),
                                          .weight_g = row->integer(12),
                                          .name = row->text(8),
                                          .sku_code = row->text(6),
                                          .sale_event_id = sale.event_id,
                                          .sale_limit = limit}};
}

core::Status reserve_stock(db::Session& session, const std::vector<OrderLine>& lines, int64_t user_id) {
  for (const auto& line : lines) {
    if (!line.sale_event_id) {
      // The cart line goes first: the guarded update locks the SKU's row (PostgreSQL) until
      // commit, so nothing else should come after it.
      session.exec("DELETE FROM cart_items WHERE user_id = :u AND sku_id = :s", {user_id, line.sku_id});
      if (session.exec("UPDATE skus SET stock = stock - :q WHERE id = :s AND stock >= :q2",
                       {line.quantity, line.sku_id, line.quantity}) != 1)
        return core::conflict(line.name + " does not have " + std::to_string(line.quantity) + " in stock", "cart");
      continue;
    }
    // The limit and the stock are each decided by one guarded statement on the database,
    // never by a counter in this process: two servers on one PostgreSQL stay correct.
    const int64_t event = *line.sale_event_id;
    // A first purchase is within the limit (sale_line checked it in this transaction); a
    // later one, or one that raced a first, adds up only while the sum stays within it.
    if (session.exec("INSERT INTO sale_event_buyers (event_id, user_id, quantity) VALUES (:e, :u, :q) "
                     "ON CONFLICT (event_id, user_id) DO UPDATE SET quantity = sale_event_buyers.quantity + "
                     "excluded.quantity WHERE sale_event_buyers.quantity + excluded.quantity <= :l",
                     {event, user_id, line.quantity, line.sale_limit}) != 1)
      return core::conflict("each buyer may buy at most " + std::to_string(line.sale_limit) + " in this sale",
                            "sale.quantity");
    if (session.exec(
            "UPDATE sale_event_skus SET stock = stock - :q WHERE event_id = :e AND sku_id = :s AND released = 0 "
            "AND stock >= :q2",
            {line.quantity, event, line.sku_id, line.quantity}) != 1)
      return core::conflict("sold out: the sale has fewer than " + std::to_string(line.quantity) + " left",
                            "sale.quantity");
  }
  return core::Status();
}

std::vector<OrderDraft> group_by_store(const std::vector<OrderLine>& lines) {
  std::map<int64_t, OrderDraft> by_store;
  for (const auto& line : lines) {
    OrderDraft& draft = by_store[line.store_id];
    draft.store_id = line.store_id;
    draft.platform_id = line.platform_id;
    draft.goods_fen += line.price_fen * line.quantity;
    draft.lines.push_back(line);
  }
  std::vector<OrderDraft> drafts;
  for (auto& [store, draft] : by_store) drafts.push_back(std::move(draft));
  return drafts;
}

std::string pickup_code() { return std::to_string(100000 + randombytes_uniform(900000)); }

}  // namespace longnan::orders
