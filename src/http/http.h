// Our HTTP vocabulary, independent of the network library: Request, Response, Router, and
// the one mapping from core::Error to status and body. Domain modules include only this
// header (and json.h); Beast stays in src/server/.
//
// Thread-safety: a Router is built at start-up and then only read, from any thread.
// Request and Response belong to one request on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/principal.h"

namespace longnan::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view method_name(Method method);

struct Request {
  Method method = Method::kGet;
  std::string target;       // as received, e.g. /api/v1/products?q=%E8%8A%B1
  std::string path;         // decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;   // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string remote_address;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the Router
  std::string route;  // the matched pattern, e.g. /api/v1/products/{id}; for metrics
  std::optional<core::Principal> principal;  // filled by the authenticator

  std::optional<std::string_view> header(std::string_view lowercase_name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
  // The value of cookie `name`, if sent.
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One error shape for every failure: {"error":{"code","message","field","request_id"}}.
int status_for(core::ErrorCode code);
std::string_view code_name(core::ErrorCode code);
Response error_response(const Request& request, const core::Error& error);
// The same shape for failures found below the router (timeouts, oversized headers).
Response error_response(const Request& request, int status, std::string_view code, std::string_view message);
// A bare 500 that discloses nothing but the request id.
Response internal_error_response(const Request& request);

using Handler = std::function<Response(Request&)>;

// Where a handler runs. Quick handlers (reads) run on the I/O threads; compute handlers
// (password hashing, imports, exports) run on the server's compute pool so that a burst of
// them cannot stall other clients; write handlers (every request that is not GET or HEAD)
// run on a pool of many threads, because they wait for the database's group commit and
// many must wait at once for the commits to group.
enum class Work { kQuick, kCompute, kWrite };

// Called before a matched route's handler; returns a response to stop the request there
// (e.g. 401, 403 for a missing CSRF token), or nullopt to go on.
using Interceptor = std::function<std::optional<Response>(Request&)>;

class Router {
 public:
  // pattern: "/api/v1/products/{id}"; a {name} segment matches one non-empty segment.
  void add(Method method, std::string pattern, Handler handler, Work work = Work::kQuick);
  void intercept(Interceptor interceptor) { interceptors_.push_back(std::move(interceptor)); }

  // Dispatches `request` (404 unknown path, 405 wrong method with Allow). Exceptions from
  // handlers are not caught here: the server logs them and answers 500.
  Response dispatch(Request& request) const;
  bool matches(std::string_view path) const;
  // Where the request runs: kCompute when its route is Work::kCompute or it asks for a
  // whole list as a file (format=csv|xlsx); else kWrite for methods other than GET and
  // HEAD; else kQuick.
  Work work_of(const Request& request) const;

  struct RouteInfo {
    Method method;
    std::string pattern;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Work work;
  };
  static bool match(const Route& route, const std::vector<std::string>& segments,
                    std::vector<std::pair<std::string, std::string>>* params);
  std::vector<Route> routes_;
  std::vector<Interceptor> interceptors_;
};

// The caller, or 401 when nobody is logged in.
core::Result<const core::Principal*> require_login(const Request& request);
// The caller when their role is one of `roles`; 401 when not logged in, 403 otherwise.
core::Result<const core::Principal*> require_role(const Request& request, std::initializer_list<core::Role> roles);

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace longnan::http
