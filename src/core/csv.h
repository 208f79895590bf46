// CSV as in RFC 4180 (quoted fields, doubled quotes, CRLF or LF), UTF-8 with an optional BOM.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace longnan::core {

using Table = std::vector<std::vector<std::string>>;

// Parses `text`; false (and `error` set, with the 1-based line) on an unterminated quote.
bool parse_csv(std::string_view text, Table& rows, std::string& error);

// Appends one record, quoting fields that need it, ending with CRLF.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace longnan::core
