// Micro-benchmarks of hot pieces of the read path: the Chinese search index, JSON body
// parsing with our limits, and the validators. Run: build/<preset>/bench/longnan_bench
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "catalog/search.h"
#include "core/validate.h"
#include "http/json.h"

namespace {

longnan::catalog::SearchIndex& demo_index() {
  static longnan::catalog::SearchIndex index;
  static bool filled = [] {
    auto& built = index;
    const std::vector<std::string> names{"武都大红袍花椒（特级）", "武都花椒粉", "成县核桃仁 500g", "两当狼牙蜜 500g",
                                         "礼县苹果（富士）5kg箱装", "康县黑木耳 250g", "文县纹党礼盒 500g", "徽县紫皮大蒜 2.5kg"};
    // 40 copies of each name with distinct ids: about the size of a county's catalog.
    for (int copy = 0; copy < 40; ++copy)
      for (size_t index = 0; index < names.size(); ++index)
        built.put({.id = static_cast<int64_t>(copy * names.size() + index + 1),
                   .name = names[index],
                   .brand = "陇南",
                   .category = "农产品",
                   .place = "陇南市 成县 城关镇",
                   .producer = "合作社",
                   .store = "电商服务站",
                   .description = "产地直发"});
    return true;
  }();
  (void)filled;
  return index;
}

void SearchTwoCharacterWord(benchmark::State& state) {
  auto& index = demo_index();
  for (auto _ : state) benchmark::DoNotOptimize(index.search("花椒", 2000));
}
BENCHMARK(SearchTwoCharacterWord);

void SearchOneCharacter(benchmark::State& state) {
  auto& index = demo_index();
  for (auto _ : state) benchmark::DoNotOptimize(index.search("蜜", 2000));
}
BENCHMARK(SearchOneCharacter);

void ParseProductBody(benchmark::State& state) {
  const std::string body =
      R"({"name":"成县核桃仁 500g","category_id":10,"origin_village_code":"621221100201","store_id":3,)"
      R"("skus":[{"code":"LN-013","price_fen":4990,"stock":120,"weight_g":500,"gtin":"6921200000130"}]})";
  for (auto _ : state) benchmark::DoNotOptimize(longnan::http::parse_json(body));
}
BENCHMARK(ParseProductBody);

void ValidateIdCardAndGtin(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(longnan::core::valid_id_card("621221198001010012"));
    benchmark::DoNotOptimize(longnan::core::valid_gtin("6921200000130"));
  }
}
BENCHMARK(ValidateIdCardAndGtin);

}  // namespace
