#include "http/json.h"

#include <algorithm>
#include <charconv>

#include "core/validate.h"

namespace longnan::http {

core::Result<boost::json::value> parse_json(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error, {}, options);
  if (error) {
    std::string message = "malformed JSON";
    if (error == boost::json::error::too_deep) message = "JSON nested too deeply";
    else if (error == boost::json::error::syntax || error == boost::json::error::incomplete) message = "malformed JSON";
    else message = "malformed JSON (" + error.message() + ")";
    return core::bad_request(message);
  }
  return value;
}

core::Result<boost::json::object> parse_object(const Request& request) {
  auto content_type = request.header("content-type");
  if (!content_type || !(content_type->starts_with("application/json"))) {
    return core::Error{core::ErrorCode::kUnsupportedMediaType, "the body must be application/json", {}};
  }
  auto parsed = parse_json(request.body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return core::bad_request("the body must be a JSON object");
  return std::move(parsed->as_object());
}

bool Fields::has(std::string_view name) const {
  auto it = object_.find(name);
  return it != object_.end() && !it->value().is_null();
}

const boost::json::value* Fields::find(std::string_view name, bool required) {
  if (error_) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end() || it->value().is_null()) {
    if (required) fail(core::invalid(std::string(name), std::string(name) + " is required"));
    return nullptr;
  }
  return &it->value();
}

void Fields::fail(core::Error error) {
  if (!error_) error_ = std::move(error);
}

std::optional<std::string> Fields::text(std::string_view name, bool required, size_t max_chars) {
  const auto* value = find(name, required);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    fail(core::bad_request(std::string(name) + " must be a string", std::string(name)));
    return std::nullopt;
  }
  std::string_view raw = value->as_string();
  if (!core::valid_text(raw)) {
    fail(core::invalid(std::string(name), std::string(name) + " contains control characters or invalid UTF-8"));
    return std::nullopt;
  }
  std::string text(core::trim_text(raw));
  if (text.empty()) {
    if (required) fail(core::invalid(std::string(name), std::string(name) + " must not be empty"));
    return required ? std::nullopt : std::optional<std::string>(text);
  }
  if (core::utf8_length(text) > max_chars) {
    fail(core::invalid(std::string(name), std::string(name) + " is longer than " + std::to_string(max_chars) +
                                              " characters"));
    return std::nullopt;
  }
  return text;
}

std::optional<int64_t> Fields::integer(std::string_view name, bool required, int64_t min, int64_t max) {
  const auto* value = find(name, required);
  if (!value) return std::nullopt;
  std::string field(name);
  if (value->is_int64()) {
    int64_t number = value->as_int64();
    if (number < min || number > max) {
      fail(core::invalid(field, field + " must be between " + std::to_string(min) + " and " + std::to_string(max)));
      return std::nullopt;
    }
    return number;
  }
  if (value->is_uint64() || (value->is_double() && std::abs(value->as_double()) >= 9.2e18)) {
    fail(core::invalid(field, field + " is out of range"));
    return std::nullopt;
  }
  fail(core::bad_request(field + " must be an integer", field));
  return std::nullopt;
}

std::optional<bool> Fields::boolean(std::string_view name, bool required) {
  const auto* value = find(name, required);
  if (!value) return std::nullopt;
  if (!value->is_bool()) {
    fail(core::bad_request(std::string(name) + " must be true or false", std::string(name)));
    return std::nullopt;
  }
  return value->as_bool();
}

const boost::json::array* Fields::array(std::string_view name, bool required, size_t max_items) {
  const auto* value = find(name, required);
  if (!value) return nullptr;
  if (!value->is_array()) {
    fail(core::bad_request(std::string(name) + " must be an array", std::string(name)));
    return nullptr;
  }
  if (value->as_array().size() > max_items) {
    fail(core::invalid(std::string(name), std::string(name) + " has more than " + std::to_string(max_items) + " items"));
    return nullptr;
  }
  return &value->as_array();
}

const boost::json::object* Fields::object(std::string_view name, bool required) {
  const auto* value = find(name, required);
  if (!value) return nullptr;
  if (!value->is_object()) {
    fail(core::bad_request(std::string(name) + " must be an object", std::string(name)));
    return nullptr;
  }
  return &value->as_object();
}

Response json_response(const boost::json::value& value, int status) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(value);
  return response;
}

namespace {
std::optional<int64_t> to_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}
}  // namespace

core::Result<std::optional<int64_t>> query_integer(const Request& request, std::string_view name, int64_t min,
                                                   int64_t max) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  auto value = to_integer(*text);
  std::string field(name);
  if (!value) {
    bool digits = text->find_first_not_of("-0123456789") == std::string_view::npos;
    if (digits) return core::invalid(field, field + " is out of range");
    return core::bad_request(field + " must be an integer", field);
  }
  if (*value < min || *value > max)
    return core::invalid(field, field + " must be between " + std::to_string(min) + " and " + std::to_string(max));
  return std::optional<int64_t>(*value);
}

core::Result<Page> parse_page(const Request& request) {
  Page page;
  auto number = query_integer(request, "page", 1, 100000);
  if (!number) return number.error();
  auto size = query_integer(request, "page_size", 1, 100);
  if (!size) return size.error();
  if (*number) page.page = **number;
  if (*size) page.page_size = **size;
  return page;
}

boost::json::object page_body(boost::json::array items, int64_t total, const Page& page) {
  return {{"items", std::move(items)}, {"total", total}, {"page", page.page}, {"page_size", page.page_size}};
}

core::Result<std::optional<std::string>> query_enum(const Request& request, std::string_view name,
                                                    std::initializer_list<std::string_view> allowed) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<std::string>();
  if (std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
    std::string list;
    for (auto value : allowed) list += (list.empty() ? "" : ", ") + std::string(value);
    return core::invalid(std::string(name), std::string(name) + " must be one of " + list);
  }
  return std::optional<std::string>(std::string(*text));
}

core::Result<int64_t> path_id(const Request& request, std::string_view name) {
  auto value = to_integer(request.path_param(name));
  if (!value || *value <= 0) return core::not_found("no such object");
  return *value;
}

}  // namespace longnan::http
