// Divisions (city → county → township → village, official 12-digit codes), platforms (one
// per county-level division) and registered households with their personal data
// encrypted at rest and masked unless the caller's role needs it.
//
// Thread-safety: Region is immutable after construction; methods run on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "db/db.h"
#include "http/export.h"
#include "http/http.h"

namespace longnan::region {

// Loads Longnan's divisions and creates one platform per county when the divisions table
// is empty (run after migrations). Returns the number of divisions loaded.
int load_reference_data(db::Session& session, int64_t now_ms);

// Platform id of the county containing division `code`, if any.
std::optional<int64_t> platform_of(db::Session& session, const std::string& code);

// True when `code` is a village or community of the county platform `platform_id`.
bool village_of_platform(db::Session& session, const std::string& code, int64_t platform_id);

// Admin list filters shared by households, producers and stores. Each adds its condition
// to `where`/`params` when the query parameter is present, or returns 422 when malformed.
// ?village_code=: a division code or its prefix (county, township, village) on `column`.
core::Status filter_by_division(const http::Request& request, std::string_view column, std::string& where,
                                std::vector<db::Value>& params);
// ?q=: a substring of `column`, matched literally (% and _ are not wildcards).
core::Status filter_by_name(const http::Request& request, std::string_view column, std::string& where,
                            std::vector<db::Value>& params);

// Where a village is: names of the village (suffix such as 村委会 dropped), township, county.
// Where an address is: a village or community of Longnan by its names, or elsewhere in
// China by its province only (the rest of such an address is in words).
struct Place {
  std::string village_name;
  std::string township_name;
  std::string county_name;
  std::string province_name;  // only for a province-level code
};
Place place_of(db::Session& session, const std::string& code);
// Display name of an official village name: "花桥村委会" → "花桥村", "钟楼滩社区居委会" → "钟楼滩社区".
std::string short_village_name(const std::string& name);

struct NewHousehold {
  std::string village_code;
  std::string head_name;
  std::string members_json = "[]";
  int64_t member_count = 1;
  std::string phone;         // may be empty
  std::string id_card;       // may be empty
  std::string bank_account;  // may be empty
  std::string poverty_status = "none";
};

// Validated insert shared by the API, the importer and the demo data. The error names the
// field at fault. REQUIRES: inside a transaction.
core::Result<int64_t> insert_household(db::Session& session, const core::FieldCipher& cipher, const NewHousehold& household,
                                       int64_t now_ms);
// Parses one household from a JSON object (API) or a CSV/XLSX row (import).
core::Result<NewHousehold> household_from_row(const std::vector<std::string>& header, const std::vector<std::string>& row);

// Imports households from a table (header row first) into the county `platform_id`, all
// rows or none: returns the ids created, or fills `errors` row by row (and returns none).
// REQUIRES: inside a transaction (the caller rolls back when errors is not empty).
std::vector<int64_t> import_households(db::Session& session, const core::FieldCipher& cipher, const core::Table& table,
                         int64_t platform_id, int64_t now_ms, std::vector<http::RowError>& errors);

class Region {
 public:
  Region(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher)
      : database_(database), clock_(clock), cipher_(cipher) {}
  void register_routes(http::Router& router);

 private:
  http::Response list_divisions(http::Request& request);
  http::Response get_division(http::Request& request);
  http::Response list_platforms(http::Request& request);
  http::Response list_households(http::Request& request);
  http::Response get_household(http::Request& request);
  http::Response create_household(http::Request& request);
  http::Response update_household(http::Request& request);
  http::Response import_households_endpoint(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  const core::FieldCipher& cipher_;
};

}  // namespace longnan::region
