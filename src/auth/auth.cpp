#include "auth/auth.h"

#include <boost/json.hpp>

#include "audit/audit.h"
#include "core/crypto.h"
#include "core/validate.h"
#include "http/export.h"
#include "http/json.h"

namespace longnan::auth {
namespace {

constexpr std::string_view kPrincipalColumns =
    "SELECT u.id, u.name, u.phone, u.role, u.platform_id, u.store_id, u.producer_id, u.household_id";

core::Principal principal_from(const db::Row& row) {
  core::Principal principal;
  principal.user_id = row.integer(0);
  principal.name = row.text(1);
  principal.phone = row.text(2);
  principal.role = core::parse_role(row.text(3)).value_or(core::Role::kBuyer);
  principal.platform_id = row.optional_integer(4);
  principal.store_id = row.optional_integer(5);
  principal.producer_id = row.optional_integer(6);
  principal.household_id = row.optional_integer(7);
  return principal;
}

boost::json::value optional_json(const std::optional<int64_t>& value) {
  return value ? boost::json::value(*value) : boost::json::value();
}

boost::json::object user_json(const core::Principal& user) {
  return {{"id", user.user_id},
          {"phone", user.phone},
          {"name", user.name},
          {"role", core::role_name(user.role)},
          {"platform_id", optional_json(user.platform_id)},
          {"store_id", optional_json(user.store_id)},
          {"producer_id", optional_json(user.producer_id)},
          {"household_id", optional_json(user.household_id)}};
}

bool unsafe(http::Method method) {
  return method == http::Method::kPost || method == http::Method::kPut || method == http::Method::kPatch ||
         method == http::Method::kDelete;
}

// Compares without an early exit, so the time taken does not reveal a matching prefix.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t index = 0; index < a.size(); ++index) difference |= static_cast<unsigned char>(a[index] ^ b[index]);
  return difference == 0;
}

std::string cookie_header(std::string_view value, int64_t max_age_seconds, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace

int64_t create_user(db::Session& session, const NewUser& user, int64_t now_ms) {
  auto optional = [](const std::optional<int64_t>& value) { return value ? db::Value(*value) : db::Value(); };
  return session.insert(
      "INSERT INTO users (phone, name, password_hash, role, platform_id, store_id, producer_id, household_id, "
      "created_at, updated_at) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j) RETURNING id",
      {user.phone, user.name, core::hash_password(user.password), std::string(core::role_name(user.role)),
       optional(user.platform_id), optional(user.store_id), optional(user.producer_id), optional(user.household_id),
       now_ms, now_ms});
}

Auth::Auth(db::Database& database, const core::Clock& clock, Options options)
    : database_(database), clock_(clock), options_(options) {}

std::optional<http::Response> Auth::authenticate(http::Request& request) const {
  // Logging in needs no session, and a stale cookie must not stand in its way.
  if (request.path == "/api/v1/auth/login" || request.path == "/api/v1/auth/tokens") return std::nullopt;
  std::string token;
  std::string_view kind;
  if (auto authorization = request.header("authorization")) {
    if (!authorization->starts_with("Bearer ") || authorization->size() > 200)
      return http::error_response(request, {core::ErrorCode::kUnauthenticated, "malformed Authorization header", {}});
    token = std::string(authorization->substr(7));
    kind = "bearer";
  } else if (auto cookie = request.cookie(kSessionCookie); cookie && cookie->size() <= 200) {
    token = *cookie;
    kind = "cookie";
  }
  if (token.empty()) return std::nullopt;

  std::optional<db::Row> row;
  database_.with_session([&](db::Session& session) {
    row = session.query_one(std::string(kPrincipalColumns) +
                                ", s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id "
                                "WHERE s.token_hash = :h AND s.kind = :k AND s.expires_at > :t AND u.disabled = 0",
                            {core::sha256_hex(token), std::string(kind), clock_.now_ms()});
  });
  if (!row) {
    if (kind == "bearer")
      return http::error_response(request, {core::ErrorCode::kUnauthenticated, "invalid or expired token", {}});
    return std::nullopt;  // a stale cookie: carry on as anonymous
  }
  core::Principal principal = principal_from(*row);
  principal.via_cookie = kind == "cookie";
  principal.csrf_token = row->text(8);
  if (principal.via_cookie && unsafe(request.method)) {
    auto sent = request.header("x-csrf-token");
    if (!sent || !same_secret(*sent, principal.csrf_token))
      return http::error_response(request, core::forbidden("missing or wrong X-CSRF-Token header"));
  }
  request.principal = std::move(principal);
  return std::nullopt;
}

// POST /api/v1/auth/login and /api/v1/auth/tokens: phone + password → cookie session or bearer token.
http::Response Auth::login(http::Request& request, bool bearer) {
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto phone = fields.text("phone", true, 20);
  auto password = fields.text("password", true, 128);
  if (!fields.ok()) return http::error_response(request, fields.error());

  const int64_t now = clock_.now_ms();
  const std::string phone_bucket = "phone:" + *phone, address_bucket = "addr:" + request.remote_address;
  bool limited = false;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query("SELECT bucket, failures FROM login_attempts WHERE bucket IN (:a, :b) AND "
                                         "window_start > :w",
                                         {phone_bucket, address_bucket, now - options_.failure_window_ms})) {
      int limit = row.text(0).starts_with("phone:") ? options_.max_failures_per_phone : options_.max_failures_per_address;
      if (row.integer(1) >= limit) limited = true;
    }
  });
  if (limited) {
    auto response = http::error_response(
        request, {core::ErrorCode::kRateLimited, "too many failed logins; try again in 15 minutes", {}});
    response.headers.emplace_back("Retry-After", std::to_string(options_.failure_window_ms / 1000));
    return response;
  }

  std::optional<db::Row> user;
  std::string hash;
  database_.with_session([&](db::Session& session) {
    user = session.query_one(std::string(kPrincipalColumns) +
                                 ", u.password_hash FROM users u WHERE u.phone = :p AND u.disabled = 0",
                             {*phone});
  });
  // Without a user, verify against a fixed hash anyway so timing does not reveal which phones exist.
  static const std::string kDummyHash = core::hash_password("longnan-dummy-password");
  bool verified = core::verify_password(user ? user->text(8) : kDummyHash, *password) && user;
  if (!verified) {
    database_.write([&](db::Session& session) {
      for (const auto& bucket : {phone_bucket, address_bucket})
        session.exec(
            "INSERT INTO login_attempts (bucket, window_start, failures) VALUES (:b, :t, 1) "
            "ON CONFLICT (bucket) DO UPDATE SET "
            "failures = CASE WHEN login_attempts.window_start <= :w THEN 1 ELSE login_attempts.failures + 1 END, "
            "window_start = CASE WHEN login_attempts.window_start <= :w2 THEN :t2 ELSE login_attempts.window_start END",
            {bucket, now, now - options_.failure_window_ms, now - options_.failure_window_ms, now});
    });
    return http::error_response(request, {core::ErrorCode::kUnauthenticated, "wrong phone number or password", "phone"});
  }

  core::Principal principal = principal_from(*user);
  std::string token = core::random_hex(32), csrf = core::random_hex(16);
  int64_t ttl = bearer ? options_.bearer_ttl_ms : options_.cookie_ttl_ms;
  database_.write([&](db::Session& session) {
    session.exec("DELETE FROM login_attempts WHERE bucket = :b OR window_start <= :w",
                 {phone_bucket, now - options_.failure_window_ms});
    session.exec("DELETE FROM sessions WHERE expires_at <= :t", {now});
    session.exec(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) "
        "VALUES (:h, :u, :k, :c, :t, :e)",
        {core::sha256_hex(token), principal.user_id, std::string(bearer ? "bearer" : "cookie"), csrf, now, now + ttl});
  });
  if (bearer)
    return http::json_response(boost::json::object{
        {"token", token}, {"token_type", "Bearer"}, {"expires_at", now + ttl}, {"user", user_json(principal)}});
  auto response = http::json_response(boost::json::object{{"user", user_json(principal)}, {"csrf_token", csrf}});
  response.headers.emplace_back("Set-Cookie", cookie_header(token, ttl / 1000, options_.secure_cookies));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// POST /api/v1/auth/logout: ends the session or token used for this request.
http::Response Auth::logout(http::Request& request) {
  std::string token;
  if (auto authorization = request.header("authorization"); authorization && authorization->starts_with("Bearer "))
    token = std::string(authorization->substr(7));
  else if (auto cookie = request.cookie(kSessionCookie))
    token = *cookie;
  if (!token.empty())
    database_.write(
        [&](db::Session& session) { session.exec("DELETE FROM sessions WHERE token_hash = :h", {core::sha256_hex(token)}); });
  http::Response response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", cookie_header("", 0, options_.secure_cookies));
  return response;
}

// GET /api/v1/auth/me: the logged-in user and, for cookie sessions, the CSRF token.
http::Response Auth::me(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  boost::json::object body{{"user", user_json(**principal)}};
  if ((*principal)->via_cookie) body["csrf_token"] = (*principal)->csrf_token;
  auto response = http::json_response(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// POST /api/v1/auth/password: changes the caller's password and ends their other sessions.
http::Response Auth::change_password(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto old_password = fields.text("old_password", true, 128);
  auto new_password = fields.text("new_password", true, 128);
  if (fields.ok() && core::utf8_length(*new_password) < 8)
    fields.fail(core::invalid("new_password", "new_password must have at least 8 characters"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t user_id = (*principal)->user_id;
  std::string hash;
  database_.with_session([&](db::Session& session) {
    hash = session.query_one("SELECT password_hash FROM users WHERE id = :u", {user_id})->text(0);
  });
  if (!core::verify_password(hash, *old_password))
    return http::error_response(request, core::invalid("old_password", "the current password is wrong"));
  std::string new_hash = core::hash_password(*new_password);
  const int64_t now = clock_.now_ms();
  std::string keep;
  if (auto authorization = request.header("authorization"); authorization && authorization->starts_with("Bearer "))
    keep = core::sha256_hex(authorization->substr(7));
  else if (auto cookie = request.cookie(kSessionCookie))
    keep = core::sha256_hex(*cookie);
  database_.write([&](db::Session& session) {
    session.exec("UPDATE users SET password_hash = :h, updated_at = :t WHERE id = :u", {new_hash, now, user_id});
    session.exec("DELETE FROM sessions WHERE user_id = :u AND token_hash <> :k", {user_id, keep});
    audit::record(session, request,
                  {(*principal)->platform_id, "user", user_id, "password_change", nullptr,
                   boost::json::object{{"password", "changed"}}},
                  now);
  });
  http::Response response;
  response.status = 204;
  return response;
}

namespace {

constexpr std::string_view kUserSelect =
    "SELECT u.id, u.name, u.phone, u.role, u.platform_id, u.store_id, u.producer_id, u.household_id, u.disabled, "
    "s.name, r.name";
constexpr std::string_view kUserFrom =
    "FROM users u LEFT JOIN stores s ON s.id = u.store_id LEFT JOIN producers r ON r.id = u.producer_id";
// Both together, for single-row lookups.
const std::string kUserColumns = std::string(kUserSelect) + " " + std::string(kUserFrom);

boost::json::object listed_user_json(const db::Row& row) {
  auto body = user_json(principal_from(row));
  body["disabled"] = row.integer(8) != 0;
  body["store_name"] = row.is_null(9) ? boost::json::value() : boost::json::value(row.text(9));
  body["producer_name"] = row.is_null(10) ? boost::json::value() : boost::json::value(row.text(10));
  return body;
}

}  // namespace

// GET /api/v1/users: accounts in the admin's county (all counties for the city admin).
http::Response Auth::list_users(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!(*principal)->is_city_wide()) {
    where += " AND u.platform_id = :p";
    params.emplace_back(*(*principal)->platform_id);
  }
  if (auto role = request.query_param("role"); role && !role->empty()) {
    where += " AND u.role = :r";
    params.emplace_back(std::string(*role));
  }
  db::PageRows result;
  database_.with_session([&](db::Session& session) {
    result = db::select_page(session, kUserSelect, std::string(kUserFrom) + where, "ORDER BY u.id", params,
                             http::list_limit(*format, *page), http::list_offset(*format, *page));
  });
  boost::json::array items;
  core::Table table;
  if (*format) table.push_back({"id", "name", "phone", "role", "platform_id", "store_id", "producer_id", "disabled"});
  for (const auto& row : result.rows) {
    if (*format)
      table.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                       row.integer(8) ? "yes" : "no"});
    else
      items.push_back(listed_user_json(row));
  }
  return http::list_response(*format, *page, result.total, std::move(items), table, "users");
}

// POST /api/v1/users: an admin creates an account in their county.
http::Response Auth::create_user_endpoint(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  NewUser user;
  auto phone = fields.text("phone", true, 11);
  auto name = fields.text("name", true, 50);
  auto password = fields.text("password", true, 128);
  auto role_text = fields.text("role", true, 20);
  auto platform_id = fields.integer("platform_id", false, 1, INT32_MAX);
  auto store_id = fields.integer("store_id", false, 1, INT32_MAX);
  auto producer_id = fields.integer("producer_id", false, 1, INT32_MAX);
  if (fields.ok() && !core::valid_mobile(*phone)) fields.fail(core::invalid("phone", "phone must be an 11-digit mobile number"));
  if (fields.ok() && core::utf8_length(*password) < 8)
    fields.fail(core::invalid("password", "password must have at least 8 characters"));
  std::optional<core::Role> role;
  if (fields.ok() && !(role = core::parse_role(*role_text))) fields.fail(core::invalid("role", "unknown role"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const core::Principal& admin = **principal;
  if (!admin.is_city_wide()) {
    if (*role == core::Role::kCityAdmin) return http::error_response(request, core::forbidden("only the city may create city admins"));
    if (platform_id && *platform_id != *admin.platform_id)
      return http::error_response(request, core::forbidden("you may only create accounts in your county"));
    platform_id = admin.platform_id;
  }
  bool needs_platform = *role == core::Role::kCountyAdmin || *role == core::Role::kStoreKeeper ||
                        *role == core::Role::kSupplier || *role == core::Role::kCourier;
  if (needs_platform && !platform_id)
    return http::error_response(request, core::invalid("platform_id", "this role belongs to a county: platform_id is required"));
  if (*role == core::Role::kStoreKeeper && !store_id)
    return http::error_response(request, core::invalid("store_id", "a store keeper needs store_id"));
  if (*role == core::Role::kSupplier && !producer_id)
    return http::error_response(request, core::invalid("producer_id", "a supplier needs producer_id"));
  user = {*phone, *name, *password, *role, platform_id, store_id, producer_id, std::nullopt};

  const int64_t now = clock_.now_ms();
  int64_t id = 0;
  std::optional<core::Error> failure;
  try {
    auto status = database_.transaction([&](db::Session& session) -> core::Status {
      if (store_id && !session.query_one("SELECT id FROM stores WHERE id = :s AND platform_id = :p",
                                         {*store_id, platform_id ? db::Value(*platform_id) : db::Value()}))
        return core::invalid("store_id", "no such store in this county");
      if (producer_id) {
        auto producer = session.query_one("SELECT household_id FROM producers WHERE id = :s AND platform_id = :p",
                                          {*producer_id, platform_id ? db::Value(*platform_id) : db::Value()});
        if (!producer) return core::invalid("producer_id", "no such producer in this county");
        user.household_id = producer->optional_integer(0);
      }
      id = create_user(session, user, now);
      core::Principal created{.user_id = id, .name = user.name, .phone = user.phone, .role = user.role,
                              .platform_id = user.platform_id, .store_id = user.store_id,
                              .producer_id = user.producer_id, .household_id = user.household_id};
      audit::record(session, request, {platform_id, "user", id, "create", nullptr, user_json(created)}, now);
      return core::Status();
    });
    if (!status) failure = status.error();
  } catch (const db::UniqueViolation&) {
    failure = core::conflict("an account with this phone number exists", "phone");
  }
  if (failure) return http::error_response(request, *failure);
  std::optional<db::Row> row;
  database_.with_session([&](db::Session& session) { row = session.query_one(std::string(kUserColumns) + " WHERE u.id = :i", {id}); });
  return http::json_response(listed_user_json(*row), 201);
}

// PATCH /api/v1/users/{id}: rename, disable or enable an account in the admin's scope.
http::Response Auth::update_user(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto name = fields.text("name", false, 50);
  auto disabled = fields.boolean("disabled", false);
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t now = clock_.now_ms();
  std::optional<db::Row> after;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto before = session.query_one(std::string(kUserColumns) + " WHERE u.id = :i", {*id});
    if (!before || !(*principal)->sees_platform(before->optional_integer(4).value_or(-1)))
      return core::not_found("no such user");
    if (before->integer(0) == (*principal)->user_id && disabled && *disabled)
      return core::conflict("you cannot disable your own account", "disabled");
    if (name && !name->empty()) session.exec("UPDATE users SET name = :n, updated_at = :t WHERE id = :i", {*name, now, *id});
    if (disabled) {
      session.exec("UPDATE users SET disabled = :d, updated_at = :t WHERE id = :i", {int64_t{*disabled}, now, *id});
      if (*disabled) session.exec("DELETE FROM sessions WHERE user_id = :i", {*id});
    }
    after = session.query_one(std::string(kUserColumns) + " WHERE u.id = :i", {*id});
    audit::record(session, request,
                  {before->optional_integer(4), "user", *id, "update", listed_user_json(*before), listed_user_json(*after)},
                  now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(listed_user_json(*after));
}

void Auth::register_routes(http::Router& router) {
  router.intercept([this](http::Request& request) { return authenticate(request); });
  // Password hashing (argon2id, 64 MiB) is compute work.
  router.add(http::Method::kPost, "/api/v1/auth/login", [this](http::Request& r) { return login(r, false); },
             http::Work::kCompute);
  router.add(http::Method::kPost, "/api/v1/auth/tokens", [this](http::Request& r) { return login(r, true); },
             http::Work::kCompute);
  router.add(http::Method::kPost, "/api/v1/auth/logout", [this](http::Request& r) { return logout(r); });
  router.add(http::Method::kGet, "/api/v1/auth/me", [this](http::Request& r) { return me(r); });
  router.add(http::Method::kPost, "/api/v1/auth/password", [this](http::Request& r) { return change_password(r); },
             http::Work::kCompute);
  router.add(http::Method::kGet, "/api/v1/users", [this](http::Request& r) { return list_users(r); });
  router.add(http::Method::kPost, "/api/v1/users", [this](http::Request& r) { return create_user_endpoint(r); },
             http::Work::kCompute);
  router.add(http::Method::kPatch, "/api/v1/users/{id}", [this](http::Request& r) { return update_user(r); });
}

}  // namespace longnan::auth
