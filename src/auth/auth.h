// Accounts and access: login by phone and password (argon2id), web sessions in an HttpOnly
// SameSite cookie with a CSRF token, bearer tokens for API clients, logout, password
// change, login rate limits (in the database, so they hold across app servers), and the
// users API for admins.
//
// Thread-safety: Auth is immutable after construction; all methods may run on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/principal.h"
#include "db/db.h"
#include "http/http.h"

namespace longnan::auth {

struct Options {
  bool secure_cookies = false;  // add Secure to the cookie (behind HTTPS)
  int64_t cookie_ttl_ms = 7LL * 24 * 3600 * 1000;
  int64_t bearer_ttl_ms = 30LL * 24 * 3600 * 1000;
  int max_failures_per_phone = 5;     // per window
  int max_failures_per_address = 30;  // per window
  int64_t failure_window_ms = 15LL * 60 * 1000;
};

inline constexpr std::string_view kSessionCookie = "ln_session";

struct NewUser {
  std::string phone;
  std::string name;
  std::string password;
  core::Role role = core::Role::kBuyer;
  std::optional<int64_t> platform_id;
  std::optional<int64_t> store_id;
  std::optional<int64_t> producer_id;
  std::optional<int64_t> household_id;
};

// Inserts a user with an argon2id hash of the password; returns the id.
// REQUIRES: fields already validated.
int64_t create_user(db::Session& session, const NewUser& user, int64_t now_ms);

class Auth {
 public:
  Auth(db::Database& database, const core::Clock& clock, Options options);

  // Router interceptor: a bearer token or session cookie becomes request.principal; an
  // invalid bearer token is 401; a cookie-authenticated POST/PUT/PATCH/DELETE without
  // the session's X-CSRF-Token is 403.
  std::optional<http::Response> authenticate(http::Request& request) const;

  void register_routes(http::Router& router);

 private:
  http::Response login(http::Request& request, bool bearer);
  http::Response logout(http::Request& request);
  http::Response me(http::Request& request);
  http::Response change_password(http::Request& request);
  http::Response list_users(http::Request& request);
  http::Response create_user_endpoint(http::Request& request);
  http::Response update_user(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  Options options_;
};

}  // namespace longnan::auth
