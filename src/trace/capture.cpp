// EPCIS 2.0 capture (POST /api/v1/epcis/capture): a whole EPCISDocument is validated and
// stored, or nothing is; the limits are advertised in the GS1-EPCIS-Capture-Limit and
// GS1-EPCIS-Capture-File-Size-Limit headers.
#include <boost/json.hpp>

#include "http/json.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

void advertise(const CaptureLimits& limits, http::Response& response) {
  response.headers.emplace_back("GS1-EPCIS-Capture-Limit", std::to_string(limits.max_events));
  response.headers.emplace_back("GS1-EPCIS-Capture-File-Size-Limit", std::to_string(limits.max_bytes));
  response.headers.emplace_back("GS1-EPCIS-Version", "2.0.0");
}

// 400 (or 413) naming the first bad event and its field.
http::Response refused(const http::Request& request, const CaptureError& error, const CaptureLimits& limits) {
  boost::json::object body{{"code", error.too_large ? "too_large" : "invalid_epcis"},
                           {"message", error.message},
                           {"field", error.field},
                           {"request_id", request.request_id}};
  if (error.index >= 0) body["event_index"] = error.index;
  auto response = http::json_response(boost::json::object{{"error", std::move(body)}}, error.too_large ? 413 : 400);
  advertise(limits, response);
  return response;
}

}  // namespace

Trace::Trace(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options)
    : database_(database), clock_(clock), cipher_(cipher), options_(std::move(options)) {}

void Trace::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/epcis/capture", [this](http::Request& r) { return capture_limits(r); });
  router.add(Method::kPost, "/api/v1/epcis/capture", [this](http::Request& r) { return capture(r); });
  router.add(Method::kGet, "/api/v1/epcis/events", [this](http::Request& r) { return events(r); });
  router.add(Method::kGet, "/api/v1/epcis/events/{event_id}", [this](http::Request& r) { return event(r); });
  router.add(Method::kPost, "/api/v1/lots", [this](http::Request& r) { return create_lot(r); });
  router.add(Method::kGet, "/api/v1/lots", [this](http::Request& r) { return list_lots(r); });
  router.add(Method::kGet, "/api/v1/lots/{id}", [this](http::Request& r) { return get_lot(r); });
  router.add(Method::kPost, "/api/v1/lots/{id}/records", [this](http::Request& r) { return add_record(r); });
  router.add(Method::kGet, "/api/v1/plots", [this](http::Request& r) { return list_plots(r); });
  router.add(Method::kGet, "/api/v1/lots/{id}/recall", [this](http::Request& r) { return recall_list(r); });
  router.add(Method::kGet, "/api/v1/lots/{id}/qr.svg", [this](http::Request& r) { return lot_qr(r); });
  router.add(Method::kGet, "/api/v1/lots/{id}/qr.png", [this](http::Request& r) { return lot_qr(r); });
  // A sheet of labels is drawn on a compute thread.
  router.add(
      Method::kGet, "/api/v1/lots/{id}/labels.pdf", [this](http::Request& r) { return lot_labels(r); },
      http::Work::kCompute);
  router.add(Method::kPost, "/api/v1/lots/{id}/recall", [this](http::Request& r) { return recall(r); });
  router.add(Method::kGet, "/api/v1/recall-notices", [this](http::Request& r) { return my_recall_notices(r); });
  router.add(Method::kGet, "/api/v1/trace/alerts", [this](http::Request& r) { return list_alerts(r); });
  router.add(Method::kPost, "/api/v1/trace/alerts/{id}/resolve", [this](http::Request& r) { return resolve_alert(r); });
  router.add(Method::kPost, "/api/v1/lots/{id}/items/consume", [this](http::Request& r) { return consume_items(r); });
  router.add(Method::kGet, "/api/v1/orders/{id}/lots", [this](http::Request& r) { return order_lots(r); });
  router.add(Method::kPost, "/api/v1/plots", [this](http::Request& r) { return create_plot(r); });
  router.add(Method::kGet, "/api/v1/trace/checkpoints/latest",
             [this](http::Request& r) { return latest_checkpoint(r); });
  router.add(Method::kPost, "/api/v1/trace/checkpoints/{id}/cosign",
             [this](http::Request& r) { return cosign_checkpoint(r); });
  router.add(Method::kGet, "/api/v1/trace/proof", [this](http::Request& r) { return proof(r); });
  // GS1 Digital Link: the data behind a printed code, for API clients (browsers get the
  // scan page from the web app at the same path).
  router.add(Method::kGet, "/01/{gtin}/10/{lot}", [this](http::Request& r) { return resolve(r); });
  router.add(Method::kGet, "/01/{gtin}/10/{lot}/21/{serial}", [this](http::Request& r) { return resolve(r); });
}

// GET /api/v1/epcis/capture: what a capture may hold (in the headers, and the body).
http::Response Trace::capture_limits(http::Request&) {
  auto response = http::json_response(boost::json::object{{"capture_limit", options_.limits.max_events},
                                                          {"file_size_limit", options_.limits.max_bytes}});
  advertise(options_.limits, response);
  return response;
}

// POST /api/v1/epcis/capture: an EPCISDocument (application/json or application/ld+json)
// from the people who record the goods' way — producers, store keepers, couriers, the
// county. 201 with the events' ids; 400 naming the first bad event and field; 413 over the
// limits; nothing is stored unless everything is.
http::Response Trace::capture(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCourier,
                                                core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  if (auto type = request.header("content-type");
      !type || !(type->starts_with("application/json") || type->starts_with("application/ld+json")))
    return http::error_response(request, {core::ErrorCode::kUnsupportedMediaType,
                                          "send the EPCISDocument as application/json or application/ld+json",
                                          {}});
  CaptureResult parsed = parse_document(request.body, options_.limits);
  if (parsed.error) return refused(request, *parsed.error, options_.limits);
  if (parsed.events.empty())
    return refused(request, {-1, "epcisBody.eventList", "the document holds no events", false}, options_.limits);
  prepare_events(parsed.events);
  const int64_t now = clock_.now_ms();
  std::vector<std::string> ids;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto stored = store_events(session, parsed.events, (*principal)->platform_id, now);
    if (!stored) return stored.error();
    ids = std::move(*stored);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  auto response = http::json_response(
      boost::json::object{{"captured", ids.size()}, {"eventIDs", boost::json::array(ids.begin(), ids.end())}}, 201);
  advertise(options_.limits, response);
  return response;
}

}  // namespace longnan::trace
