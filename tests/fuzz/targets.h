// Fuzz targets for the parsers that read outside input: CSV, XLSX, JSON bodies and text
// validators. Each takes arbitrary bytes and must neither crash nor break its property;
// a broken property aborts (so libFuzzer and the replay test both report it).
//
// Built into libFuzzer executables by the `fuzz` preset (clang), and replayed over the
// saved corpus in tests/fuzz/corpus/<target>/ by every `make test`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace longnan::fuzz {

// parse_csv never crashes; what it parses, written back, parses to the same rows.
void csv(std::string_view input);
// read_xlsx never crashes on any bytes.
void xlsx(std::string_view input);
// parse_json with the API's limits, then every typed field reader, never crash.
void json(std::string_view input);
// valid_text, trim_text, utf8_length, the check-digit validators and the masks never
// crash; trimming valid text gives valid text and is idempotent.
void text(std::string_view input);

}  // namespace longnan::fuzz
