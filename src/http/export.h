// Every admin list can be downloaded whole: ?format=csv or ?format=xlsx.
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string_view>

#include "core/csv.h"
#include "http/http.h"

namespace longnan::http {

enum class ExportFormat { kCsv, kXlsx };

// nullopt when the request asks for JSON (no format); 422 for an unknown format.
core::Result<std::optional<ExportFormat>> export_format(const Request& request);

// The most rows an export returns (a county has a few tens of thousands of households).
constexpr int64_t kMaxExportRows = 200000;

// `rows` (header first) as an attachment named `basename`.csv / .xlsx.
Response export_response(ExportFormat format, const core::Table& rows, std::string_view basename);

}  // namespace longnan::http
