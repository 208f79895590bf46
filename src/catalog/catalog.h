// The catalog and the supply end around it: producers (households, cooperatives,
// enterprises), stores and the households each store brings along (一店带多户), regional
// public brands, certifications, 3-level categories, products with SKUs, the listing line
// (supplier submits → store accepts → county approves → listed; delist, relist), and
// ranked Chinese full-text search over listed products (Xapian, CJK n-grams).
//
// Thread-safety: Catalog may be used from any thread once constructed; the search index
// has its own lock and is refreshed from the database by a background thread, so several
// app servers on one PostgreSQL each keep their own index current.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "db/db.h"
#include "http/export.h"
#include "http/http.h"

namespace longnan::catalog {

// Loads categories and regional brands when missing (after the divisions).
void load_reference_data(db::Session& session);

struct NewSku {
  std::string code;
  std::string attrs_json = "{}";
  int64_t price_fen = 0;
  int64_t stock = 0;
  std::optional<int64_t> weight_g;
  std::optional<int64_t> volume_ml;
  std::string gtin;
  bool cold_chain = false;
};

struct NewProduct {
  int64_t store_id = 0;
  int64_t producer_id = 0;
  int64_t category_id = 0;
  std::optional<int64_t> brand_id;
  std::string name;
  std::string name_en;
  std::string description;
  std::string unit;
  std::string origin_village_code;
  std::string sale_attributes_json = "[]";
  std::string images_json = "[]";
  std::vector<NewSku> skus;
};

// Inserts a product and its SKUs in `status` (checks that store, producer, category and
// origin belong together); records the first listing event. REQUIRES: in a transaction.
core::Result<int64_t> insert_product(db::Session& session, const NewProduct& product, const std::string& status,
                                     const std::string& actor_name, int64_t now_ms);

// Imports from a table (header row first) into the county `platform_id`, all rows or
// none: returns the ids created, or fills `errors` row by row (and returns none). Products take one
// SKU per row; rows with the same store_id and name form one product, entered as
// store_accepted (the county approves them). `only_store` restricts a store keeper.
// REQUIRES: inside a transaction (the caller rolls back when errors is not empty).
std::vector<int64_t> import_producers(db::Session& session, const core::Table& table, int64_t platform_id,
                                      int64_t now_ms, std::vector<http::RowError>& errors);
std::vector<int64_t> import_products(db::Session& session, const core::Table& table, int64_t platform_id,
                                     std::optional<int64_t> only_store, const std::string& actor_name, int64_t now_ms,
                                     std::vector<http::RowError>& errors);

class SearchIndex;

class Catalog {
 public:
  Catalog(db::Database& database, const core::Clock& clock);
  ~Catalog();
  void register_routes(http::Router& router);
  // Builds the search index from the database, then keeps it current in the background
  // (every `refresh_ms`); stops with the Catalog.
  void start_index(int64_t refresh_ms = 2000);
  // How long a cached public listing page may be served (0 turns the cache off).
  void set_cache_ttl_ms(int64_t ttl_ms);
  // Product ids matching `query`, best first (for tests and benchmarks).
  std::vector<int64_t> search(const std::string& query, size_t limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longnan::catalog
