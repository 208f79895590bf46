// `longnan demo-data`: Longnan's real divisions and 42 products, and deterministic
// generated stores, producers and households around them, plus one account per role.
#pragma once

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"

namespace longnan::app {

struct DemoSummary {
  bool already_present = false;
  int households = 0;
  int stores = 0;
  int producers = 0;
  int products = 0;
  int users = 0;
  int logistics_nodes = 0;
  int lots = 0;
};

// The password of every demo account (the README lists the accounts).
inline constexpr const char* kDemoPassword = "Longnan2026!";

// Fills an empty database; does nothing when households exist already.
DemoSummary load_demo_data(db::Database& database, const core::FieldCipher& cipher, int64_t now_ms);

}  // namespace longnan::app
