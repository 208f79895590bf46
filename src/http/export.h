// Every admin list can be downloaded whole: ?format=csv or ?format=xlsx.
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "http/http.h"
#include "http/json.h"

namespace longnan::http {

enum class ExportFormat { kCsv, kXlsx };

// nullopt when the request asks for JSON (no format); 422 for an unknown format.
core::Result<std::optional<ExportFormat>> export_format(const Request& request);

// The most rows an export returns (a county has a few tens of thousands of households).
constexpr int64_t kMaxExportRows = 200000;

// The rows a list query should fetch: one page for JSON, every row (up to kMaxExportRows)
// for a file.
inline int64_t list_limit(const std::optional<ExportFormat>& format, const Page& page) {
  return format ? kMaxExportRows : page.page_size;
}
inline int64_t list_offset(const std::optional<ExportFormat>& format, const Page& page) {
  return format ? 0 : page.offset();
}

// Answers a list request: `items` as a JSON page, or `table` (header first) as a file.
Response list_response(const std::optional<ExportFormat>& format, const Page& page, int64_t total,
                       boost::json::array items, const core::Table& table, std::string_view basename);

// `rows` (header first) as an attachment named `basename`.csv / .xlsx.
Response export_response(ExportFormat format, const core::Table& rows, std::string_view basename);

// Imports: the uploaded table of a CSV (text/csv) or XLSX body, header row first.
// 415 for other content types; 422 when the file is empty or unreadable.
core::Result<core::Table> read_upload(const Request& request);

struct RowError {
  size_t row = 0;  // 1-based line in the file, the header being row 1
  std::string field;
  std::string message;
};
// 422 listing every row at fault; nothing was imported.
Response import_error_response(const Request& request, const std::vector<RowError>& errors);

}  // namespace longnan::http
