// Internal to catalog: the state the route handlers share.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "catalog/catalog.h"
#include "catalog/search.h"
#include "http/http.h"

namespace longnan::catalog {

struct Catalog::Impl {
  db::Database& database;
  const core::Clock& clock;
  SearchIndex index;

  // Background refresh of the index from the database.
  std::thread refresher;
  std::mutex refresh_mutex;
  std::condition_variable refresh_wake;
  bool stopping = false;
  int64_t refreshed_until_ms = 0;  // changes up to here are in the index

  // Public listing and search answers, keyed by their query. An entry is good while the
  // catalog generation is unchanged and it is younger than cache_ttl_ms (badges expire
  // with time). Local writes and the index refresh (other servers' writes) bump the
  // generation.
  struct CachedPage {
    std::string body;
    uint64_t generation = 0;
    int64_t created_ms = 0;
  };
  std::mutex cache_mutex;
  std::unordered_map<std::string, CachedPage> cache;
  std::atomic<uint64_t> generation{1};
  int64_t cache_ttl_ms = 60'000;
  static constexpr size_t kMaxCachedPages = 10'000;

  Impl(db::Database& d, const core::Clock& c) : database(d), clock(c) {}

  void catalog_changed() { generation.fetch_add(1); }
  std::optional<std::string> cached(const std::string& key);
  void remember(const std::string& key, const std::string& body, uint64_t generation_seen);

  // Re-reads the given products and puts listed ones into the index, removes the rest.
  void reindex(db::Session& session, const std::vector<int64_t>& ids);
  void rebuild();
  void refresh_loop(int64_t refresh_ms);

  // Routes, one per endpoint (products.cpp, supply.cpp).
  http::Response list_products(http::Request& request, bool admin);
  http::Response get_product(http::Request& request);
  http::Response create_product(http::Request& request);
  http::Response update_product(http::Request& request);
  http::Response review_product(http::Request& request);
  http::Response listing_events(http::Request& request);
  http::Response list_brands(http::Request& request);
  http::Response list_categories(http::Request& request);

  http::Response list_producers(http::Request& request);
  http::Response get_producer(http::Request& request);
  http::Response create_producer(http::Request& request);
  http::Response update_producer(http::Request& request);
  http::Response import_producers(http::Request& request);
  http::Response import_products(http::Request& request);
  http::Response list_stores(http::Request& request);
  http::Response get_store(http::Request& request);
  http::Response create_store(http::Request& request);
  http::Response update_store(http::Request& request);
  http::Response list_store_households(http::Request& request);
  http::Response link_store_household(http::Request& request);
  http::Response list_certifications(http::Request& request);
  http::Response create_certification(http::Request& request);
};

// Where a caller stands towards the rows of one county: may they read, may they change.
bool may_read_platform(const core::Principal& principal, int64_t platform_id);

}  // namespace longnan::catalog
