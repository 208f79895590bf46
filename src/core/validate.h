// Validators for identifiers that users type and that carry check digits or fixed forms.
// Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace longnan::core {

// GTIN-8/12/13/14 with the GS1 mod-10 check digit.
bool valid_gtin(std::string_view gtin);

// 18-character resident ID number (GB 11643-1999): 17 digits, ISO 7064 MOD 11-2 check
// character (0-9 or X), and a plausible birth date in positions 7-14.
bool valid_id_card(std::string_view id_card);

// Mainland mobile number: 11 digits starting with 1[3-9].
bool valid_mobile(std::string_view phone);

// Bank card / account number: 12-30 digits (spaces allowed and ignored by the caller).
bool valid_bank_account(std::string_view account);

// Official statistical division code: 6, 9 or 12 digits.
bool valid_division_code(std::string_view code);

// Well-formed UTF-8 without NUL or other C0 control characters except tab and newline.
bool valid_text(std::string_view text);

// `text` without leading and trailing white space: ASCII and Unicode spaces (U+00A0,
// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 ideographic space) and
// the byte-order mark U+FEFF. REQUIRES: valid UTF-8.
std::string_view trim_text(std::string_view text);

// Number of Unicode code points in valid UTF-8.
size_t utf8_length(std::string_view text);

}  // namespace longnan::core
