// Micro-benchmarks of hot pieces: the Chinese search index, JSON body parsing with our
// limits, the validators, and the traceability log's Merkle tree (`trace verify` builds it
// over every event). Run: build/<preset>/bench/longnan_bench
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "catalog/search.h"
#include "core/validate.h"
#include "http/json.h"
#include "trace/merkle.h"

namespace {

longnan::catalog::SearchIndex& demo_index() {
  static longnan::catalog::SearchIndex index;
  static bool filled = [] {
    auto& built = index;
    const std::vector<std::string> names{
        "武都大红袍花椒（特级）",  "武都花椒粉",      "成县核桃仁 500g",   "两当狼牙蜜 500g",
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

namespace {

// The log's tree over a million events' leaves, then its root and one inclusion proof:
// ten of these is what `longnan trace verify` spends on the tree for 10 M events.
void BM_MerkleTreeMillionLeaves(benchmark::State& state) {
  using longnan::trace::Hash;
  constexpr uint64_t kLeaves = 1'000'000;
  std::vector<Hash> leaves(kLeaves);
  for (uint64_t leaf = 0; leaf < kLeaves; ++leaf) {
    Hash event_hash{};
    std::memcpy(event_hash.data(), &leaf, sizeof leaf);
    leaves[leaf] = longnan::trace::leaf_hash(std::string_view(reinterpret_cast<const char*>(event_hash.data()), 32));
  }
  for (auto _ : state) {
    longnan::trace::MerkleTree tree;
    tree.reserve(kLeaves);
    for (const Hash& leaf : leaves) tree.append(leaf);
    const Hash root = tree.root();
    const uint64_t index = kLeaves / 3;
    if (!longnan::trace::verify_inclusion(leaves[index], index, kLeaves, tree.inclusion_proof(index, kLeaves), root))
      state.SkipWithError("the proof does not verify");
  }
}
BENCHMARK(BM_MerkleTreeMillionLeaves)->Unit(benchmark::kMillisecond);

}  // namespace
