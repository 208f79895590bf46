// Spreadsheets in and out: XLSX workbooks (how county offices keep their lists) and CSV.
// Writing uses libxlsxwriter; reading takes the first worksheet apart with libzip and
// pugixml (shared strings, inline strings, numbers). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/csv.h"

namespace longnan::sheet {

// An .xlsx workbook with one sheet named `sheet_name`; the first row is styled as a header.
std::string write_xlsx(const core::Table& rows, const std::string& sheet_name);

// Reads the first worksheet of an .xlsx workbook into rows of text (numbers as written,
// integers without ".0"). False with `error` set when the bytes are not a workbook.
bool read_xlsx(std::string_view bytes, core::Table& rows, std::string& error);

// CSV text of `rows` (UTF-8 with BOM so spreadsheet programs detect the encoding).
std::string write_csv(const core::Table& rows);

}  // namespace longnan::sheet
