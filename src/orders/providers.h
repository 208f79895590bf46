// Payment providers: how money comes in and goes back. The platform's payment code
// (payments.cpp) speaks only to these interfaces; a provider keeps its own records.
//
// - CashProvider: cash collected and handed back by people (the store, a courier, a
//   village agent); nothing to call.
// - SandboxProvider: an online provider that behaves like WeChat Pay / Alipay — prepay
//   ids, a payment page, asynchronous notifications signed with HMAC-SHA-256 (retried with
//   back-off until the platform answers 200), refunds that never exceed what was paid. Its
//   own side lives in the sandbox_* tables. A real provider is another OnlineProvider.
//
// Not for use outside src/orders. Thread-safety: providers are stateless apart from their
// tables; every method runs on the caller's session.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/clock.h"
#include "core/error.h"
#include "db/db.h"
#include "http/http.h"

namespace longnan::orders {

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string_view name() const = 0;
  // Returns `amount` of the payment the provider knows as `reference` to the payer; the
  // provider refuses more than was paid in total. Returns the provider's refund reference.
  virtual core::Result<std::string> refund(db::Session& session, const std::string& reference, int64_t amount,
                                           int64_t now) = 0;
};

class CashProvider final : public PaymentProvider {
 public:
  std::string_view name() const override { return "cash"; }
  // The store or the agent hands the cash back; the platform's refund row is the record.
  core::Result<std::string> refund(db::Session&, const std::string&, int64_t, int64_t) override {
    return std::string("cash returned by hand");
  }
};

// A provider's notification that a prepay was paid, once its signature and freshness
// have been verified.
struct PaidNotification {
  std::string nonce;  // unique per notification: a nonce accepted once is never accepted again
  std::string prepay_id;
  std::string transaction_id;
  int64_t amount_fen = 0;
};
// Why a notification was refused: the HTTP status, the logged outcome (forged, stale,
// malformed) and a message.
struct RefusedNotification {
  int status = 400;
  std::string outcome;
  std::string message;
  std::string nonce;  // as sent, for the log
};

class OnlineProvider : public PaymentProvider {
 public:
  // Asks the provider for a prepay id for `amount` fen; `merchant_ref` names the checkout.
  virtual std::string create_prepay(db::Session& session, const std::string& merchant_ref, int64_t amount, int64_t now) = 0;
  // Where the buyer approves the payment (the provider's page or app).
  virtual std::string pay_url(const std::string& prepay_id) const = 0;
  // Checks a notification's signature and freshness and reads it. `header` gives a request
  // header by lowercase name ("" when absent).
  virtual std::variant<PaidNotification, RefusedNotification> verify(
      const std::function<std::string(std::string_view)>& header, std::string_view body, int64_t now) const = 0;
};

class SandboxProvider final : public OnlineProvider {
 public:
  // `secret`: the key notifications are signed with (shared with the platform, like a
  // WeChat Pay API v3 key).
  SandboxProvider(db::Database& database, const core::Clock& clock, std::string secret)
      : database_(database), clock_(clock), secret_(std::move(secret)) {}

  std::string_view name() const override { return "sandbox"; }
  std::string create_prepay(db::Session& session, const std::string& merchant_ref, int64_t amount, int64_t now) override;
  std::string pay_url(const std::string& prepay_id) const override { return "/pay/sandbox/" + prepay_id; }
  std::variant<PaidNotification, RefusedNotification> verify(const std::function<std::string(std::string_view)>& header,
                                                             std::string_view body, int64_t now) const override;
  core::Result<std::string> refund(db::Session& session, const std::string& reference, int64_t amount, int64_t now) override;

  // The provider's side, served by the platform for the sandbox: the payment page's data
  // (GET /api/v1/sandbox/prepays/{prepay_id}) and the buyer's approval (POST …/pay), which
  // queues the signed notification. Only the buyer who asked for the prepay sees it.
  void register_routes(http::Router& router);

  // A notification as the provider sends it: the headers and the body.
  struct Outgoing {
    std::string timestamp, nonce, signature, body;
  };
  // Delivers the due notifications through `deliver` (which answers the HTTP status the
  // platform gave); retries refused ones with back-off. Returns how many were delivered.
  int deliver_due(const std::function<int(const Outgoing&)>& deliver);
  // Signs "timestamp\nnonce\nbody" as the sandbox does.
  std::string sign(std::string_view timestamp, std::string_view nonce, std::string_view body) const;

 private:
  http::Response prepay_page(http::Request& request);
  http::Response approve(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  std::string secret_;
};

}  // namespace longnan::orders
