// Producers, stores, the households a store brings along, and certifications.
#include <algorithm>
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
namespace {

constexpr std::string_view kProducerSelect =
    "SELECT r.id, r.platform_id, r.kind, r.name, r.village_code, v.name, t.name, r.household_id, r.credit_code, "
    "r.contact_name, r.created_at, (SELECT COUNT(*) FROM products p WHERE p.producer_id = r.id)";
constexpr std::string_view kProducerFrom =
    "FROM producers r JOIN divisions v ON v.code = r.village_code LEFT JOIN divisions t ON t.code = v.parent_code";
// Both together, for single-row lookups.
const std::string kProducerColumns = std::string(kProducerSelect) + " " + std::string(kProducerFrom);

boost::json::object producer_json(const db::Row& row) {
  return {{"id", row.integer(0)},          {"platform_id", row.integer(1)},
          {"kind", row.text(2)},           {"name", row.text(3)},
          {"village_code", row.text(4)},   {"village_name", region::short_village_name(row.text(5))},
          {"township_name", row.text(6)},  {"household_id", row.is_null(7) ? boost::json::value() : row.integer(7)},
          {"credit_code", row.text(8)},    {"contact_name", row.text(9)},
          {"created_at", row.integer(10)}, {"product_count", row.integer(11)}};
}

constexpr std::string_view kStoreSelect =
    "SELECT s.id, s.platform_id, s.name, s.village_code, v.name, t.name, s.keeper_name, s.created_at, "
    "(SELECT COUNT(*) FROM store_households sh WHERE sh.store_id = s.id), "
    "(SELECT COUNT(*) FROM products p WHERE p.store_id = s.id AND p.status = 'listed')";
constexpr std::string_view kStoreFrom =
    "FROM stores s JOIN divisions v ON v.code = s.village_code LEFT JOIN divisions t ON t.code = v.parent_code";
// Both together, for single-row lookups.
const std::string kStoreColumns = std::string(kStoreSelect) + " " + std::string(kStoreFrom);

boost::json::object store_json(const db::Row& row) {
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"name", row.text(2)},
          {"village_code", row.text(3)},
          {"village_name", region::short_village_name(row.text(4))},
          {"township_name", row.text(5)},
          {"keeper_name", row.text(6)},
          {"created_at", row.integer(7)},
          {"household_count", row.integer(8)},
          {"product_count", row.integer(9)}};
}

const std::set<std::string_view> kProducerKinds{"household", "cooperative", "enterprise"};
const std::set<std::string_view> kMechanisms{"consignment", "purchase",    "employment",
                                             "equity",      "floor_price", "crowdfunding"};

// 统一社会信用代码: 18 characters of digits and capital letters (without I, O, Z, S, V).
bool valid_credit_code(std::string_view code) {
  if (code.size() != 18) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Z' && c != 'S' && c != 'V');
  });
}

struct NewProducer {
  std::string kind;
  std::string name;
  std::string village_code;
  std::optional<int64_t> household_id;
  std::string credit_code;
  std::string contact_name;
};

std::optional<core::Error> check_producer(const NewProducer& producer) {
  if (!kProducerKinds.count(producer.kind))
    return core::invalid("kind", "kind must be household, cooperative or enterprise");
  if (producer.name.empty() || core::utf8_length(producer.name) > 100 || !core::valid_text(producer.name))
    return core::invalid("name", "name must be 1 to 100 characters");
  if (producer.village_code.size() != 12 || !core::valid_division_code(producer.village_code))
    return core::invalid("village_code", "village_code must be a 12-digit village code");
  if (producer.kind == "household" && !producer.household_id)
    return core::invalid("household_id", "a household producer needs household_id");
  if (!producer.credit_code.empty() && !valid_credit_code(producer.credit_code))
    return core::invalid("credit_code", "credit_code must be an 18-character unified social credit code");
  if (!core::valid_text(producer.contact_name) || core::utf8_length(producer.contact_name) > 50)
    return core::invalid("contact_name", "contact_name must be at most 50 characters");
  return std::nullopt;
}

// Inserts a producer of `platform_id` (the caller's county). REQUIRES: in a transaction.
core::Result<int64_t> insert_producer(db::Session& session, const NewProducer& producer, int64_t platform_id,
                                      int64_t now) {
  if (!region::village_of_platform(session, producer.village_code, platform_id))
    return core::invalid("village_code", "village_code must be a village of your county");
  if (producer.household_id && !session.query_one("SELECT id FROM households WHERE id = :h AND platform_id = :p",
                                                  {*producer.household_id, platform_id}))
    return core::invalid("household_id", "no such household in your county");
  return session.insert(
      "INSERT INTO producers (platform_id, kind, name, village_code, household_id, credit_code, contact_name, "
      "created_at, "
      "updated_at) VALUES (:p, :k, :n, :v, :h, :c, :cn, :t, :u) RETURNING id",
      {platform_id, producer.kind, producer.name, producer.village_code,
       producer.household_id ? db::Value(*producer.household_id) : db::Value(), producer.credit_code,
       producer.contact_name, now, now});
}

// Column lookup for imported tables.
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) : header_(header) {}
  bool has(std::string_view name) const { return std::find(header_.begin(), header_.end(), name) != header_.end(); }
  std::string cell(const std::vector<std::string>& row, std::string_view name) const {
    for (size_t index = 0; index < header_.size(); ++index)
      if (header_[index] == name) return index < row.size() ? row[index] : std::string();
    return {};
  }

 private:
  const std::vector<std::string>& header_;
};

// A whole number in a cell, or nullopt (empty cell → `empty`).
std::optional<int64_t> number_cell(const std::string& text, std::optional<int64_t> empty = std::nullopt) {
  if (text.empty()) return empty;
  if (text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(text);
}

// Scope clause for county-scoped lists: city-wide roles see all, others their county.
void scope_to_county(const core::Principal& caller, const std::string& column, std::string& where,
                     std::vector<db::Value>& params) {
  if (caller.is_city_wide()) return;
  where += " AND " + column + " = :scope";
  params.emplace_back(caller.platform_id.value_or(0));
}

}  // namespace

std::vector<int64_t> import_producers(db::Session& session, const core::Table& table, int64_t platform_id,
                                      int64_t now_ms, std::vector<http::RowError>& errors) {
  Columns columns(table.front());
  for (const char* required : {"kind", "name", "village_code"})
    if (!columns.has(required)) {
      errors.push_back({1, required, std::string("the header lacks the column ") + required});
      return {};
    }
  std::vector<int64_t> created;
  for (size_t index = 1; index < table.size(); ++index) {
    const auto& row = table[index];
    NewProducer producer{columns.cell(row, "kind"),         columns.cell(row, "name"),
                         columns.cell(row, "village_code"), std::nullopt,
                         columns.cell(row, "credit_code"),  columns.cell(row, "contact_name")};
    std::string household = columns.cell(row, "household_id");
    if (!household.empty()) {
      producer.household_id = number_cell(household);
      if (!producer.household_id) {
        errors.push_back({index + 1, "household_id", "household_id must be a number"});
        continue;
      }
    }
    if (auto error = check_producer(producer)) {
      errors.push_back({index + 1, error->field, error->message});
      continue;
    }
    auto id = insert_producer(session, producer, platform_id, now_ms);
    if (!id) {
      errors.push_back({index + 1, id.error().field, id.error().message});
      continue;
    }
    created.push_back(*id);
  }
  if (!errors.empty()) created.clear();
  return created;
}

std::vector<int64_t> import_products(db::Session& session, const core::Table& table, int64_t platform_id,
                                     std::optional<int64_t> only_store, const std::string& actor_name, int64_t now_ms,
                                     std::vector<http::RowError>& errors) {
  Columns columns(table.front());
  for (const char* required :
       {"producer_id", "category_code", "name", "origin_village_code", "sku_code", "price_fen", "stock"})
    if (!columns.has(required)) {
      errors.push_back({1, required, std::string("the header lacks the column ") + required});
      return {};
    }
  if (!only_store && !columns.has("store_id")) {
    errors.push_back({1, "store_id", "the header lacks the column store_id"});
    return {};
  }
  // Rows with the same store and name are one product; keep the first row's line for errors.
  std::vector<std::pair<size_t, NewProduct>> products;
  std::map<std::pair<int64_t, std::string>, size_t> by_key;
  for (size_t index = 1; index < table.size(); ++index) {
    const auto& row = table[index];
    const size_t line = index + 1;
    auto fail = [&](const char* field, std::string message) { errors.push_back({line, field, std::move(message)}); };
    auto store_id = only_store ? only_store : number_cell(columns.cell(row, "store_id"));
    auto producer_id = number_cell(columns.cell(row, "producer_id"));
    auto price = number_cell(columns.cell(row, "price_fen"));
    auto stock = number_cell(columns.cell(row, "stock"));
    auto weight = number_cell(columns.cell(row, "weight_g"), 0);
    auto volume = number_cell(columns.cell(row, "volume_ml"), 0);  // an optional column
    std::string name = columns.cell(row, "name"), code = columns.cell(row, "sku_code"),
                gtin = columns.cell(row, "gtin");
    std::string cold = columns.cell(row, "cold_chain");
    if (!store_id || *store_id <= 0) {
      fail("store_id", "store_id must be a store number");
      continue;
    }
    if (!producer_id) {
      fail("producer_id", "producer_id must be a producer number");
      continue;
    }
    if (name.empty() || core::utf8_length(name) > 100 || !core::valid_text(name)) {
      fail("name", "name must be 1 to 100 characters");
      continue;
    }
    if (code.empty() || code.size() > 40 || !core::valid_text(code)) {
      fail("sku_code", "sku_code must be 1 to 40 characters");
      continue;
    }
    if (!price || *price < 1 || *price > 100'000'000) {
      fail("price_fen", "price_fen must be a whole number of fen from 1 to 100000000");
      continue;
    }
    if (!stock || *stock > 10'000'000) {
      fail("stock", "stock must be a whole number up to 10000000");
      continue;
    }
    if (!weight || *weight > 1'000'000) {
      fail("weight_g", "weight_g must be a whole number of grams");
      continue;
    }
    if (!volume || *volume > 10'000'000) {
      fail("volume_ml", "volume_ml must be a whole number of millilitres");
      continue;
    }
    if (!gtin.empty() && (!(gtin.size() == 13 || gtin.size() == 14) || !core::valid_gtin(gtin))) {
      fail("gtin", "gtin must be a GTIN-13 or GTIN-14 with a correct check digit");
      continue;
    }
    static const std::set<std::string> kYes{"yes", "true", "1", "是"}, kNo{"", "no", "false", "0", "否"};
    if (!kYes.count(cold) && !kNo.count(cold)) {
      fail("cold_chain", "cold_chain must be yes or no");
      continue;
    }
    auto category = session.query_one("SELECT id FROM categories WHERE code = :c AND level = 3",
                                      {columns.cell(row, "category_code")});
    if (!category) {
      fail("category_code", "category_code must name a third-level category");
      continue;
    }
    std::optional<int64_t> brand_id;
    if (std::string brand = columns.cell(row, "brand"); !brand.empty()) {
      auto found = session.query_one("SELECT id FROM brands WHERE name = :n", {brand});
      if (!found) {
        fail("brand", "no such regional brand: " + brand);
        continue;
      }
      brand_id = found->integer(0);
    }
    auto store = session.query_one("SELECT platform_id FROM stores WHERE id = :s", {*store_id});
    if (!store || store->integer(0) != platform_id) {
      fail("store_id", "no such store in the county");
      continue;
    }
    catalog::NewSku sku{code,
                        "{}",
                        *price,
                        *stock,
                        *weight > 0 ? weight : std::nullopt,
                        *volume > 0 ? volume : std::nullopt,
                        gtin,
                        kYes.count(cold) > 0};
    auto key = std::make_pair(*store_id, name);
    if (auto it = by_key.find(key); it != by_key.end()) {
      products[it->second].second.skus.push_back(std::move(sku));
      continue;
    }
    NewProduct product;
    product.store_id = *store_id;
    product.producer_id = *producer_id;
    product.category_id = category->integer(0);
    product.brand_id = brand_id;
    product.name = name;
    product.name_en = columns.cell(row, "name_en");
    product.unit = columns.cell(row, "unit");
    product.description = columns.cell(row, "description");
    product.origin_village_code = columns.cell(row, "origin_village_code");
    product.skus.push_back(std::move(sku));
    by_key[key] = products.size();
    products.emplace_back(line, std::move(product));
  }
  if (!errors.empty()) return {};
  std::vector<int64_t> created;
  for (const auto& [line, product] : products) {
    std::set<std::string> codes;
    for (const auto& sku : product.skus)
      if (!codes.insert(sku.code).second)
        errors.push_back({line, "sku_code", "SKU code " + sku.code + " appears twice"});
    if (!errors.empty()) continue;
    auto id = insert_product(session, product, "store_accepted", actor_name, now_ms);
    if (!id)
      errors.push_back({line, id.error().field, id.error().message});
    else
      created.push_back(*id);
  }
  if (!errors.empty()) created.clear();
  return created;
}

// GET /api/v1/producers: producers in the caller's county (a supplier sees only itself).
http::Response Catalog::Impl::list_producers(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor,
                                                core::Role::kStoreKeeper, core::Role::kSupplier});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  auto platform_filter = http::query_integer(request, "platform_id", 1, INT32_MAX);
  if (!platform_filter) return http::error_response(request, platform_filter.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if ((*principal)->role == core::Role::kSupplier) {
    where += " AND r.id = :me";
    params.emplace_back((*principal)->producer_id.value_or(0));
  } else {
    scope_to_county(**principal, "r.platform_id", where, params);
  }
  if (*platform_filter) {
    where += " AND r.platform_id = :pf";
    params.emplace_back(**platform_filter);
  }
  if (auto status = region::filter_by_division(request, "r.village_code", where, params); !status)
    return http::error_response(request, status.error());
  if (auto kind = request.query_param("kind"); kind && !kind->empty()) {
    if (!kProducerKinds.count(*kind)) return http::error_response(request, core::invalid("kind", "unknown kind"));
    where += " AND r.kind = :k";
    params.emplace_back(std::string(*kind));
  }
  if (auto status = region::filter_by_name(request, "r.name", where, params); !status)
    return http::error_response(request, status.error());
  db::PageRows result;
  database.with_session([&](db::Session& session) {
    result = db::select_page(session, kProducerSelect, std::string(kProducerFrom) + where, "ORDER BY r.id", params,
                             http::list_limit(*format, *page), http::list_offset(*format, *page));
  });
  boost::json::array items;
  core::Table table;
  if (*format)
    table.push_back(
        {"id", "kind", "name", "village_code", "village_name", "household_id", "credit_code", "contact_name"});
  for (const auto& row : result.rows) {
    if (*format)
      table.push_back({row.text(0), row.text(2), row.text(3), row.text(4), region::short_village_name(row.text(5)),
                       row.text(7), row.text(8), row.text(9)});
    else
      items.push_back(producer_json(row));
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "producers");
}

// GET /api/v1/producers/{id}
http::Response Catalog::Impl::get_producer(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<db::Row> row;
  database.with_session([&](db::Session& session) {
    row = session.query_one(std::string(kProducerColumns) + " WHERE r.id = :i", {*id});
  });
  const core::Principal& caller = **principal;
  bool allowed = row && (caller.role == core::Role::kSupplier
                             ? caller.producer_id == *id
                             : caller.role != core::Role::kBuyer && caller.role != core::Role::kCourier &&
                                   caller.sees_platform(row->integer(1)));
  if (!allowed) return http::error_response(request, core::not_found("no such producer"));
  return http::json_response(producer_json(*row));
}

namespace {
core::Result<NewProducer> producer_from_json(const boost::json::object& body, NewProducer base, bool partial) {
  http::Fields fields(body);
  if (auto value = fields.text("kind", !partial, 20)) base.kind = *value;
  if (auto value = fields.text("name", !partial, 100)) base.name = *value;
  if (auto value = fields.text("village_code", !partial, 12)) base.village_code = *value;
  if (auto value = fields.integer("household_id", false, 1, INT32_MAX)) base.household_id = *value;
  if (auto value = fields.text("credit_code", false, 18)) base.credit_code = *value;
  if (auto value = fields.text("contact_name", false, 50)) base.contact_name = *value;
  if (!fields.ok()) return fields.error();
  if (auto error = check_producer(base)) return *error;
  return base;
}
}  // namespace

// POST /api/v1/producers: a county admin registers a household, cooperative or enterprise.
http::Response Catalog::Impl::create_producer(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  auto producer = producer_from_json(*body, {}, false);
  if (!producer) return http::error_response(request, producer.error());
  const int64_t now = clock.now_ms();
  boost::json::object created;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto id = insert_producer(session, *producer, *(*principal)->platform_id, now);
    if (!id) return id.error();
    created = producer_json(*session.query_one(std::string(kProducerColumns) + " WHERE r.id = :i", {*id}));
    audit::record(session, request, {(*principal)->platform_id, "producer", *id, "create", nullptr, created}, now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/producers/{id}
http::Response Catalog::Impl::update_producer(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t now = clock.now_ms();
  boost::json::object updated;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kProducerColumns) + " WHERE r.id = :i", {*id});
    if (!row || row->integer(1) != *(*principal)->platform_id) return core::not_found("no such producer");
    NewProducer base{row->text(2), row->text(3), row->text(4), row->optional_integer(7), row->text(8), row->text(9)};
    auto producer = producer_from_json(*body, base, true);
    if (!producer) return producer.error();
    if (!region::village_of_platform(session, producer->village_code, row->integer(1)))
      return core::invalid("village_code", "village_code must be a village of your county");
    session.exec(
        "UPDATE producers SET kind = :k, name = :n, village_code = :v, household_id = :h, credit_code = :c, "
        "contact_name = :cn, updated_at = :t WHERE id = :i",
        {producer->kind, producer->name, producer->village_code,
         producer->household_id ? db::Value(*producer->household_id) : db::Value(), producer->credit_code,
         producer->contact_name, now, *id});
    // Search indexes producer names: have every server re-read this producer's products.
    session.exec("UPDATE products SET updated_at = :t WHERE producer_id = :p", {now, *id});
    updated = producer_json(*session.query_one(std::string(kProducerColumns) + " WHERE r.id = :i", {*id}));
    audit::record(session, request, {row->integer(1), "producer", *id, "update", producer_json(*row), updated}, now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(updated);
}

// POST /api/v1/import/producers: CSV or XLSX, all rows or none.
http::Response Catalog::Impl::import_producers(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto table = http::read_upload(request);
  if (!table) return http::error_response(request, table.error());
  const int64_t now = clock.now_ms();
  std::vector<http::RowError> errors;
  size_t imported = 0;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto ids = catalog::import_producers(session, *table, *(*principal)->platform_id, now, errors);
    if (!errors.empty()) return core::invalid("file", "rows have errors");
    imported = ids.size();
    audit::record(session, request,
                  {(*principal)->platform_id, "producer", 0, "import", nullptr, audit::import_summary(ids)}, now);
    return core::Status();
  });
  if (!errors.empty()) return http::import_error_response(request, errors);
  if (!result) return http::error_response(request, result.error());
  return http::json_response(boost::json::object{{"imported", imported}}, 201);
}

// GET /api/v1/stores: village stores (public: buyers browse them), by county and name.
http::Response Catalog::Impl::list_stores(http::Request& request) {
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  if (*format && !request.principal)
    return http::error_response(request, {core::ErrorCode::kUnauthenticated, "log in first", {}});
  auto platform_filter = http::query_integer(request, "platform_id", 1, INT32_MAX);
  if (!platform_filter) return http::error_response(request, platform_filter.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (*platform_filter) {
    where += " AND s.platform_id = :pf";
    params.emplace_back(**platform_filter);
  }
  if (auto status = region::filter_by_name(request, "s.name", where, params); !status)
    return http::error_response(request, status.error());
  if (auto status = region::filter_by_division(request, "s.village_code", where, params); !status)
    return http::error_response(request, status.error());
  // Admin screens ask for their own county only.
  if (request.query_param("mine") && request.principal && !request.principal->is_city_wide()) {
    where += " AND s.platform_id = :mine";
    params.emplace_back(request.principal->platform_id.value_or(0));
  }
  db::PageRows result;
  database.with_session([&](db::Session& session) {
    result = db::select_page(session, kStoreSelect, std::string(kStoreFrom) + where, "ORDER BY s.id", params,
                             http::list_limit(*format, *page), http::list_offset(*format, *page));
  });
  boost::json::array items;
  core::Table table;
  if (*format)
    table.push_back(
        {"id", "name", "village_code", "village_name", "township_name", "keeper_name", "households", "products"});
  for (const auto& row : result.rows) {
    if (*format)
      table.push_back({row.text(0), row.text(2), row.text(3), region::short_village_name(row.text(4)), row.text(5),
                       row.text(6), row.text(8), row.text(9)});
    else
      items.push_back(store_json(row));
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "stores");
}

// GET /api/v1/stores/{id}
http::Response Catalog::Impl::get_store(http::Request& request) {
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<db::Row> row;
  database.with_session(
      [&](db::Session& session) { row = session.query_one(std::string(kStoreColumns) + " WHERE s.id = :i", {*id}); });
  if (!row) return http::error_response(request, core::not_found("no such store"));
  return http::json_response(store_json(*row));
}

namespace {
struct NewStore {
  std::string name;
  std::string village_code;
  std::string keeper_name;
};
core::Result<NewStore> store_from_json(const boost::json::object& body, NewStore base, bool partial) {
  http::Fields fields(body);
  if (auto value = fields.text("name", !partial, 100)) base.name = *value;
  if (auto value = fields.text("village_code", !partial, 12)) base.village_code = *value;
  if (auto value = fields.text("keeper_name", !partial, 50)) base.keeper_name = *value;
  if (!fields.ok()) return fields.error();
  if (base.name.empty()) return core::invalid("name", "name must not be empty");
  return base;
}
}  // namespace

// POST /api/v1/stores: a county admin opens a village store (一村一店).
http::Response Catalog::Impl::create_store(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  auto store = store_from_json(*body, {}, false);
  if (!store) return http::error_response(request, store.error());
  const int64_t now = clock.now_ms();
  const int64_t platform_id = *(*principal)->platform_id;
  boost::json::object created;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    if (!region::village_of_platform(session, store->village_code, platform_id))
      return core::invalid("village_code", "village_code must be a village of your county");
    int64_t id = session.insert(
        "INSERT INTO stores (platform_id, name, village_code, keeper_name, created_at, updated_at) "
        "VALUES (:p, :n, :v, :k, :t, :u) RETURNING id",
        {platform_id, store->name, store->village_code, store->keeper_name, now, now});
    created = store_json(*session.query_one(std::string(kStoreColumns) + " WHERE s.id = :i", {id}));
    audit::record(session, request, {platform_id, "store", id, "create", nullptr, created}, now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/stores/{id}: the county admin, or the store keeper for their own store.
http::Response Catalog::Impl::update_store(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kStoreKeeper});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t now = clock.now_ms();
  boost::json::object updated;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kStoreColumns) + " WHERE s.id = :i", {*id});
    const core::Principal& caller = **principal;
    bool allowed = row && (caller.role == core::Role::kCountyAdmin ? caller.platform_id == row->integer(1)
                                                                   : caller.store_id == *id);
    if (!allowed) return core::not_found("no such store");
    auto store = store_from_json(*body, {row->text(2), row->text(3), row->text(6)}, true);
    if (!store) return store.error();
    if (!region::village_of_platform(session, store->village_code, row->integer(1)))
      return core::invalid("village_code", "village_code must be a village of the store's county");
    // Search indexes store names: have every server re-read this store's products.
    session.exec("UPDATE products SET updated_at = :t WHERE store_id = :s", {now, *id});
    session.exec("UPDATE stores SET name = :n, village_code = :v, keeper_name = :k, updated_at = :t WHERE id = :i",
                 {store->name, store->village_code, store->keeper_name, now, *id});
    updated = store_json(*session.query_one(std::string(kStoreColumns) + " WHERE s.id = :i", {*id}));
    audit::record(session, request, {row->integer(1), "store", *id, "update", store_json(*row), updated}, now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(updated);
}

namespace {
// The store if the caller may see its linked households (county, city, auditor, its keeper).
core::Result<int64_t> store_in_scope(db::Session& session, const core::Principal& caller, int64_t store_id) {
  auto row = session.query_one("SELECT platform_id FROM stores WHERE id = :i", {store_id});
  if (!row) return core::not_found("no such store");
  bool allowed = false;
  switch (caller.role) {
    case core::Role::kStoreKeeper:
      allowed = caller.store_id == store_id;
      break;
    case core::Role::kCountyAdmin:
    case core::Role::kCityAdmin:
    case core::Role::kAuditor:
      allowed = caller.sees_platform(row->integer(0));
      break;
    default:
      allowed = false;
  }
  if (!allowed) return core::not_found("no such store");
  return row->integer(0);
}
}  // namespace

// GET /api/v1/stores/{id}/households: the households the store brings along, and how.
http::Response Catalog::Impl::list_store_households(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<core::Error> failure;
  boost::json::array items;
  database.with_session([&](db::Session& session) {
    auto platform = store_in_scope(session, **principal, *id);
    if (!platform) {
      failure = platform.error();
      return;
    }
    for (const auto& row :
         session.query("SELECT h.id, h.head_name, h.village_code, v.name, h.poverty_status, sh.mechanism, sh.since "
                       "FROM store_households sh JOIN households h ON h.id = sh.household_id JOIN divisions v ON "
                       "v.code = h.village_code "
                       "WHERE sh.store_id = :s ORDER BY h.id",
                       {*id}))
      items.push_back(boost::json::object{{"household_id", row.integer(0)},
                                          {"head_name", row.text(1)},
                                          {"village_code", row.text(2)},
                                          {"village_name", region::short_village_name(row.text(3))},
                                          {"poverty_status", row.text(4)},
                                          {"mechanism", row.text(5)},
                                          {"since", row.integer(6)}});
  });
  if (failure) return http::error_response(request, *failure);
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// POST /api/v1/stores/{id}/households: link a household to the store with a mechanism.
http::Response Catalog::Impl::link_store_household(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kStoreKeeper});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto household_id = fields.integer("household_id", true, 1, INT32_MAX);
  auto mechanism = fields.text("mechanism", true, 20);
  if (fields.ok() && !kMechanisms.count(*mechanism))
    fields.fail(core::invalid(
        "mechanism", "mechanism must be consignment, purchase, employment, equity, floor_price or crowdfunding"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t now = clock.now_ms();
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    auto platform = store_in_scope(session, **principal, *id);
    if (!platform) return platform.error();
    if (!session.query_one("SELECT id FROM households WHERE id = :h AND platform_id = :p", {*household_id, *platform}))
      return core::invalid("household_id", "no such household in the store's county");
    if (session.query_one("SELECT 1 FROM store_households WHERE store_id = :s AND household_id = :h",
                          {*id, *household_id}))
      return core::conflict("the household is linked to this store already", "household_id");
    session.exec(
        "INSERT INTO store_households (store_id, household_id, platform_id, mechanism, since) VALUES (:s, :h, :p, :m, "
        ":t)",
        {*id, *household_id, *platform, *mechanism, now});
    audit::record(session, request,
                  {*platform, "store", *id, "link_household", nullptr,
                   boost::json::object{{"household_id", *household_id}, {"mechanism", *mechanism}}},
                  now);
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(
      boost::json::object{{"store_id", *id}, {"household_id", *household_id}, {"mechanism", *mechanism}}, 201);
}

// GET /api/v1/certifications?product_id=&producer_id=: certifications in the caller's county.
http::Response Catalog::Impl::list_certifications(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor,
                                                core::Role::kStoreKeeper, core::Role::kSupplier});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  auto product_id = http::query_integer(request, "product_id", 1, INT32_MAX);
  if (!product_id) return http::error_response(request, product_id.error());
  auto producer_id = http::query_integer(request, "producer_id", 1, INT32_MAX);
  if (!producer_id) return http::error_response(request, producer_id.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  scope_to_county(**principal, "c.platform_id", where, params);
  if (*product_id) {
    where += " AND c.product_id = :p";
    params.emplace_back(**product_id);
  }
  if (*producer_id) {
    where += " AND c.producer_id = :q";
    params.emplace_back(**producer_id);
  }
  const int64_t now = clock.now_ms();
  db::PageRows result;
  database.with_session([&](db::Session& session) {
    result = db::select_page(session,
                             "SELECT c.id, c.platform_id, c.product_id, c.producer_id, c.kind, c.number, c.issuer, "
                             "c.valid_from, c.valid_until, c.evidence_url",
                             "FROM certifications c" + where, "ORDER BY c.id", params, http::list_limit(*format, *page),
                             http::list_offset(*format, *page));
  });
  boost::json::array items;
  core::Table table;
  if (*format)
    table.push_back(
        {"id", "product_id", "producer_id", "kind", "number", "issuer", "valid_from", "valid_until", "active"});
  for (const auto& row : result.rows) {
    bool active = row.integer(7) <= now && row.integer(8) >= now;
    if (*format) {
      table.push_back({row.text(0), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                       core::shanghai_date(row.integer(7)), core::shanghai_date(row.integer(8)),
                       active ? "yes" : "no"});
      continue;
    }
    items.push_back(boost::json::object{{"id", row.integer(0)},
                                        {"platform_id", row.integer(1)},
                                        {"product_id", row.is_null(2) ? boost::json::value() : row.integer(2)},
                                        {"producer_id", row.is_null(3) ? boost::json::value() : row.integer(3)},
                                        {"kind", row.text(4)},
                                        {"number", row.text(5)},
                                        {"issuer", row.text(6)},
                                        {"valid_from", core::shanghai_date(row.integer(7))},
                                        {"valid_until", core::shanghai_date(row.integer(8))},
                                        {"evidence_url", row.text(9)},
                                        {"active", active}});
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "certifications");
}

// POST /api/v1/certifications: the county office records a certification with its evidence.
http::Response Catalog::Impl::create_certification(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto product_id = fields.integer("product_id", false, 1, INT32_MAX);
  auto producer_id = fields.integer("producer_id", false, 1, INT32_MAX);
  auto kind = fields.text("kind", true, 20);
  auto number = fields.text("number", true, 60);
  auto issuer = fields.text("issuer", true, 100);
  auto valid_from = fields.text("valid_from", true, 10);
  auto valid_until = fields.text("valid_until", true, 10);
  auto evidence = fields.text("evidence_url", false, 500);
  int64_t from_ms = 0, until_ms = 0;
  if (fields.ok() && *kind != "gi" && *kind != "green" && *kind != "organic" && *kind != "compliance")
    fields.fail(core::invalid("kind", "kind must be gi, green, organic or compliance"));
  if (fields.ok() && !core::parse_date(*valid_from, from_ms))
    fields.fail(core::invalid("valid_from", "valid_from must be YYYY-MM-DD"));
  if (fields.ok() && !core::parse_date(*valid_until, until_ms))
    fields.fail(core::invalid("valid_until", "valid_until must be YYYY-MM-DD"));
  if (fields.ok() && until_ms < from_ms) fields.fail(core::invalid("valid_until", "valid_until is before valid_from"));
  if (fields.ok() && !product_id && !producer_id)
    fields.fail(core::invalid("product_id", "name a product_id or a producer_id"));
  if (fields.ok() && evidence && !evidence->empty() && !evidence->starts_with("https://") &&
      !evidence->starts_with("/"))
    fields.fail(core::invalid("evidence_url", "evidence_url must be an https:// URL or a path on this site"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  until_ms += 24LL * 3600 * 1000 - 1;  // valid through the end of that day
  const int64_t now = clock.now_ms();
  const int64_t platform_id = *(*principal)->platform_id;
  boost::json::object created;
  auto result = database.transaction([&](db::Session& session) -> core::Status {
    if (product_id &&
        !session.query_one("SELECT id FROM products WHERE id = :i AND platform_id = :p", {*product_id, platform_id}))
      return core::invalid("product_id", "no such product in your county");
    if (producer_id &&
        !session.query_one("SELECT id FROM producers WHERE id = :i AND platform_id = :p", {*producer_id, platform_id}))
      return core::invalid("producer_id", "no such producer in your county");
    int64_t id = session.insert(
        "INSERT INTO certifications (platform_id, product_id, producer_id, kind, number, issuer, valid_from, "
        "valid_until, "
        "evidence_url, created_at) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j) RETURNING id",
        {platform_id, product_id ? db::Value(*product_id) : db::Value(),
         producer_id ? db::Value(*producer_id) : db::Value(), *kind, *number, *issuer, from_ms, until_ms,
         evidence.value_or(""), now});
    created = {{"id", id},
               {"kind", *kind},
               {"number", *number},
               {"issuer", *issuer},
               {"valid_from", *valid_from},
               {"valid_until", *valid_until},
               {"active", from_ms <= now && until_ms >= now}};
    audit::record(session, request,
                  {platform_id, product_id ? "product" : "producer", product_id ? *product_id : *producer_id, "certify",
                   nullptr, created},
                  now);
    if (product_id) session.exec("UPDATE products SET updated_at = :t WHERE id = :i", {now, *product_id});
    return core::Status();
  });
  if (!result) return http::error_response(request, result.error());
  return http::json_response(created, 201);
}

}  // namespace longnan::catalog
