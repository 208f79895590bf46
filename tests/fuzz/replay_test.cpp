// Replays the saved fuzz corpus (tests/fuzz/corpus/<target>/) through the fuzz targets
// on every test run, so inputs that once found a bug keep being checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/crypto.h"
#include "targets.h"

namespace longnan::fuzz {
namespace {

size_t replay(const std::string& target, const std::function<void(std::string_view)>& run) {
  core::init_crypto();
  std::filesystem::path directory = std::filesystem::path(LONGNAN_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    run(bytes.str());
    ++inputs;
  }
  return inputs;
}

TEST(FuzzCorpus, Csv) { EXPECT_GT(replay("csv", csv), 0u); }
TEST(FuzzCorpus, Xlsx) { EXPECT_GT(replay("xlsx", xlsx), 0u); }
TEST(FuzzCorpus, Json) { EXPECT_GT(replay("json", json), 0u); }
TEST(FuzzCorpus, Text) { EXPECT_GT(replay("text", text), 0u); }

}  // namespace
}  // namespace longnan::fuzz
