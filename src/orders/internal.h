// What the parts of the orders module share: the order state machine, the caller's
// relation to an order, the order's JSON, stock restores and the payout ledger postings.
// Not for use outside src/orders.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/principal.h"
#include "db/db.h"
#include "http/http.h"
#include "orders/providers.h"
#include "region/region.h"

namespace longnan::orders {

// A transition of the order state machine, as data. Who may apply it is decided by the
// caller's relation to the order.
struct Transition {
  std::string_view action;
  std::string_view from;
  std::string_view to;
};
// The transition named `action` out of status `from`; nullptr when there is none.
const Transition* find_transition(std::string_view action, std::string_view from);
// Any transition named `action` (for its error messages and its target).
const Transition& transition_named(std::string_view action);

extern const std::string kOrderColumns;  // SELECT … FROM orders o JOIN stores s (see order_json)
inline constexpr size_t kOrderPlatform = 1, kOrderStore = 2, kOrderBuyer = 4, kOrderCheckout = 5, kOrderStatus = 6,
                        kOrderMode = 7, kOrderTotal = 15, kOrderRefunded = 21, kOrderPickupCode = 24,
                        kOrderPaymentMethod = 25;

// The caller's relation to an order.
struct OrderAccess {
  bool buyer = false;
  bool store = false;
  bool county = false;
  bool courier = false;   // a courier of the order's county
  bool overseer = false;  // city admin, auditor
  bool any() const { return buyer || store || county || courier || overseer; }
  bool sees_phone() const { return buyer || store || county || courier; }
  struct OrderView view(bool with_events) const;
};

// What order_json shows: the full phone (the people who deliver), the pickup code (the
// buyer only), the history of the status.
struct OrderView {
  bool full_phone = false;
  bool buyer = false;
  bool with_events = false;
};
inline OrderView OrderAccess::view(bool with_events) const { return {sees_phone(), buyer, with_events}; }
OrderAccess access_to(const core::Principal& caller, const db::Row& order);
// The same for anything that belongs to an order (an after-sales request).
OrderAccess access_to(const core::Principal& caller, int64_t buyer_user_id, int64_t store_id, int64_t platform_id);

// The rows of an order-like table (with store_id, platform_id and buyer_user_id, under
// `alias`) that a caller's lists show, as " AND …" with its parameters: a store keeper's
// store, a county admin's county (and a courier's, when `couriers_see_county`), all for the
// city, an auditor's county or all; anyone else, and anyone asking for `mine`, their own
// purchases.
std::string list_scope(const core::Principal& caller, bool mine, bool couriers_see_county, std::string_view alias,
                       std::vector<db::Value>& params);

boost::json::object order_json(db::Session& session, const db::Row& order, const core::FieldCipher& cipher,
                               const OrderView& view);
// What an order's JSON shows beyond its row (kOrderColumns): the place names, the items
// (kOrderItemSelect), the payment, the latest after-sales request, the events.
struct OrderExtras {
  region::Place place;
  std::vector<db::Row> items;
  std::optional<db::Row> payment;
  std::optional<db::Row> after_sale;
  std::vector<db::Row> events;
};
extern const std::string kOrderItemSelect;  // an order's items, by :o
boost::json::object order_json(const db::Row& order, const OrderExtras& extras, const core::FieldCipher& cipher,
                               const OrderView& view);

// A checkout request (POST /api/v1/orders and its quote), validated.
struct SaleWanted {
  int64_t event_id = 0;
  int64_t sku_id = 0;
  int64_t quantity = 0;
};
struct CheckoutRequest {
  int64_t address_id = 0;
  std::string mode;  // delivery mode
  std::string note;
  std::string payment_method = "online";  // or cash_on_delivery
  std::optional<SaleWanted> sale;         // buy one SKU of a sale event instead of the cart
  std::string for_name;                   // a village agent orders for this villager
  std::optional<int64_t> for_household_id;
  // The delivery window the buyer chose (epoch ms), same_city and village_point only.
  std::optional<std::pair<int64_t, int64_t>> window;
};
// Validates a checkout body; `now_ms` decides which delivery windows may still be chosen.
core::Result<CheckoutRequest> parse_checkout(const core::Principal& caller, const boost::json::object& body,
                                             int64_t now_ms);

struct OrderLine {
  int64_t sku_id = 0, product_id = 0, producer_id = 0, store_id = 0, platform_id = 0;
  int64_t quantity = 0, price_fen = 0, weight_g = 0;
  std::string name, sku_code;
  std::optional<int64_t> sale_event_id;
  int64_t sale_limit = 0;  // the event's per-buyer limit
};
// One store's part of a checkout.
struct OrderDraft {
  int64_t platform_id = 0, store_id = 0, checkout_id = 0, buyer_user_id = 0;
  std::string mode, division_code;
  int64_t goods_fen = 0, freight_fen = 0;
  std::vector<OrderLine> lines;
};
// What a checkout buys, read without changing anything: the cart's lines on sale, or one
// SKU of a sale event at its sale price (refused outside the window, over the per-buyer
// limit with what the buyer holds already, or when the event has fewer units left).
core::Result<std::vector<OrderLine>> cart_lines(db::Session& session, int64_t user_id);
core::Result<std::vector<OrderLine>> sale_line(db::Session& session, const SaleWanted& sale, int64_t user_id,
                                               int64_t now);
// Takes the lines' stock (and for a sale, counts the purchase against the buyer's limit),
// each in one guarded statement; empties the cart lines bought. Fails, changing nothing the
// caller's transaction keeps, when any line cannot be had. Called last in the checkout's
// transaction, so that on PostgreSQL the row lock of a hot SKU is held only until commit.
core::Status reserve_stock(db::Session& session, const std::vector<OrderLine>& lines, int64_t user_id);
std::vector<OrderDraft> group_by_store(const std::vector<OrderLine>& lines);
// The freight of one store's order under the store's template (0 without one, or for
// pickup); fails when the store does not deliver to the address's region.
core::Result<int64_t> freight_for(db::Session& session, const OrderDraft& draft);
// A six-digit code for the pickup or village point (核销码).
std::string pickup_code();

// Closes the sale events whose window has passed, giving their remaining stock back to the
// SKUs (sales.cpp). Returns how many it closed.
int close_due_events(db::Database& database, int64_t now);

// Moves order `id` along `transition` if it is still in the transition's `from` state and
// records the event; a cancellation puts back whatever stock has not gone back yet.
// Returns false (and changes nothing) when the order is not in that state any more.
bool apply(db::Session& session, int64_t id, int64_t platform_id, const Transition& transition,
           std::optional<int64_t> actor_id, const std::string& actor_name, const std::string& note, int64_t now);

// Puts `quantity` units of order item `item_id` back into stock, at most up to what was
// bought and not yet put back. Returns how many went back.
int64_t restock(db::Session& session, int64_t item_id, int64_t quantity);

// Ledger postings (ledger.cpp). post_sale credits every item's producer (minus the
// commission, credited to the platform) and the freight to the store, for an order that
// has just been paid. post_refund reverses `amount` of the order, spread over `items` (order
// item ids; all items when empty) in order and then over the freight; it fails when the
// order has less than `amount` left to refund.
void post_sale(db::Session& session, int64_t order_id, int64_t now);
core::Status post_refund(db::Session& session, int64_t order_id, int64_t refund_id, int64_t amount,
                         const std::vector<int64_t>& items, int64_t now);

// Records a payment of `order_id` and credits the ledger.
void record_payment(db::Session& session, int64_t order_id, int64_t platform_id, std::string_view provider,
                    int64_t amount, const std::string& reference, std::optional<int64_t> confirmed_by, int64_t now);

// GET /api/v1/ledger/entries, /api/v1/ledger/summary, GET/PUT /api/v1/commission-rates.
void register_ledger_routes(http::Router& router, db::Database& database, const core::Clock& clock);

// Payments behind providers (providers.h): cash, confirmed by the person who collects it,
// and online providers (the sandbox, which behaves like WeChat Pay / Alipay): a prepay id
// per checkout, then an asynchronous signed notification that alone makes orders paid.
class Payments {
 public:
  // `sandbox_secret`: the key the sandbox provider signs its notifications with.
  Payments(db::Database& database, const core::Clock& clock, std::string sandbox_secret)
      : database_(database), clock_(clock), sandbox_(database, clock, std::move(sandbox_secret)) {}
  void register_routes(http::Router& router);

  // The answer to one notification: the HTTP status and what was logged.
  struct Outcome {
    int status = 200;
    std::string outcome;  // accepted, duplicate, forged, stale, malformed, unknown, mismatch
    std::string message;
  };
  // Verifies a notification with its provider (signature, freshness), then checks it (a
  // nonce never accepted before, the prepay's amount) and applies it: the checkout's unpaid
  // orders become paid and the ledger is credited. Whatever the outcome, it is logged in
  // payment_notifications; anything but accepted changes nothing else.
  Outcome receive(OnlineProvider& provider, const std::function<std::string(std::string_view)>& header,
                  std::string_view body);
  // The sandbox delivers its due notifications. Returns how many were delivered.
  int deliver_notifications();

  // Returns `amount` of order `order_id`'s payment to the buyer through the provider it
  // was paid with, inside the caller's transaction: records the refund, moves
  // orders.refunded_fen and posts the reversing ledger entries over `items` (all when
  // empty). Fails (409) when the order was not paid or has less than `amount` left.
  core::Result<int64_t> refund(db::Session& session, int64_t order_id, int64_t amount,
                               std::optional<int64_t> after_sale_id, const std::vector<int64_t>& items,
                               std::optional<int64_t> actor_id, int64_t now);

 private:
  http::Response pay_checkout(http::Request& request);
  http::Response get_checkout(http::Request& request);
  http::Response notify(OnlineProvider& provider, http::Request& request);
  http::Response list_notifications(http::Request& request);
  void log_notification(std::string_view provider, std::string_view nonce, std::string_view prepay_id,
                        const Outcome& outcome, std::string_view body);
  PaymentProvider* provider_named(std::string_view name);

  db::Database& database_;
  const core::Clock& clock_;
  CashProvider cash_;
  SandboxProvider sandbox_;
};

// After-sales requests (after_sales.cpp): refund only, or return and refund.
class AfterSales {
 public:
  AfterSales(db::Database& database, const core::Clock& clock, Payments& payments)
      : database_(database), clock_(clock), payments_(payments) {}
  void register_routes(http::Router& router);

 private:
  http::Response create(http::Request& request);
  http::Response list(http::Request& request);
  http::Response get(http::Request& request);
  http::Response advance(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  Payments& payments_;
};

}  // namespace longnan::orders
