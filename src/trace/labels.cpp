// Printed codes of a lot: its QR code (SVG, PNG) carrying the lot's — or an item's — GS1
// Digital Link URI on the configured public host, and A4 label sheets (PDF) with the code,
// the Chinese product name, the producer, village, lot and harvest date, and the words
// 承诺达标合格证 where the batch has that certificate.
#include <boost/json.hpp>

#include "http/json.h"
#include "label/label.h"
#include "region/region.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

struct LotLabel {
  std::string gtin, lot_number, harvest_date, certificate, product, sku_spec, producer, village;
  std::vector<std::string> serials;
};

// The lot as its labels print it, when the caller may print them (those who list lots).
std::optional<LotLabel> lot_label(db::Session& session, const core::Principal& caller, int64_t lot_id) {
  auto row = session.query_one(
      "SELECT l.platform_id, l.producer_id, p.store_id, l.gtin, l.lot_number, l.harvest_date, l.certificate, p.name, "
      "k.attrs_json, r.name, r.kind, r.trace_privacy, COALESCE(t.village_code, r.village_code) FROM lots l JOIN skus "
      "k ON k.id = l.sku_id JOIN products p ON p.id = k.product_id JOIN producers r ON r.id = l.producer_id LEFT JOIN "
      "plots t ON t.id = l.plot_id WHERE l.id = :i",
      {lot_id});
  if (!row) return std::nullopt;
  const bool sees = (caller.role == core::Role::kSupplier && caller.producer_id == row->integer(1)) ||
                    (caller.role == core::Role::kStoreKeeper && caller.store_id == row->integer(2)) ||
                    ((caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCityAdmin ||
                      caller.role == core::Role::kAuditor || caller.role == core::Role::kCourier) &&
                     caller.sees_platform(row->integer(0)));
  if (!sees) return std::nullopt;
  LotLabel label{row->text(3), row->text(4), row->text(5), row->text(6), row->text(7), "", "", ""};
  boost::system::error_code error;
  if (auto attrs = boost::json::parse(row->text(8), error); !error && attrs.is_object())
    for (const auto& [key, value] : attrs.as_object())
      if (value.is_string()) label.sku_spec += (label.sku_spec.empty() ? "" : " ") + std::string(value.as_string());
  label.producer = row->text(11) == "full" ? row->text(9) : masked_name(row->text(9), row->text(10) == "household");
  const region::Place place = region::place_of(session, row->text(12));
  label.village = place.county_name + place.township_name + place.village_name;
  for (const auto& item : session.query("SELECT serial FROM lot_items WHERE lot_id = :l ORDER BY id", {lot_id}))
    label.serials.push_back(item.text(0));
  return label;
}

}  // namespace

// GET /api/v1/lots/{id}/qr.svg|qr.png?serial=&size=: the code of the lot (or of one item).
http::Response Trace::lot_qr(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto size = http::query_integer(request, "size", 1, 32);
  if (!size) return http::error_response(request, size.error());
  const std::string serial(request.query_param("serial").value_or(""));
  std::optional<LotLabel> lot;
  database_.with_session([&](db::Session& session) { lot = lot_label(session, **principal, *id); });
  if (!lot) return http::error_response(request, core::not_found("no such lot"));
  if (!serial.empty() && std::find(lot->serials.begin(), lot->serials.end(), serial) == lot->serials.end())
    return http::error_response(request, core::invalid("serial", "no such item of the lot"));
  const bool svg = request.path.ends_with(".svg");
  const std::string uri = digital_link(options_.public_base, lot->gtin, lot->lot_number, serial);
  label::QrOptions options;
  if (*size) options.module_px = static_cast<int>(**size);
  auto image = svg ? label::qr_svg(uri, options) : label::qr_png(uri, options);
  if (!image) return http::error_response(request, image.error());
  http::Response response;
  response.content_type = svg ? "image/svg+xml" : "image/png";
  response.body = std::move(*image);
  response.headers.emplace_back("X-Digital-Link", uri);
  return response;
}

// GET /api/v1/lots/{id}/labels.pdf?columns=&rows=&copies=&items=: an A4 sheet of labels:
// one per item of the lot (items=1, when it has items), else `copies` of the lot's label
// (a page's worth by default).
http::Response Trace::lot_labels(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto columns = http::query_integer(request, "columns", 1, 6);
  if (!columns) return http::error_response(request, columns.error());
  auto rows = http::query_integer(request, "rows", 1, 12);
  if (!rows) return http::error_response(request, rows.error());
  auto copies = http::query_integer(request, "copies", 1, 1000);
  if (!copies) return http::error_response(request, copies.error());
  auto items = http::query_enum(request, "items", {"0", "1"});
  if (!items) return http::error_response(request, items.error());
  std::optional<LotLabel> lot;
  database_.with_session([&](db::Session& session) { lot = lot_label(session, **principal, *id); });
  if (!lot) return http::error_response(request, core::not_found("no such lot"));
  label::SheetOptions sheet;
  if (*columns) sheet.columns = static_cast<int>(**columns);
  if (*rows) sheet.rows = static_cast<int>(**rows);
  const std::string title = lot->product + (lot->sku_spec.empty() ? "" : " " + lot->sku_spec);
  auto make = [&](const std::string& serial) {
    std::vector<std::string> lines{"生产者：" + lot->producer, "产地：" + lot->village, "批次：" + lot->lot_number};
    if (!lot->harvest_date.empty()) lines.push_back("采收：" + lot->harvest_date);
    if (!serial.empty()) lines.push_back("编号：" + serial);
    return label::Label{digital_link(options_.public_base, lot->gtin, lot->lot_number, serial), title, std::move(lines),
                        lot->certificate.empty() ? "" : "承诺达标合格证"};
  };
  std::vector<label::Label> labels;
  if (*items == "1" && !lot->serials.empty()) {
    for (const auto& serial : lot->serials) labels.push_back(make(serial));
  } else {
    const int64_t count = copies->value_or(static_cast<int64_t>(sheet.columns) * sheet.rows);
    labels.assign(static_cast<size_t>(count), make(""));
  }
  auto pdf = label::label_sheet_pdf(labels, sheet);
  if (!pdf) return http::error_response(request, pdf.error());
  http::Response response;
  response.content_type = "application/pdf";
  response.body = std::move(*pdf);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"labels-" + lot->lot_number + ".pdf\"");
  return response;
}

}  // namespace longnan::trace
