// Reference data of the catalog: the category tree and Longnan's regional public brands.
#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <span>

#include "catalog/catalog.h"
#include "core/csv.h"
#include "core/embedded.h"

namespace longnan {
std::span<const core::EmbeddedFile> longnan_data_files();  // generated in src/region
}

namespace longnan::catalog {
namespace {

struct CategorySeed {
  const char* code;
  const char* parent;  // nullptr for a top-level category
  const char* name;
  const char* name_en;
};

// DO NOT CHANGE codes: demo data and imports refer to categories by code.
constexpr CategorySeed kCategories[] = {
    {"fresh", nullptr, "生鲜果蔬", "Fresh produce"},
    {"fresh.fruit", "fresh", "水果", "Fruit"},
    {"fresh.fruit.apple", "fresh.fruit", "苹果", "Apples"},
    {"fresh.vegetable", "fresh", "蔬菜", "Vegetables"},
    {"fresh.vegetable.garlic", "fresh.vegetable", "大蒜", "Garlic"},
    {"fresh.eggs", "fresh", "禽蛋", "Eggs"},
    {"fresh.eggs.farm", "fresh.eggs", "土鸡蛋", "Free-range eggs"},
    {"dry", nullptr, "粮油干货", "Grain, oil and dry goods"},
    {"dry.nuts", "dry", "坚果", "Nuts"},
    {"dry.nuts.walnut", "dry.nuts", "核桃", "Walnuts"},
    {"dry.oil", "dry", "食用油", "Edible oil"},
    {"dry.oil.olive", "dry.oil", "橄榄油", "Olive oil"},
    {"dry.spice", "dry", "调味品", "Spices and condiments"},
    {"dry.spice.pepper", "dry.spice", "花椒", "Sichuan pepper"},
    {"dry.fungi", "dry", "菌菇", "Mushrooms and fungi"},
    {"dry.fungi.woodear", "dry.fungi", "木耳", "Wood ear"},
    {"dry.fungi.shiitake", "dry.fungi", "香菇", "Shiitake"},
    {"dry.grain", "dry", "杂粮", "Coarse grains"},
    {"dry.grain.mixed", "dry.grain", "杂粮礼盒", "Mixed grains"},
    {"dry.grain.noodles", "dry.grain", "面条", "Noodles"},
    {"tea", nullptr, "茶饮蜂产品", "Tea and bee products"},
    {"tea.tea", "tea", "茶叶", "Tea"},
    {"tea.tea.green", "tea.tea", "绿茶", "Green tea"},
    {"tea.tea.herbal", "tea.tea", "代用茶", "Herbal tea"},
    {"tea.honey", "tea", "蜂产品", "Bee products"},
    {"tea.honey.honey", "tea.honey", "蜂蜜", "Honey"},
    {"herb", nullptr, "中药材", "Medicinal herbs"},
    {"herb.root", "herb", "根茎类药材", "Roots"},
    {"herb.root.codonopsis", "herb.root", "党参", "Codonopsis"},
    {"herb.root.angelica", "herb.root", "当归", "Angelica"},
    {"herb.root.astragalus", "herb.root", "黄芪", "Astragalus"},
    {"herb.root.other", "herb.root", "其他根茎", "Other roots"},
    {"frozen", nullptr, "速冻食品", "Frozen food"},
    {"frozen.dough", "frozen", "速冻面点", "Frozen dough food"},
    {"frozen.dough.buns", "frozen.dough", "包子", "Steamed buns"},
    {"nursery", nullptr, "苗木", "Nursery stock"},
    {"nursery.trees", "nursery", "苗木种苗", "Seedlings"},
    {"nursery.trees.seedling", "nursery.trees", "绿化苗木", "Landscaping seedlings"},
    {"craft", nullptr, "手工艺品", "Handicrafts"},
    {"craft.embroidery", "craft", "刺绣", "Embroidery"},
    {"craft.embroidery.item", "craft.embroidery", "刺绣制品", "Embroidered goods"},
};

}  // namespace

void load_reference_data(db::Session& session) {
  if (session.scalar("SELECT COUNT(*) FROM categories") == 0) {
    std::map<std::string, int64_t> ids;
    for (const auto& seed : kCategories) {
      std::string code = seed.code;
      int level = 1 + static_cast<int>(std::count(code.begin(), code.end(), '.'));
      db::Value parent = seed.parent ? db::Value(ids.at(seed.parent)) : db::Value();
      ids[code] = session.insert(
          "INSERT INTO categories (parent_id, level, code, name, name_en) VALUES (:p, :l, :c, :n, :e) RETURNING id",
          {parent, int64_t{level}, code, std::string(seed.name), std::string(seed.name_en)});
    }
  }
  if (session.scalar("SELECT COUNT(*) FROM brands") == 0) {
    // A brand's county is that of its products; a brand spanning counties belongs to the city.
    core::Table rows;
    std::string error;
    core::parse_csv(core::find_embedded(longnan_data_files(), "products.csv"), rows, error);
    std::map<std::string, std::string> county_of;
    for (size_t index = 1; index < rows.size(); ++index) {
      const auto& row = rows[index];  // sku,name_zh,name_en,category,county,county_code,brand,…
      if (row.size() < 7 || row[6].empty()) continue;
      auto [it, inserted] = county_of.emplace(row[6], row[5]);
      if (!inserted && it->second != row[5]) it->second = "621200";
    }
    for (const auto& [brand, county] : county_of)
      session.exec("INSERT INTO brands (name, county_code, description) VALUES (:n, :c, :d)",
                   {brand, county, brand + "：陇南区域公用品牌"});
  }
}

}  // namespace longnan::catalog
