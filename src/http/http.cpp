#include "http/http.h"

#include <algorithm>
#include <boost/json.hpp>

namespace longnan::http {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name) return std::string_view(value);
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name) return std::string_view(value);
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params)
    if (key == name) return value;
  return {};
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  auto header_value = header("cookie");
  if (!header_value) return std::nullopt;
  std::string_view rest = *header_value;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) return std::string(pair.substr(equals + 1));
  }
  return std::nullopt;
}

int status_for(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kBadRequest:
      return 400;
    case core::ErrorCode::kValidation:
      return 422;
    case core::ErrorCode::kUnauthenticated:
      return 401;
    case core::ErrorCode::kForbidden:
      return 403;
    case core::ErrorCode::kNotFound:
      return 404;
    case core::ErrorCode::kMethodNotAllowed:
      return 405;
    case core::ErrorCode::kUnavailable:
      return 503;
    case core::ErrorCode::kConflict:
      return 409;
    case core::ErrorCode::kPayloadTooLarge:
      return 413;
    case core::ErrorCode::kUnsupportedMediaType:
      return 415;
    case core::ErrorCode::kRateLimited:
      return 429;
  }
  return 500;
}

std::string_view code_name(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kBadRequest:
      return "bad_request";
    case core::ErrorCode::kValidation:
      return "validation_failed";
    case core::ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case core::ErrorCode::kForbidden:
      return "forbidden";
    case core::ErrorCode::kNotFound:
      return "not_found";
    case core::ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case core::ErrorCode::kUnavailable:
      return "unavailable";
    case core::ErrorCode::kConflict:
      return "conflict";
    case core::ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case core::ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case core::ErrorCode::kRateLimited:
      return "too_many_requests";
  }
  return "internal";
}

namespace {
Response error_body(const Request& request, int status, std::string_view code, std::string_view message,
                    std::string_view field) {
  boost::json::object error{{"code", code}, {"message", message}, {"request_id", request.request_id}};
  if (!field.empty()) error["field"] = field;
  Response response;
  response.status = status;
  response.body = boost::json::serialize(boost::json::object{{"error", std::move(error)}});
  return response;
}
}  // namespace

Response error_response(const Request& request, const core::Error& error) {
  return error_body(request, status_for(error.code), code_name(error.code), error.message, error.field);
}

Response error_response(const Request& request, int status, std::string_view code, std::string_view message) {
  return error_body(request, status, code, message, "");
}

Response internal_error_response(const Request& request) {
  return error_body(request, 500, "internal", "internal error; quote the request id when reporting it", "");
}

core::Result<const core::Principal*> require_login(const Request& request) {
  if (!request.principal) return core::Error{core::ErrorCode::kUnauthenticated, "log in first", {}};
  return &*request.principal;
}

core::Result<const core::Principal*> require_role(const Request& request, std::initializer_list<core::Role> roles) {
  auto principal = require_login(request);
  if (!principal) return principal;
  for (core::Role role : roles)
    if ((*principal)->role == role) return principal;
  return core::forbidden("your role may not do this");
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(at, end - at));
    at = end;
  }
  return segments;
}

void Router::add(Method method, std::string pattern, Handler handler, Work work) {
  Route route{method, pattern, {}, std::move(handler), work};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string>& segments,
                   std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t index = 0; index < segments.size(); ++index) {
    const std::string& expected = route.segments[index];
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
      if (params) params->emplace_back(expected.substr(1, expected.size() - 2), std::string(segments[index]));
    } else if (expected != segments[index]) {
      return false;
    }
  }
  return true;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path's segments, each percent-decoded after splitting, so that an encoded slash
// (%2F) stays inside its segment: an EPCIS eventID such as ni:///sha-256;… or a lot number
// with a slash can be a path parameter. From the request target as received; from the
// decoded path for requests made without one.
std::vector<std::string> request_segments(const Request& request) {
  std::vector<std::string> segments;
  if (request.target.empty()) {
    for (auto segment : split_path(request.path)) segments.emplace_back(segment);
    return segments;
  }
  const std::string_view raw = std::string_view(request.target).substr(0, request.target.find('?'));
  for (auto segment : split_path(raw)) {
    std::string decoded;
    for (size_t at = 0; at < segment.size(); ++at) {
      int high = -1, low = -1;
      if (segment[at] == '%' && at + 2 < segment.size() && (high = hex_digit(segment[at + 1])) >= 0 &&
          (low = hex_digit(segment[at + 2])) >= 0) {
        decoded += static_cast<char>(high * 16 + low);
        at += 2;
      } else {
        decoded += segment[at];
      }
    }
    segments.push_back(std::move(decoded));
  }
  return segments;
}

std::vector<std::string> owned(const std::vector<std::string_view>& views) {
  return std::vector<std::string>(views.begin(), views.end());
}

}  // namespace

bool Router::matches(std::string_view path) const {
  auto segments = owned(split_path(path));
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const Route& route) { return match(route, segments, nullptr); });
}

Work Router::work_of(const Request& request) const {
  if (request.query_param("format")) return Work::kCompute;
  auto segments = request_segments(request);
  Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
  if (std::any_of(routes_.begin(), routes_.end(), [&](const Route& route) {
        return route.work == Work::kCompute && route.method == wanted && match(route, segments, nullptr);
      }))
    return Work::kCompute;
  return wanted == Method::kGet ? Work::kQuick : Work::kWrite;
}

Response Router::dispatch(Request& request) const {
  auto segments = request_segments(request);
  std::string allowed;
  for (const Route& route : routes_) {
    if (!match(route, segments, nullptr)) continue;
    Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
    if (route.method != wanted) {
      if (!allowed.empty()) allowed += ", ";
      allowed += method_name(route.method);
      continue;
    }
    request.path_params.clear();
    match(route, segments, &request.path_params);
    request.route = route.pattern;
    for (const auto& interceptor : interceptors_)
      if (auto stop = interceptor(request)) return *stop;
    return route.handler(request);
  }
  if (!allowed.empty()) {
    request.route = "(method not allowed)";
    Response response = error_response(
        request,
        {core::ErrorCode::kMethodNotAllowed, std::string(method_name(request.method)) + " is not allowed here", {}});
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  request.route = "(not found)";
  return error_response(request, core::not_found("no such endpoint: " + request.path));
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> infos;
  for (const Route& route : routes_) infos.push_back({route.method, route.pattern});
  return infos;
}

}  // namespace longnan::http
