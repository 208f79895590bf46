#include "sheet/sheet.h"

#include <pugixml.hpp>
#include <xlsxwriter.h>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/crypto.h"

namespace longnan::sheet {

std::string write_csv(const core::Table& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : rows) core::append_csv_row(out, row);
  return out;
}

std::string write_xlsx(const core::Table& rows, const std::string& sheet_name) {
  // libxlsxwriter 1.1.4 writes to a file: use a private temporary one.
  auto path = std::filesystem::temp_directory_path() / ("longnan-" + core::random_hex(8) + ".xlsx");
  std::string file = path.string();
  lxw_workbook* workbook = workbook_new(file.c_str());
  if (!workbook) throw std::runtime_error("cannot create workbook");
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook, sheet_name.c_str());
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  for (size_t row = 0; row < rows.size(); ++row)
    for (size_t column = 0; column < rows[row].size(); ++column)
      worksheet_write_string(worksheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column),
                             rows[row][column].c_str(), row == 0 ? header : nullptr);
  if (!rows.empty()) worksheet_freeze_panes(worksheet, 1, 0);
  lxw_error result = workbook_close(workbook);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (result != LXW_NO_ERROR) throw std::runtime_error(std::string("cannot write workbook: ") + lxw_strerror(result));
  return bytes.str();
}

namespace {

bool read_entry(zip_t* archive, const char* name, std::string& out) {
  zip_stat_t stat;
  if (zip_stat(archive, name, 0, &stat) != 0) return false;
  if (stat.size > (64u << 20)) return false;  // a sheet part over 64 MiB is not a county list
  zip_file_t* file = zip_fopen(archive, name, 0);
  if (!file) return false;
  out.resize(stat.size);
  zip_int64_t read = zip_fread(file, out.data(), stat.size);
  zip_fclose(file);
  return read == static_cast<zip_int64_t>(stat.size);
}

// "BC12" → column index 54 (0-based).
int column_of(std::string_view reference) {
  int column = 0;
  for (char c : reference) {
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
  }
  return column - 1;
}

std::string number_text(const std::string& raw) {
  char* end = nullptr;
  double value = std::strtod(raw.c_str(), &end);
  if (end == raw.c_str() || *end != '\0') return raw;
  if (std::floor(value) == value && std::abs(value) < 1e15) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  return raw;
}

std::string inline_text(const pugi::xml_node& node) {
  std::string text;
  for (auto t : node.select_nodes(".//t")) text += t.node().text().get();
  return text;
}

// The path of the first worksheet, from workbook.xml and its relationships.
std::string first_sheet_path(zip_t* archive) {
  std::string workbook_xml, rels_xml;
  if (!read_entry(archive, "xl/workbook.xml", workbook_xml)) return "xl/worksheets/sheet1.xml";
  pugi::xml_document workbook;
  if (!workbook.load_buffer(workbook_xml.data(), workbook_xml.size())) return "xl/worksheets/sheet1.xml";
  auto sheet = workbook.child("workbook").child("sheets").child("sheet");
  std::string rel_id = sheet.attribute("r:id").value();
  if (rel_id.empty() || !read_entry(archive, "xl/_rels/workbook.xml.rels", rels_xml)) return "xl/worksheets/sheet1.xml";
  pugi::xml_document rels;
  if (!rels.load_buffer(rels_xml.data(), rels_xml.size())) return "xl/worksheets/sheet1.xml";
  for (auto rel : rels.child("Relationships").children("Relationship")) {
    if (rel.attribute("Id").value() != rel_id) continue;
    std::string target = rel.attribute("Target").value();
    if (target.starts_with("/")) return target.substr(1);
    return "xl/" + target;
  }
  return "xl/worksheets/sheet1.xml";
}

}  // namespace

bool read_xlsx(std::string_view bytes, core::Table& rows, std::string& error) {
  rows.clear();
  zip_error_t zip_error;
  zip_error_init(&zip_error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zip_error);
  if (!source) {
    error = "not an XLSX workbook";
    return false;
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &zip_error);
  if (!archive) {
    zip_source_free(source);
    error = "not an XLSX workbook";
    return false;
  }
  struct Closer {
    zip_t* archive;
    ~Closer() { zip_discard(archive); }
  } closer{archive};

  std::vector<std::string> shared;
  std::string shared_xml;
  if (read_entry(archive, "xl/sharedStrings.xml", shared_xml)) {
    pugi::xml_document document;
    if (document.load_buffer(shared_xml.data(), shared_xml.size()))
      for (auto item : document.child("sst").children("si")) shared.push_back(inline_text(item));
  }
  std::string sheet_xml;
  if (!read_entry(archive, first_sheet_path(archive).c_str(), sheet_xml)) {
    error = "the workbook has no readable worksheet";
    return false;
  }
  pugi::xml_document sheet;
  if (!sheet.load_buffer(sheet_xml.data(), sheet_xml.size())) {
    error = "the worksheet is not well-formed XML";
    return false;
  }
  for (auto row : sheet.child("worksheet").child("sheetData").children("row")) {
    std::vector<std::string> cells;
    int next = 0;
    for (auto cell : row.children("c")) {
      int column = cell.attribute("r") ? column_of(cell.attribute("r").value()) : next;
      if (column < 0 || column > 1000) {
        error = "a cell reference is out of range";
        return false;
      }
      if (static_cast<int>(cells.size()) < column) cells.resize(column);
      std::string type = cell.attribute("t").value();
      std::string value;
      if (type == "s") {
        size_t index = static_cast<size_t>(cell.child("v").text().as_ullong(~0ull));
        if (index >= shared.size()) {
          error = "a cell refers to a missing shared string";
          return false;
        }
        value = shared[index];
      } else if (type == "inlineStr") {
        value = inline_text(cell.child("is"));
      } else if (type == "str" || type == "b" || type == "e") {
        value = cell.child("v").text().get();
      } else {
        value = number_text(cell.child("v").text().get());
      }
      cells.resize(column);
      cells.push_back(std::move(value));
      next = column + 1;
    }
    bool blank = std::all_of(cells.begin(), cells.end(), [](const std::string& cell) { return cell.empty(); });
    if (!blank) rows.push_back(std::move(cells));
  }
  return true;
}

}  // namespace longnan::sheet
