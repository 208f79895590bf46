// Products, SKUs, the listing line and search.
#include <boost/json.hpp>
#include <map>
#include <set>

#include "audit/audit.h"
#include "catalog/internal.h"
#include "core/validate.h"
#include "http/export.h"
#include "http/json.h"
#include "region/region.h"

namespace longnan::catalog {

bool may_read_platform(const core::Principal& principal, int64_t platform_id) {
  return principal.sees_platform(platform_id);
}

namespace {

constexpr int64_t kMaxPriceFen = 100'000'000;  // ¥1,000,000 per item
constexpr int64_t kMaxStock = 10'000'000;
constexpr int64_t kMaxVolumeMl = 10'000'000;  // 10 m³
constexpr size_t kMaxSearchHits = 2000;

constexpr std::string_view kProductSelect =
    "SELECT p.id, p.name, p.name_en, p.min_price_fen, p.brand_id, b.name, p.store_id, s.name, p.producer_id, "
    "pr.name, pr.kind, pl.name, p.platform_id, p.images_json, p.status, p.category_id, p.description, p.unit, "
    "p.origin_village_code, p.sale_attributes_json, p.created_at, p.updated_at";
constexpr std::string_view kProductFrom =
    "FROM products p JOIN stores s ON s.id = p.store_id JOIN producers pr ON pr.id = p.producer_id "
    "JOIN platforms pl ON pl.id = p.platform_id LEFT JOIN brands b ON b.id = p.brand_id";
// Both together, for single-row lookups.
const std::string kProductColumns = std::string(kProductSelect) + " " + std::string(kProductFrom);

boost::json::value json_or(const std::string& text, boost::json::value fallback) {
  auto parsed = http::parse_json(text);
  return parsed ? std::move(parsed.value()) : fallback;
}

boost::json::object product_summary(const db::Row& row, boost::json::array badges, bool with_status) {
  boost::json::object item{
      {"id", row.integer(0)},
      {"name", row.text(1)},
      {"name_en", row.text(2)},
      {"min_price_fen", row.integer(3)},
      {"brand",
       row.is_null(4) ? boost::json::value() : boost::json::object{{"id", row.integer(4)}, {"name", row.text(5)}}},
      {"store", boost::json::object{{"id", row.integer(6)}, {"name", row.text(7)}}},
      {"producer", boost::json::object{{"id", row.integer(8)}, {"name", row.text(9)}, {"kind", row.text(10)}}},
      {"county_name", row.text(11)},
      {"platform_id", row.integer(12)},
      {"images", json_or(row.text(13), boost::json::array())},
      {"badges", std::move(badges)},
      {"unit", row.text(17)},
  };
  if (with_status) item["status"] = row.text(14);
  return item;
}

// Active certification kinds per product (valid today).
std::map<int64_t, boost::json::array> badges_for(db::Session& session, const std::vector<int64_t>& ids, int64_t now) {
  std::map<int64_t, boost::json::array> badges;
  if (ids.empty()) return badges;
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  for (const auto& row :
       session.query("SELECT DISTINCT product_id, kind FROM certifications WHERE product_id IN (" + list +
                         ") AND valid_from <= :n AND valid_until >= :m ORDER BY product_id, kind",
                     {now, now}))
    badges[row.integer(0)].push_back(boost::json::string(row.text(1)));
  return badges;
}

// The caller's relation to one product (for reads of unlisted products and for changes).
struct ProductAccess {
  bool owner_store = false;
  bool owner_producer = false;
  bool county = false;  // county admin of the product's county
  bool reader = false;  // may see it whatever its status
};

ProductAccess access_to(const core::Principal* principal, int64_t platform_id, int64_t store_id, int64_t producer_id) {
  ProductAccess access;
  if (!principal) return access;
  access.owner_store = principal->role == core::Role::kStoreKeeper && principal->store_id == store_id;
  access.owner_producer = principal->role == core::Role::kSupplier && principal->producer_id == producer_id;
  access.county = principal->role == core::Role::kCountyAdmin && principal->platform_id == platform_id;
  bool overseer = principal->role == core::Role::kCityAdmin ||
                  (principal->role == core::Role::kAuditor && principal->sees_platform(platform_id));
  access.reader = access.owner_store || access.owner_producer || access.county || overseer;
  return access;
}

}  // namespace

// GET /api/v1/products (listed products, public) and GET /api/v1/admin/products (any status, scoped).
http::Response Catalog::Impl::list_products(http::Request& request, bool admin) {
  const core::Principal* caller = nullptr;
  if (admin) {
    auto principal =
        http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor,
                                     core::Role::kStoreKeeper, core::Role::kSupplier});
    if (!principal) return http::error_response(request, principal.error());
    caller = *principal;
  }
  // The public listing is the same for every caller: answer repeats from the cache.
  std::string cache_key;
  const uint64_t generation_seen = generation.load();
  if (!admin) {
    auto params = request.query;
    std::sort(params.begin(), params.end());
    for (const auto& [key, value] : params) cache_key += key + '=' + value + '&';
    if (auto body = cached(cache_key)) {
      http::Response response;
      response.body = std::move(*body);
      return response;
    }
  }
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  if (*format && !admin)
    return http::error_response(request, core::invalid("format", "exports are in /api/v1/admin/products"));
  std::optional<int64_t> platform_id, category_id, brand_id, min_price, max_price;
  for (auto [name, target, max] :
       {std::tuple{"platform_id", &platform_id, int64_t{INT32_MAX}},
        std::tuple{"category_id", &category_id, int64_t{INT32_MAX}},
        std::tuple{"brand_id", &brand_id, int64_t{INT32_MAX}}, std::tuple{"min_price_fen", &min_price, kMaxPriceFen},
        std::tuple{"max_price_fen", &max_price, kMaxPriceFen}}) {
    auto value = http::query_integer(request, name, std::string_view(name).ends_with("_fen") ? 0 : 1, max);
    if (!value) return http::error_response(request, value.error());
    *target = *value;
  }
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!admin) {
    where += " AND p.status = 'listed'";
  } else {
    if (auto status = request.query_param("status"); status && !status->empty()) {
      static const std::set<std::string_view> kStatuses{"submitted", "store_accepted", "listed", "delisted",
                                                        "rejected"};
      if (!kStatuses.count(*status)) return http::error_response(request, core::invalid("status", "unknown status"));
      where += " AND p.status = :st";
      params.emplace_back(std::string(*status));
    }
    switch (caller->role) {
      case core::Role::kStoreKeeper:
        where += " AND p.store_id = :sc";
        params.emplace_back(caller->store_id.value_or(0));
        break;
      case core::Role::kSupplier:
        where += " AND p.producer_id = :sc";
        params.emplace_back(caller->producer_id.value_or(0));
        break;
      default:
        if (!caller->is_city_wide()) {
          where += " AND p.platform_id = :sc";
          params.emplace_back(caller->platform_id.value_or(0));
        }
    }
  }
  if (platform_id) {
    where += " AND p.platform_id = :pl";
    params.emplace_back(*platform_id);
  }
  if (brand_id) {
    where += " AND p.brand_id = :b";
    params.emplace_back(*brand_id);
  }
  if (category_id) {
    where +=
        " AND p.category_id IN (SELECT id FROM categories WHERE id = :c1 OR parent_id = :c2 OR parent_id IN "
        "(SELECT id FROM categories WHERE parent_id = :c3))";
    params.insert(params.end(), {*category_id, *category_id, *category_id});
  }
  if (min_price) {
    where += " AND p.min_price_fen >= :mn";
    params.emplace_back(*min_price);
  }
  if (max_price) {
    where += " AND p.min_price_fen <= :mx";
    params.emplace_back(*max_price);
  }
  const int64_t now = clock.now_ms();
  if (auto kind = request.query_param("certification"); kind && !kind->empty()) {
    if (*kind != "gi" && *kind != "green" && *kind != "organic" && *kind != "compliance")
      return http::error_response(
          request, core::invalid("certification", "certification must be gi, green, organic or compliance"));
    where +=
        " AND EXISTS (SELECT 1 FROM certifications c WHERE c.product_id = p.id AND c.kind = :ck AND "
        "c.valid_from <= :cn AND c.valid_until >= :cm)";
    params.insert(params.end(), {std::string(*kind), now, now});
  }
  // With q, Xapian ranks; the database filters and the page keeps Xapian's order.
  std::vector<int64_t> ranked;
  bool searching = false;
  auto q = request.query_param("q");
  if (q && !q->empty() && (!core::valid_text(*q) || core::utf8_length(*q) > 100))
    return http::error_response(request, core::invalid("q", "q must be valid text of at most 100 characters"));
  if (admin) {
    // Admin lists cover unlisted products too, which the index does not hold.
    if (auto status = region::filter_by_name(request, "p.name", where, params); !status)
      return http::error_response(request, status.error());
  } else if (q && !q->empty()) {
    searching = true;
    ranked = index.search(std::string(*q), kMaxSearchHits);
    if (ranked.empty()) return http::json_response(http::page_body({}, 0, *page));
    std::string list;
    for (int64_t id : ranked) list += (list.empty() ? "" : ",") + std::to_string(id);
    where += " AND p.id IN (" + list + ")";
  }

  boost::json::array items;
  core::Table table;
  int64_t total = 0;
  database.with_session([&](db::Session& session) {
    std::vector<db::Row> rows;
    if (searching) {
      // At most kMaxSearchHits rows: fetch all matches, order by rank, slice the page.
      auto all = session.query(std::string(kProductColumns) + where, params);
      std::map<int64_t, size_t> rank;
      for (size_t position = 0; position < ranked.size(); ++position) rank[ranked[position]] = position;
      std::sort(all.begin(), all.end(),
                [&](const db::Row& a, const db::Row& b) { return rank[a.integer(0)] < rank[b.integer(0)]; });
      total = static_cast<int64_t>(all.size());
      size_t begin = *format ? 0 : static_cast<size_t>(std::min<int64_t>(page->offset(), total));
      size_t end =
          *format ? all.size() : static_cast<size_t>(std::min<int64_t>(page->offset() + page->page_size, total));
      rows.assign(std::make_move_iterator(all.begin() + begin), std::make_move_iterator(all.begin() + end));
    } else {
      total = session.scalar("SELECT COUNT(*) FROM products p" + where, params);
      params.emplace_back(*format ? http::kMaxExportRows : page->page_size);
      params.emplace_back(*format ? int64_t{0} : page->offset());
      rows = session.query(std::string(kProductColumns) + where + " ORDER BY p.id LIMIT :l OFFSET :o", params);
    }
    std::vector<int64_t> ids;
    for (const auto& row : rows) ids.push_back(row.integer(0));
    auto badges = badges_for(session, ids, now);
    if (*format)
      table.push_back({"id", "name", "status", "min_price_fen", "store", "producer", "county", "brand", "badges"});
    for (const auto& row : rows) {
      if (*format) {
        std::string badge_list;
        for (const auto& badge : badges[row.integer(0)])
          badge_list += (badge_list.empty() ? "" : ";") + std::string(badge.as_string());
        table.push_back({row.text(0), row.text(1), row.text(14), row.text(3), row.text(7), row.text(9), row.text(11),
                         row.text(5), badge_list});
      } else {
        items.push_back(product_summary(row, std::move(badges[row.integer(0)]), admin));
      }
    }
  });
  if (*format) return http::export_response(**format, table, "products");
  auto response = http::json_response(http::page_body(std::move(items), total, *page));
  if (!admin) remember(cache_key, response.body, generation_seen);
  return response;
}

namespace {

boost::json::object product_detail(db::Session& session, const db::Row& row, int64_t now) {
  const int64_t id = row.integer(0);
  auto badges = badges_for(session, {id}, now);
  auto body = product_summary(row, std::move(badges[id]), true);
  body["description"] = row.text(16);
  body["sale_attributes"] = json_or(row.text(19), boost::json::array());
  body["created_at"] = row.integer(20);
  body["updated_at"] = row.integer(21);
  if (auto category =
          session.query_one("SELECT id, name, name_en, code FROM categories WHERE id = :c", {row.integer(15)}))
    body["category"] = boost::json::object{{"id", category->integer(0)},
                                           {"name", category->text(1)},
                                           {"name_en", category->text(2)},
                                           {"code", category->text(3)}};
  auto place = region::place_of(session, row.text(18));
  body["origin"] = boost::json::object{{"village_code", row.text(18)},
                                       {"village_name", place.village_name},
                                       {"township_name", place.township_name},
                                       {"county_name", place.county_name}};
  boost::json::array certifications;
  for (const auto& cert :
       session.query("SELECT kind, number, issuer, valid_from, valid_until, evidence_url FROM certifications "
                     "WHERE product_id = :p OR (product_id IS NULL AND producer_id = :q) ORDER BY kind, id",
                     {id, row.integer(8)}))
    certifications.push_back(boost::json::object{{"kind", cert.text(0)},
                                                 {"number", cert.text(1)},
                                                 {"issuer", cert.text(2)},
                                                 {"valid_from", core::shanghai_date(cert.integer(3))},
                                                 {"valid_until", core::shanghai_date(cert.integer(4))},
                                                 {"evidence_url", cert.text(5)},
                                                 {"active", cert.integer(3) <= now && cert.integer(4) >= now}});
  body["certifications"] = std::move(certifications);
  boost::json::array skus;
  for (const auto& sku : session.query(
           "SELECT id, code, attrs_json, price_fen, stock, weight_g, gtin, cold_chain, volume_ml FROM skus WHERE "
           "product_id = :p "
           "ORDER BY id",
           {id}))
    skus.push_back(
        boost::json::object{{"id", sku.integer(0)},
                            {"code", sku.text(1)},
                            {"attrs", json_or(sku.text(2), boost::json::object())},
                            {"price_fen", sku.integer(3)},
                            {"stock", sku.integer(4)},
                            {"weight_g", sku.is_null(5) ? boost::json::value() : sku.integer(5)},
                            {"gtin", sku.is_null(6) ? boost::json::value() : boost::json::value(sku.text(6))},
                            {"cold_chain", sku.integer(7) != 0},
                            {"volume_ml", sku.is_null(8) ? boost::json::value() : sku.integer(8)}});
  body["skus"] = std::move(skus);
  return body;
}

core::Result<db::Row> load_product(db::Session& session, int64_t id) {
  auto row = session.query_one(std::string(kProductColumns) + " WHERE p.id = :i", {id});
  if (!row) return core::not_found("no such product");
  return std::move(*row);
}

}  // namespace

// GET /api/v1/products/{id}: a listed product for anyone; other statuses for those involved.
http::Response Catalog::Impl::get_product(http::Request& request) {
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<core::Error> failure;
  boost::json::object body;
  database.with_session([&](db::Session& session) {
    auto row = load_product(session, *id);
    if (!row) {
      failure = row.error();
      return;
    }
    auto access = access_to(request.principal ? &*request.principal : nullptr, row->integer(12), row->integer(6),
                            row->integer(8));
    if (row->text(14) != "listed" && !access.reader) {
      failure = core::not_found("no such product");
      return;
    }
    body = product_detail(session, *row, clock.now_ms());
  });
  if (failure) return http::error_response(request, *failure);
  return http::json_response(body);
}

namespace {

core::Result<std::vector<NewSku>> skus_from_json(const boost::json::array& array) {
  std::vector<NewSku> skus;
  std::set<std::string> codes;
  for (size_t index = 0; index < array.size(); ++index) {
    std::string prefix = "skus[" + std::to_string(index) + "].";
    if (!array[index].is_object()) return core::bad_request("each SKU must be an object", "skus");
    http::Fields fields(array[index].as_object());
    NewSku sku;
    auto code = fields.text("code", true, 40);
    auto price = fields.integer("price_fen", true, 1, kMaxPriceFen);
    auto stock = fields.integer("stock", true, 0, kMaxStock);
    auto weight = fields.integer("weight_g", false, 1, 1'000'000);
    auto volume = fields.integer("volume_ml", false, 1, kMaxVolumeMl);
    auto gtin = fields.text("gtin", false, 14);
    auto cold = fields.boolean("cold_chain", false);
    const auto* attrs = fields.object("attrs", false);
    if (!fields.ok()) {
      auto error = fields.error();
      error.field = prefix + error.field;
      return error;
    }
    if (gtin && !gtin->empty() && (!(gtin->size() == 13 || gtin->size() == 14) || !core::valid_gtin(*gtin)))
      return core::invalid(prefix + "gtin", "gtin must be a GTIN-13 or GTIN-14 with a correct check digit");
    if (!codes.insert(*code).second) return core::invalid(prefix + "code", "SKU code " + *code + " appears twice");
    if (attrs) {
      if (attrs->size() > 10) return core::invalid(prefix + "attrs", "at most 10 attributes");
      for (const auto& [key, value] : *attrs)
        if (!value.is_string() || !core::valid_text(value.as_string()) || value.as_string().size() > 100 ||
            !core::valid_text(key) || key.size() > 50 || key.empty())
          return core::invalid(prefix + "attrs", "attributes map names to text values");
      sku.attrs_json = boost::json::serialize(*attrs);
    }
    sku.code = *code;
    sku.price_fen = *price;
    sku.stock = *stock;
    sku.weight_g = weight;
    sku.volume_ml = volume;
    sku.gtin = gtin.value_or("");
    sku.cold_chain = cold.value_or(false);
    skus.push_back(std::move(sku));
  }
  return skus;
}

core::Result<std::string> images_from_json(const boost::json::array* array) {
  if (!array) return std::string("[]");
  boost::json::array clean;
  for (const auto& image : *array) {
    if (!image.is_string()) return core::bad_request("images must be URLs", "images");
    std::string_view url = image.as_string();
    bool local = url.starts_with("/") && !url.starts_with("//");
    if (!(url.starts_with("https://") || local) || url.size() > 500 || !core::valid_text(url) ||
        url.find_first_of(" \"'<>") != std::string_view::npos)
      return core::invalid("images", "each image must be an https:// URL or a path on this site");
    clean.push_back(image);
  }
  return boost::json::serialize(clean);
}

}  // namespace

core::Result<int64_t> insert_product(db::Session& session, const NewProduct& product, const std::string& status,
                                     const std::string& actor_name, int64_t now_ms) {
  auto store = session.query_one("SELECT platform_id FROM stores WHERE id = :s", {product.store_id});
  if (!store) return core::invalid("store_id", "no such store");
  const int64_t platform_id = store->integer(0);
  auto producer = session.query_one("SELECT platform_id FROM producers WHERE id = :p", {product.producer_id});
  if (!producer || producer->integer(0) != platform_id)
    return core::invalid("producer_id", "the producer must belong to the store's county");
  auto category = session.query_one("SELECT level FROM categories WHERE id = :c", {product.category_id});
  if (!category || category->integer(0) != 3)
    return core::invalid("category_id", "category_id must name a third-level category");
  if (product.brand_id && !session.query_one("SELECT id FROM brands WHERE id = :b", {*product.brand_id}))
    return core::invalid("brand_id", "no such brand");
  if (!region::village_of_platform(session, product.origin_village_code, platform_id))
    return core::invalid("origin_village_code", "origin_village_code must be a village of the store's county");
  if (product.skus.empty()) return core::invalid("skus", "a product needs at least one SKU");
  int64_t min_price = INT64_MAX;
  for (const auto& sku : product.skus) min_price = std::min(min_price, sku.price_fen);
  int64_t id = session.insert(
      "INSERT INTO products (platform_id, store_id, producer_id, category_id, brand_id, name, name_en, description, "
      "unit, "
      "origin_village_code, sale_attributes_json, images_json, status, min_price_fen, created_at, updated_at) "
      "VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l, :m, :n, :o, :p) RETURNING id",
      {platform_id, product.store_id, product.producer_id, product.category_id,
       product.brand_id ? db::Value(*product.brand_id) : db::Value(), product.name, product.name_en,
       product.description, product.unit, product.origin_village_code, product.sale_attributes_json,
       product.images_json, status, min_price, now_ms, now_ms});
  for (const auto& sku : product.skus)
    session.exec(
        "INSERT INTO skus (product_id, platform_id, code, attrs_json, price_fen, stock, weight_g, gtin, cold_chain, "
        "volume_ml) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)",
        {id, platform_id, sku.code, sku.attrs_json, sku.price_fen, sku.stock,
         sku.weight_g ? db::Value(*sku.weight_g) : db::Value(), sku.gtin.empty() ? db::Value() : db::Value(sku.gtin),
         int64_t{sku.cold_chain}, sku.volume_ml ? db::Value(*sku.volume_ml) : db::Value()});
  session.exec(
      "INSERT INTO listing_events (product_id, platform_id, from_status, to_status, actor_name, note, at) "
      "VALUES (:p, :pl, NULL, :s, :a, '', :t)",
      {id, platform_id, status, actor_name, now_ms});
  return id;
}

// POST /api/v1/products: a supplier submits a product to a store (a store keeper or county
// admin may enter one directly; it then waits for the county's approval).
http::Response Catalog::Impl::create_product(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  const core::Principal& caller = **principal;
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  NewProduct product;
  auto name = fields.text("name", true, 100);
  auto name_en = fields.text("name_en", false, 200);
  auto description = fields.text("description", false, 5000);
  auto unit = fields.text("unit", false, 10);
  auto category_id = fields.integer("category_id", true, 1, INT32_MAX);
  auto brand_id = fields.integer("brand_id", false, 1, INT32_MAX);
  auto origin = fields.text("origin_village_code", true, 12);
  auto store_id = fields.integer("store_id", caller.role != core::Role::kStoreKeeper, 1, INT32_MAX);
  auto producer_id = fields.integer("producer_id", caller.role != core::Role::kSupplier, 1, INT32_MAX);
  const auto* sku_array = fields.array("skus", true, 50);
  const auto* image_array = fields.array("images", false, 20);
  const auto* attributes = fields.array("sale_attributes", false, 5);
  if (!fields.ok()) return http::error_response(request, fields.error());
  auto skus = skus_from_json(*sku_array);
  if (!skus) return http::error_response(request, skus.error());
  auto images = images_from_json(image_array);
  if (!images) return http::error_response(request, images.error());
  product.name = *name;
  product.name_en = name_en.value_or("");
  product.description = description.value_or("");
  product.unit = unit.value_or("");
  product.category_id = *category_id;
  product.brand_id = brand_id;
  product.origin_village_code = *origin;
  product.skus = std::move(*skus);
  product.images_json = *images;
  if (attributes) product.sale_attributes_json = boost::json::serialize(*attributes);
  std::string status = "store_accepted";
  switch (caller.role) {
    case core::Role::kSupplier:
      product.producer_id = caller.producer_id.value_or(0);
      product.store_id = *store_id;
      status = "submitted";
      break;
    case core::Role::kStoreKeeper:
      product.store_id = caller.store_id.value_or(0);
      product.producer_id = *producer_id;
      break;
    default:
      product.store_id = *store_id;
      product.producer_id = *producer_id;
  }
  const int64_t now = clock.now_ms();
  boost::json::object created;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto store = session.query_one("SELECT platform_id FROM stores WHERE id = :s", {product.store_id});
    if (!store || (caller.platform_id && *caller.platform_id != store->integer(0)))
      return core::invalid("store_id", "no such store in your county");
    auto id = insert_product(session, product, status, caller.name, now);
    if (!id) return id.error();
    auto row = load_product(session, *id);
    created = product_detail(session, *row, now);
    audit::record(session, request, {row->integer(12), "product", *id, "create", nullptr, created}, now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/products/{id}: the store or the county corrects a product; prices and stock per SKU.
http::Response Catalog::Impl::update_product(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto name = fields.text("name", false, 100);
  auto name_en = fields.text("name_en", false, 200);
  auto description = fields.text("description", false, 5000);
  auto unit = fields.text("unit", false, 10);
  const auto* sku_updates = fields.array("skus", false, 50);
  const auto* image_array = fields.array("images", false, 20);
  if (fields.ok() && name && name->empty()) fields.fail(core::invalid("name", "name must not be empty"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  auto images = images_from_json(image_array);
  if (!images) return http::error_response(request, images.error());
  const int64_t now = clock.now_ms();
  boost::json::object updated;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto row = load_product(session, *id);
    if (!row) return row.error();
    auto access = access_to(*principal, row->integer(12), row->integer(6), row->integer(8));
    if (!access.reader) return core::not_found("no such product");
    bool supplier_may = access.owner_producer && (row->text(14) == "submitted" || row->text(14) == "rejected");
    if (!(access.owner_store || access.county || supplier_may))
      return core::forbidden(
          "only the store, the county office or (before review) the supplier may change this product");
    auto before = product_detail(session, *row, now);
    if (name) session.exec("UPDATE products SET name = :n WHERE id = :i", {*name, *id});
    if (name_en) session.exec("UPDATE products SET name_en = :n WHERE id = :i", {*name_en, *id});
    if (description) session.exec("UPDATE products SET description = :n WHERE id = :i", {*description, *id});
    if (unit) session.exec("UPDATE products SET unit = :n WHERE id = :i", {*unit, *id});
    if (image_array) session.exec("UPDATE products SET images_json = :n WHERE id = :i", {*images, *id});
    if (sku_updates) {
      for (size_t index = 0; index < sku_updates->size(); ++index) {
        std::string prefix = "skus[" + std::to_string(index) + "].";
        if (!(*sku_updates)[index].is_object()) return core::bad_request("each SKU update must be an object", "skus");
        http::Fields sku(sku_updates->at(index).as_object());
        auto sku_id = sku.integer("id", true, 1, INT64_MAX);
        auto price = sku.integer("price_fen", false, 1, kMaxPriceFen);
        auto stock = sku.integer("stock", false, 0, kMaxStock);
        // Weight and volume: a number sets it, null clears it (unknown), absence keeps it.
        auto weight = sku.integer("weight_g", false, 1, 1'000'000);
        auto volume = sku.integer("volume_ml", false, 1, kMaxVolumeMl);
        auto cold = sku.boolean("cold_chain", false);
        if (!sku.ok()) {
          auto error = sku.error();
          error.field = prefix + error.field;
          return error;
        }
        if (!session.query_one("SELECT id FROM skus WHERE id = :s AND product_id = :p", {*sku_id, *id}))
          return core::invalid(prefix + "id", "no such SKU in this product");
        if (price) session.exec("UPDATE skus SET price_fen = :v WHERE id = :s", {*price, *sku_id});
        if (stock) session.exec("UPDATE skus SET stock = :v WHERE id = :s", {*stock, *sku_id});
        const auto& entry = sku_updates->at(index).as_object();
        if (weight || (entry.contains("weight_g") && entry.at("weight_g").is_null()))
          session.exec("UPDATE skus SET weight_g = :v WHERE id = :s",
                       {weight ? db::Value(*weight) : db::Value(), *sku_id});
        if (cold) session.exec("UPDATE skus SET cold_chain = :v WHERE id = :s", {int64_t{*cold}, *sku_id});
        if (volume || (entry.contains("volume_ml") && entry.at("volume_ml").is_null()))
          session.exec("UPDATE skus SET volume_ml = :v WHERE id = :s",
                       {volume ? db::Value(*volume) : db::Value(), *sku_id});
      }
      session.exec(
          "UPDATE products SET min_price_fen = (SELECT MIN(price_fen) FROM skus WHERE product_id = :p) WHERE id = :i",
          {*id, *id});
    }
    session.exec("UPDATE products SET updated_at = :t WHERE id = :i", {now, *id});
    auto after = load_product(session, *id);
    updated = product_detail(session, *after, now);
    audit::record(session, request, {row->integer(12), "product", *id, "update", before, updated}, now);
    reindex(session, {*id});
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(updated);
}

namespace {

struct Transition {
  std::string_view action;
  std::vector<std::string_view> from;
  std::string_view to;
};

// The listing line as data. Who may apply each action is checked in review_product.
const std::vector<Transition> kTransitions{
    {"accept", {"submitted"}, "store_accepted"},
    {"approve", {"store_accepted"}, "listed"},
    {"reject", {"submitted", "store_accepted"}, "rejected"},
    {"resubmit", {"rejected"}, "submitted"},
    {"delist", {"listed"}, "delisted"},
    {"relist", {"delisted"}, "listed"},
};

}  // namespace

// POST /api/v1/products/{id}/review: one step on the listing line.
http::Response Catalog::Impl::review_product(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto action = fields.text("action", true, 20);
  auto note = fields.text("note", false, 500);
  if (!fields.ok()) return http::error_response(request, fields.error());
  auto transition =
      std::find_if(kTransitions.begin(), kTransitions.end(), [&](const auto& t) { return t.action == *action; });
  if (transition == kTransitions.end())
    return http::error_response(
        request, core::invalid("action", "action must be accept, approve, reject, resubmit, delist or relist"));
  if (*action == "reject" && (!note || note->empty()))
    return http::error_response(request, core::invalid("note", "say why the product is rejected"));
  const int64_t now = clock.now_ms();
  boost::json::object updated;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto row = load_product(session, *id);
    if (!row) return row.error();
    auto access = access_to(*principal, row->integer(12), row->integer(6), row->integer(8));
    if (!access.reader) return core::not_found("no such product");
    const std::string from = row->text(14);
    std::string to(transition->to);
    bool allowed = false;
    if (*action == "accept")
      allowed = access.owner_store || access.county;
    else if (*action == "approve")
      allowed = access.county;
    else if (*action == "reject")
      allowed = access.county || (access.owner_store && from == "submitted");
    else if (*action == "resubmit")
      allowed = access.owner_producer || access.owner_store;
    else if (*action == "delist")
      allowed = access.owner_store || access.county;
    else if (*action == "relist") {
      allowed = access.owner_store || access.county;
      if (!access.county) to = "store_accepted";  // the store asks again; the county approves
    }
    if (!allowed) return core::forbidden("your role may not " + *action + " this product");
    if (std::find(transition->from.begin(), transition->from.end(), from) == transition->from.end())
      return core::conflict("cannot " + *action + " a product that is " + from, "action");
    // Guarded update: a concurrent review that changed the status first makes this one fail.
    if (session.exec("UPDATE products SET status = :s, updated_at = :t WHERE id = :i AND status = :f",
                     {to, now, *id, from}) != 1)
      return core::conflict("the product changed meanwhile; reload and try again", "action");
    session.exec(
        "INSERT INTO listing_events (product_id, platform_id, from_status, to_status, actor_user_id, actor_name, note, "
        "at) "
        "VALUES (:p, :pl, :f, :s, :u, :a, :n, :t)",
        {*id, row->integer(12), from, to, (*principal)->user_id, (*principal)->name, note.value_or(""), now});
    audit::record(session, request,
                  {row->integer(12), "product", *id, "review:" + *action, boost::json::object{{"status", from}},
                   boost::json::object{{"status", to}, {"note", note.value_or("")}}},
                  now);
    auto after = load_product(session, *id);
    updated = product_detail(session, *after, now);
    reindex(session, {*id});
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(updated);
}

// GET /api/v1/products/{id}/listing-events: each step of the product's listing line.
http::Response Catalog::Impl::listing_events(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<core::Error> failure;
  boost::json::array items;
  database.with_session([&](db::Session& session) {
    auto row = load_product(session, *id);
    if (!row || !access_to(*principal, row->integer(12), row->integer(6), row->integer(8)).reader) {
      failure = core::not_found("no such product");
      return;
    }
    for (const auto& event : session.query("SELECT from_status, to_status, actor_name, note, at FROM listing_events "
                                           "WHERE product_id = :p ORDER BY id",
                                           {*id}))
      items.push_back(boost::json::object{
          {"from_status", event.is_null(0) ? boost::json::value() : boost::json::value(event.text(0))},
          {"to_status", event.text(1)},
          {"actor_name", event.text(2)},
          {"note", event.text(3)},
          {"at", event.integer(4)}});
  });
  if (failure) return http::error_response(request, *failure);
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// POST /api/v1/import/products: a county admin or a store keeper uploads goods (CSV or XLSX), all rows or none.
http::Response Catalog::Impl::import_products(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kStoreKeeper});
  if (!principal) return http::error_response(request, principal.error());
  auto table = http::read_upload(request);
  if (!table) return http::error_response(request, table.error());
  const int64_t now = clock.now_ms();
  std::optional<int64_t> only_store;
  if ((*principal)->role == core::Role::kStoreKeeper) only_store = (*principal)->store_id.value_or(0);
  std::vector<http::RowError> errors;
  size_t imported = 0;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto ids = catalog::import_products(session, *table, *(*principal)->platform_id, only_store, (*principal)->name,
                                        now, errors);
    if (!errors.empty()) return core::invalid("file", "rows have errors");
    imported = ids.size();
    audit::record(session, request,
                  {(*principal)->platform_id, "product", 0, "import", nullptr, audit::import_summary(ids)}, now);
    return core::Status();
  });
  if (!errors.empty()) return http::import_error_response(request, errors);
  if (!result) return http::error_response(request, result.error());
  return http::json_response(boost::json::object{{"imported", imported}}, 201);
}

// GET /api/v1/brands: regional public brands with how many listed products each has.
http::Response Catalog::Impl::list_brands(http::Request& request) {
  boost::json::array items;
  database.with_session([&](db::Session& session) {
    for (const auto& row :
         session.query("SELECT b.id, b.name, b.county_code, d.name, b.description, "
                       "(SELECT COUNT(*) FROM products p WHERE p.brand_id = b.id AND p.status = 'listed') "
                       "FROM brands b JOIN divisions d ON d.code = b.county_code ORDER BY b.county_code, b.id"))
      items.push_back(boost::json::object{{"id", row.integer(0)},
                                          {"name", row.text(1)},
                                          {"county_code", row.text(2)},
                                          {"county_name", row.text(3)},
                                          {"description", row.text(4)},
                                          {"product_count", row.integer(5)}});
  });
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// GET /api/v1/categories: the 3-level category tree as a flat list.
http::Response Catalog::Impl::list_categories(http::Request& request) {
  boost::json::array items;
  database.with_session([&](db::Session& session) {
    for (const auto& row :
         session.query("SELECT id, parent_id, level, code, name, name_en FROM categories ORDER BY id"))
      items.push_back(boost::json::object{{"id", row.integer(0)},
                                          {"parent_id", row.is_null(1) ? boost::json::value() : row.integer(1)},
                                          {"level", row.integer(2)},
                                          {"code", row.text(3)},
                                          {"name", row.text(4)},
                                          {"name_en", row.text(5)}});
  });
  auto response = http::json_response(boost::json::object{{"items", std::move(items)}});
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  return response;
}

}  // namespace longnan::catalog
