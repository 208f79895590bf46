// Production records on a lot, entered in simple forms by the farmer, the store keeper or
// the courier: each form becomes one standard EPCIS event about the lot (its class, or
// some of its items). Inputs applied (施肥, 打药) use our own bizStep URIs with the input in
// an extension field, and warn when the harvest falls inside a pesticide's safety
// interval; inspections record the lab, method and result with a conformant or
// non-conformant disposition; cold-chain legs carry their temperature range as sensor
// reports and raise an alert outside the product's range.
#include <boost/json.hpp>
#include <cmath>

#include "http/json.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
// Goods that need cooling travel between 0 and 8 °C unless told otherwise.
constexpr double kColdMinC = 0, kColdMaxC = 8;

struct Kind {
  std::string_view name;
  std::string_view biz_step;     // CBV word or our URI
  std::string_view disposition;  // CBV word, or empty
};
constexpr Kind kKinds[] = {
    {"fertilising", "urn:longnan:bizstep:fertilising", ""},
    {"spraying", "urn:longnan:bizstep:spraying", ""},
    {"inspection", "inspecting", ""},  // conformant / non_conformant from the result
    {"processing", "urn:longnan:bizstep:processing", "in_progress"},
    {"packing", "packing", "in_progress"},
    {"storing", "storing", "in_progress"},
    {"shipping", "shipping", "in_transit"},
    {"receiving", "receiving", "in_progress"},
    {"certification", "urn:longnan:bizstep:certifying", ""},
};

const Kind* kind_named(std::string_view name) {
  for (const auto& kind : kKinds)
    if (kind.name == name) return &kind;
  return nullptr;
}

std::optional<double> number_field(const boost::json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (!value || !value->is_number()) return std::nullopt;
  const double number = value->to_number<double>();
  return std::isfinite(number) ? std::optional(number) : std::nullopt;
}

}  // namespace

core::Result<boost::json::object> record_production(db::Session& session, int64_t lot_id,
                                                    const boost::json::object& body, int64_t now) {
  http::Fields fields(body);
  auto kind_name = fields.text("kind", true, 20);
  auto date = fields.text("date", true, 10);
  auto note = fields.text("note", false, 200);
  if (!fields.ok()) return fields.error();
  const Kind* kind = kind_named(*kind_name);
  if (!kind)
    return core::invalid("kind",
                         "kind must be fertilising, spraying, inspection, processing, packing, storing, shipping, "
                         "receiving or certification");
  int64_t day = 0;
  if (!core::parse_date(*date, day)) return core::invalid("date", "date must be YYYY-MM-DD");
  if (day > now) return core::invalid("date", "date is ahead");
  boost::json::object event{{"type", "ObjectEvent"},
                            {"eventTime", local_time_text(std::min(day + 12 * 3'600'000, now))},
                            {"eventTimeZoneOffset", "+08:00"},
                            {"action", "OBSERVE"},
                            {"bizStep", std::string(kind->biz_step)}};
  if (!kind->disposition.empty()) event["disposition"] = std::string(kind->disposition);
  if (note && !note->empty()) event["ln:note"] = *note;
  std::vector<std::string> warnings;
  std::optional<std::string> alert;
  // What each kind records.
  if (kind->name == "fertilising" || kind->name == "spraying") {
    auto name = fields.text("input_name", true, 60);
    auto dose = fields.text("dose", true, 40);
    auto interval = fields.integer("safety_interval_days", kind->name == "spraying", 0, 365);
    if (!fields.ok()) return fields.error();
    boost::json::object input{{"ln:name", *name}, {"ln:dose", *dose}};
    if (interval) input["ln:safetyIntervalDays"] = *interval;
    event["ln:input"] = std::move(input);
  } else if (kind->name == "inspection") {
    auto lab = fields.text("lab", true, 60);
    auto method = fields.text("method", true, 80);
    auto result = fields.text("result", true, 120);
    auto conformant = fields.boolean("conformant", true);
    if (!fields.ok()) return fields.error();
    event["disposition"] = *conformant ? "conformant" : "non_conformant";
    event["ln:inspection"] = boost::json::object{{"ln:lab", *lab}, {"ln:method", *method}, {"ln:result", *result}};
  } else if (kind->name == "shipping" || kind->name == "receiving" || kind->name == "storing") {
    auto min_c = number_field(body, "min_temp_c"), max_c = number_field(body, "max_temp_c");
    if (body.contains("min_temp_c") != body.contains("max_temp_c") || (body.contains("min_temp_c") && !min_c) ||
        (body.contains("max_temp_c") && !max_c) || (min_c && max_c && (*min_c > *max_c || *min_c < -60 || *max_c > 80)))
      return core::invalid("min_temp_c", "give the leg's lowest and highest temperature in °C, lowest first");
    if (min_c) {
      event["sensorElementList"] = boost::json::array{boost::json::object{
          {"sensorMetadata", boost::json::object{{"time", local_time_text(std::min(day + 12 * 3'600'000, now))}}},
          {"sensorReport",
           boost::json::array{boost::json::object{
               {"type", "gs1:Temperature"}, {"minValue", *min_c}, {"maxValue", *max_c}, {"uom", "CEL"}}}}}};
      if (*min_c < kColdMinC || *max_c > kColdMaxC) alert = "cold chain outside 0–8 °C";
    }
    if (auto place = fields.text("place", false, 60); place && !place->empty()) event["ln:place"] = *place;
  } else if (kind->name == "certification") {
    auto name = fields.text("certificate", true, 60);
    auto number = fields.text("number", true, 60);
    auto issuer = fields.text("issuer", false, 60);
    if (!fields.ok()) return fields.error();
    event["certificationInfo"] = "urn:longnan:certificate:" + percent_encode(*number);
    event["ln:certificate"] =
        boost::json::object{{"ln:name", *name}, {"ln:number", *number}, {"ln:issuer", issuer.value_or("")}};
  } else if (auto place = fields.text("place", false, 60); place && !place->empty()) {
    event["ln:place"] = *place;
  }
  if (!fields.ok()) return fields.error();
  auto lot = session.query_one(
      "SELECT l.platform_id, l.gtin, l.lot_number, l.harvest_date, k.cold_chain, l.plot_id FROM lots l JOIN skus k ON "
      "k.id = l.sku_id WHERE l.id = :i",
      {lot_id});
  if (!lot) return core::not_found("no such lot");
  event["quantityList"] =
      boost::json::array{boost::json::object{{"epcClass", lot_class_uri(lot->text(1), lot->text(2))}}};
  if (!lot->is_null(5) && (kind->name == "fertilising" || kind->name == "spraying"))
    event["readPoint"] = boost::json::object{{"id", place_uri("plot", std::to_string(lot->integer(5)))}};
  // A pesticide's safety interval: the days from spraying to harvest must be at least that.
  if (kind->name == "spraying" && !lot->is_null(3)) {
    int64_t harvest = 0;
    const int64_t interval = event["ln:input"].as_object()["ln:safetyIntervalDays"].as_int64();
    if (core::parse_date(lot->text(3), harvest) && harvest >= day && (harvest - day) / kDayMs < interval)
      warnings.push_back("harvested " + std::to_string((harvest - day) / kDayMs) +
                         " days after spraying, inside the safety interval of " + std::to_string(interval) + " days");
  }
  if (alert && lot->integer(4) == 0) alert.reset();  // only goods that need cooling
  auto recorded = record_event(session, event, lot->integer(0), now);
  if (!recorded) return recorded.error();
  if (alert)
    session.exec(
        "INSERT INTO trace_alerts (platform_id, lot_id, serial, kind, detail, created_at) VALUES (:p, :l, '', "
        "'cold_chain', :d, :t)",
        {lot->integer(0), lot_id, *alert + " (" + *kind_name + " " + *date + ")", now});
  return boost::json::object{{"event_id", *recorded},
                             {"event", event},
                             {"warnings", boost::json::array(warnings.begin(), warnings.end())},
                             {"alert", alert ? boost::json::value(*alert) : boost::json::value()}};
}

// POST /api/v1/lots/{id}/records {kind, date, …}: one production record on the lot, by its
// supplier, its store's keeper, a courier of the county or the county admin. Answers the
// event recorded and any warning.
http::Response Trace::add_record(http::Request& request) {
  auto principal = http::require_role(
      request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCourier, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const core::Principal& caller = **principal;
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto lot = session.query_one(
        "SELECT l.platform_id, l.producer_id, p.store_id FROM lots l JOIN skus k ON k.id = l.sku_id JOIN products p "
        "ON p.id = k.product_id WHERE l.id = :i",
        {*id});
    const bool allowed = lot && ((caller.role == core::Role::kSupplier && caller.producer_id == lot->integer(1)) ||
                                 (caller.role == core::Role::kStoreKeeper && caller.store_id == lot->integer(2)) ||
                                 ((caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCourier) &&
                                  caller.platform_id == lot->integer(0)));
    if (!allowed) return core::not_found("no such lot");
    auto recorded = record_production(session, *id, *body, clock_.now_ms());
    if (!recorded) return recorded.error();
    answer = std::move(*recorded);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer, 201);
}

}  // namespace longnan::trace
