// The GS1 Digital Link resolver: /01/{gtin}/10/{lot}[/21/{serial}], the URI on every printed
// code. Browsers get the scan page (the web app, at the same path); API clients asking for
// JSON get what that page shows — the product and its brand, the producer (named as they
// chose), the village and plot, the lot, and its whole history of events in time order —
// and clients asking for application/linkset+json get the links (RFC 9264) GS1 resolvers
// give.
#include <boost/json.hpp>
#include <map>

#include "core/clock.h"
#include "core/validate.h"
#include "http/json.h"
#include "region/region.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

// Roughly where a scan came from, without keeping who: the first half of the address.
std::string coarse_place(const std::string& address) {
  if (address.find(':') == std::string::npos) {
    const auto second = address.find('.', address.find('.') + 1);
    return second == std::string::npos ? address : address.substr(0, second) + ".*.*";
  }
  size_t colons = 0, at = 0;
  for (; at < address.size() && colons < 3; ++at)
    if (address[at] == ':') ++colons;
  return address.substr(0, at) + ":/48";
}

// The last word of a CBV URI (https://ref.gs1.org/cbv/BizStep-commissioning → commissioning)
// or of our own (urn:longnan:bizstep:fertilising → fertilising).
std::string short_name(const std::string& uri) {
  const auto at = uri.find_last_of("-:/");
  return at == std::string::npos ? uri : uri.substr(at + 1);
}

}  // namespace

// GET /01/{gtin}/10/{lot}[/21/{serial}] (Accept: application/json or application/linkset+json).
http::Response Trace::resolve(http::Request& request) {
  std::string gtin(request.path_param("gtin"));
  const std::string lot(request.path_param("lot")), serial(request.path_param("serial"));
  if (gtin.size() < 8 || gtin.size() > 14 || !core::valid_gtin(gtin))
    return http::error_response(request, core::not_found("not a GTIN with a correct check digit"));
  gtin = std::string(14 - gtin.size(), '0') + gtin;
  const std::string link = digital_link(options_.public_base, gtin, lot, serial);
  if (auto accept = request.header("accept"); accept && accept->find("application/linkset+json") != std::string::npos) {
    const std::string events_query =
        options_.public_base + "/api/v1/epcis/events?MATCH_anyEPCClass=" + percent_encode(lot_class_uri(gtin, lot));
    auto response = http::json_response(boost::json::object{
        {"linkset",
         boost::json::array{boost::json::object{
             {"anchor", link},
             {"https://gs1.org/voc/defaultLink",
              boost::json::array{boost::json::object{{"href", link}, {"type", "text/html"}}}},
             {"https://gs1.org/voc/pip",
              boost::json::array{boost::json::object{{"href", link}, {"type", "text/html"}}}},
             {"https://gs1.org/voc/traceability",
              boost::json::array{boost::json::object{{"href", events_query}, {"type", "application/ld+json"}}}}}}}});
    response.content_type = "application/linkset+json";
    return response;
  }
  std::optional<boost::json::object> body;
  boost::json::value scan;
  boost::json::array proof_nodes;
  boost::json::array events;               // the lot's events, but for their EPCIS JSON:
  std::vector<std::string> stored_events;  // that, as recorded
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one(
        "SELECT l.id, l.lot_number, l.harvest_date, l.quantity, l.unit, l.certificate, l.status, p.id, p.name, "
        "p.name_en, p.unit, p.images_json, b.name, r.id, r.name, r.kind, r.trace_privacy, r.village_code, l.plot_id, "
        "l.platform_id "
        "FROM lots l JOIN skus k ON k.id = l.sku_id JOIN products p ON p.id = k.product_id LEFT JOIN brands b ON "
        "b.id = p.brand_id JOIN producers r ON r.id = l.producer_id WHERE l.gtin = :g AND l.lot_number = :l",
        {gtin, lot});
    if (!row) return;
    const int64_t lot_id = row->integer(0), lot_platform = row->integer(19);
    boost::json::value item;
    bool consumed = false;
    if (!serial.empty()) {
      auto found = session.query_one("SELECT serial, consumed_at FROM lot_items WHERE lot_id = :l AND serial = :s",
                                     {lot_id, serial});
      if (!found) return;
      consumed = !found->is_null(1);
      item = boost::json::object{{"serial", found->text(0)},
                                 {"consumed_at", found->is_null(1) ? boost::json::value() : found->integer(1)}};
    }
    // The scan is counted; an item scanned after it was consumed, or implausibly often in a
    // day, looks copied: the page warns and the county gets an alert. Staff looking at a lot
    // from the console or their own lot page (?preview=1) are not buyers scanning its code:
    // they see what a scan would, and are not counted.
    const bool preview =
        request.query_param("preview") == "1" && request.principal && request.principal->role != core::Role::kBuyer;
    const int64_t now = clock_.now_ms();
    const std::string today = core::shanghai_date(now);
    const int64_t day = core::shanghai_day(now);
    // The scans recorded and those not yet, each counted once: the day's count is read with
    // how many of this server's batches of scans it includes, and the scans this server holds
    // in memory are added but for those batches.
    auto recorded = session.query_one(
        "SELECT (SELECT scans FROM trace_scan_days WHERE lot_id = :l AND serial = :s AND day = :d), (SELECT flushes "
        "FROM trace_scan_flushes WHERE server = :v)",
        {lot_id, serial, today, server_});
    int64_t recent = recorded->integer(0);
    const int64_t flushes = recorded->integer(1);
    {
      auto same_code = [&](const Scan& other) {
        return other.lot_id == lot_id && other.serial == serial && core::shanghai_day(other.at) == day;
      };
      std::lock_guard lock(scans_mutex_);
      for (const auto& other : pending_scans_) recent += same_code(other);
      for (const auto& batch : scan_batches_)
        if (batch.number > flushes)
          for (const auto& other : batch.scans) recent += same_code(other);
    }
    const int64_t count = recent + (preview ? 0 : 1);
    std::optional<std::string> warning;
    if (!serial.empty() && consumed)
      warning = "scanned_after_consumed";
    else if (!serial.empty() && count > options_.scans_per_day_suspect)
      warning = "scanned_often";
    if (!preview) {
      std::lock_guard lock(scans_mutex_);
      pending_scans_.push_back({lot_id, lot_platform, serial, coarse_place(request.remote_address), now, warning});
    }
    scan = boost::json::object{{"count_today", count},
                               {"warning", warning ? boost::json::value(*warning) : boost::json::value()}};
    std::string village_code = row->text(17);
    boost::json::value plot;
    if (!row->is_null(18)) {
      auto found = session.query_one("SELECT name, village_code, lat, lng, area_mu FROM plots WHERE id = :p",
                                     {row->integer(18)});
      if (found) {
        village_code = found->text(1);
        plot = boost::json::object{{"name", found->text(0)},
                                   {"lat", found->is_null(2) ? boost::json::value() : found->real(2)},
                                   {"lng", found->is_null(3) ? boost::json::value() : found->real(3)},
                                   {"area_mu", found->is_null(4) ? boost::json::value() : found->real(4)}};
      }
    }
    const region::Place place = region::place_of(session, village_code);
    auto coordinates = session.query_one(
        "SELECT lat, lng FROM logistics_nodes WHERE division_code = :d ORDER BY id LIMIT 1", {village_code});
    for (const auto& event :
         session.query("SELECT e.event_id, e.type, e.event_time, e.action, e.biz_step, e.disposition, e.read_point, "
                       "e.biz_location, e.error_declaration, e.json, e.leaf, e.hash FROM trace_event_lots t JOIN "
                       "trace_events e ON "
                       "e.seq "
                       "= t.seq WHERE t.lot_id = :l ORDER BY e.event_time, e.seq",
                       {lot_id})) {
      events.push_back(boost::json::object{{"event_id", event.text(0)},
                                           {"type", event.text(1)},
                                           {"event_time", event.integer(2)},
                                           {"action", event.text(3)},
                                           {"biz_step", short_name(event.text(4))},
                                           {"disposition", short_name(event.text(5))},
                                           {"read_point", event.text(6)},
                                           {"biz_location", event.text(7)},
                                           {"error_declaration", event.integer(8) != 0},
                                           {"leaf", event.integer(10)},
                                           {"hash", event.text(11)}});
      stored_events.push_back(event.text(9));
    }
    // Each event's inclusion proof to the latest checkpoint, for the page to check. The
    // proofs of a lot's events share many nodes (all of them near the root; most of them
    // for events recorded close together), so each node is sent once, in proof_nodes, and
    // a proof lists its nodes' places there: the proofs were four fifths of the page.
    auto checkpoint = latest_checkpoint_json(session);
    if (checkpoint) {
      const uint64_t size = static_cast<uint64_t>(checkpoint->at("tree_size").as_int64());
      std::vector<uint64_t> leaves;
      for (const auto& event : events) leaves.push_back(static_cast<uint64_t>(event.at("leaf").as_int64()));
      auto proofs = inclusion_proofs(session, leaves, size);
      std::map<Hash, size_t> places;
      for (size_t index = 0; index < events.size(); ++index) {
        if (leaves[index] >= size) continue;  // newer than the checkpoint: proven at the next one
        boost::json::array path;
        for (const auto& hash : proofs[index]) {
          auto [place, added] = places.try_emplace(hash, proof_nodes.size());
          if (added) proof_nodes.push_back(boost::json::string(hex(hash)));
          path.push_back(place->second);
        }
        events[index].as_object()["proof"] = std::move(path);
      }
    }
    boost::json::array certifications;
    for (const auto& cert : session.query(
             "SELECT kind, number, issuer, valid_from, valid_until FROM certifications WHERE product_id = :p OR "
             "(product_id IS NULL AND producer_id = :r) ORDER BY kind, id",
             {row->integer(7), row->integer(13)}))
      certifications.push_back(boost::json::object{{"kind", cert.text(0)},
                                                   {"number", cert.text(1)},
                                                   {"issuer", cert.text(2)},
                                                   {"valid_from", core::shanghai_date(cert.integer(3))},
                                                   {"valid_until", core::shanghai_date(cert.integer(4))},
                                                   {"active", cert.integer(3) <= now && cert.integer(4) >= now}});
    const bool full = row->text(16) == "full";
    auto images = boost::json::parse(row->text(11));
    body = boost::json::object{
        {"digital_link", link},
        {"gtin", gtin},
        {"lot_number", row->text(1)},
        {"item", item},
        {"product",
         boost::json::object{
             {"id", row->integer(7)},
             {"name", row->text(8)},
             {"name_en", row->text(9)},
             {"unit", row->text(10)},
             {"image", images.is_array() && !images.as_array().empty() ? images.as_array()[0] : boost::json::value()},
             {"brand", row->is_null(12) ? boost::json::value() : boost::json::value(row->text(12))}}},
        {"producer",
         boost::json::object{{"name", full ? row->text(14) : masked_name(row->text(14), row->text(15) == "household")},
                             {"kind", row->text(15)},
                             {"masked", !full}}},
        {"village", boost::json::object{{"code", village_code},
                                        {"name", place.village_name},
                                        {"township", place.township_name},
                                        {"county", place.county_name},
                                        {"county_code", village_code.substr(0, 6)},
                                        {"lat", coordinates ? boost::json::value(coordinates->real(0)) : nullptr},
                                        {"lng", coordinates ? boost::json::value(coordinates->real(1)) : nullptr}}},
        {"plot", plot},
        {"lot", boost::json::object{{"harvest_date", row->text(2)},
                                    {"quantity", row->real(3)},
                                    {"unit", row->text(4)},
                                    {"certificate", row->text(5)},
                                    {"status", row->text(6)}}},
        {"certifications", std::move(certifications)},
        {"proof_nodes", std::move(proof_nodes)},
        {"checkpoint", checkpoint ? boost::json::value(std::move(*checkpoint)) : boost::json::value()}};
  });
  if (!body) return http::error_response(request, core::not_found("no such lot or item"));
  (*body)["scan"] = std::move(scan);
  // Each event's EPCIS JSON goes into the answer as it was recorded (written by
  // boost::json::serialize then), not parsed and written again: that was a fifth of the
  // time of a lot's page.
  std::string text = "{\"events\":[";
  for (size_t index = 0; index < stored_events.size(); ++index) {
    std::string item = boost::json::serialize(events[index]);
    item.pop_back();  // the object's closing brace: the event goes in before it
    if (index) text += ',';
    text += item;
    text += ",\"event\":";
    text += stored_events[index];
    text += '}';
  }
  text += "],";
  text += std::string_view(boost::json::serialize(*body)).substr(1);  // the other members, after its '{'
  http::Response response;
  response.body = std::move(text);
  response.headers.emplace_back("Link", "<" + link + ">; rel=\"owl:sameAs\"");
  return response;
}

}  // namespace longnan::trace
