// Lots (批次): created by the people who grow or sell the goods, each with its harvest
// recorded as an EPCIS commissioning event (the lot's master data in its ilmd), listed with
// the Digital Link URI their printed codes carry.
#include <boost/json.hpp>
#include <chrono>

#include "core/validate.h"
#include "http/json.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {

std::string local_time_text(int64_t ms) {
  using namespace std::chrono;
  const int64_t local = ms + 8 * 3'600'000;
  const auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(local)));
  const year_month_day date{days};
  const int64_t in_day = local - duration_cast<milliseconds>(days.time_since_epoch()).count();
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+08:00", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(in_day / 3'600'000), static_cast<int>(in_day / 60'000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return text;
}

core::Result<std::string> record_event(db::Session& session, boost::json::object event, std::optional<int64_t> platform,
                                       int64_t now_ms) {
  std::vector<Event> events(1);
  if (auto error = validate_event(event, events[0]))
    return core::invalid(error->field, "the recorded event is not valid EPCIS: " + error->message);
  auto ids = store_events(session, events, platform, now_ms);
  if (!ids) return ids.error();
  return ids->front();
}

// A name on the public page, masked unless its owner chose to show it: 王小明 → 王**;
// 成县红川镇花椒合作社 → 成县*****合作社 (the first two and the last three characters).
std::string masked_name(const std::string& name, bool household) {
  std::vector<std::string> chars;
  for (size_t at = 0; at < name.size();) {
    size_t length = 1;
    const auto lead = static_cast<unsigned char>(name[at]);
    if (lead >= 0xF0)
      length = 4;
    else if (lead >= 0xE0)
      length = 3;
    else if (lead >= 0xC0)
      length = 2;
    chars.push_back(name.substr(at, length));
    at += length;
  }
  const size_t front = household || chars.size() <= 5 ? 1 : 2, back = household || chars.size() <= 5 ? 0 : 3;
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) out += i < front || i + back >= chars.size() ? chars[i] : "*";
  return out;
}

std::string digital_link(const std::string& base, const std::string& gtin, const std::string& lot,
                         const std::string& serial) {
  std::string uri = base + "/01/" + gtin + "/10/" + percent_encode(lot);
  if (!serial.empty()) uri += "/21/" + percent_encode(serial);
  return uri;
}

namespace {

constexpr std::string_view kLotColumns =
    "SELECT l.id, l.platform_id, l.sku_id, k.code, p.id, p.name, l.producer_id, r.name, l.plot_id, l.gtin, "
    "l.lot_number, l.harvest_date, l.quantity, l.unit, l.certificate, l.status, l.created_at, "
    "(SELECT COUNT(*) FROM lot_items i WHERE i.lot_id = l.id), (SELECT COUNT(*) FROM trace_event_lots t WHERE "
    "t.lot_id = l.id)";
constexpr std::string_view kLotFrom =
    "FROM lots l JOIN skus k ON k.id = l.sku_id JOIN products p ON p.id = k.product_id JOIN producers r ON r.id = "
    "l.producer_id";

boost::json::object lot_json(const db::Row& row, const std::string& base) {
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"sku", boost::json::object{{"id", row.integer(2)}, {"code", row.text(3)}}},
          {"product", boost::json::object{{"id", row.integer(4)}, {"name", row.text(5)}}},
          {"producer", boost::json::object{{"id", row.integer(6)}, {"name", row.text(7)}}},
          {"plot_id", row.is_null(8) ? boost::json::value() : row.integer(8)},
          {"gtin", row.text(9)},
          {"lot_number", row.text(10)},
          {"harvest_date", row.is_null(11) ? boost::json::value() : boost::json::value(row.text(11))},
          {"quantity", row.real(12)},
          {"unit", row.text(13)},
          {"certificate", row.text(14)},
          {"status", row.text(15)},
          {"created_at", row.integer(16)},
          {"items", row.integer(17)},
          {"events", row.integer(18)},
          {"digital_link", digital_link(base, row.text(9), row.text(10), "")}};
}

// Lot numbers as GS1 AI (10) allows: up to 20 characters of its character set 82.
bool valid_lot_number(std::string_view lot) {
  if (lot.empty() || lot.size() > 20) return false;
  for (unsigned char c : lot)
    if (!(std::isalnum(c) ||
          std::string_view("!\"%&'()*+,-./:;<=>?_").find(static_cast<char>(c)) != std::string_view::npos))
      return false;
  return true;
}

}  // namespace

core::Result<int64_t> create_lot(db::Session& session, const NewLot& lot, int64_t now) {
  int64_t harvest_ms = 0;
  if (!core::parse_date(lot.harvest_date, harvest_ms))
    return core::invalid("harvest_date", "harvest_date must be a date YYYY-MM-DD");
  if (harvest_ms > now) return core::invalid("harvest_date", "harvest_date is ahead");
  if (!(lot.quantity > 0 && lot.quantity < 1e9)) return core::invalid("quantity", "quantity must be above 0");
  if (!lot.lot_number.empty() && !valid_lot_number(lot.lot_number))
    return core::invalid("lot_number", "lot_number: up to 20 letters, digits or GS1 punctuation");
  if (lot.serials < 0 || lot.serials > 1000) return core::invalid("serials", "serials: 0 to 1000 items");
  auto row = session.query_one(
      "SELECT k.gtin, p.platform_id, p.producer_id, p.origin_village_code FROM skus k JOIN products p ON p.id = "
      "k.product_id WHERE k.id = :k",
      {lot.sku_id});
  if (!row) return core::invalid("sku_id", "no such SKU");
  const int64_t platform = row->integer(1), producer = row->integer(2);
  const std::string gtin = row->text(0);
  if (gtin.empty() || !core::valid_gtin(gtin)) return core::invalid("sku_id", "the SKU has no GTIN: set one first");
  const std::string gtin14 = std::string(14 - gtin.size(), '0') + gtin;
  std::string village = row->text(3);
  if (lot.plot_id) {
    auto place = session.query_one("SELECT village_code FROM plots WHERE id = :p AND producer_id = :r",
                                   {*lot.plot_id, producer});
    if (!place) return core::invalid("plot_id", "no such plot of the producer");
    village = place->text(0);
  }
  std::string number = lot.lot_number;
  if (number.empty()) {
    std::string date = lot.harvest_date;
    date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
    number = date + "-" + std::to_string(session.scalar("SELECT COUNT(*) FROM lots WHERE gtin = :g", {gtin14}) + 1);
  }
  if (session.query_one("SELECT id FROM lots WHERE gtin = :g AND lot_number = :l", {gtin14, number}))
    return core::conflict("this lot number is taken for the SKU", "lot_number");
  const int64_t id = session.insert(
      "INSERT INTO lots (platform_id, sku_id, producer_id, plot_id, gtin, lot_number, harvest_date, quantity, unit, "
      "certificate, status, created_by, created_at, updated_at) VALUES (:p, :k, :r, :pl, :g, :l, :h, :q, :u, :c, "
      "'active', :b, :ca, :ua) RETURNING id",
      {platform, lot.sku_id, producer, lot.plot_id ? db::Value(*lot.plot_id) : db::Value(), gtin14, number,
       lot.harvest_date, lot.quantity, lot.unit, lot.certificate,
       lot.created_by ? db::Value(*lot.created_by) : db::Value(), now, now});
  boost::json::array items;
  for (int64_t serial = 1; serial <= lot.serials; ++serial) {
    const std::string text = number + "." + std::to_string(serial);
    session.exec("INSERT INTO lot_items (lot_id, serial) VALUES (:l, :s)", {id, text});
    items.push_back(boost::json::string(item_uri(gtin14, text)));
  }
  // The harvest: the lot comes into being (commissioning), at its plot or village.
  boost::json::object ilmd{{"ln:harvestDate", lot.harvest_date}, {"ln:producer", producer}, {"ln:village", village}};
  if (lot.plot_id) ilmd["ln:plot"] = *lot.plot_id;
  if (!lot.certificate.empty()) ilmd["ln:certificate"] = lot.certificate;
  boost::json::object event{
      {"type", "ObjectEvent"},
      {"eventTime", local_time_text(std::min(harvest_ms + 12 * 3'600'000, now))},  // noon of the harvest
      {"eventTimeZoneOffset", "+08:00"},
      {"action", "ADD"},
      {"bizStep", "commissioning"},
      {"disposition", "active"},
      {"quantityList",
       boost::json::array{boost::json::object{
           {"epcClass", lot_class_uri(gtin14, number)}, {"quantity", lot.quantity}, {"uom", lot.unit}}}},
      {"readPoint", boost::json::object{{"id", lot.plot_id ? place_uri("plot", std::to_string(*lot.plot_id))
                                                           : place_uri("village", village)}}},
      {"ilmd", std::move(ilmd)}};
  if (!items.empty()) event["epcList"] = std::move(items);
  auto recorded = record_event(session, std::move(event), platform, now);
  if (!recorded) return recorded.error();
  return id;
}

// POST /api/v1/lots {sku_id, plot_id?, lot_number?, harvest_date, quantity, unit?,
// certificate?, serials?}: a supplier for their own goods, the store keeper for the
// store's, the county admin for the county's. The harvest is recorded as the lot's
// commissioning event; `serials` (up to 1000) gives the items their own codes.
http::Response Trace::create_lot(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto sku = fields.integer("sku_id", true, 1, INT64_MAX);
  auto plot = fields.integer("plot_id", false, 1, INT64_MAX);
  auto lot_number = fields.text("lot_number", false, 20);
  auto harvest = fields.text("harvest_date", true, 10);
  auto unit = fields.text("unit", false, 8);
  auto certificate = fields.text("certificate", false, 40);
  auto serials = fields.integer("serials", false, 0, 1000);
  const auto* quantity = body->if_contains("quantity");
  if (fields.ok() && (!quantity || !quantity->is_number()))
    fields.fail(core::invalid("quantity", "quantity must be a number"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const core::Principal& caller = **principal;
  const NewLot lot{.sku_id = *sku,
                   .plot_id = plot,
                   .lot_number = lot_number.value_or(""),
                   .harvest_date = *harvest,
                   .quantity = quantity->to_number<double>(),
                   .unit = unit && !unit->empty() ? *unit : "KGM",
                   .certificate = certificate.value_or(""),
                   .serials = serials.value_or(0),
                   .created_by = caller.user_id};
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto owner = session.query_one(
        "SELECT p.platform_id, p.store_id, p.producer_id FROM skus k JOIN products p ON p.id = k.product_id WHERE "
        "k.id = :k",
        {*sku});
    const bool allowed =
        owner && ((caller.role == core::Role::kSupplier && caller.producer_id == owner->integer(2)) ||
                  (caller.role == core::Role::kStoreKeeper && caller.store_id == owner->integer(1)) ||
                  (caller.role == core::Role::kCountyAdmin && caller.platform_id == owner->integer(0)));
    if (!allowed) return core::invalid("sku_id", "no such SKU of yours");
    auto id = trace::create_lot(session, lot, clock_.now_ms());
    if (!id) return id.error();
    created =
        lot_json(*session.query_one(std::string(kLotColumns) + " " + std::string(kLotFrom) + " WHERE l.id = :i", {*id}),
                 options_.public_base);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// GET /api/v1/lots?sku_id=: the lots of the caller's county (suppliers:
// their own; store keepers: their store's), each with its Digital Link URI.
http::Response Trace::list_lots(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin,
                                   core::Role::kCityAdmin, core::Role::kAuditor, core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto sku = http::query_integer(request, "sku_id", 1, INT64_MAX);
  if (!sku) return http::error_response(request, sku.error());
  const core::Principal& caller = **principal;
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (caller.role == core::Role::kSupplier) {
    where += " AND l.producer_id = :r";
    params.emplace_back(caller.producer_id.value_or(0));
  } else if (caller.role == core::Role::kStoreKeeper) {
    where += " AND p.store_id = :s";
    params.emplace_back(caller.store_id.value_or(0));
  } else if (!caller.is_city_wide()) {
    where += " AND l.platform_id = :p";
    params.emplace_back(caller.platform_id.value_or(0));
  }
  if (*sku) {
    where += " AND l.sku_id = :k";
    params.emplace_back(**sku);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kLotColumns, std::string(kLotFrom) + where, "ORDER BY l.id DESC", params,
                                  page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(lot_json(row, options_.public_base));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

// GET /api/v1/lots/{id}: the lot, for those who list it.
http::Response Trace::get_lot(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin,
                                   core::Role::kCityAdmin, core::Role::kAuditor, core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const core::Principal& caller = **principal;
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one(
        std::string(kLotColumns) + ", p.store_id " + std::string(kLotFrom) + " WHERE l.id = :i", {*id});
    if (!row) return;
    const bool sees = (caller.role == core::Role::kSupplier && caller.producer_id == row->integer(6)) ||
                      (caller.role == core::Role::kStoreKeeper && caller.store_id == row->integer(19)) ||
                      (caller.role != core::Role::kSupplier && caller.role != core::Role::kStoreKeeper &&
                       caller.sees_platform(row->integer(1)));
    if (sees) body = lot_json(*row, options_.public_base);
  });
  if (!body) return http::error_response(request, core::not_found("no such lot"));
  return http::json_response(*body);
}

}  // namespace longnan::trace
