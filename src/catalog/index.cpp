// Keeping the search index in step with the database, and wiring the routes.
#include <spdlog/spdlog.h>

#include "catalog/internal.h"
#include "region/region.h"

namespace longnan::catalog {

void Catalog::Impl::reindex(db::Session& session, const std::vector<int64_t>& ids) {
  for (int64_t id : ids) {
    auto row = session.query_one(
        "SELECT p.id, p.name, p.name_en, p.description, p.status, b.name, c.name, c2.name, c3.name, pr.name, s.name, "
        "p.origin_village_code FROM products p JOIN producers pr ON pr.id = p.producer_id JOIN stores s ON s.id = p.store_id "
        "JOIN categories c ON c.id = p.category_id LEFT JOIN categories c2 ON c2.id = c.parent_id "
        "LEFT JOIN categories c3 ON c3.id = c2.parent_id LEFT JOIN brands b ON b.id = p.brand_id WHERE p.id = :i",
        {id});
    catalog_changed();
    if (!row || row->text(4) != "listed") {
      index.remove(id);
      continue;
    }
    auto place = region::place_of(session, row->text(11));
    index.put({.id = id,
               .name = row->text(1),
               .brand = row->text(5),
               .category = row->text(6) + " " + row->text(7) + " " + row->text(8),
               .place = place.county_name + " " + place.township_name + " " + place.village_name,
               .producer = row->text(9),
               .store = row->text(10),
               .description = row->text(3),
               .name_en = row->text(2)});
  }
}

void Catalog::Impl::rebuild() {
  const int64_t started = clock.now_ms();
  database.with_session([&](db::Session& session) {
    std::vector<int64_t> ids;
    for (const auto& row : session.query("SELECT id FROM products WHERE status = 'listed' ORDER BY id"))
      ids.push_back(row.integer(0));
    reindex(session, ids);
  });
  std::lock_guard lock(refresh_mutex);
  refreshed_until_ms = started;
}

// Another app server may have changed products: every round re-reads those changed since
// the last round, with a margin for transactions that committed late.
void Catalog::Impl::refresh_loop(int64_t refresh_ms) {
  constexpr int64_t kMarginMs = 30'000;
  std::unique_lock lock(refresh_mutex);
  while (!stopping) {
    refresh_wake.wait_for(lock, std::chrono::milliseconds(refresh_ms), [&] { return stopping; });
    if (stopping) break;
    int64_t since = refreshed_until_ms - kMarginMs;
    int64_t started = clock.now_ms();
    lock.unlock();
    try {
      database.with_session([&](db::Session& session) {
        std::vector<int64_t> ids;
        for (const auto& row : session.query("SELECT id FROM products WHERE updated_at >= :t", {since}))
          ids.push_back(row.integer(0));
        reindex(session, ids);
      });
      lock.lock();
      refreshed_until_ms = started;
    } catch (const std::exception& error) {
      spdlog::warn("search index refresh failed: {}", error.what());
      lock.lock();
    }
  }
}

Catalog::Catalog(db::Database& database, const core::Clock& clock) : impl_(std::make_unique<Impl>(database, clock)) {}

Catalog::~Catalog() {
  {
    std::lock_guard lock(impl_->refresh_mutex);
    impl_->stopping = true;
  }
  impl_->refresh_wake.notify_all();
  if (impl_->refresher.joinable()) impl_->refresher.join();
}

void Catalog::start_index(int64_t refresh_ms) {
  impl_->rebuild();
  impl_->refresher = std::thread([this, refresh_ms] { impl_->refresh_loop(refresh_ms); });
}

void Catalog::set_cache_ttl_ms(int64_t ttl_ms) { impl_->cache_ttl_ms = ttl_ms; }

std::optional<std::string> Catalog::Impl::cached(const std::string& key) {
  if (cache_ttl_ms <= 0) return std::nullopt;
  std::lock_guard lock(cache_mutex);
  auto it = cache.find(key);
  if (it == cache.end()) return std::nullopt;
  if (it->second.generation != generation.load() || clock.now_ms() - it->second.created_ms > cache_ttl_ms) {
    cache.erase(it);
    return std::nullopt;
  }
  return it->second.body;
}

void Catalog::Impl::remember(const std::string& key, const std::string& body, uint64_t generation_seen) {
  if (cache_ttl_ms <= 0) return;
  std::lock_guard lock(cache_mutex);
  if (cache.size() >= kMaxCachedPages) cache.clear();
  cache[key] = {body, generation_seen, clock.now_ms()};
}

std::vector<int64_t> Catalog::search(const std::string& query, size_t limit) { return impl_->index.search(query, limit); }

void Catalog::register_routes(http::Router& router) {
  using http::Method;
  Impl& impl = *impl_;
  // Every successful write may change what the public listing shows.
  auto route = [&](Method method, const char* pattern, http::Response (Impl::*handler)(http::Request&),
                   http::Work work = http::Work::kQuick) {
    router.add(
        method, pattern,
        [&impl, handler, method](http::Request& request) {
          http::Response response = (impl.*handler)(request);
          if (method != Method::kGet && response.status < 400) impl.catalog_changed();
          return response;
        },
        work);
  };
  router.add(Method::kGet, "/api/v1/products", [&impl](http::Request& r) { return impl.list_products(r, false); });
  router.add(Method::kGet, "/api/v1/admin/products", [&impl](http::Request& r) { return impl.list_products(r, true); });
  route(Method::kPost, "/api/v1/products", &Impl::create_product);
  route(Method::kGet, "/api/v1/products/{id}", &Impl::get_product);
  route(Method::kPatch, "/api/v1/products/{id}", &Impl::update_product);
  route(Method::kPost, "/api/v1/products/{id}/review", &Impl::review_product);
  route(Method::kGet, "/api/v1/products/{id}/listing-events", &Impl::listing_events);
  route(Method::kGet, "/api/v1/brands", &Impl::list_brands);
  route(Method::kGet, "/api/v1/categories", &Impl::list_categories);
  route(Method::kGet, "/api/v1/producers", &Impl::list_producers);
  route(Method::kPost, "/api/v1/producers", &Impl::create_producer);
  route(Method::kGet, "/api/v1/producers/{id}", &Impl::get_producer);
  route(Method::kPatch, "/api/v1/producers/{id}", &Impl::update_producer);
  route(Method::kPost, "/api/v1/import/producers", &Impl::import_producers, http::Work::kCompute);
  route(Method::kPost, "/api/v1/import/products", &Impl::import_products, http::Work::kCompute);
  route(Method::kGet, "/api/v1/stores", &Impl::list_stores);
  route(Method::kPost, "/api/v1/stores", &Impl::create_store);
  route(Method::kGet, "/api/v1/stores/{id}", &Impl::get_store);
  route(Method::kPatch, "/api/v1/stores/{id}", &Impl::update_store);
  route(Method::kGet, "/api/v1/stores/{id}/households", &Impl::list_store_households);
  route(Method::kPost, "/api/v1/stores/{id}/households", &Impl::link_store_household);
  route(Method::kGet, "/api/v1/certifications", &Impl::list_certifications);
  route(Method::kPost, "/api/v1/certifications", &Impl::create_certification);
}

}  // namespace longnan::catalog
