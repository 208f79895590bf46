#include "core/csv.h"

#include <gtest/gtest.h>

namespace longnan::core {

TEST(Csv, ParsesQuotesNewlinesBomAndCrlf) {
  Table rows;
  std::string error;
  ASSERT_TRUE(parse_csv("\xEF\xBB\xBF" "a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\r\n\n3,\n", rows, error));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x,1", "say \"hi\"\nthere"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", ""}));
}

TEST(Csv, ReportsUnterminatedQuoteWithLine) {
  Table rows;
  std::string error;
  EXPECT_FALSE(parse_csv("a\n\"open,b\n", rows, error));
  EXPECT_NE(error.find("line 2"), std::string::npos);
}

TEST(Csv, AFieldStartingWithAByteOrderMarkSurvivesARoundTrip) {
  std::string out;
  append_csv_row(out, {"\xEF\xBB\xBF" "a", "b"});
  Table rows;
  std::string error;
  ASSERT_TRUE(parse_csv(out, rows, error));
  EXPECT_EQ(rows.at(0).at(0), "\xEF\xBB\xBF" "a");
}

TEST(Csv, WritesRoundTripAndDefusesFormulas) {
  std::string out;
  append_csv_row(out, {"plain", "with,comma", "quote\"", "=SUM(A1)", "-5", "-x"});
  EXPECT_EQ(out, "plain,\"with,comma\",\"quote\"\"\",\"'=SUM(A1)\",-5,\"'-x\"\r\n");
  Table rows;
  std::string error;
  ASSERT_TRUE(parse_csv(out, rows, error));
  EXPECT_EQ(rows[0][1], "with,comma");
}

}  // namespace longnan::core
