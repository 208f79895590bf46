#include "region/region.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <span>

#include "audit/audit.h"
#include "core/embedded.h"
#include "core/validate.h"
#include "http/export.h"
#include "http/json.h"

namespace longnan {
std::span<const core::EmbeddedFile> longnan_data_files();  // generated, see src/region/CMakeLists.txt
}

namespace longnan::region {
namespace {

const std::map<std::string, std::string, std::less<>> kPovertyLabels{
    {"registered", "建档立卡"}, {"lifted", "已脱贫"}, {"monitored", "监测户"}, {"none", "无"}};

std::optional<std::string> parse_poverty_status(std::string_view text) {
  for (const auto& [code, label] : kPovertyLabels)
    if (text == code || text == label) return code;
  if (text == "建档立卡户" || text == "贫困户") return std::string("registered");
  if (text.empty()) return std::string("none");
  return std::nullopt;
}

core::Table read_embedded_csv(std::string_view name) {
  core::Table rows;
  std::string error;
  if (!core::parse_csv(core::find_embedded(longnan_data_files(), name), rows, error) || rows.empty())
    throw std::runtime_error("embedded data file " + std::string(name) + " is missing or malformed");
  rows.erase(rows.begin());  // header
  return rows;
}

}  // namespace

std::string short_village_name(const std::string& name) {
  for (std::string_view suffix : {"社区居民委员会", "社区居委会", "村民委员会", "村委会", "居民委员会", "居委会"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      std::string base = name.substr(0, name.size() - suffix.size());
      std::string_view kind = suffix.starts_with("社区") ? "社区" : suffix.starts_with("村") ? "村" : "";
      return base.ends_with(kind) ? base : base + std::string(kind);
    }
  }
  return name;
}

int load_reference_data(db::Session& session, int64_t now_ms) {
  // The provinces come with the migrations; Longnan's own divisions are loaded once.
  if (session.scalar("SELECT COUNT(*) FROM divisions WHERE level <> 'province'") > 0) return 0;
  int loaded = 0;
  for (const auto& row : read_embedded_csv("divisions.csv")) {
    // code,name,level,parent_code,lat,lng
    db::Value lat = row.at(4).empty() ? db::Value() : db::Value(std::stod(row.at(4)));
    db::Value lng = row.at(5).empty() ? db::Value() : db::Value(std::stod(row.at(5)));
    session.exec("INSERT INTO divisions (code, name, level, parent_code, lat, lng) VALUES (:c, :n, :l, :p, :a, :o)",
                 {row.at(0), row.at(1), row.at(2), row.at(3), lat, lng});
    ++loaded;
  }
  for (const auto& row : read_embedded_csv("villages.csv")) {
    session.exec("INSERT INTO divisions (code, name, level, parent_code) VALUES (:c, :n, 'village', :p)",
                 {row.at(0), row.at(1), row.at(2)});
    ++loaded;
  }
  for (const auto& county : session.query("SELECT code, name FROM divisions WHERE level = 'county' ORDER BY code"))
    session.exec("INSERT INTO platforms (county_code, name, created_at) VALUES (:c, :n, :t)",
                 {county.text(0), county.text(1), now_ms});
  return loaded;
}

std::optional<int64_t> platform_of(db::Session& session, const std::string& code) {
  if (code.size() < 6) return std::nullopt;
  auto row = session.query_one("SELECT id FROM platforms WHERE county_code = :c", {code.substr(0, 6)});
  if (!row) return std::nullopt;
  return row->integer(0);
}

core::Status filter_by_division(const http::Request& request, std::string_view column, std::string& where,
                                std::vector<db::Value>& params) {
  auto code = request.query_param("village_code");
  if (!code || code->empty()) return core::Status();
  if (code->size() > 12 || code->find_first_not_of("0123456789") != std::string_view::npos)
    return core::invalid("village_code", "village_code must be a division code or its prefix");
  where += " AND " + std::string(column) + " LIKE :village";
  params.emplace_back(std::string(*code) + "%");
  return core::Status();
}

core::Status filter_by_name(const http::Request& request, std::string_view column, std::string& where,
                            std::vector<db::Value>& params) {
  auto q = request.query_param("q");
  if (!q || q->empty()) return core::Status();
  if (!core::valid_text(*q) || core::utf8_length(*q) > 100)
    return core::invalid("q", "q must be valid text of at most 100 characters");
  where += " AND " + std::string(column) + " LIKE :name ESCAPE '\\'";
  params.emplace_back(db::contains_pattern(*q));
  return core::Status();
}

bool village_of_platform(db::Session& session, const std::string& code, int64_t platform_id) {
  return platform_of(session, code) == platform_id &&
         session.query_one("SELECT code FROM divisions WHERE code = :c AND level = 'village'", {code});
}

Place place_of(db::Session& session, const std::string& village_code) {
  Place place;
  auto row = session.query_one(
      "SELECT v.name, t.name, c.name, v.level FROM divisions v LEFT JOIN divisions t ON t.code = v.parent_code "
      "LEFT JOIN divisions c ON c.code = t.parent_code WHERE v.code = :c",
      {village_code});
  if (row && row->text(3) == "province") place.province_name = row->text(0);
  else if (row) place = {short_village_name(row->text(0)), row->text(1), row->text(2)};
  return place;
}

core::Result<int64_t> insert_household(db::Session& session, const core::FieldCipher& cipher,
                                       const NewHousehold& household, int64_t now_ms) {
  auto village = session.query_one("SELECT level FROM divisions WHERE code = :c", {household.village_code});
  if (!village || village->text(0) != "village")
    return core::invalid("village_code", "village_code must be the 12-digit code of a village or community");
  auto platform = platform_of(session, household.village_code);
  if (!platform) return core::invalid("village_code", "the village belongs to no platform");
  auto encrypt = [&](const std::string& value) { return value.empty() ? db::Value() : db::Value(cipher.encrypt(value)); };
  db::Value id_hash = household.id_card.empty() ? db::Value() : db::Value(cipher.lookup_hash(household.id_card));
  if (!household.id_card.empty() &&
      session.query_one("SELECT id FROM households WHERE id_card_hash = :h", {id_hash}))
    return core::conflict("a household with this ID-card number is registered already", "id_card");
  return session.insert(
      "INSERT INTO households (platform_id, village_code, head_name, members_json, member_count, phone_enc, "
      "id_card_enc, id_card_hash, bank_account_enc, poverty_status, created_at, updated_at) "
      "VALUES (:p, :v, :h, :m, :c, :ph, :i, :ih, :b, :s, :t, :u) RETURNING id",
      {*platform, household.village_code, household.head_name, household.members_json, household.member_count,
       encrypt(household.phone), encrypt(household.id_card), id_hash, encrypt(household.bank_account),
       household.poverty_status, now_ms, now_ms});
}

namespace {

// Checks the personal fields shared by the API and the importer.
std::optional<core::Error> check_personal(NewHousehold& household) {
  household.id_card.erase(std::remove(household.id_card.begin(), household.id_card.end(), ' '), household.id_card.end());
  for (char& c : household.id_card)
    if (c == 'x') c = 'X';
  household.bank_account.erase(std::remove(household.bank_account.begin(), household.bank_account.end(), ' '),
                               household.bank_account.end());
  if (!household.phone.empty() && !core::valid_mobile(household.phone))
    return core::invalid("phone", "phone must be an 11-digit mobile number");
  if (!household.id_card.empty() && !core::valid_id_card(household.id_card))
    return core::invalid("id_card", "id_card is not a valid 18-character ID number (check digit or date)");
  if (!household.bank_account.empty() && !core::valid_bank_account(household.bank_account))
    return core::invalid("bank_account", "bank_account must be 12 to 30 digits");
  if (!core::valid_division_code(household.village_code) || household.village_code.size() != 12)
    return core::invalid("village_code", "village_code must be a 12-digit division code");
  return std::nullopt;
}

}  // namespace

core::Result<NewHousehold> household_from_row(const std::vector<std::string>& header,
                                              const std::vector<std::string>& row) {
  auto cell = [&](std::string_view name) -> std::string {
    for (size_t index = 0; index < header.size(); ++index)
      if (header[index] == name) return index < row.size() ? row[index] : std::string();
    return {};
  };
  NewHousehold household;
  household.village_code = cell("village_code");
  household.head_name = cell("head_name");
  household.phone = cell("phone");
  household.id_card = cell("id_card");
  household.bank_account = cell("bank_account");
  for (const auto& [field, value] : {std::pair<std::string, std::string>{"head_name", household.head_name}}) {
    if (value.empty()) return core::invalid(field, field + " is required");
    if (!core::valid_text(value) || core::utf8_length(value) > 50) return core::invalid(field, field + " is not a valid name");
  }
  auto status = parse_poverty_status(cell("poverty_status"));
  if (!status) return core::invalid("poverty_status", "poverty_status must be registered, lifted, monitored or none");
  household.poverty_status = *status;
  // members: "name:relation;name:relation"
  boost::json::array members;
  // Full-width separators are common in Chinese spreadsheets: normalise them first.
  std::string list = cell("members");
  for (auto [wide, narrow] : {std::pair<std::string_view, char>{"；", ';'}, {"：", ':'}})
    for (size_t found; (found = list.find(wide)) != std::string::npos;) list.replace(found, wide.size(), 1, narrow);
  size_t at = 0;
  while (at < list.size()) {
    size_t end = list.find(';', at);
    std::string item = list.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? list.size() : end + 1;
    if (item.empty()) continue;
    size_t colon = item.find(':');
    std::string name = item.substr(0, colon), relation = colon == std::string::npos ? "" : item.substr(colon + 1);
    if (name.empty() || !core::valid_text(item) || core::utf8_length(name) > 50)
      return core::invalid("members", "members must read name:relation;name:relation");
    members.push_back(boost::json::object{{"name", name}, {"relation", relation}});
  }
  household.members_json = boost::json::serialize(members);
  household.member_count = static_cast<int64_t>(members.size()) + 1;
  if (auto error = check_personal(household)) return *error;
  return household;
}

std::vector<int64_t> import_households(db::Session& session, const core::FieldCipher& cipher, const core::Table& table,
                         int64_t platform_id, int64_t now_ms, std::vector<http::RowError>& errors) {
  const auto& header = table.front();
  for (const char* required : {"village_code", "head_name"})
    if (std::find(header.begin(), header.end(), required) == header.end()) {
      errors.push_back({1, required, std::string("the header lacks the column ") + required});
      return {};
    }
  std::vector<int64_t> created;
  for (size_t index = 1; index < table.size(); ++index) {
    auto household = household_from_row(header, table[index]);
    if (!household) {
      errors.push_back({index + 1, household.error().field, household.error().message});
      continue;
    }
    if (platform_of(session, household->village_code) != platform_id) {
      errors.push_back({index + 1, "village_code", "the village is outside the county"});
      continue;
    }
    auto id = insert_household(session, cipher, *household, now_ms);
    if (!id) {
      errors.push_back({index + 1, id.error().field, id.error().message});
      continue;
    }
    created.push_back(*id);
  }
  if (!errors.empty()) created.clear();
  return created;
}

namespace {

// Who may read a household, and whether they see personal data in full.
struct Access {
  bool allowed = false;
  bool reveal = false;
};

Access access_to(const core::Principal& principal, int64_t platform_id, int64_t household_id, bool linked_to_store) {
  switch (principal.role) {
    case core::Role::kCountyAdmin: return {principal.platform_id == platform_id, true};
    case core::Role::kCityAdmin: return {true, false};
    case core::Role::kAuditor: return {principal.sees_platform(platform_id), false};
    case core::Role::kStoreKeeper: return {principal.platform_id == platform_id && linked_to_store, false};
    case core::Role::kSupplier: return {principal.household_id == household_id, true};
    default: return {};
  }
}

constexpr std::string_view kHouseholdSelect =
    "SELECT h.id, h.platform_id, h.village_code, h.head_name, h.members_json, h.member_count, h.phone_enc, "
    "h.id_card_enc, h.bank_account_enc, h.poverty_status, h.created_at, h.updated_at, v.name, t.name";
constexpr std::string_view kHouseholdFrom =
    "FROM households h JOIN divisions v ON v.code = h.village_code LEFT JOIN divisions t ON t.code = v.parent_code";
// Both together, for single-row lookups.
const std::string kHouseholdColumns = std::string(kHouseholdSelect) + " " + std::string(kHouseholdFrom);

boost::json::object household_json(const db::Row& row, const core::FieldCipher& cipher, bool reveal) {
  auto personal = [&](size_t column, std::string (*mask)(std::string_view)) -> boost::json::value {
    auto stored = row.optional_text(column);
    if (!stored) return nullptr;
    auto plain = cipher.decrypt(*stored);
    if (!plain) return "(unreadable)";
    std::string shown = reveal ? *plain : mask(*plain);
    return boost::json::value(std::string_view(shown));
  };
  auto members = http::parse_json(row.text(4));
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"village_code", row.text(2)},
          {"village_name", short_village_name(row.text(12))},
          {"township_name", row.text(13)},
          {"head_name", row.text(3)},
          {"members", members ? members.value() : boost::json::array()},
          {"member_count", row.integer(5)},
          {"phone", personal(6, core::mask_phone)},
          {"id_card", personal(7, core::mask_id_card)},
          {"bank_account", personal(8, core::mask_bank_account)},
          {"poverty_status", row.text(9)},
          {"created_at", row.integer(10)},
          {"updated_at", row.integer(11)}};
}

// The audit log keeps personal fields masked.
boost::json::object audit_view(const db::Row& row, const core::FieldCipher& cipher) {
  return household_json(row, cipher, false);
}

core::Result<NewHousehold> household_from_json(const boost::json::object& body, bool partial, NewHousehold base) {
  http::Fields fields(body);
  if (auto value = fields.text("village_code", !partial, 12)) base.village_code = *value;
  if (auto value = fields.text("head_name", !partial, 50)) base.head_name = *value;
  if (auto value = fields.text("phone", false, 11)) base.phone = *value;
  if (auto value = fields.text("id_card", false, 18)) base.id_card = *value;
  if (auto value = fields.text("bank_account", false, 40)) base.bank_account = *value;
  if (auto value = fields.text("poverty_status", !partial, 20)) {
    if (*value != "registered" && *value != "lifted" && *value != "monitored" && *value != "none")
      fields.fail(core::invalid("poverty_status", "poverty_status must be registered, lifted, monitored or none"));
    else
      base.poverty_status = *value;
  }
  if (auto members = fields.array("members", false, 30)) {
    boost::json::array clean;
    for (size_t index = 0; index < members->size(); ++index) {
      const auto& member = (*members)[index];
      if (!member.is_object()) {
        fields.fail(core::bad_request("each member must be an object with name and relation", "members"));
        break;
      }
      http::Fields member_fields(member.as_object());
      auto name = member_fields.text("name", true, 50);
      auto relation = member_fields.text("relation", false, 20);
      if (!member_fields.ok()) {
        auto error = member_fields.error();
        error.field = "members[" + std::to_string(index) + "]." + error.field;
        fields.fail(error);
        break;
      }
      clean.push_back(boost::json::object{{"name", *name}, {"relation", relation.value_or("")}});
    }
    base.members_json = boost::json::serialize(clean);
    base.member_count = static_cast<int64_t>(clean.size()) + 1;
  }
  if (!fields.ok()) return fields.error();
  if (auto error = check_personal(base)) return *error;
  return base;
}

}  // namespace

// GET /api/v1/divisions?parent=CODE: divisions under a parent (the city's counties by
// default); ?level=province: the provinces of China (for express addresses elsewhere).
http::Response Region::list_divisions(http::Request& request) {
  auto level = http::query_enum(request, "level", {"province"});
  if (!level) return http::error_response(request, level.error());
  std::string parent(request.query_param("parent").value_or("621200"));
  if (!core::valid_division_code(parent)) return http::error_response(request, core::invalid("parent", "parent must be a division code"));
  std::string sql = "SELECT code, name, level, parent_code, lat, lng FROM divisions WHERE ";
  std::vector<db::Value> params;
  if (!*level) {
    sql += "parent_code = :p ORDER BY code";
    params.emplace_back(parent);
  } else {
    sql += "level = 'province' ORDER BY code";
  }
  boost::json::array items;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(sql, params))
      items.push_back(boost::json::object{{"code", row.text(0)},
                                          {"name", row.text(2) == "village" ? short_village_name(row.text(1)) : row.text(1)},
                                          {"official_name", row.text(1)},
                                          {"level", row.text(2)},
                                          {"parent_code", row.text(3)},
                                          {"lat", row.is_null(4) ? boost::json::value() : row.real(4)},
                                          {"lng", row.is_null(5) ? boost::json::value() : row.real(5)}});
  });
  auto response = http::json_response(boost::json::object{{"items", std::move(items)}});
  response.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return response;
}

// GET /api/v1/divisions/{code}: one division with its parents.
http::Response Region::get_division(http::Request& request) {
  std::string code(request.path_param("code"));
  if (!core::valid_division_code(code)) return http::error_response(request, core::not_found("no such division"));
  boost::json::array path;
  database_.with_session([&](db::Session& session) {
    std::string next = code;
    for (int depth = 0; depth < 5 && !next.empty(); ++depth) {
      auto row = session.query_one("SELECT code, name, level, parent_code FROM divisions WHERE code = :c", {next});
      if (!row) break;
      path.insert(path.begin(), boost::json::object{{"code", row->text(0)}, {"name", row->text(1)}, {"level", row->text(2)}});
      next = row->text(3);
    }
  });
  if (path.empty() || path.back().as_object().at("code").as_string() != code)
    return http::error_response(request, core::not_found("no such division"));
  boost::json::object body = path.back().as_object();
  body["path"] = std::move(path);
  return http::json_response(body);
}

// GET /api/v1/platforms: the county platforms.
http::Response Region::list_platforms(http::Request& request) {
  boost::json::array items;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT p.id, p.county_code, p.name, d.lat, d.lng FROM platforms p JOIN divisions d ON d.code = p.county_code "
             "ORDER BY p.county_code"))
      items.push_back(boost::json::object{{"id", row.integer(0)},
                                          {"county_code", row.text(1)},
                                          {"name", row.text(2)},
                                          {"lat", row.is_null(3) ? boost::json::value() : row.real(3)},
                                          {"lng", row.is_null(4) ? boost::json::value() : row.real(4)}});
  });
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// GET /api/v1/households: registered households in the caller's scope, with filters.
http::Response Region::list_households(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor,
                                                core::Role::kStoreKeeper, core::Role::kSupplier});
  if (!principal) return http::error_response(request, principal.error());
  const core::Principal& caller = **principal;
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  auto platform_filter = http::query_integer(request, "platform_id", 1, INT32_MAX);
  if (!platform_filter) return http::error_response(request, platform_filter.error());

  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  switch (caller.role) {
    case core::Role::kCityAdmin: break;
    case core::Role::kAuditor:
    case core::Role::kCountyAdmin:
      if (!caller.is_city_wide()) {
        where += " AND h.platform_id = :p";
        params.emplace_back(*caller.platform_id);
      }
      break;
    case core::Role::kStoreKeeper:
      where += " AND h.id IN (SELECT household_id FROM store_households WHERE store_id = :s)";
      params.emplace_back(caller.store_id.value_or(0));
      break;
    default:
      where += " AND h.id = :h";
      params.emplace_back(caller.household_id.value_or(0));
  }
  if (*platform_filter) {
    where += " AND h.platform_id = :pf";
    params.emplace_back(**platform_filter);
  }
  if (auto status = filter_by_division(request, "h.village_code", where, params); !status)
    return http::error_response(request, status.error());
  if (auto status = request.query_param("poverty_status"); status && !status->empty()) {
    if (!parse_poverty_status(*status)) return http::error_response(request, core::invalid("poverty_status", "unknown poverty_status"));
    where += " AND h.poverty_status = :ps";
    params.emplace_back(*parse_poverty_status(*status));
  }
  if (auto status = filter_by_name(request, "h.head_name", where, params); !status)
    return http::error_response(request, status.error());
  bool reveal = caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kSupplier;
  db::PageRows result;
  database_.with_session([&](db::Session& session) {
    result = db::select_page(session, kHouseholdSelect, std::string(kHouseholdFrom) + where, "ORDER BY h.id", params,
                             http::list_limit(*format, *page), http::list_offset(*format, *page));
  });
  boost::json::array items;
  core::Table table;
  if (*format)
    table.push_back({"id", "village_code", "village_name", "township_name", "head_name", "members", "phone", "id_card",
                     "bank_account", "poverty_status"});
  for (const auto& row : result.rows) {
    auto item = household_json(row, cipher_, reveal);
    if (*format) {
      std::string members;
      for (const auto& member : item["members"].as_array()) {
        if (!members.empty()) members += ";";
        members += std::string(member.at("name").as_string()) + ":" + std::string(member.at("relation").as_string());
      }
      auto text = [&](const char* key) { return item[key].is_string() ? std::string(item[key].as_string()) : std::string(); };
      table.push_back({std::to_string(row.integer(0)), text("village_code"), text("village_name"), text("township_name"),
                       text("head_name"), members, text("phone"), text("id_card"), text("bank_account"),
                       text("poverty_status")});
    } else {
      items.push_back(std::move(item));
    }
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "households");
}

namespace {
// Loads a household the caller may see; 404 otherwise (outside one's scope is "no such").
core::Result<std::pair<db::Row, Access>> load_household(db::Session& session, const core::Principal& caller, int64_t id) {
  auto row = session.query_one(std::string(kHouseholdColumns) + " WHERE h.id = :i", {id});
  if (!row) return core::not_found("no such household");
  bool linked = caller.store_id &&
                session.query_one("SELECT 1 FROM store_households WHERE store_id = :s AND household_id = :h",
                                  {*caller.store_id, id});
  Access access = access_to(caller, row->integer(1), id, linked);
  if (!access.allowed) return core::not_found("no such household");
  return std::pair<db::Row, Access>{std::move(*row), access};
}
}  // namespace

// GET /api/v1/households/{id}
http::Response Region::get_household(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<core::Error> failure;
  boost::json::object body;
  database_.with_session([&](db::Session& session) {
    auto loaded = load_household(session, **principal, *id);
    if (!loaded) {
      failure = loaded.error();
      return;
    }
    body = household_json(loaded->first, cipher_, loaded->second.reveal);
    boost::json::array stores;
    for (const auto& row : session.query(
             "SELECT s.id, s.name, sh.mechanism, sh.since FROM store_households sh JOIN stores s ON s.id = sh.store_id "
             "WHERE sh.household_id = :h ORDER BY s.id",
             {*id}))
      stores.push_back(boost::json::object{
          {"store_id", row.integer(0)}, {"store_name", row.text(1)}, {"mechanism", row.text(2)}, {"since", row.integer(3)}});
    body["stores"] = std::move(stores);
  });
  if (failure) return http::error_response(request, *failure);
  return http::json_response(body);
}

// POST /api/v1/households: a county admin registers a household in their county.
http::Response Region::create_household(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  auto household = household_from_json(*body, false, {});
  if (!household) return http::error_response(request, household.error());
  const int64_t now = clock_.now_ms();
  boost::json::object created;
  core::Status status;
  try {
    status = database_.transaction([&](db::Session& session) -> core::Status {
      if (platform_of(session, household->village_code) != (*principal)->platform_id)
        return core::forbidden("the village is outside your county");
      auto id = insert_household(session, cipher_, *household, now);
      if (!id) return id.error();
      auto row = session.query_one(std::string(kHouseholdColumns) + " WHERE h.id = :i", {*id});
      created = household_json(*row, cipher_, true);
      audit::record(session, request,
                    {(*principal)->platform_id, "household", *id, "create", nullptr, audit_view(*row, cipher_)}, now);
      return core::Status();
    });
  } catch (const db::UniqueViolation&) {
    status = core::conflict("a household with this ID-card number is registered already", "id_card");
  }
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// PATCH /api/v1/households/{id}: a county admin corrects a household of their county.
http::Response Region::update_household(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t now = clock_.now_ms();
  boost::json::object updated;
  std::optional<core::Error> failure;
  try {
    auto status = database_.transaction([&](db::Session& session) -> core::Status {
      auto loaded = load_household(session, **principal, *id);
      if (!loaded) return loaded.error();
      const db::Row& before = loaded->first;
      NewHousehold base;
      base.village_code = before.text(2);
      base.head_name = before.text(3);
      base.members_json = before.text(4);
      base.member_count = before.integer(5);
      base.poverty_status = before.text(9);
      auto decrypt = [&](size_t column) {
        auto stored = before.optional_text(column);
        return stored ? cipher_.decrypt(*stored).value_or("") : std::string();
      };
      base.phone = decrypt(6);
      base.id_card = decrypt(7);
      base.bank_account = decrypt(8);
      auto household = household_from_json(*body, true, base);
      if (!household) return household.error();
      if (platform_of(session, household->village_code) != (*principal)->platform_id)
        return core::forbidden("the village is outside your county");
      if (!session.query_one("SELECT code FROM divisions WHERE code = :c AND level = 'village'", {household->village_code}))
        return core::invalid("village_code", "village_code must be the 12-digit code of a village or community");
      auto encrypt = [&](const std::string& value) { return value.empty() ? db::Value() : db::Value(cipher_.encrypt(value)); };
      session.exec(
          "UPDATE households SET village_code = :v, head_name = :h, members_json = :m, member_count = :c, phone_enc = :p, "
          "id_card_enc = :i, id_card_hash = :ih, bank_account_enc = :b, poverty_status = :s, updated_at = :t WHERE id = :id",
          {household->village_code, household->head_name, household->members_json, household->member_count,
           encrypt(household->phone), encrypt(household->id_card),
           household->id_card.empty() ? db::Value() : db::Value(cipher_.lookup_hash(household->id_card)),
           encrypt(household->bank_account), household->poverty_status, now, *id});
      auto after = session.query_one(std::string(kHouseholdColumns) + " WHERE h.id = :i", {*id});
      updated = household_json(*after, cipher_, true);
      audit::record(session, request,
                    {before.integer(1), "household", *id, "update", audit_view(before, cipher_), audit_view(*after, cipher_)},
                    now);
      return core::Status();
    });
    if (!status) failure = status.error();
  } catch (const db::UniqueViolation&) {
    failure = core::conflict("a household with this ID-card number is registered already", "id_card");
  }
  if (failure) return http::error_response(request, *failure);
  return http::json_response(updated);
}

// POST /api/v1/import/households: a county admin uploads the county's list (CSV or XLSX), all rows or none.
http::Response Region::import_households_endpoint(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto table = http::read_upload(request);
  if (!table) return http::error_response(request, table.error());
  const int64_t now = clock_.now_ms();
  std::vector<http::RowError> errors;
  size_t imported = 0;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto ids = import_households(session, cipher_, *table, *(*principal)->platform_id, now, errors);
    if (!errors.empty()) return core::invalid("file", "rows have errors");
    imported = ids.size();
    audit::record(session, request, {(*principal)->platform_id, "household", 0, "import", nullptr, audit::import_summary(ids)},
                  now);
    return core::Status();
  });
  if (!errors.empty()) return http::import_error_response(request, errors);
  if (!status) return http::error_response(request, status.error());
  return http::json_response(boost::json::object{{"imported", imported}}, 201);
}

void Region::register_routes(http::Router& router) {
  router.add(http::Method::kPost, "/api/v1/import/households", [this](http::Request& r) { return import_households_endpoint(r); },
             http::Work::kCompute);
  router.add(http::Method::kGet, "/api/v1/divisions", [this](http::Request& r) { return list_divisions(r); });
  router.add(http::Method::kGet, "/api/v1/divisions/{code}", [this](http::Request& r) { return get_division(r); });
  router.add(http::Method::kGet, "/api/v1/platforms", [this](http::Request& r) { return list_platforms(r); });
  router.add(http::Method::kGet, "/api/v1/households", [this](http::Request& r) { return list_households(r); });
  router.add(http::Method::kPost, "/api/v1/households", [this](http::Request& r) { return create_household(r); });
  router.add(http::Method::kGet, "/api/v1/households/{id}", [this](http::Request& r) { return get_household(r); });
  router.add(http::Method::kPatch, "/api/v1/households/{id}", [this](http::Request& r) { return update_household(r); });
}

}  // namespace longnan::region
