#include "core/csv.h"

namespace longnan::core {

bool parse_csv(std::string_view text, Table& rows, std::string& error) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  rows.clear();
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  size_t line = 1;
  size_t quote_line = 0;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = record.size() == 1 && record[0].empty();
    if (!blank) rows.push_back(std::move(record));
    record.clear();
  };
  for (size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if (quoted) {
      if (c == '"') {
        if (at + 1 < text.size() && text[at + 1] == '"') {
          field.push_back('"');
          ++at;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field_started && field.empty()) {
          quoted = true;
          quote_line = line;
        } else {
          field.push_back(c);
        }
        field_started = true;
        break;
      case ',':
        end_field();
        break;
      case '\r':
        if (at + 1 < text.size() && text[at + 1] == '\n') break;
        end_record();
        ++line;
        break;
      case '\n':
        end_record();
        ++line;
        break;
      default:
        field.push_back(c);
        field_started = true;
    }
  }
  if (quoted) {
    error = "unterminated quoted field starting on line " + std::to_string(quote_line);
    return false;
  }
  if (field_started || !field.empty() || !record.empty()) end_record();
  return true;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t index = 0; index < fields.size(); ++index) {
    if (index > 0) out.push_back(',');
    const std::string& field = fields[index];
    // A leading byte-order mark is quoted too: at the start of a file it would be taken
    // for the file's own mark and dropped (found by fuzzing).
    bool needs_quotes = field.find_first_of(",\"\r\n") != std::string::npos ||
                        (!field.empty() && (field.front() == ' ' || field.back() == ' ')) ||
                        field.starts_with("\xEF\xBB\xBF");
    // A leading = + - @ would be run as a formula by spreadsheet programs: neutralise it.
    bool formula = !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '@' ||
                                      (field[0] == '-' && (field.size() == 1 || field[1] < '0' || field[1] > '9')));
    if (!needs_quotes && !formula) {
      out += field;
      continue;
    }
    out.push_back('"');
    if (formula) out.push_back('\'');
    for (char c : field) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
}

}  // namespace longnan::core
