// The platform end (平台端) as it grows: buyers' delivery addresses and the shopping cart
// across stores. Checkout, payment, the order state machine, after-sales, sale events and
// settlement will join this module.
//
// Thread-safety: Orders is immutable after construction; handlers run on any thread.
// Each caller sees and changes only their own addresses and cart.
#pragma once

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

class Orders {
 public:
  Orders(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher)
      : database_(database), clock_(clock), cipher_(cipher) {}
  void register_routes(http::Router& router);

 private:
  http::Response get_cart(http::Request& request);
  http::Response put_cart_item(http::Request& request);
  http::Response delete_cart_item(http::Request& request);
  http::Response list_addresses(http::Request& request);
  http::Response create_address(http::Request& request);
  http::Response update_address(http::Request& request);
  http::Response delete_address(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  const core::FieldCipher& cipher_;
};

}  // namespace longnan::orders
