#include "sheet/sheet.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace longnan::sheet {

TEST(Xlsx, WrittenWorkbookReadsBack) {
  core::init_crypto();
  core::Table rows{{"village_code", "head_name", "note"}, {"621224105208", "王建国", "花椒, 核桃"}, {"", "", "x"}};
  std::string bytes = write_xlsx(rows, "households");
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  core::Table read;
  std::string error;
  ASSERT_TRUE(read_xlsx(bytes, read, error)) << error;
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[1][1], "王建国");
  EXPECT_EQ(read[1][2], "花椒, 核桃");
  EXPECT_EQ(read[2].size(), 3u);
  EXPECT_EQ(read[2][2], "x");
}

TEST(Xlsx, GarbageIsAnErrorNotACrash) {
  core::Table read;
  std::string error;
  EXPECT_FALSE(read_xlsx("not a zip at all", read, error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(read_xlsx(std::string("PK\x03\x04", 4) + std::string(100, '\0'), read, error));
}

TEST(Csv, ExportStartsWithBom) { EXPECT_TRUE(write_csv({{"a"}}).starts_with("\xEF\xBB\xBF")); }

}  // namespace longnan::sheet
