// Payments on the platform's side, whatever the provider: paying a checkout online
// (prepay id), receiving providers' notifications, and refunds through the provider an
// order was paid with. The providers themselves are in providers.h.
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

// The total still to pay of a checkout: its unpaid orders.
int64_t payable(db::Session& session, int64_t checkout_id) {
  return session.scalar("SELECT COALESCE(SUM(total_fen), 0) FROM orders WHERE checkout_id = :c AND status = 'pending_payment'",
                        {checkout_id});
}

}  // namespace

PaymentProvider* Payments::provider_named(std::string_view name) {
  if (name == cash_.name()) return &cash_;
  if (name == sandbox_.name()) return &sandbox_;
  return nullptr;
}

void Payments::log_notification(std::string_view provider, std::string_view nonce, std::string_view prepay_id,
                                const Outcome& outcome, std::string_view body) {
  if (outcome.outcome != "accepted" && outcome.outcome != "duplicate")
    spdlog::warn("payment notification refused ({}): {}", outcome.outcome, outcome.message);
  database_.write([&](db::Session& session) {
    session.exec(
        "INSERT INTO payment_notifications (provider, nonce, prepay_id, outcome, detail, body, received_at) "
        "VALUES (:v, :n, :p, :o, :d, :b, :t)",
        {std::string(provider), std::string(nonce.substr(0, 64)), std::string(prepay_id.substr(0, 64)), outcome.outcome, outcome.message,
         std::string(body.substr(0, 4096)), clock_.now_ms()});
  });
}

Payments::Outcome Payments::receive(OnlineProvider& provider, const std::function<std::string(std::string_view)>& header,
                                    std::string_view body) {
  const int64_t now = clock_.now_ms();
  const std::string provider_name(provider.name());
  auto verified = provider.verify(header, body, now);
  if (auto* refused = std::get_if<RefusedNotification>(&verified)) {
    Outcome result{refused->status, refused->outcome, refused->message};
    log_notification(provider_name, refused->nonce, "", result, body);
    return result;
  }
  const PaidNotification& paid = std::get<PaidNotification>(verified);
  const std::string& nonce = paid.nonce;
  const std::string& prepay_id = paid.prepay_id;
  const std::string& transaction_id = paid.transaction_id;
  const int64_t amount = paid.amount_fen;
  auto refuse = [&](int status, std::string outcome, std::string message) {
    Outcome result{status, std::move(outcome), std::move(message)};
    log_notification(provider_name, nonce, prepay_id, result, body);
    return result;
  };

  Outcome result;
  try {
    auto status = database_.transaction([&](db::Session& session) -> core::Status {
      if (session.scalar("SELECT COUNT(*) FROM payment_notifications WHERE provider = :v AND nonce = :n AND "
                         "outcome = 'accepted'",
                         {provider_name, nonce}) > 0) {
        result = {200, "duplicate", "this notification was accepted before"};
        return core::Status();
      }
      auto intent = session.query_one(
          "SELECT id, checkout_id, amount_fen, status FROM payment_intents WHERE prepay_id = :p AND provider = :v",
          {prepay_id, provider_name});
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
        if (!apply(session, order.integer(0), order.integer(1), transition_named("pay_online"), std::nullopt, provider_name,
                   transaction_id, now))
          continue;
        record_payment(session, order.integer(0), order.integer(1), provider_name, order.integer(2), transaction_id,
                       std::nullopt, now);
        applied += order.integer(2);
      }
      // Money for orders that were cancelled meanwhile (or paid another way) goes straight back.
      if (const int64_t surplus = amount - applied; surplus > 0) {
        auto refunded = provider.refund(session, transaction_id, surplus, now);
        if (!refunded) return refunded.error();
        session.exec("UPDATE payment_intents SET surplus_refunded_fen = :s WHERE id = :i", {surplus, intent->integer(0)});
        spdlog::info("payment {}: {} fen for orders no longer payable refunded", prepay_id, surplus);
      }
      session.exec(
          "INSERT INTO payment_notifications (provider, nonce, prepay_id, outcome, detail, body, received_at) "
          "VALUES (:v, :n, :p, 'accepted', :d, :b, :t)",
          {provider_name, nonce, prepay_id, "paid " + std::to_string(applied) + " fen of orders", std::string(body), now});
      result = {200, "accepted", "paid"};
      return core::Status();
    });
    if (!status) return refuse(409, "mismatch", status.error().message);
  } catch (const db::UniqueViolation&) {
    // The same notification was being accepted on another connection at the same moment.
    result = {200, "duplicate", "this notification was accepted before"};
  }
  if (result.outcome != "accepted") log_notification(provider_name, nonce, prepay_id, result, body);
  return result;
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
  PaymentProvider* provider = provider_named(payment->text(1));
  if (!provider) return core::conflict("the order was paid with a provider this server does not have", "payment");
  auto reference = provider->refund(session, payment->text(2), amount, now);
  if (!reference) return reference.error();
  const int64_t refund_id = session.insert(
      "INSERT INTO refunds (order_id, platform_id, after_sale_id, payment_id, provider, amount_fen, reference, created_by, "
      "created_at) VALUES (:o, :p, :a, :pay, :v, :m, :r, :u, :t) RETURNING id",
      {order_id, payment->integer(5), after_sale_id ? db::Value(*after_sale_id) : db::Value(), payment->integer(0),
       payment->text(1), amount, *reference, actor_id ? db::Value(*actor_id) : db::Value(), now});
  if (auto posted = post_refund(session, order_id, refund_id, amount, items, now); !posted) return posted.error();
  return refund_id;
}

int Payments::deliver_notifications() {
  return sandbox_.deliver_due([this](const SandboxProvider::Outgoing& outgoing) {
    auto header = [&](std::string_view name) -> std::string {
      if (name == "longnan-sandbox-timestamp") return outgoing.timestamp;
      if (name == "longnan-sandbox-nonce") return outgoing.nonce;
      if (name == "longnan-sandbox-signature") return outgoing.signature;
      return {};
    };
    return receive(sandbox_, header, outgoing.body).status;
  });
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
  auto provider_name = fields.text("provider", true, 20);
  if (fields.ok() && *provider_name != sandbox_.name())
    fields.fail(core::invalid("provider", "provider must be sandbox (cash is confirmed by the person who collects it)"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  OnlineProvider& provider = sandbox_;
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
      prepay_id = provider.create_prepay(session, "checkout:" + std::to_string(*id), amount, now);
      session.exec(
          "INSERT INTO payment_intents (checkout_id, buyer_user_id, provider, prepay_id, amount_fen, status, created_at) "
          "VALUES (:c, :u, :v, :p, :a, 'pending', :t)",
          {*id, (*principal)->user_id, std::string(provider.name()), prepay_id, amount, now});
    }
    const int64_t deadline = session.scalar(
        "SELECT COALESCE(MIN(pay_deadline), 0) FROM orders WHERE checkout_id = :c AND status = 'pending_payment'", {*id});
    answer = {{"checkout_id", *id},   {"provider", std::string(provider.name())}, {"prepay_id", prepay_id},
              {"amount_fen", amount}, {"pay_deadline", deadline}, {"pay_url", provider.pay_url(prepay_id)}};
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

// POST /api/v1/payments/{provider}/notify: a provider's callback. For the sandbox: headers
// Longnan-Sandbox-Timestamp (Unix seconds), Longnan-Sandbox-Nonce and
// Longnan-Sandbox-Signature (hex HMAC-SHA-256 of "timestamp\nnonce\nbody").
http::Response Payments::notify(OnlineProvider& provider, http::Request& request) {
  auto header = [&](std::string_view name) { return std::string(request.header(name).value_or("")); };
  Outcome outcome = receive(provider, header, request.body);
  if (outcome.status == 200)
    return http::json_response(boost::json::object{{"code", "SUCCESS"}, {"outcome", outcome.outcome}});
  static const std::map<std::string, std::string> kCodes{{"forged", "bad_signature"}, {"stale", "stale"},
                                                         {"malformed", "bad_request"}, {"unknown", "not_found"},
                                                         {"mismatch", "amount_mismatch"}};
  auto code = kCodes.find(outcome.outcome);
  return http::error_response(request, outcome.status, code == kCodes.end() ? "bad_request" : code->second, outcome.message);
}

// GET /api/v1/payment-notifications?outcome=: every callback providers sent, accepted or
// refused (forgeries too), newest first. City admins and city-wide auditors: a callback
// names no county until it is verified.
http::Response Payments::list_notifications(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCityAdmin, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  if (!(*principal)->is_city_wide()) return http::error_response(request, core::forbidden("payment callbacks are city-wide"));
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  auto outcome = http::query_enum(request, "outcome",
                                  {"accepted", "duplicate", "forged", "stale", "malformed", "unknown", "mismatch"});
  if (!outcome) return http::error_response(request, outcome.error());
  if (*outcome) {
    where += " AND outcome = :o";
    params.emplace_back(**outcome);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, "SELECT id, provider, nonce, prepay_id, outcome, detail, body, received_at",
                                  "FROM payment_notifications" + where, "ORDER BY id DESC", params, page->page_size,
                                  page->offset());
    total = result.total;
    for (const auto& row : result.rows)
      items.push_back(boost::json::object{{"id", row.integer(0)},      {"provider", row.text(1)}, {"nonce", row.text(2)},
                                          {"prepay_id", row.text(3)},  {"outcome", row.text(4)},  {"detail", row.text(5)},
                                          {"body", row.text(6)},       {"received_at", row.integer(7)}});
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

void Payments::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/checkouts/{id}", [this](http::Request& r) { return get_checkout(r); });
  router.add(Method::kPost, "/api/v1/checkouts/{id}/pay", [this](http::Request& r) { return pay_checkout(r); });
  router.add(Method::kPost, "/api/v1/payments/sandbox/notify", [this](http::Request& r) { return notify(sandbox_, r); });
  router.add(Method::kGet, "/api/v1/payment-notifications", [this](http::Request& r) { return list_notifications(r); });
  sandbox_.register_routes(router);
}

}  // namespace longnan::orders
