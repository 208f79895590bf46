#include "targets.h"

#include <cstdio>
#include <cstdlib>

#include "core/crypto.h"
#include "core/csv.h"
#include "core/validate.h"
#include "http/json.h"
#include "sheet/sheet.h"

namespace longnan::fuzz {
namespace {
void check(bool property, const char* what) {
  if (property) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}
}  // namespace

void csv(std::string_view input) {
  core::Table rows;
  std::string error;
  if (!core::parse_csv(input, rows, error)) return;
  // Fields that start like a formula are written defused (with a leading '), and a
  // lone empty field reads back as a blank line: both are meant to differ.
  for (const auto& row : rows)
    for (const auto& field : row)
      if (!field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@')) return;
  std::string written;
  for (const auto& row : rows) core::append_csv_row(written, row);
  core::Table again;
  check(core::parse_csv(written, again, error), "written CSV parses");
  core::Table expected;
  for (const auto& row : rows)
    if (!(row.size() == 1 && row[0].empty())) expected.push_back(row);
  check(again == expected, "CSV round trip keeps the rows");
}

void xlsx(std::string_view input) {
  core::Table rows;
  std::string error;
  sheet::read_xlsx(input, rows, error);
}

void json(std::string_view input) {
  auto parsed = http::parse_json(input);
  if (!parsed || !parsed->is_object()) return;
  const auto& object = parsed->as_object();
  for (const auto& [key, value] : object) {
    http::Fields fields(object);
    fields.text(key, true, 50);
    http::Fields numbers(object);
    numbers.integer(key, true, -1000, 1000);
    http::Fields flags(object);
    flags.boolean(key, true);
    http::Fields arrays(object);
    arrays.array(key, false, 10);
    http::Fields objects(object);
    objects.object(key, false);
    (void)value;
  }
}

void text(std::string_view input) {
  core::valid_id_card(input);
  core::valid_gtin(input);
  core::valid_mobile(input);
  core::valid_division_code(input);
  core::mask_phone(input);
  core::mask_id_card(input);
  core::mask_bank_account(input);
  if (!core::valid_text(input)) return;
  core::utf8_length(input);
  std::string_view trimmed = core::trim_text(input);
  check(core::valid_text(trimmed), "trimmed text is valid UTF-8");
  check(core::trim_text(trimmed) == trimmed, "trimming is idempotent");
}

}  // namespace longnan::fuzz
