// Reading and writing JSON bodies with the status rules of the API:
// wrong content type 415; malformed, too deep or wrong type 400; invalid value 422.
// Thread-safety: stateless functions; a Fields object belongs to one request.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/http.h"

namespace longnan::http {

// Nesting deeper than this is refused (400): real requests nest 3 or 4 levels.
constexpr size_t kMaxJsonDepth = 32;

// Parses the body of `request` as a JSON object.
core::Result<boost::json::object> parse_object(const Request& request);
// Parses text as JSON with the same limits (for stored JSON and tests).
core::Result<boost::json::value> parse_json(std::string_view text);

// Reads typed fields from a JSON object. The first failure is kept; later reads return
// nullopt. Usage: Fields f(obj); auto name = f.text("name", true); if (!f.ok()) return f.error();
class Fields {
 public:
  explicit Fields(const boost::json::object& object) : object_(object) {}

  bool has(std::string_view name) const;
  // Text of 1..max_chars code points, without control characters; trimmed of spaces.
  std::optional<std::string> text(std::string_view name, bool required, size_t max_chars = 200);
  std::optional<int64_t> integer(std::string_view name, bool required, int64_t min, int64_t max);
  std::optional<bool> boolean(std::string_view name, bool required);
  const boost::json::array* array(std::string_view name, bool required, size_t max_items = 100);
  const boost::json::object* object(std::string_view name, bool required);

  // Records a failure found by the caller (e.g. a check digit) if none is recorded yet.
  void fail(core::Error error);
  bool ok() const { return !error_; }
  const core::Error& error() const { return *error_; }

 private:
  const boost::json::value* find(std::string_view name, bool required);
  const boost::json::object& object_;
  std::optional<core::Error> error_;
};

Response json_response(const boost::json::value& value, int status = 200);

struct Page {
  int64_t page = 1;
  int64_t page_size = 20;
  int64_t offset() const { return (page - 1) * page_size; }
};
// page (1-based, ≤ 100000) and page_size (1..100, default 20) from the query.
core::Result<Page> parse_page(const Request& request);
// {"items":…,"total":…,"page":…,"page_size":…}
boost::json::object page_body(boost::json::array items, int64_t total, const Page& page);

// An optional integer query parameter within [min, max] (400 when not an integer, 422 out of range).
core::Result<std::optional<int64_t>> query_integer(const Request& request, std::string_view name, int64_t min,
                                                   int64_t max);
// An optional query parameter that must be one of `allowed` (422 otherwise); nullopt when
// absent or empty.
core::Result<std::optional<std::string>> query_enum(const Request& request, std::string_view name,
                                                    std::initializer_list<std::string_view> allowed);
// A path parameter that must be a positive id; anything else is 404 (no such object).
core::Result<int64_t> path_id(const Request& request, std::string_view name = "id");

}  // namespace longnan::http
