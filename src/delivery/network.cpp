// The logistics network (nodes) and the fleet (vehicles) of each county, and the demo
// network placed inside the real county boundaries.
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "audit/audit.h"
#include "core/csv.h"
#include "core/validate.h"
#include "delivery/delivery.h"
#include "delivery/geo.h"
#include "delivery/internal.h"
#include "http/export.h"
#include "http/json.h"
#include "region/region.h"

namespace longnan::delivery {
namespace {

constexpr std::string_view kNodeSelect =
    "SELECT n.id, n.platform_id, n.tier, n.name, n.division_code, n.parent_id, n.lat, n.lng, n.opens_min, "
    "n.closes_min, n.cold_storage, n.active, n.created_at, n.updated_at, n.manager_user_id, m.name, n.direct";
constexpr std::string_view kNodeFrom = "FROM logistics_nodes n LEFT JOIN users m ON m.id = n.manager_user_id";
const std::string kNodeById = std::string(kNodeSelect) + " " + std::string(kNodeFrom) + " WHERE n.id = :i";

// A node as JSON; its manager (a courier's account) only for the county's staff.
boost::json::object node_json(const db::Row& row, bool staff) {
  boost::json::value manager;
  if (staff && !row.is_null(14)) manager = boost::json::object{{"id", row.integer(14)}, {"name", row.text(15)}};
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"tier", row.text(2)},
          {"name", row.text(3)},
          {"division_code", row.text(4)},
          {"parent_id", row.is_null(5) ? boost::json::value() : row.integer(5)},
          {"lat", row.real(6)},
          {"lng", row.real(7)},
          {"opens", minutes_text(row.integer(8))},
          {"closes", minutes_text(row.integer(9))},
          {"cold_storage", row.integer(10) != 0},
          {"active", row.integer(11) != 0},
          {"created_at", row.integer(12)},
          {"updated_at", row.integer(13)},
          {"manager", manager},
          {"direct", row.integer(16) != 0}};
}

// Whether the caller works for the county's logistics (and may see who manages a node).
bool logistics_staff(const std::optional<core::Principal>& caller, int64_t platform) {
  if (!caller) return false;
  const bool staff = caller->role == core::Role::kCountyAdmin || caller->role == core::Role::kCityAdmin ||
                     caller->role == core::Role::kCourier || caller->role == core::Role::kAuditor;
  return staff && caller->sees_platform(platform);
}

constexpr std::string_view kVehicleColumns =
    "SELECT v.id, v.platform_id, v.plate, v.home_node_id, v.driver_user_id, u.name, v.capacity_kg, v.capacity_l, "
    "v.cold, v.shift_start_min, v.shift_end_min, v.cost_per_km_fen, v.cost_per_hour_fen, v.active, v.created_at, "
    "v.updated_at";
constexpr std::string_view kVehicleFrom = "FROM vehicles v LEFT JOIN users u ON u.id = v.driver_user_id";
const std::string kVehicleSelect = std::string(kVehicleColumns) + " " + std::string(kVehicleFrom);

boost::json::object vehicle_json(const db::Row& row) {
  boost::json::value driver;
  if (!row.is_null(4)) driver = boost::json::object{{"id", row.integer(4)}, {"name", row.text(5)}};
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"plate", row.text(2)},
          {"home_node_id", row.integer(3)},
          {"driver", driver},
          {"capacity_kg", row.integer(6)},
          {"capacity_l", row.integer(7)},
          {"cold", row.integer(8) != 0},
          {"shift_start", minutes_text(row.integer(9))},
          {"shift_end", minutes_text(row.integer(10))},
          {"cost_per_km_fen", row.integer(11)},
          {"cost_per_hour_fen", row.integer(12)},
          {"active", row.integer(13) != 0},
          {"created_at", row.integer(14)},
          {"updated_at", row.integer(15)}};
}

// A coordinate of a point in China (the platform serves Chinese counties): a number
// within the country's bounding box.
std::optional<double> coordinate(const boost::json::object& body, std::string_view name, double min, double max,
                                 bool required, std::optional<core::Error>& error) {
  const auto* value = body.if_contains(name);
  if (!value || value->is_null()) {
    if (required && !error) error = core::invalid(std::string(name), std::string(name) + " is required");
    return std::nullopt;
  }
  if (!value->is_number()) {
    if (!error) error = core::bad_request(std::string(name) + " must be a number", std::string(name));
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < min || number > max) {
    if (!error)
      error = core::invalid(std::string(name), std::string(name) + " must be between " + std::to_string(int(min)) +
                                                   " and " + std::to_string(int(max)) + " (a place in China)");
    return std::nullopt;
  }
  return number;
}

// Which division each tier stands for: the county for its park, a township for a station,
// a village or community for a point (12 digits, 社区 for community points).
std::optional<core::Error> tier_fits(db::Session& session, std::string_view tier, const std::string& code) {
  auto row = session.query_one("SELECT level, name FROM divisions WHERE code = :c", {code});
  const std::string level = row ? row->text(0) : "";
  const bool community = row && row->text(1).find("社区") != std::string::npos;
  if ((tier == "park" && level == "county") || (tier == "station" && level == "township") ||
      (tier == "village_point" && level == "village" && !community) || (tier == "community_point" && community))
    return std::nullopt;
  return core::invalid("division_code",
                       "a park stands in its county, a station in a township, a village point in a village and a "
                       "community point in a town community");
}

// The tier a node's parent must have: stations hang under the park, points under a station.
std::string_view parent_tier(std::string_view tier) {
  if (tier == "station") return "park";
  if (tier == "park") return "";
  return "station";
}

// Whether the caller manages the fleet and network of `platform`: its county admin, or the city.
bool manages(const core::Principal& caller, int64_t platform) {
  return (caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCityAdmin) &&
         caller.sees_platform(platform);
}

struct Hours {
  int64_t opens = 0, closes = 0;
};

// Why `user` cannot manage a node of `tier` in `platform`, or nullopt: a park's or station's
// manager is a courier of the county.
std::optional<core::Error> manager_misfit(db::Session& session, int64_t user, int64_t platform, std::string_view tier) {
  if (tier != "park" && tier != "station")
    return core::invalid("manager_user_id", "only a park or a station has a manager");
  auto row = session.query_one("SELECT role, platform_id, disabled FROM users WHERE id = :u", {user});
  if (!row || row->text(0) != "courier" || row->is_null(1) || row->integer(1) != platform || row->integer(2) != 0)
    return core::invalid("manager_user_id", "the manager must be an active courier of the county");
  return std::nullopt;
}

}  // namespace

std::string minutes_text(int64_t minutes) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return text;
}

std::optional<int64_t> parse_minutes(std::string_view text) {
  if (text == "24:00") return 1440;
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int64_t hours = (text[0] - '0') * 10 + (text[1] - '0'), minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

namespace {

// Reads "opens"/"closes" (or the given names) as HH:MM into minutes; `base` keeps what is absent.
std::optional<core::Error> read_hours(http::Fields& fields, const char* open_name, const char* close_name, Hours& hours,
                                      bool required) {
  auto opens = fields.text(open_name, required, 5);
  auto closes = fields.text(close_name, required, 5);
  if (!fields.ok()) return fields.error();
  if (opens) {
    auto minutes = parse_minutes(*opens);
    if (!minutes || *minutes == 1440) return core::invalid(open_name, std::string(open_name) + " must be a time HH:MM");
    hours.opens = *minutes;
  }
  if (closes) {
    auto minutes = parse_minutes(*closes);
    if (!minutes)
      return core::invalid(close_name, std::string(close_name) + " must be a time HH:MM (24:00 for midnight)");
    hours.closes = *minutes;
  }
  if (hours.closes <= hours.opens)
    return core::invalid(close_name, std::string(close_name) + " must come after " + open_name);
  return std::nullopt;
}

}  // namespace

// GET /api/v1/logistics-nodes?platform_id=&tier=&division=: public (buyers look up the
// point of their village); a division code or its prefix narrows to a township or village.
http::Response Delivery::list_nodes(http::Request& request) {
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  auto platform = http::query_integer(request, "platform_id", 1, INT64_MAX);
  if (!platform) return http::error_response(request, platform.error());
  auto tier = http::query_enum(request, "tier", {"park", "station", "village_point", "community_point"});
  if (!tier) return http::error_response(request, tier.error());
  auto manager = http::query_integer(request, "manager_user_id", 1, INT64_MAX);
  if (!manager) return http::error_response(request, manager.error());
  std::string where = " WHERE n.active = 1";
  std::vector<db::Value> params;
  if (*platform) {
    where += " AND n.platform_id = :p";
    params.emplace_back(**platform);
  }
  if (*manager) {
    where += " AND n.manager_user_id = :m";
    params.emplace_back(**manager);
  }
  if (*tier) {
    where += " AND n.tier = :t";
    params.emplace_back(**tier);
  }
  if (auto division = request.query_param("division"); division && !division->empty()) {
    if (division->size() > 12 || division->find_first_not_of("0123456789") != std::string_view::npos)
      return http::error_response(request, core::invalid("division", "division must be a division code or its prefix"));
    where += " AND n.division_code LIKE :d";
    params.emplace_back(std::string(*division) + "%");
  }
  boost::json::array items;
  core::Table table;
  if (*format)
    table.push_back({"id", "tier", "name", "division_code", "lat", "lng", "opens", "closes", "cold_storage"});
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kNodeSelect, std::string(kNodeFrom) + where, "ORDER BY n.id", params,
                                  http::list_limit(*format, *page), http::list_offset(*format, *page));
    total = result.total;
    for (const auto& row : result.rows) {
      if (*format)
        table.push_back({row.text(0), row.text(2), row.text(3), row.text(4), std::to_string(row.real(6)),
                         std::to_string(row.real(7)), minutes_text(row.integer(8)), minutes_text(row.integer(9)),
                         row.integer(10) ? "1" : "0"});
      else
        items.push_back(node_json(row, logistics_staff(request.principal, row.integer(1))));
    }
  });
  return http::list_response(*format, *page, total, std::move(items), table, "logistics-nodes");
}

// POST /api/v1/logistics-nodes {tier, name, division_code, parent_id?, lat, lng, opens,
// closes, cold_storage, manager_user_id?, direct?}: the county admin adds a node of the
// county's network.
http::Response Delivery::create_node(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto tier = fields.text("tier", true, 20);
  auto name = fields.text("name", true, 60);
  auto code = fields.text("division_code", true, 12);
  auto parent = fields.integer("parent_id", false, 1, INT64_MAX);
  auto manager = fields.integer("manager_user_id", false, 1, INT64_MAX);
  auto cold = fields.boolean("cold_storage", false);
  auto direct = fields.boolean("direct", false);
  if (fields.ok() && *tier != "park" && *tier != "station" && *tier != "village_point" && *tier != "community_point")
    fields.fail(core::invalid("tier", "tier must be park, station, village_point or community_point"));
  if (fields.ok() && !core::valid_division_code(*code))
    fields.fail(core::invalid("division_code", "division_code must be a division code"));
  Hours hours{480, 1080};
  if (fields.ok())
    if (auto error = read_hours(fields, "opens", "closes", hours, false)) fields.fail(*error);
  std::optional<core::Error> error;
  auto lat = coordinate(*body, "lat", 18, 54, true, error);
  auto lng = coordinate(*body, "lng", 73, 135, true, error);
  if (!fields.ok()) return http::error_response(request, fields.error());
  if (error) return http::error_response(request, *error);
  if (*tier != "park" && !parent)
    return http::error_response(request, core::invalid("parent_id", "a station needs its park, a point its station"));
  if (direct && *direct && *tier != "station")
    return http::error_response(request, core::invalid("direct", "only a station's points are served from the park"));
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto platform = region::platform_of(session, *code);
    if (!platform || !manages(caller, *platform))
      return core::invalid("division_code", "division_code must be in your county");
    if (auto misfit = tier_fits(session, *tier, *code)) return *misfit;
    if (parent) {
      auto row = session.query_one("SELECT tier, platform_id FROM logistics_nodes WHERE id = :i", {*parent});
      if (!row || row->integer(1) != *platform || row->text(0) != parent_tier(*tier))
        return core::invalid("parent_id",
                             "a station hangs under its county's park, a point under a station of its county");
    }
    if (*tier != "station" && *tier != "park" &&
        session.query_one("SELECT id FROM logistics_nodes WHERE division_code = :d AND tier = :t AND active = 1",
                          {*code, *tier}))
      return core::conflict("this village has its point already", "division_code");
    const int64_t id = session.insert(
        "INSERT INTO logistics_nodes (platform_id, tier, name, division_code, parent_id, lat, lng, opens_min, "
        "closes_min, "
        "cold_storage, active, created_at, updated_at) VALUES (:p, :t, :n, :d, :pa, :la, :lo, :o, :c, :cs, 1, :ca, "
        ":ua) "
        "RETURNING id",
        {*platform, *tier, *name, *code, parent ? db::Value(*parent) : db::Value(), *lat, *lng, hours.opens,
         hours.closes, int64_t{cold.value_or(false)}, now, now});
    if (manager)
      if (auto misfit = manager_misfit(session, *manager, *platform, *tier)) return *misfit;
    session.exec("UPDATE logistics_nodes SET manager_user_id = :m, direct = :d WHERE id = :i",
                 {manager ? db::Value(*manager) : db::Value(), int64_t{direct.value_or(false)}, id});
    created = node_json(*session.query_one(kNodeById, {id}), true);
    audit::record(session, request, {*platform, "logistics_node", id, "create", nullptr, created}, now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/logistics-nodes/{id} {name, lat, lng, opens, closes, cold_storage, active,
// manager_user_id (null: none), direct (a station: the park serves its points itself)}
http::Response Delivery::update_node(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto name = fields.text("name", false, 60);
  auto cold = fields.boolean("cold_storage", false);
  auto active = fields.boolean("active", false);
  auto manager = fields.integer("manager_user_id", false, 1, INT64_MAX);
  auto direct = fields.boolean("direct", false);
  const bool clear_manager = body->contains("manager_user_id") && body->at("manager_user_id").is_null();
  std::optional<core::Error> error;
  auto lat = coordinate(*body, "lat", 18, 54, false, error);
  auto lng = coordinate(*body, "lng", 73, 135, false, error);
  if (!fields.ok()) return http::error_response(request, fields.error());
  if (error) return http::error_response(request, *error);
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(kNodeById, {*id});
    if (!row || !manages(caller, row->integer(1))) return core::not_found("no such node");
    Hours hours{row->integer(8), row->integer(9)};
    if (auto misfit = read_hours(fields, "opens", "closes", hours, false)) return *misfit;
    if (manager)
      if (auto misfit = manager_misfit(session, *manager, row->integer(1), row->text(2))) return *misfit;
    if (direct && *direct && row->text(2) != "station")
      return core::invalid("direct", "only a station's points are served from the park");
    auto before = node_json(*row, true);
    session.exec(
        "UPDATE logistics_nodes SET name = :n, lat = :la, lng = :lo, opens_min = :o, closes_min = :c, "
        "cold_storage = :cs, active = :a, manager_user_id = :m, direct = :di, updated_at = :t WHERE id = :i",
        {name.value_or(row->text(3)), lat.value_or(row->real(6)), lng.value_or(row->real(7)), hours.opens, hours.closes,
         int64_t{cold.value_or(row->integer(10) != 0)}, int64_t{active.value_or(row->integer(11) != 0)},
         manager ? db::Value(*manager)
                 : (clear_manager || row->is_null(14) ? db::Value() : db::Value(row->integer(14))),
         int64_t{direct.value_or(row->integer(16) != 0)}, now, *id});
    updated = node_json(*session.query_one(kNodeById, {*id}), true);
    audit::record(session, request, {row->integer(1), "logistics_node", *id, "update", before, updated}, now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(updated);
}

// GET /api/v1/vehicles: the fleet of the caller's county (county admin and couriers; the
// city sees every county's, ?platform_id= narrows).
http::Response Delivery::list_vehicles(http::Request& request) {
  auto principal = http::require_role(
      request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kCourier, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto platform = http::query_integer(request, "platform_id", 1, INT64_MAX);
  if (!platform) return http::error_response(request, platform.error());
  const core::Principal& caller = **principal;
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!caller.is_city_wide()) {
    where += " AND v.platform_id = :p";
    params.emplace_back(caller.platform_id.value_or(0));
  } else if (*platform) {
    where += " AND v.platform_id = :p";
    params.emplace_back(**platform);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kVehicleColumns, std::string(kVehicleFrom) + where, "ORDER BY v.id", params,
                                  page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(vehicle_json(row));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

namespace {

struct VehicleFields {
  std::string plate;
  int64_t home_node_id = 0;
  std::optional<int64_t> driver_user_id;
  int64_t capacity_kg = 0, capacity_l = 0;
  bool cold = false;
  Hours shift{480, 1080};
  int64_t cost_per_km_fen = 0, cost_per_hour_fen = 0;
  bool active = true;
};

// Reads a vehicle's fields over `base` (all required when creating).
core::Result<VehicleFields> vehicle_from_json(const boost::json::object& body, VehicleFields base, bool partial) {
  http::Fields fields(body);
  if (auto value = fields.text("plate", !partial, 20)) base.plate = *value;
  if (auto value = fields.integer("home_node_id", !partial, 1, INT64_MAX)) base.home_node_id = *value;
  if (const auto* driver = body.if_contains("driver_user_id"); driver && driver->is_null()) {  // null: no driver
    base.driver_user_id.reset();
  } else if (auto value = fields.integer("driver_user_id", false, 1, INT64_MAX)) {
    base.driver_user_id = *value;
  }
  if (auto value = fields.integer("capacity_kg", !partial, 1, 50'000)) base.capacity_kg = *value;
  if (auto value = fields.integer("capacity_l", !partial, 1, 100'000)) base.capacity_l = *value;
  if (auto value = fields.boolean("cold", false)) base.cold = *value;
  if (auto value = fields.integer("cost_per_km_fen", !partial, 0, 100'000)) base.cost_per_km_fen = *value;
  if (auto value = fields.integer("cost_per_hour_fen", !partial, 0, 1'000'000)) base.cost_per_hour_fen = *value;
  if (auto value = fields.boolean("active", false)) base.active = *value;
  if (!fields.ok()) return fields.error();
  if (auto error = read_hours(fields, "shift_start", "shift_end", base.shift, false)) return *error;
  return base;
}

// Checks the references of a vehicle within the county: its home node and its driver (a courier of the county).
core::Status vehicle_references(db::Session& session, const VehicleFields& vehicle, int64_t platform) {
  auto node = session.query_one("SELECT platform_id FROM logistics_nodes WHERE id = :i", {vehicle.home_node_id});
  if (!node || node->integer(0) != platform) return core::invalid("home_node_id", "no such node in the county");
  if (vehicle.driver_user_id) {
    auto driver = session.query_one("SELECT role, platform_id FROM users WHERE id = :i", {*vehicle.driver_user_id});
    if (!driver || driver->text(0) != "courier" || driver->is_null(1) || driver->integer(1) != platform)
      return core::invalid("driver_user_id", "the driver must be a courier of the county");
  }
  return core::Status();
}

}  // namespace

// POST /api/v1/vehicles: the county admin adds a vehicle to the county's fleet (the
// county of its home node).
http::Response Delivery::create_vehicle(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  auto vehicle = vehicle_from_json(*body, {}, false);
  if (!vehicle) return http::error_response(request, vehicle.error());
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto node = session.query_one("SELECT platform_id FROM logistics_nodes WHERE id = :i", {vehicle->home_node_id});
    if (!node || !manages(caller, node->integer(0)))
      return core::invalid("home_node_id", "no such node in your county");
    const int64_t platform = node->integer(0);
    if (auto references = vehicle_references(session, *vehicle, platform); !references) return references;
    if (session.query_one("SELECT id FROM vehicles WHERE platform_id = :p AND plate = :l", {platform, vehicle->plate}))
      return core::conflict("a vehicle with this plate is in the fleet already", "plate");
    const int64_t id = session.insert(
        "INSERT INTO vehicles (platform_id, plate, home_node_id, driver_user_id, capacity_kg, capacity_l, cold, "
        "shift_start_min, shift_end_min, cost_per_km_fen, cost_per_hour_fen, active, created_at, updated_at) "
        "VALUES (:p, :l, :h, :d, :ck, :cl, :c, :ss, :se, :km, :hr, :a, :ca, :ua) RETURNING id",
        {platform, vehicle->plate, vehicle->home_node_id,
         vehicle->driver_user_id ? db::Value(*vehicle->driver_user_id) : db::Value(), vehicle->capacity_kg,
         vehicle->capacity_l, int64_t{vehicle->cold}, vehicle->shift.opens, vehicle->shift.closes,
         vehicle->cost_per_km_fen, vehicle->cost_per_hour_fen, int64_t{vehicle->active}, now, now});
    created = vehicle_json(*session.query_one(kVehicleSelect + " WHERE v.id = :i", {id}));
    audit::record(session, request, {platform, "vehicle", id, "create", nullptr, created}, now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/vehicles/{id}
http::Response Delivery::update_vehicle(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(kVehicleSelect + " WHERE v.id = :i", {*id});
    if (!row || !manages(caller, row->integer(1))) return core::not_found("no such vehicle");
    VehicleFields base{row->text(2),
                       row->integer(3),
                       row->is_null(4) ? std::nullopt : std::optional<int64_t>(row->integer(4)),
                       row->integer(6),
                       row->integer(7),
                       row->integer(8) != 0,
                       {row->integer(9), row->integer(10)},
                       row->integer(11),
                       row->integer(12),
                       row->integer(13) != 0};
    auto vehicle = vehicle_from_json(*body, base, true);
    if (!vehicle) return vehicle.error();
    if (auto references = vehicle_references(session, *vehicle, row->integer(1)); !references) return references;
    if (session.query_one("SELECT id FROM vehicles WHERE platform_id = :p AND plate = :l AND id <> :i",
                          {row->integer(1), vehicle->plate, *id}))
      return core::conflict("a vehicle with this plate is in the fleet already", "plate");
    auto before = vehicle_json(*row);
    session.exec(
        "UPDATE vehicles SET plate = :l, home_node_id = :h, driver_user_id = :d, capacity_kg = :ck, capacity_l = :cl, "
        "cold = :c, shift_start_min = :ss, shift_end_min = :se, cost_per_km_fen = :km, cost_per_hour_fen = :hr, "
        "active = :a, updated_at = :t WHERE id = :i",
        {vehicle->plate, vehicle->home_node_id,
         vehicle->driver_user_id ? db::Value(*vehicle->driver_user_id) : db::Value(), vehicle->capacity_kg,
         vehicle->capacity_l, int64_t{vehicle->cold}, vehicle->shift.opens, vehicle->shift.closes,
         vehicle->cost_per_km_fen, vehicle->cost_per_hour_fen, int64_t{vehicle->active}, now, *id});
    updated = vehicle_json(*session.query_one(kVehicleSelect + " WHERE v.id = :i", {*id}));
    audit::record(session, request, {row->integer(1), "vehicle", *id, "update", before, updated}, now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(updated);
}

// The demo network. Placement is deterministic: each point comes from a splitmix64
// sequence seeded by its division code, drawn inside the county boundary (rejection
// sampling) — the park at the county seat, the county town's stations (城关镇, 街道) within
// 4 km of it, other stations anywhere in the county, a village's point within 6 km of its
// station.
namespace {

// Whether a township (乡镇 or 街道, by its name) is part of the county town: the 城关镇 around
// the county seat and the urban subdistricts. The demo serves their points from the park.
bool county_town(std::string_view township_name) {
  return township_name.find("城关") != std::string_view::npos || township_name.ends_with("街道");
}

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  double unit() {  // uniform in [0, 1)
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  }

 private:
  uint64_t state_;
};

// A point inside `boundary` (when there is one) within `radius_m` of `centre`, or anywhere
// in the boundary when radius_m is 0; the centre itself when 200 draws all miss.
LatLng place(const Boundary* boundary, LatLng centre, double radius_m, const std::string& code) {
  uint64_t seed = 14695981039346656037ULL;  // FNV-1a of the code: the same on every platform
  for (unsigned char byte : code) seed = (seed ^ byte) * 1099511628211ULL;
  Random random(seed);
  for (int attempt = 0; attempt < 200; ++attempt) {
    LatLng point;
    if (radius_m > 0 || !boundary) {
      const double r = (radius_m > 0 ? radius_m : 10'000) * std::sqrt(random.unit());
      const double angle = 2 * 3.14159265358979323846 * random.unit();
      point = {centre.lat + r * std::cos(angle) / 111'320.0,
               centre.lng + r * std::sin(angle) / (111'320.0 * std::cos(centre.lat * 3.14159265358979323846 / 180))};
    } else {
      point = {boundary->min.lat + random.unit() * (boundary->max.lat - boundary->min.lat),
               boundary->min.lng + random.unit() * (boundary->max.lng - boundary->min.lng)};
    }
    if (!boundary || boundary->contains(point))
      return {std::round(point.lat * 1e6) / 1e6, std::round(point.lng * 1e6) / 1e6};
  }
  return centre;
}

}  // namespace

core::Result<DistanceMatrix> read_distance_matrix(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return core::invalid("distance_matrix", path + ": cannot read the file");
  std::stringstream text;
  text << file.rdbuf();
  core::Table rows;
  std::string error;
  if (!core::parse_csv(text.str(), rows, error)) return core::invalid("distance_matrix", path + ": " + error);
  if (rows.empty() || rows[0] != std::vector<std::string>{"from_node_id", "to_node_id", "distance_m", "duration_s"})
    return core::invalid("distance_matrix",
                         path + ":1: the header must be from_node_id,to_node_id,distance_m,duration_s");
  DistanceMatrix matrix;
  for (size_t line = 1; line < rows.size(); ++line) {
    const auto& row = rows[line];
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    const std::string where = path + ":" + std::to_string(line + 1) + ": ";
    if (row.size() != 4) return core::invalid("distance_matrix", where + "4 fields expected");
    int64_t values[4];
    for (size_t field = 0; field < 4; ++field) {
      const std::string& cell = row[field];
      if (cell.empty() || cell.size() > 12 || cell.find_first_not_of("0123456789") != std::string::npos)
        return core::invalid("distance_matrix", where + "'" + cell + "' is not a whole number");
      values[field] = std::stoll(cell);
    }
    if (values[0] == values[1]) return core::invalid("distance_matrix", where + "a node to itself");
    if (!matrix.emplace(std::make_pair(values[0], values[1]), std::make_pair(values[2], values[3])).second)
      return core::invalid("distance_matrix", where + "the pair appears twice");
  }
  return matrix;
}

int create_demo_network(db::Session& session, int64_t now_ms) {
  if (session.scalar("SELECT COUNT(*) FROM logistics_nodes") > 0) return 0;
  int made = 0;
  auto insert_node = [&](int64_t platform, std::string_view tier, const std::string& name, const std::string& code,
                         std::optional<int64_t> parent, LatLng at, int64_t opens, int64_t closes, bool cold) {
    ++made;
    return session.insert(
        "INSERT INTO logistics_nodes (platform_id, tier, name, division_code, parent_id, lat, lng, opens_min, "
        "closes_min, "
        "cold_storage, active, created_at, updated_at) VALUES (:p, :t, :n, :d, :pa, :la, :lo, :o, :c, :cs, 1, :ca, "
        ":ua) "
        "RETURNING id",
        {platform, std::string(tier), name, code, parent ? db::Value(*parent) : db::Value(), at.lat, at.lng, opens,
         closes, int64_t{cold}, now_ms, now_ms});
  };
  for (const auto& county : session.query(
           "SELECT p.id, d.code, d.name, d.lat, d.lng FROM platforms p JOIN divisions d ON d.code = p.county_code "
           "WHERE d.lat IS NOT NULL ORDER BY p.id")) {
    const int64_t platform = county.integer(0);
    const std::string county_code = county.text(1), county_name = county.text(2);
    const Boundary* boundary = county_boundary(county_code);
    const LatLng seat{county.real(3), county.real(4)};
    const int64_t park =
        insert_node(platform, "park", county_name + "电商物流园", county_code, std::nullopt, seat, 420, 1260, true);
    std::map<std::string, std::pair<int64_t, LatLng>> stations;  // township code → node, place
    for (const auto& township :
         session.query("SELECT code, name FROM divisions WHERE parent_code = :c AND level = 'township' ORDER BY code",
                       {county_code})) {
      const std::string name = township.text(1);
      const bool urban = county_town(name);
      LatLng at = place(boundary, seat, urban ? 4'000 : 0, township.text(0));
      const int64_t id =
          insert_node(platform, "station", name + "快递服务站", township.text(0), park, at, 480, 1140, false);
      if (urban) session.exec("UPDATE logistics_nodes SET direct = 1 WHERE id = :i", {id});
      stations.emplace(township.text(0), std::make_pair(id, at));
      // A light van at each station beyond the town, for its local runs to the villages.
      if (!urban)
        session.exec(
            "INSERT INTO vehicles (platform_id, plate, home_node_id, driver_user_id, capacity_kg, capacity_l, cold, "
            "shift_start_min, shift_end_min, cost_per_km_fen, cost_per_hour_fen, active, created_at, updated_at) "
            "VALUES (:p, :l, :h, NULL, 300, 1500, 0, 540, 1080, 80, 2500, 1, :ca, :ua)",
            {platform, "甘K·" + county_code.substr(4, 2) + "Z" + township.text(0).substr(6), id, now_ms, now_ms});
    }
    for (const auto& village : session.query(
             "SELECT v.code, v.name, v.parent_code FROM divisions v JOIN divisions t ON t.code = v.parent_code "
             "WHERE t.parent_code = :c AND v.level = 'village' ORDER BY v.code",
             {county_code})) {
      auto station = stations.find(village.text(2));
      if (station == stations.end()) continue;
      const bool community = village.text(1).find("社区") != std::string::npos;
      const std::string name = region::short_village_name(village.text(1)) + (community ? "服务点" : "电商服务点");
      LatLng at = place(boundary, station->second.second, 6'000, village.text(0));
      insert_node(platform, community ? "community_point" : "village_point", name, village.text(0),
                  station->second.first, at, 480, 1200, false);
    }
    // Three vehicles at the park: two vans and a refrigerated truck.
    struct DemoVehicle {
      const char* suffix;
      int64_t kg, litres;
      bool cold;
      int64_t per_km, per_hour;
    };
    for (const auto& [suffix, kg, litres, cold, per_km, per_hour] :
         {DemoVehicle{"01", 800, 4000, false, 120, 3500}, DemoVehicle{"02", 800, 4000, false, 120, 3500},
          DemoVehicle{"L1", 1500, 6000, true, 180, 4500}}) {
      session.exec(
          "INSERT INTO vehicles (platform_id, plate, home_node_id, driver_user_id, capacity_kg, capacity_l, cold, "
          "shift_start_min, shift_end_min, cost_per_km_fen, cost_per_hour_fen, active, created_at, updated_at) "
          "VALUES (:p, :l, :h, NULL, :ck, :cl, :c, 480, 1080, :km, :hr, 1, :ca, :ua)",
          {platform, "甘K·" + county_code.substr(4, 2) + std::string(suffix), park, kg, litres, int64_t{cold}, per_km,
           per_hour, now_ms, now_ms});
    }
  }
  return made;
}

}  // namespace longnan::delivery

namespace longnan::delivery {

// GET /api/v1/counties/{code}/boundary: a county of Longnan's boundary as a GeoJSON Feature
// (MultiPolygon, [lng, lat]), for pages that draw the county without map tiles. Public and
// unchanging: cached for a day.
http::Response Delivery::county_boundary_geojson(http::Request& request) {
  const std::string code(request.path_param("code"));
  const Boundary* boundary = code.size() == 6 ? county_boundary(code) : nullptr;
  if (!boundary) return http::error_response(request, core::not_found("no boundary for this county"));
  boost::json::array polygons;
  for (const auto& polygon : boundary->polygons) {
    boost::json::array rings;
    for (const auto& ring : polygon) {
      boost::json::array points;
      for (const auto& point : ring) points.push_back(boost::json::array{point.lng, point.lat});
      rings.push_back(std::move(points));
    }
    polygons.push_back(std::move(rings));
  }
  auto response = http::json_response(boost::json::object{
      {"type", "Feature"},
      {"properties", boost::json::object{{"code", code}}},
      {"bbox", boost::json::array{boundary->min.lng, boundary->min.lat, boundary->max.lng, boundary->max.lat}},
      {"geometry", boost::json::object{{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}}});
  response.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return response;
}

}  // namespace longnan::delivery
