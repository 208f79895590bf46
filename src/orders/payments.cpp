// Online payment through the sandbox provider, its signed asynchronous notifications, and
// refunds through the provider an order was paid with.
//
// The path of an online payment: the buyer asks to pay a checkout (POST
// /api/v1/checkouts/{id}/pay) and gets a prepay id from the provider; the buyer approves
// the payment in the provider's page (POST /api/v1/sandbox/prepays/{id}/pay, the sandbox's
// stand-in for the WeChat or Alipay app); the provider then calls the platform back, later
// and possibly more than once, with a signed notification (POST
// /api/v1/payments/sandbox/notify). Only a verified notification makes orders paid.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>

#include "core/crypto.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

constexpr int64_t kNotificationWindowSeconds = 300;  // older or newer timestamps are replays or forgeries
constexpr int kMaxDeliveryAttempts = 8;

bool valid_nonce(std::string_view nonce) {
  return nonce.size() >= 16 && nonce.size() <= 64 &&
         nonce.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

// The total still to pay of a checkout: its unpaid orders.
int64_t payable(db::Session& session, int64_t checkout_id) {
  return session.scalar("SELECT COALESCE(SUM(total_fen), 0) FROM orders WHERE checkout_id = :c AND status = 'pending_payment'",
                        {checkout_id});
}

}  // namespace

std::string Payments::sign(std::string_view timestamp, std::string_view nonce, std::string_view body) const {
  std::string message;
  message.reserve(timestamp.size() + nonce.size() + body.size() + 2);
  message.append(timestamp).append("\n").append(nonce).append("\n").append(body);
  return core::hmac_sha256_hex(secret_, message);
}

void Payments::log_notification(std::string_view nonce, std::string_view prepay_id, const Outcome& outcome,
                                std::string_view body) {
  if (outcome.outcome != "accepted" && outcome.outcome != "duplicate")
    spdlog::warn("payment notification refused ({}): {}", outcome.outcome, outcome.message);
  database_.write([&](db::Session& session) {
    session.exec(
        "INSERT INTO payment_notifications (provider, nonce, prepay_id, outcome, detail, body, received_at) "
        "VALUES ('sandbox', :n, :p, :o, :d, :b, :t)",
        {std::string(nonce.substr(0, 64)), std::string(prepay_id.substr(0, 64)), outcome.outcome, outcome.message,
         std::string(body.substr(0, 4096)), clock_.now_ms()});
  });
}

Payments::Outcome Payments::receive(std::string_view timestamp, std::string_view nonce, std::string_view signature,
                                    std::string_view body) {
  const int64_t now = clock_.now_ms();
  auto refuse = [&](int status, std::string outcome, std::string message, std::string_view prepay_id = {}) {
    Outcome result{status, std::move(outcome), std::move(message)};
    log_notification(nonce, prepay_id, result, body);
    return result;
  };
  if (!core::equal_constant_time(signature, sign(timestamp, nonce, body)))
    return refuse(401, "forged", "the signature does not verify");
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (error != std::errc() || end != timestamp.data() + timestamp.size())
    return refuse(400, "malformed", "the timestamp is not a number");
  if (std::abs(now / 1000 - seconds) > kNotificationWindowSeconds)
    return refuse(400, "stale", "the timestamp is outside the five-minute window");
  if (!valid_nonce(nonce)) return refuse(400, "malformed", "the nonce must be 16 to 64 hex digits");
  auto parsed = http::parse_json(body);
  if (!parsed || !parsed->is_object()) return refuse(400, "malformed", "the body is not a JSON object");
  const auto& object = parsed->as_object();
  auto text = [&](const char* key) -> std::string {
    auto* value = object.if_contains(key);
    return value && value->is_string() ? std::string(value->as_string()) : std::string();
  };
  const std::string prepay_id = text("prepay_id"), transaction_id = text("transaction_id"), state = text("trade_state");
  auto* amount_value = object.if_contains("amount_fen");
  if (prepay_id.empty() || transaction_id.empty() || state != "SUCCESS" || !amount_value || !amount_value->is_int64())
    return refuse(400, "malformed", "prepay_id, transaction_id, amount_fen and trade_state SUCCESS are required", prepay_id);
  const int64_t amount = amount_value->as_int64();

  Outcome result;
  try {
    auto status = database_.transaction([&](db::Session& session) -> core::Status {
      if (session.scalar("SELECT COUNT(*) FROM payment_notifications WHERE provider = 'sandbox' AND nonce = :n AND "
                         "outcome = 'accepted'",
                         {std::string(nonce)}) > 0) {
        result = {200, "duplicate", "this notification was accepted before"};
        return core::Status();
      }
      auto intent = session.query_one(
          "SELECT id, checkout_id, amount_fen, status FROM payment_intents WHERE prepay_id = :p", {prepay_id});
      if (!intent) {
        result = {404, "unknown", "no such prepay id"};
        return core::Status();
      }
      if (intent->integer(2) != amount) {
        result = {400, "mismatch", "the amount " + std::to_string(amount) + " is not the prepay's " +
                                       std::to_string(intent->integer(2))};
        return core::Status();
      }
      if (intent->text(3) == "paid") {
        result = {200, "duplicate", "this payment was applied before"};
        return core::Status();
      }
      // DO NOT drop the status guard: two deliveries of one payment must apply it once.
      if (session.exec("UPDATE payment_intents SET status = 'paid', transaction_id = :x, paid_at = :t "
                       "WHERE id = :i AND status <> 'paid'",
                       {transaction_id, now, intent->integer(0)}) != 1) {
        result = {200, "duplicate", "this payment was applied before"};
        return core::Status();
      }
      int64_t applied = 0;
      for (const auto& order : session.query(
               "SELECT id, platform_id, total_fen FROM orders WHERE checkout_id = :c AND status = 'pending_payment' ORDER BY id",
               {intent->integer(1)})) {
        if (applied + order.integer(2) > amount) break;
        if (!apply(session, order.integer(0), order.integer(1), transition_named("pay_online"), std::nullopt, "sandbox",
                   transaction_id, now))
          continue;
        record_payment(session, order.integer(0), order.integer(1), "sandbox", order.integer(2), transaction_id,
                       std::nullopt, now);
        applied += order.integer(2);
      }
      // Money for orders that were cancelled meanwhile (or paid another way) goes straight back.
      if (const int64_t surplus = amount - applied; surplus > 0) {
        auto refunded = sandbox_refund(session, transaction_id, surplus, now);
        if (!refunded) return refunded.error();
        session.exec("UPDATE payment_intents SET surplus_refunded_fen = :s WHERE id = :i", {surplus, intent->integer(0)});
        spdlog::info("payment {}: {} fen for orders no longer payable refunded", prepay_id, surplus);
      }
      session.exec(
          "INSERT INTO payment_notifications (provider, nonce, prepay_id, outcome, detail, body, received_at) "
          "VALUES ('sandbox', :n, :p, 'accepted', :d, :b, :t)",
          {std::string(nonce), prepay_id, "paid " + std::to_string(applied) + " fen of orders", std::string(body), now});
      result = {200, "accepted", "paid"};
      return core::Status();
    });
    if (!status) return refuse(409, "mismatch", status.error().message, prepay_id);
  } catch (const db::UniqueViolation&) {
    // The same notification was being accepted on another connection at the same moment.
    result = {200, "duplicate", "this notification was accepted before"};
  }
  if (result.outcome != "accepted") log_notification(nonce, prepay_id, result, body);
  return result;
}

core::Result<std::string> Payments::sandbox_refund(db::Session& session, const std::string& transaction_id, int64_t amount,
                                                   int64_t now) {
  auto paid = session.query_one("SELECT amount_fen FROM sandbox_prepays WHERE transaction_id = :x AND status = 'paid'",
                                {transaction_id});
  if (!paid) return core::conflict("the provider has no such transaction", "payment");
  const int64_t refunded =
      session.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM sandbox_refunds WHERE transaction_id = :x", {transaction_id});
  if (refunded + amount > paid->integer(0))
    return core::conflict("the provider refuses to refund more than was paid", "amount_fen");
  std::string refund_id = "sbr_" + core::random_hex(12);
  session.exec("INSERT INTO sandbox_refunds (transaction_id, refund_id, amount_fen, created_at) VALUES (:x, :r, :a, :t)",
               {transaction_id, refund_id, amount, now});
  return refund_id;
}

core::Result<int64_t> Payments::refund(db::Session& session, int64_t order_id, int64_t amount,
                                       std::optional<int64_t> after_sale_id, const std::vector<int64_t>& items,
                                       std::optional<int64_t> actor_id, int64_t now) {
  auto payment = session.query_one(
      "SELECT p.id, p.provider, p.reference, p.amount_fen, o.refunded_fen, o.platform_id FROM payments p "
      "JOIN orders o ON o.id = p.order_id WHERE p.order_id = :o",
      {order_id});
  if (!payment) return core::conflict("the order was not paid", "order");
  if (amount <= 0 || payment->integer(4) + amount > payment->integer(3))
    return core::conflict("at most " + std::to_string(payment->integer(3) - payment->integer(4)) + " fen is left to refund",
                          "amount_fen");
  // DO NOT move refunded_fen without the guard: two refunds at once must not both pass.
  if (session.exec("UPDATE orders SET refunded_fen = refunded_fen + :a WHERE id = :o AND refunded_fen + :a2 <= total_fen",
                   {amount, order_id, amount}) != 1)
    return core::conflict("the refund is more than what is left of the order", "amount_fen");
  std::string reference;
  if (payment->text(1) == "sandbox") {
    auto provider_refund = sandbox_refund(session, payment->text(2), amount, now);
    if (!provider_refund) return provider_refund.error();
    reference = *provider_refund;
  } else {
    reference = "cash returned by hand";  // the store or the agent hands the cash back
  }
  const int64_t refund_id = session.insert(
      "INSERT INTO refunds (order_id, platform_id, after_sale_id, payment_id, provider, amount_fen, reference, created_by, "
      "created_at) VALUES (:o, :p, :a, :pay, :v, :m, :r, :u, :t) RETURNING id",
      {order_id, payment->integer(5), after_sale_id ? db::Value(*after_sale_id) : db::Value(), payment->integer(0),
       payment->text(1), amount, reference, actor_id ? db::Value(*actor_id) : db::Value(), now});
  if (auto posted = post_refund(session, order_id, refund_id, amount, items, now); !posted) return posted.error();
  return refund_id;
}

int Payments::deliver_notifications() {
  const int64_t now = clock_.now_ms();
  std::vector<std::pair<int64_t, std::string>> due;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT id, body FROM sandbox_notifications WHERE delivered_at IS NULL AND next_at <= :t AND attempts < :m "
             "ORDER BY id LIMIT 200",
             {now, int64_t{kMaxDeliveryAttempts}}))
      due.emplace_back(row.integer(0), row.text(1));
  });
  int delivered = 0;
  for (const auto& [id, body] : due) {
    // Each attempt is signed afresh with its own timestamp and nonce, as providers do.
    const std::string timestamp = std::to_string(clock_.now_ms() / 1000), nonce = core::random_hex(16);
    Outcome outcome = receive(timestamp, nonce, sign(timestamp, nonce, body), body);
    database_.write([&](db::Session& session) {
      if (outcome.status == 200) {
        session.exec("UPDATE sandbox_notifications SET attempts = attempts + 1, delivered_at = :t WHERE id = :i",
                     {clock_.now_ms(), id});
      } else {
        const int64_t attempts = session.scalar("SELECT attempts FROM sandbox_notifications WHERE id = :i", {id}) + 1;
        session.exec("UPDATE sandbox_notifications SET attempts = :a, next_at = :n WHERE id = :i",
                     {attempts, clock_.now_ms() + attempts * attempts * 15'000, id});
      }
    });
    if (outcome.status == 200) ++delivered;
  }
  return delivered;
}

// POST /api/v1/checkouts/{id}/pay {provider: "sandbox"}: a prepay id for the checkout's
// unpaid orders. Asking again for the same amount answers the same prepay id.
http::Response Payments::pay_checkout(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto provider = fields.text("provider", true, 20);
  if (fields.ok() && *provider != "sandbox")
    fields.fail(core::invalid("provider", "provider must be sandbox (cash is confirmed by the person who collects it)"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    if (session.scalar("SELECT COUNT(*) FROM checkouts WHERE id = :c AND user_id = :u", {*id, (*principal)->user_id}) == 0)
      return core::not_found("no such checkout");
    const int64_t amount = payable(session, *id);
    if (amount == 0) return core::conflict("nothing of this checkout is waiting for payment", "checkout");
    auto intent = session.query_one(
        "SELECT prepay_id, amount_fen FROM payment_intents WHERE checkout_id = :c AND status = 'pending' ORDER BY id DESC LIMIT 1",
        {*id});
    std::string prepay_id;
    if (intent && intent->integer(1) == amount) {
      prepay_id = intent->text(0);
    } else {
      // The amount changed (an order was cancelled): earlier prepays are closed; if one is
      // paid after all, its money goes back (see receive()).
      session.exec("UPDATE payment_intents SET status = 'closed' WHERE checkout_id = :c AND status = 'pending'", {*id});
      prepay_id = "sbp_" + core::random_hex(16);
      session.exec(
          "INSERT INTO sandbox_prepays (prepay_id, merchant_ref, amount_fen, status, created_at) VALUES (:p, :m, :a, 'created', :t)",
          {prepay_id, "checkout:" + std::to_string(*id), amount, now});
      session.exec(
          "INSERT INTO payment_intents (checkout_id, buyer_user_id, provider, prepay_id, amount_fen, status, created_at) "
          "VALUES (:c, :u, 'sandbox', :p, :a, 'pending', :t)",
          {*id, (*principal)->user_id, prepay_id, amount, now});
    }
    const int64_t deadline = session.scalar(
        "SELECT COALESCE(MIN(pay_deadline), 0) FROM orders WHERE checkout_id = :c AND status = 'pending_payment'", {*id});
    answer = {{"checkout_id", *id},     {"provider", "sandbox"}, {"prepay_id", prepay_id},
              {"amount_fen", amount},   {"pay_deadline", deadline}, {"pay_url", "/pay/sandbox/" + prepay_id}};
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer, 201);
}

// GET /api/v1/checkouts/{id}: the buyer's checkout: its orders and what is left to pay.
http::Response Payments::get_checkout(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> answer;
  database_.with_session([&](db::Session& session) {
    auto checkout = session.query_one("SELECT id, total_fen, created_at FROM checkouts WHERE id = :c AND user_id = :u",
                                      {*id, (*principal)->user_id});
    if (!checkout) return;
    boost::json::array orders;
    for (const auto& row : session.query("SELECT id, status, total_fen, store_id FROM orders WHERE checkout_id = :c ORDER BY id",
                                         {*id}))
      orders.push_back(boost::json::object{
          {"id", row.integer(0)}, {"status", row.text(1)}, {"total_fen", row.integer(2)}, {"store_id", row.integer(3)}});
    answer = boost::json::object{{"id", checkout->integer(0)},
                                 {"total_fen", checkout->integer(1)},
                                 {"payable_fen", payable(session, *id)},
                                 {"created_at", checkout->integer(2)},
                                 {"orders", std::move(orders)}};
  });
  if (!answer) return http::error_response(request, core::not_found("no such checkout"));
  return http::json_response(*answer);
}

// POST /api/v1/payments/sandbox/notify: the provider's callback. Headers
// Longnan-Sandbox-Timestamp (Unix seconds), Longnan-Sandbox-Nonce and
// Longnan-Sandbox-Signature (hex HMAC-SHA-256 of "timestamp\nnonce\nbody").
http::Response Payments::notify(http::Request& request) {
  auto header = [&](const char* name) { return std::string(request.header(name).value_or("")); };
  Outcome outcome = receive(header("longnan-sandbox-timestamp"), header("longnan-sandbox-nonce"),
                            header("longnan-sandbox-signature"), request.body);
  if (outcome.status == 200)
    return http::json_response(boost::json::object{{"code", "SUCCESS"}, {"outcome", outcome.outcome}});
  static const std::map<std::string, std::string> kCodes{{"forged", "bad_signature"}, {"stale", "stale"},
                                                         {"malformed", "bad_request"}, {"unknown", "not_found"},
                                                         {"mismatch", "amount_mismatch"}};
  auto code = kCodes.find(outcome.outcome);
  return http::error_response(request, outcome.status, code == kCodes.end() ? "bad_request" : code->second, outcome.message);
}

// GET /api/v1/sandbox/prepays/{prepay_id}: what the provider's payment page shows.
http::Response Payments::sandbox_prepay(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  const std::string prepay_id(request.path_param("prepay_id"));
  std::optional<boost::json::object> answer;
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one(
        "SELECT s.prepay_id, s.amount_fen, s.status, s.transaction_id, i.checkout_id FROM sandbox_prepays s "
        "JOIN payment_intents i ON i.prepay_id = s.prepay_id WHERE s.prepay_id = :p AND i.buyer_user_id = :u",
        {prepay_id, (*principal)->user_id});
    if (!row) return;
    answer = boost::json::object{{"prepay_id", row->text(0)}, {"amount_fen", row->integer(1)}, {"status", row->text(2)},
                                 {"transaction_id", row->text(3)}, {"checkout_id", row->integer(4)},
                                 {"merchant", "陇南电商扶贫平台"}};
  });
  if (!answer) return http::error_response(request, core::not_found("no such prepay"));
  return http::json_response(*answer);
}

// POST /api/v1/sandbox/prepays/{prepay_id}/pay: the buyer approves the payment in the
// provider's page. The provider records it and queues its signed notification to the
// platform; the orders become paid only when that notification is received.
http::Response Payments::sandbox_confirm(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  const std::string prepay_id(request.path_param("prepay_id"));
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(
        "SELECT s.amount_fen, s.status FROM sandbox_prepays s JOIN payment_intents i ON i.prepay_id = s.prepay_id "
        "WHERE s.prepay_id = :p AND i.buyer_user_id = :u",
        {prepay_id, (*principal)->user_id});
    if (!row) return core::not_found("no such prepay");
    const std::string transaction_id = "sbt_" + core::random_hex(16);
    if (session.exec("UPDATE sandbox_prepays SET status = 'paid', transaction_id = :x, paid_at = :t "
                     "WHERE prepay_id = :p AND status = 'created'",
                     {transaction_id, now, prepay_id}) != 1)
      return core::conflict("this prepay was paid already", "prepay_id");
    const std::string body = boost::json::serialize(boost::json::object{{"prepay_id", prepay_id},
                                                                        {"transaction_id", transaction_id},
                                                                        {"amount_fen", row->integer(0)},
                                                                        {"trade_state", "SUCCESS"},
                                                                        {"paid_at", now}});
    session.exec("INSERT INTO sandbox_notifications (prepay_id, body, next_at) VALUES (:p, :b, :t)", {prepay_id, body, now});
    answer = {{"prepay_id", prepay_id}, {"status", "paid"}, {"transaction_id", transaction_id}};
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

void Payments::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/checkouts/{id}", [this](http::Request& r) { return get_checkout(r); });
  router.add(Method::kPost, "/api/v1/checkouts/{id}/pay", [this](http::Request& r) { return pay_checkout(r); });
  router.add(Method::kPost, "/api/v1/payments/sandbox/notify", [this](http::Request& r) { return notify(r); });
  router.add(Method::kGet, "/api/v1/sandbox/prepays/{prepay_id}", [this](http::Request& r) { return sandbox_prepay(r); });
  router.add(Method::kPost, "/api/v1/sandbox/prepays/{prepay_id}/pay", [this](http::Request& r) { return sandbox_confirm(r); });
}

}  // namespace longnan::orders
