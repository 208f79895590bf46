// The platform end (平台端) as it grows: buyers' delivery addresses, the shopping cart
// across stores, and checkout into one order per store with an explicit order state
// machine (pending payment → paid (cash) → packed → shipped → delivered → completed, or
// cancelled), every step a guarded transition recorded as an order event. Online payment,
// after-sales, sale events and settlement will join this module.
//
// Thread-safety: Orders may be used from any thread; the deadline sweeper runs on its own
// thread and stops with the object. Each caller sees only the orders of their scope.
#pragma once

#include <condition_variable>
#include <memory>
#include <string>
#include <vector>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"
#include "http/http.h"

namespace longnan::orders {

// The most distinct SKUs a cart holds, and the most of one SKU.
inline constexpr int64_t kMaxCartLines = 100;
inline constexpr int64_t kMaxQuantity = 999;
// The most addresses one account keeps.
inline constexpr int64_t kMaxAddresses = 20;

class Payments;
class AfterSales;

// What `longnan ledger check` reports: the totals and every inconsistency found.
struct LedgerCheck {
  int64_t payments_fen = 0;
  int64_t refunds_fen = 0;
  int64_t ledger_fen = 0;
  int64_t entries = 0;
  std::vector<std::string> problems;  // empty when the ledger reconciles to the fen
};
// Reconciles the payout ledger with payments and refunds, order by order, and checks that
// no balance and no stock is negative.
LedgerCheck check_ledger(db::Database& database);

struct Options {
  int64_t pay_timeout_ms = 30LL * 60 * 1000;  // unpaid orders are cancelled after this
  int64_t complete_after_ms = 7LL * 24 * 3600 * 1000;  // delivered orders complete after this
  int64_t sweep_interval_ms = 1000;           // how often the deadline sweeper looks
  std::string sandbox_secret;                 // the sandbox payment provider's signing key
};

class Orders {
 public:
  Orders(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options = {});
  ~Orders();
  void register_routes(http::Router& router);
  // Starts the sweeper that cancels orders past their payment deadline (releasing their
  // stock) and completes delivered orders whose after-sales window has closed. Deadlines
  // follow from stored times, so a restart loses none; several servers may sweep at once
  // (each step is a guarded transition).
  void start_sweeper();
  // One sweep (for tests and the sweeper): returns how many orders it cancelled or completed.
  int sweep_once();

 private:
  http::Response checkout(http::Request& request);
  http::Response list_orders(http::Request& request);
  http::Response get_order(http::Request& request);
  http::Response cancel_order(http::Request& request);
  http::Response advance_order(http::Request& request);
  http::Response get_cart(http::Request& request);
  http::Response put_cart_item(http::Request& request);
  http::Response delete_cart_item(http::Request& request);
  http::Response list_addresses(http::Request& request);
  http::Response create_address(http::Request& request);
  http::Response update_address(http::Request& request);
  http::Response delete_address(http::Request& request);
  http::Response quote(http::Request& request);
  http::Response get_freight(http::Request& request);
  http::Response put_freight(http::Request& request);
  http::Response create_sale_event(http::Request& request);
  http::Response list_sale_events(http::Request& request);
  http::Response get_sale_event(http::Request& request);
  http::Response close_sale_event(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  const core::FieldCipher& cipher_;
  Options options_;
  std::unique_ptr<Payments> payments_;
  std::unique_ptr<AfterSales> after_sales_;
  std::thread sweeper_;
  std::mutex sweeper_mutex_;
  std::condition_variable sweeper_wake_;
  bool stopping_ = false;
};

}  // namespace longnan::orders
