// The sandbox payment provider: what WeChat Pay or Alipay do on their servers, played by
// the platform itself for testing and demonstration. It keeps its own records (prepays,
// refunds, an outbox of notifications) and talks to the platform only as a provider would:
// a signed notification, delivered later and again until the platform answers 200.
#include <boost/json.hpp>

#include <charconv>
#include <cstdlib>

#include "core/crypto.h"
#include "http/json.h"
#include "orders/providers.h"

namespace longnan::orders {
namespace {

constexpr int64_t kNotificationWindowSeconds = 300;  // older or newer timestamps are replays or forgeries
constexpr int kMaxDeliveryAttempts = 8;

bool valid_nonce(std::string_view nonce) {
  return nonce.size() >= 16 && nonce.size() <= 64 &&
         nonce.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

}  // namespace

std::string SandboxProvider::sign(std::string_view timestamp, std::string_view nonce, std::string_view body) const {
  std::string message;
  message.reserve(timestamp.size() + nonce.size() + body.size() + 2);
  message.append(timestamp).append("\n").append(nonce).append("\n").append(body);
  return core::hmac_sha256_hex(secret_, message);
}

std::string SandboxProvider::create_prepay(db::Session& session, const std::string& merchant_ref, int64_t amount,
                                           int64_t now) {
  std::string prepay_id = "sbp_" + core::random_hex(16);
  session.exec(
      "INSERT INTO sandbox_prepays (prepay_id, merchant_ref, amount_fen, status, created_at) VALUES (:p, :m, :a, 'created', :t)",
      {prepay_id, merchant_ref, amount, now});
  return prepay_id;
}

std::variant<PaidNotification, RefusedNotification> SandboxProvider::verify(
    const std::function<std::string(std::string_view)>& header, std::string_view body, int64_t now) const {
  const std::string timestamp = header("longnan-sandbox-timestamp"), nonce = header("longnan-sandbox-nonce");
  if (!core::equal_constant_time(header("longnan-sandbox-signature"), sign(timestamp, nonce, body)))
    return RefusedNotification{401, "forged", "the signature does not verify", nonce};
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (error != std::errc() || end != timestamp.data() + timestamp.size())
    return RefusedNotification{400, "malformed", "the timestamp is not a number", nonce};
  if (std::abs(now / 1000 - seconds) > kNotificationWindowSeconds)
    return RefusedNotification{400, "stale", "the timestamp is outside the five-minute window", nonce};
  if (!valid_nonce(nonce)) return RefusedNotification{400, "malformed", "the nonce must be 16 to 64 hex digits", nonce};
  auto parsed = http::parse_json(body);
  if (!parsed || !parsed->is_object()) return RefusedNotification{400, "malformed", "the body is not a JSON object", nonce};
  const auto& object = parsed->as_object();
  auto text = [&](const char* key) -> std::string {
    auto* value = object.if_contains(key);
    return value && value->is_string() ? std::string(value->as_string()) : std::string();
  };
  PaidNotification paid{nonce, text("prepay_id"), text("transaction_id"), 0};
  auto* amount = object.if_contains("amount_fen");
  if (paid.prepay_id.empty() || paid.transaction_id.empty() || text("trade_state") != "SUCCESS" || !amount ||
      !amount->is_int64())
    return RefusedNotification{400, "malformed", "prepay_id, transaction_id, amount_fen and trade_state SUCCESS are required", nonce};
  paid.amount_fen = amount->as_int64();
  return paid;
}

core::Result<std::string> SandboxProvider::refund(db::Session& session, const std::string& reference, int64_t amount,
                                                  int64_t now) {
  auto paid = session.query_one("SELECT amount_fen FROM sandbox_prepays WHERE transaction_id = :x AND status = 'paid'",
                                {reference});
  if (!paid) return core::conflict("the provider has no such transaction", "payment");
  const int64_t refunded =
      session.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM sandbox_refunds WHERE transaction_id = :x", {reference});
  if (refunded + amount > paid->integer(0))
    return core::conflict("the provider refuses to refund more than was paid", "amount_fen");
  std::string refund_id = "sbr_" + core::random_hex(12);
  session.exec("INSERT INTO sandbox_refunds (transaction_id, refund_id, amount_fen, created_at) VALUES (:x, :r, :a, :t)",
               {reference, refund_id, amount, now});
  return refund_id;
}

int SandboxProvider::deliver_due(const std::function<int(const Outgoing&)>& deliver) {
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
    Outgoing outgoing{std::to_string(clock_.now_ms() / 1000), core::random_hex(16), "", body};
    outgoing.signature = sign(outgoing.timestamp, outgoing.nonce, body);
    const int status = deliver(outgoing);
    database_.write([&](db::Session& session) {
      if (status == 200) {
        session.exec("UPDATE sandbox_notifications SET attempts = attempts + 1, delivered_at = :t WHERE id = :i",
                     {clock_.now_ms(), id});
      } else {
        const int64_t attempts = session.scalar("SELECT attempts FROM sandbox_notifications WHERE id = :i", {id}) + 1;
        session.exec("UPDATE sandbox_notifications SET attempts = :a, next_at = :n WHERE id = :i",
                     {attempts, clock_.now_ms() + attempts * attempts * 15'000, id});
      }
    });
    if (status == 200) ++delivered;
  }
  return delivered;
}

// GET /api/v1/sandbox/prepays/{prepay_id}: what the provider's payment page shows.
http::Response SandboxProvider::prepay_page(http::Request& request) {
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
http::Response SandboxProvider::approve(http::Request& request) {
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

void SandboxProvider::register_routes(http::Router& router) {
  router.add(http::Method::kGet, "/api/v1/sandbox/prepays/{prepay_id}", [this](http::Request& r) { return prepay_page(r); });
  router.add(http::Method::kPost, "/api/v1/sandbox/prepays/{prepay_id}/pay", [this](http::Request& r) { return approve(r); });
}

}  // namespace longnan::orders
