#include "demo_data.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/embedded.h"
#include "delivery/delivery.h"
#include "region/region.h"
#include "trace/trace.h"

namespace longnan {
std::span<const core::EmbeddedFile> longnan_data_files();  // generated in src/region
}

namespace longnan::app {
namespace {

// splitmix64: the same sequence on every platform (std distributions are not portable).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound).
  size_t below(size_t bound) { return static_cast<size_t>(next() % bound); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  uint64_t state_;
};

const std::vector<std::string> kSurnames{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "马", "何", "罗",
                                         "郭", "苟", "蒲", "贾", "任", "姚", "魏", "杜", "雷", "冯", "胡", "曹"};
const std::vector<std::string> kGiven{"建国", "秀英", "志强", "桂兰", "小军", "玉梅", "永福", "春花", "明亮", "金凤",
                                      "海军", "红霞", "文斌", "淑珍", "继红", "宝山", "彩霞", "新民", "丽娟", "德胜",
                                      "晓东", "兰英", "国华", "小燕", "长青", "翠萍", "天佑", "润生", "雪梅", "有才"};
const std::vector<std::string> kRelations{"配偶", "子女", "子女", "父母", "孙子女"};
const std::vector<std::string> kMechanisms{"consignment", "purchase", "employment", "equity", "floor_price"};

std::string person_name(Random& random) { return random.pick(kSurnames) + random.pick(kGiven); }

std::string digits(Random& random, int count) {
  std::string out;
  for (int index = 0; index < count; ++index) out.push_back(static_cast<char>('0' + random.below(10)));
  return out;
}

// A valid 18-character ID number for someone registered in `county`.
std::string id_card(Random& random, const std::string& county, int sequence) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  char birth[16];
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", 1950 + static_cast<int>(random.below(50)),
                1 + static_cast<int>(random.below(12)), 1 + static_cast<int>(random.below(28)));
  char tail[8];
  std::snprintf(tail, sizeof tail, "%03d", sequence % 1000);
  std::string body = county + birth + tail;
  int sum = 0;
  for (size_t position = 0; position < 17; ++position) sum += (body[position] - '0') * kWeights[position];
  return body + "10X98765432"[sum % 11];
}

// A GTIN-13 under the China prefix 69 with its check digit.
std::string gtin13(int sequence) {
  char body[16];
  std::snprintf(body, sizeof body, "6921200%05d", sequence);
  int sum = 0;
  for (int position = 0; position < 12; ++position) sum += (body[position] - '0') * (position % 2 == 0 ? 1 : 3);
  return std::string(body) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

int64_t date_ms(const char* text) {
  int64_t ms = 0;
  core::parse_date(text, ms);
  return ms;
}

struct County {
  int64_t platform_id;
  std::string code;
  std::string name;
  std::vector<std::string> villages;
  std::vector<int64_t> households;
  std::vector<int64_t> stores;
  std::vector<int64_t> cooperatives;
  std::vector<int64_t> household_producers;
  std::vector<int64_t> household_of_producer;
};

// products.csv category → the third-level category code it lists under.
std::string category_for(const std::string& sku, const std::string& category) {
  static const std::map<std::string, std::string> kBySku{
      {"LN-008", "tea.tea.herbal"},       {"LN-027", "dry.fungi.shiitake"},   {"LN-039", "dry.grain.mixed"},
      {"LN-040", "dry.grain.noodles"},    {"LN-028", "herb.root.angelica"},   {"LN-030", "herb.root.astragalus"},
      {"LN-015", "herb.root.codonopsis"}, {"LN-016", "herb.root.codonopsis"}, {"LN-029", "herb.root.codonopsis"},
  };
  if (auto it = kBySku.find(sku); it != kBySku.end()) return it->second;
  static const std::map<std::string, std::string> kByCategory{
      {"spice", "dry.spice.pepper"},
      {"condiment", "dry.spice.pepper"},
      {"edible_oil", "dry.oil.olive"},
      {"tea", "tea.tea.green"},
      {"fruit", "fresh.fruit.apple"},
      {"nuts", "dry.nuts.walnut"},
      {"herb", "herb.root.other"},
      {"honey", "tea.honey.honey"},
      {"fungi", "dry.fungi.woodear"},
      {"vegetable", "fresh.vegetable.garlic"},
      {"seedling", "nursery.trees.seedling"},
      {"frozen_food", "frozen.dough.buns"},
      {"eggs", "fresh.eggs.farm"},
      {"grains", "dry.grain.mixed"},
      {"handicraft", "craft.embroidery.item"},
  };
  return kByCategory.at(category);
}

std::string description_for(const std::vector<std::string>& row) {
  // row:
  // sku,name_zh,name_en,category,county,county_code,brand,unit,price_yuan,weight_g,shelf_life_days,needs_cold_chain,…
  std::string text = row[4] + "出产";
  if (!row[6].empty()) text += "，" + row[6] + "区域公用品牌";
  if (!row[10].empty()) text += "，保质期" + row[10] + "天";
  if (row[11] == "yes") text += "，冷链配送";
  return text + "。由村级电商服务站上架，产地直发。";
}

}  // namespace

// Every demo product's first lot and its whole way: a plot of its producer, fertilising
// and spraying (outside the safety interval), the harvest, a residue test, packing, cold
// storage and shipping for goods that need cooling (within 0–8 °C), shipping and receiving
// for the others, and the batch's 承诺达标合格证 where the product has one.
int load_demo_lots(db::Session& session, int64_t now_ms) {
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  int made = 0;
  for (const auto& product : session.query(
           "SELECT p.id, p.producer_id, p.platform_id, p.origin_village_code, k.id, k.cold_chain, k.code, r.name, "
           "(SELECT c.number FROM certifications c WHERE c.product_id = p.id AND c.kind = 'compliance') FROM products "
           "p JOIN skus k ON k.product_id = p.id JOIN producers r ON r.id = p.producer_id WHERE k.gtin IS NOT NULL "
           "ORDER BY p.id")) {
    const std::string village = product.text(3);
    auto point = session.query_one("SELECT lat, lng FROM logistics_nodes WHERE division_code = :d", {village});
    const int64_t plot = session.insert(
        "INSERT INTO plots (platform_id, producer_id, name, village_code, lat, lng, area_mu, created_at, "
        "updated_at) VALUES (:p, :r, :n, :v, :la, :lo, :a, :c, :u) RETURNING id",
        {product.integer(2), product.integer(1), product.text(7) + "一号地", village,
         point ? db::Value(point->real(0) + 0.004) : db::Value(),
         point ? db::Value(point->real(1) - 0.003) : db::Value(), 12.5, now_ms, now_ms});
    // The harvest three weeks ago; everything before and after it dated from there.
    const int64_t harvest = now_ms - 21 * kDay;
    auto date = [&](int64_t days) { return core::shanghai_date(harvest + days * kDay); };
    const bool cold = product.integer(5) != 0;
    auto lot = trace::create_lot(session,
                                 {.sku_id = product.integer(4),
                                  .plot_id = plot,
                                  .lot_number = product.text(6) + "-" + date(0).substr(0, 4) + "A",
                                  .harvest_date = date(0),
                                  .quantity = 500,
                                  .unit = "KGM",
                                  .certificate = product.text(8),
                                  .serials = 5},
                                 now_ms);
    if (!lot) throw std::runtime_error("demo lot of " + product.text(6) + ": " + lot.error().message);
    std::vector<boost::json::object> records{
        {{"kind", "fertilising"}, {"date", date(-60)}, {"input_name", "腐熟农家肥"}, {"dose", "2000 千克/亩"}},
        {{"kind", "spraying"},
         {"date", date(-30)},
         {"input_name", "苦参碱"},
         {"dose", "0.3% 水剂 1000 倍液"},
         {"safety_interval_days", 10}},
        {{"kind", "inspection"},
         {"date", date(1)},
         {"lab", "县农产品质量安全检测站"},
         {"method", "农药残留快速检测（酶抑制法）"},
         {"result", "未检出"},
         {"conformant", true}},
        {{"kind", "packing"}, {"date", date(2)}, {"place", "村电商服务站"}}};
    if (cold)
      records.push_back({{"kind", "storing"},
                         {"date", date(3)},
                         {"place", "县电商物流园冷库"},
                         {"min_temp_c", 2},
                         {"max_temp_c", 5}});
    records.push_back({{"kind", "shipping"}, {"date", date(4)}, {"place", "县电商物流园"}});
    if (cold) {
      records.back()["min_temp_c"] = 3;
      records.back()["max_temp_c"] = 7;
    }
    records.push_back({{"kind", "receiving"}, {"date", date(5)}, {"place", "兰州分拨中心"}});
    if (!product.is_null(8))
      records.push_back({{"kind", "certification"},
                         {"date", date(1)},
                         {"certificate", "承诺达标合格证"},
                         {"number", product.text(8)},
                         {"issuer", product.text(7)}});
    for (const auto& record : records)
      if (auto done = trace::record_production(session, *lot, record, now_ms); !done)
        throw std::runtime_error("demo record of " + product.text(6) + ": " + done.error().message);
    ++made;
  }
  return made;
}

DemoSummary load_demo_data(db::Database& database, const core::FieldCipher& cipher, int64_t now_ms) {
  DemoSummary summary;
  database.write([&](db::Session& session) {
    if (session.scalar("SELECT COUNT(*) FROM households") > 0) {
      summary.already_present = true;
      return;
    }
    Random random(20130621);
    std::map<std::string, County> counties;  // by county code
    for (const auto& row : session.query("SELECT p.id, p.county_code, p.name FROM platforms p ORDER BY p.county_code"))
      counties[row.text(1)] = County{row.integer(0), row.text(1), row.text(2)};
    for (const auto& row : session.query("SELECT code FROM divisions WHERE level = 'village' ORDER BY code"))
      counties.at(row.text(0).substr(0, 6)).villages.push_back(row.text(0));

    int sequence = 0;
    for (auto& [code, county] : counties) {
      // Households: registered poor, lifted, monitored and others, about 400 per county.
      for (int index = 0; index < 400; ++index) {
        region::NewHousehold household;
        household.village_code = random.pick(county.villages);
        household.head_name = person_name(random);
        boost::json::array members;
        size_t member_count = random.below(5);
        for (size_t member = 0; member < member_count; ++member)
          members.push_back(boost::json::object{{"name", person_name(random)}, {"relation", random.pick(kRelations)}});
        household.members_json = boost::json::serialize(members);
        household.member_count = static_cast<int64_t>(member_count) + 1;
        household.phone = "1" + std::string(1, "3578"[random.below(4)]) + digits(random, 9);
        household.id_card = id_card(random, code, ++sequence);
        household.bank_account = "6228" + digits(random, 15);
        size_t roll = random.below(100);
        household.poverty_status = roll < 20 ? "registered" : roll < 65 ? "lifted" : roll < 75 ? "monitored" : "none";
        auto id = region::insert_household(session, cipher, household, now_ms);
        if (!id) throw std::runtime_error("demo household rejected: " + id.error().message);
        county.households.push_back(*id);
      }
      // Stores: 35 village stores per county, each bringing along 8 households.
      for (int index = 0; index < 35; ++index) {
        const std::string& village = county.villages[(index * 7919) % county.villages.size()];
        auto place = region::place_of(session, village);
        int64_t store = session.insert(
            "INSERT INTO stores (platform_id, name, village_code, keeper_name, created_at, updated_at) "
            "VALUES (:p, :n, :v, :k, :t, :u) RETURNING id",
            {county.platform_id, place.township_name + place.village_name + "电商服务站", village, person_name(random),
             now_ms, now_ms});
        county.stores.push_back(store);
        std::vector<int64_t> linked;
        while (linked.size() < 8) {
          int64_t household = random.pick(county.households);
          if (std::find(linked.begin(), linked.end(), household) != linked.end()) continue;
          linked.push_back(household);
          session.exec(
              "INSERT INTO store_households (store_id, household_id, platform_id, mechanism, since) VALUES (:s, :h, "
              ":p, :m, :t)",
              {store, household, county.platform_id, random.pick(kMechanisms), now_ms});
        }
        ++summary.stores;
      }
      // Producers: cooperatives, an enterprise, and households that sell their own goods.
      for (int index = 0; index < 8; ++index) {
        const std::string& village = county.villages[(index * 104729) % county.villages.size()];
        auto place = region::place_of(session, village);
        county.cooperatives.push_back(
            session.insert("INSERT INTO producers (platform_id, kind, name, village_code, credit_code, contact_name, "
                           "created_at, updated_at) "
                           "VALUES (:p, 'cooperative', :n, :v, '', :c, :t, :u) RETURNING id",
                           {county.platform_id, county.name + place.village_name + "农民专业合作社", village,
                            person_name(random), now_ms, now_ms}));
        ++summary.producers;
      }
      session.exec(
          "INSERT INTO producers (platform_id, kind, name, village_code, credit_code, contact_name, created_at, "
          "updated_at) "
          "VALUES (:p, 'enterprise', :n, :v, '', :c, :t, :u)",
          {county.platform_id, county.name + "陇上农产品有限公司", county.villages.front(), person_name(random), now_ms,
           now_ms});
      ++summary.producers;
      for (int index = 0; index < 20; ++index) {
        int64_t household = county.households[static_cast<size_t>(index) * 17 % county.households.size()];
        auto row = session.query_one("SELECT head_name, village_code FROM households WHERE id = :h", {household});
        county.household_producers.push_back(session.insert(
            "INSERT INTO producers (platform_id, kind, name, village_code, household_id, credit_code, contact_name, "
            "created_at, updated_at) VALUES (:p, 'household', :n, :v, :h, '', :c, :t, :u) RETURNING id",
            {county.platform_id, row->text(0) + "家庭农场", row->text(1), household, row->text(0), now_ms, now_ms}));
        county.household_of_producer.push_back(household);
        ++summary.producers;
      }
      summary.households += static_cast<int>(county.households.size());
    }

    // The 42 products of Longnan's list, each in a store of its county.
    core::Table rows;
    std::string error;
    core::parse_csv(core::find_embedded(longnan_data_files(), "products.csv"), rows, error);
    std::map<std::string, int64_t> brand_ids;
    for (const auto& row : session.query("SELECT id, name FROM brands")) brand_ids[row.text(1)] = row.integer(0);
    std::map<std::string, int> per_county;
    for (size_t index = 1; index < rows.size(); ++index) {
      const auto& row = rows[index];
      std::string county_code = row[5] == "621200" ? "621202" : row[5];  // city-wide goods list in 武都区
      County& county = counties.at(county_code);
      int nth = per_county[county_code]++;
      catalog::NewProduct product;
      product.store_id = county.stores[static_cast<size_t>(nth) % 3];
      bool by_household = row[0] == "LN-038" || row[0] == "LN-023" || row[0] == "LN-024";
      product.producer_id =
          by_household ? county.household_producers.front() : county.cooperatives[static_cast<size_t>(nth) % 2];
      product.category_id = session.scalar("SELECT id FROM categories WHERE code = :c", {category_for(row[0], row[3])});
      if (!row[6].empty()) product.brand_id = brand_ids.at(row[6]);
      product.name = row[1];
      product.name_en = row[2];
      product.unit = row[7];
      product.description = description_for(row);
      product.origin_village_code = row[0].starts_with("LN-03") && row[1].starts_with("花桥包子")
                                        ? "621224105208"  // 花桥村, 康县长坝镇
                                        : county.villages[(static_cast<size_t>(nth) * 31 + 5) % county.villages.size()];
      catalog::NewSku sku;
      sku.code = row[0];
      sku.price_fen = static_cast<int64_t>(std::stod(row[8]) * 100 + 0.5);
      sku.stock = 200 + static_cast<int64_t>(random.below(1800));
      if (!row[9].empty()) sku.weight_g = std::stoll(row[9]);
      sku.gtin = gtin13(static_cast<int>(index));
      sku.cold_chain = row[11] == "yes";
      sku.attrs_json = boost::json::serialize(boost::json::object{{"规格", row[7]}});
      product.skus.push_back(sku);
      // Two of 成县's goods wait on the listing line, for the review queue.
      std::string status = row[0] == "LN-038" ? "store_accepted" : row[0] == "LN-022" ? "submitted" : "listed";
      auto id = catalog::insert_product(session, product, "submitted", "demo", now_ms - 86'400'000);
      if (!id) throw std::runtime_error("demo product " + row[0] + " rejected: " + id.error().message);
      if (status != "submitted") {
        session.exec("UPDATE products SET status = :s WHERE id = :i", {status, *id});
        std::vector<std::pair<std::string, std::string>> steps{{"submitted", "store_accepted"}};
        if (status == "listed") steps.emplace_back("store_accepted", "listed");
        for (const auto& [from, to] : steps)
          session.exec(
              "INSERT INTO listing_events (product_id, platform_id, from_status, to_status, actor_name, note, at) "
              "VALUES (:p, :pl, :f, :t, 'demo', '', :a)",
              {*id, county.platform_id, from, to, now_ms - 3'600'000});
      }
      // Certifications as the list gives them; one expired organic certificate shows that
      // expired badges disappear.
      auto certify = [&](const char* kind, std::string number, const char* issuer, const char* from,
                         const char* until) {
        session.exec(
            "INSERT INTO certifications (platform_id, product_id, kind, number, issuer, valid_from, valid_until, "
            "evidence_url, "
            "created_at) VALUES (:p, :i, :k, :n, :s, :f, :u, '', :t)",
            {county.platform_id, *id, std::string(kind), number, std::string(issuer), date_ms(from), date_ms(until),
             now_ms});
      };
      if (row[12].find("地理标志") != std::string::npos)
        certify("gi", "AGI" + std::to_string(1000 + index * 37), "农业农村部", "2020-01-01", "2030-12-31");
      if (row[12].find("绿色食品") != std::string::npos)
        certify("green", "LB-" + std::to_string(202400 + index), "中国绿色食品发展中心", "2024-06-01", "2027-05-31");
      if (row[3] == "fruit" || row[3] == "eggs" || row[3] == "vegetable" || row[3] == "frozen_food")
        certify("compliance", "CN" + county_code + std::to_string(2026000 + index), "生产主体自我承诺", "2026-01-01",
                "2026-12-31");
      if (row[0] == "LN-017")
        certify("organic", "ORG-2021-0417", "中绿华夏有机产品认证中心", "2021-01-01", "2024-12-31");
      ++summary.products;
    }

    // One account per role.
    County& chengxian = counties.at("621221");
    County& wenxian = counties.at("621222");
    int64_t household_of_supplier = chengxian.household_of_producer.front();
    auto user = [&](const char* phone, const char* name, core::Role role, std::optional<int64_t> platform,
                    std::optional<int64_t> store, std::optional<int64_t> producer, std::optional<int64_t> household) {
      auth::create_user(session, {phone, name, kDemoPassword, role, platform, store, producer, household}, now_ms);
      ++summary.users;
    };
    user("13800000001", "买家小王", core::Role::kBuyer, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    user("13800000002", "成县店长", core::Role::kStoreKeeper, chengxian.platform_id, chengxian.stores.front(),
         std::nullopt, std::nullopt);
    user("13800000003", "成县合作社", core::Role::kSupplier, chengxian.platform_id, std::nullopt,
         chengxian.cooperatives.front(), std::nullopt);
    user("13800000004", "成县农户", core::Role::kSupplier, chengxian.platform_id, std::nullopt,
         chengxian.household_producers.front(), household_of_supplier);
    user("13800000005", "成县快递员", core::Role::kCourier, chengxian.platform_id, std::nullopt, std::nullopt,
         std::nullopt);
    user("13800000006", "成县电商办", core::Role::kCountyAdmin, chengxian.platform_id, std::nullopt, std::nullopt,
         std::nullopt);
    user("13800000007", "陇南市商务局", core::Role::kCityAdmin, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    user("13800000008", "市审计员", core::Role::kAuditor, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    user("13800000009", "文县电商办", core::Role::kCountyAdmin, wenxian.platform_id, std::nullopt, std::nullopt,
         std::nullopt);
    // 两当's honey store and the cooperative that supplies its 狼牙蜜: an order from two
    // counties' stores, each packed by its own store keeper and credited to its own producer.
    County& liangdang = counties.at("621228");
    user("13800000010", "两当店长", core::Role::kStoreKeeper, liangdang.platform_id, liangdang.stores.front(),
         std::nullopt, std::nullopt);
    user("13800000011", "两当蜂蜜合作社", core::Role::kSupplier, liangdang.platform_id, std::nullopt,
         liangdang.cooperatives.front(), std::nullopt);
    // A second 成县 courier runs the 鸡峰镇 station: its manager, who dispatches its local runs,
    // and the driver of its van.
    user("13800000012", "鸡峰镇站长", core::Role::kCourier, chengxian.platform_id, std::nullopt, std::nullopt,
         std::nullopt);
    // The delivery network of every county; the demo courier drives the first van of 成县's
    // park (the line-haul and the town), the station manager the 鸡峰镇 station's van.
    summary.logistics_nodes = delivery::create_demo_network(session, now_ms);
    session.exec(
        "UPDATE vehicles SET driver_user_id = (SELECT id FROM users WHERE phone = '13800000005') "
        "WHERE id = (SELECT MIN(v.id) FROM vehicles v JOIN logistics_nodes n ON n.id = v.home_node_id "
        "WHERE n.platform_id = :p AND n.tier = 'park')",
        {chengxian.platform_id});
    const int64_t jifeng_station =
        session.scalar("SELECT id FROM logistics_nodes WHERE division_code = '621221112' AND tier = 'station'");
    session.exec(
        "UPDATE logistics_nodes SET manager_user_id = (SELECT id FROM users WHERE phone = '13800000012') "
        "WHERE id = :n",
        {jifeng_station});
    session.exec(
        "UPDATE vehicles SET driver_user_id = (SELECT id FROM users WHERE phone = '13800000012') "
        "WHERE home_node_id = :n",
        {jifeng_station});
    summary.lots = load_demo_lots(session, now_ms);
  });
  return summary;
}

}  // namespace longnan::app
