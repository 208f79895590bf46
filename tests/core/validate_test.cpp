#include "core/validate.h"

#include <gtest/gtest.h>

namespace longnan::core {

TEST(Gtin, AcceptsValidCheckDigits) {
  EXPECT_TRUE(valid_gtin("6901234567892"));   // GTIN-13
  EXPECT_TRUE(valid_gtin("4006381333931"));
  EXPECT_TRUE(valid_gtin("96385074"));        // GTIN-8
  EXPECT_TRUE(valid_gtin("10614141000415"));  // GTIN-14
}

TEST(Gtin, RejectsWrongCheckDigitLengthAndCharacters) {
  EXPECT_FALSE(valid_gtin("6901234567893"));
  EXPECT_FALSE(valid_gtin("690123456789"));  // 12 digits with a wrong check digit
  EXPECT_FALSE(valid_gtin("69012345678921"));
  EXPECT_FALSE(valid_gtin("69012345678a2"));
  EXPECT_FALSE(valid_gtin(""));
  EXPECT_FALSE(valid_gtin("123456789012345"));
}

TEST(IdCard, AcceptsValidNumbersIncludingX) {
  EXPECT_TRUE(valid_id_card("11010519491231002X"));
  EXPECT_TRUE(valid_id_card("11010519491231002x"));
  EXPECT_TRUE(valid_id_card("621221198001010012"));
  EXPECT_TRUE(valid_id_card("62122419751231002X"));
}

TEST(IdCard, RejectsBadCheckDigitDateAndLength) {
  EXPECT_FALSE(valid_id_card("110105194912310021"));  // wrong check character
  EXPECT_FALSE(valid_id_card("11010519491331002X"));  // month 13
  EXPECT_FALSE(valid_id_card("1101051949123100"));
  EXPECT_FALSE(valid_id_card("11010519491231002XX"));
  EXPECT_FALSE(valid_id_card("A1010519491231002X"));
}

TEST(Mobile, AcceptsMainlandNumbersOnly) {
  EXPECT_TRUE(valid_mobile("13800000001"));
  EXPECT_FALSE(valid_mobile("12800000001"));
  EXPECT_FALSE(valid_mobile("1380000000"));
  EXPECT_FALSE(valid_mobile("+8613800000001"));
}

TEST(Text, RejectsInvalidUtf8AndControlCharacters) {
  EXPECT_TRUE(valid_text("武都花椒 premium"));
  EXPECT_TRUE(valid_text("😀"));
  EXPECT_FALSE(valid_text(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_text("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_text("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(valid_text("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_text("\xE8\x8A"));          // truncated
  EXPECT_FALSE(valid_text("bell\x07"));
  EXPECT_EQ(utf8_length("花椒ab"), 4u);
}

TEST(Text, TrimsAsciiAndUnicodeSpaceAndBom) {
  EXPECT_EQ(trim_text("  花椒\t"), "花椒");
  EXPECT_EQ(trim_text("\xE3\x80\x80花椒\xE3\x80\x80"), "花椒");  // ideographic spaces
  EXPECT_EQ(trim_text("\xEF\xBB\xBF"), "");                      // a lone BOM
  EXPECT_EQ(trim_text("\xC2\xA0" "a b" "\xE2\x80\x8A"), "a b");
  EXPECT_EQ(trim_text("\xE2\x80\x8B"), "\xE2\x80\x8B");  // zero-width space is not white space
  EXPECT_EQ(trim_text(""), "");
}

TEST(DivisionCode, AcceptsCountyTownshipVillageLengths) {
  EXPECT_TRUE(valid_division_code("621221"));
  EXPECT_TRUE(valid_division_code("621221100"));
  EXPECT_TRUE(valid_division_code("621224105208"));
  EXPECT_FALSE(valid_division_code("6212"));
  EXPECT_FALSE(valid_division_code("62122410520x"));
}

}  // namespace longnan::core
