#include "core/validate.h"

#include <algorithm>
#include <cctype>

namespace longnan::core {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_date(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  int last = kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
  return day <= last;
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

bool valid_gtin(std::string_view gtin) {
  if (!all_digits(gtin)) return false;
  if (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14) return false;
  // Weights 3,1,3,1… from the rightmost digit before the check digit.
  int sum = 0;
  int weight = 3;
  for (size_t position = gtin.size() - 1; position-- > 0;) {
    sum += (gtin[position] - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  int check = (10 - sum % 10) % 10;
  return check == gtin.back() - '0';
}

bool valid_id_card(std::string_view id_card) {
  if (id_card.size() != 18 || !all_digits(id_card.substr(0, 17))) return false;
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (size_t position = 0; position < 17; ++position) sum += (id_card[position] - '0') * kWeights[position];
  char last = static_cast<char>(std::toupper(static_cast<unsigned char>(id_card[17])));
  if (kCheck[sum % 11] != last) return false;
  return valid_date(number(id_card.substr(6, 4)), number(id_card.substr(10, 2)), number(id_card.substr(12, 2)));
}

bool valid_mobile(std::string_view phone) {
  return phone.size() == 11 && all_digits(phone) && phone[0] == '1' && phone[1] >= '3';
}

bool valid_bank_account(std::string_view account) {
  return account.size() >= 12 && account.size() <= 30 && all_digits(account);
}

bool valid_division_code(std::string_view code) {
  return (code.size() == 6 || code.size() == 9 || code.size() == 12) && all_digits(code);
}

bool valid_text(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  for (size_t at = 0; at < size;) {
    unsigned char lead = bytes[at];
    if (lead < 0x80) {
      if (lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') return false;
      if (lead == 0x7f) return false;
      ++at;
      continue;
    }
    size_t length;
    uint32_t code_point;
    if ((lead & 0xe0) == 0xc0) { length = 2; code_point = lead & 0x1f; }
    else if ((lead & 0xf0) == 0xe0) { length = 3; code_point = lead & 0x0f; }
    else if ((lead & 0xf8) == 0xf0) { length = 4; code_point = lead & 0x07; }
    else return false;
    if (at + length > size) return false;
    for (size_t next = 1; next < length; ++next) {
      if ((bytes[at + next] & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (bytes[at + next] & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10ffff) return false;  // overlong / out of range
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;             // surrogate
    at += length;
  }
  return true;
}

namespace {
// Length in bytes of the white space starting at `at`, or 0.
size_t space_at(std::string_view text, size_t at) {
  unsigned char c = static_cast<unsigned char>(text[at]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d)) return 1;
  auto rest = text.substr(at);
  if (rest.starts_with("\xC2\x85") || rest.starts_with("\xC2\xA0")) return 2;
  if (rest.size() < 3) return 0;
  auto b = [&](size_t i) { return static_cast<unsigned char>(rest[i]); };
  if (b(0) == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;                  // U+1680
  if (b(0) == 0xE2 && b(1) == 0x80 && (b(2) <= 0x8A || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF)) return 3;
  if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;                  // U+205F
  if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;                  // U+3000
  if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;                  // U+FEFF
  return 0;
}
}  // namespace

std::string_view trim_text(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size()) {
    size_t length = space_at(text, begin);
    if (length == 0) break;
    begin += length;
  }
  size_t end = text.size();
  while (end > begin) {
    // Step back to the start of the last code point and test it.
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    size_t length = space_at(text, start);
    if (length == 0 || start + length != end) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

size_t utf8_length(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(),
                                           [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace longnan::core
