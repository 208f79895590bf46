#include "http/export.h"

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

}  // namespace longnan::http
