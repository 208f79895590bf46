#include "http/export.h"

#include <boost/json.hpp>

#include "sheet/sheet.h"

namespace longnan::http {

core::Result<std::optional<ExportFormat>> export_format(const Request& request) {
  auto format = request.query_param("format");
  if (!format || *format == "json" || format->empty()) return std::optional<ExportFormat>();
  if (*format == "csv") return std::optional<ExportFormat>(ExportFormat::kCsv);
  if (*format == "xlsx") return std::optional<ExportFormat>(ExportFormat::kXlsx);
  return core::invalid("format", "format must be json, csv or xlsx");
}

Response export_response(ExportFormat format, const core::Table& rows, std::string_view basename) {
  Response response;
  std::string name(basename);
  if (format == ExportFormat::kCsv) {
    response.content_type = "text/csv; charset=utf-8";
    response.body = sheet::write_csv(rows);
    name += ".csv";
  } else {
    response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    response.body = sheet::write_xlsx(rows, std::string(basename));
    name += ".xlsx";
  }
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response list_response(const std::optional<ExportFormat>& format, const Page& page, int64_t total,
                       boost::json::array items, const core::Table& table, std::string_view basename) {
  if (format) return export_response(*format, table, basename);
  return json_response(page_body(std::move(items), total, page));
}

core::Result<core::Table> read_upload(const Request& request) {
  auto content_type = request.header("content-type").value_or("");
  core::Table rows;
  std::string error;
  if (content_type.starts_with("text/csv")) {
    if (!core::parse_csv(request.body, rows, error)) return core::invalid("file", "the CSV file is malformed: " + error);
  } else if (content_type.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")) {
    if (!sheet::read_xlsx(request.body, rows, error)) return core::invalid("file", "the XLSX file is unreadable: " + error);
  } else {
    return core::Error{core::ErrorCode::kUnsupportedMediaType, "upload text/csv or an .xlsx workbook", {}};
  }
  if (rows.size() < 2) return core::invalid("file", "the file needs a header row and at least one data row");
  for (auto& name : rows.front()) {
    size_t first = name.find_first_not_of(' '), last = name.find_last_not_of(' ');
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
  }
  return rows;
}

Response import_error_response(const Request& request, const std::vector<RowError>& errors) {
  boost::json::array rows;
  for (const auto& error : errors)
    rows.push_back(boost::json::object{{"row", error.row}, {"field", error.field}, {"message", error.message}});
  boost::json::object body{
      {"error", boost::json::object{{"code", "validation_failed"},
                                    {"message", std::to_string(errors.size()) + " row(s) have errors; nothing was imported"},
                                    {"request_id", request.request_id},
                                    {"rows", std::move(rows)}}}};
  Response response;
  response.status = 422;
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace longnan::http
