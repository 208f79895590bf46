#include "db/db.h"

#include <boost/url/parse.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace longnan::db {

int64_t Row::integer(size_t column) const {
  const Value& value = columns_.at(column);
  if (auto* number = std::get_if<int64_t>(&value)) return *number;
  if (auto* real = std::get_if<double>(&value)) return static_cast<int64_t>(*real);
  if (auto* text = std::get_if<std::string>(&value)) return text->empty() ? 0 : std::stoll(*text);
  return 0;
}

double Row::real(size_t column) const {
  const Value& value = columns_.at(column);
  if (auto* number = std::get_if<int64_t>(&value)) return static_cast<double>(*number);
  if (auto* real = std::get_if<double>(&value)) return *real;
  if (auto* text = std::get_if<std::string>(&value)) return text->empty() ? 0 : std::stod(*text);
  return 0;
}

std::string Row::text(size_t column) const {
  const Value& value = columns_.at(column);
  if (auto* text = std::get_if<std::string>(&value)) return *text;
  if (auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
  if (auto* real = std::get_if<double>(&value)) return std::to_string(*real);
  return {};
}

std::optional<int64_t> Row::optional_integer(size_t column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<std::string> Row::optional_text(size_t column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<Row> Session::query_one(std::string_view sql, const std::vector<Value>& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

int64_t Session::insert(std::string_view sql, const std::vector<Value>& params) {
  auto row = query_one(sql, params);
  if (!row) throw DbError("INSERT … RETURNING id returned no row");
  return row->integer(0);
}

int64_t Session::scalar(std::string_view sql, const std::vector<Value>& params) {
  auto row = query_one(sql, params);
  return row ? row->integer(0) : 0;
}

namespace {

// Binds our Values to a prepared SOCI statement. SOCI keeps pointers to the bound
// variables, so they live in this object for the statement's lifetime.
struct Bindings {
  std::vector<long long> integers;
  std::vector<double> reals;
  std::vector<std::string> texts;
  std::vector<soci::indicator> indicators;

  explicit Bindings(const std::vector<Value>& params) {
    integers.reserve(params.size());
    reals.reserve(params.size());
    texts.reserve(params.size());
    indicators.reserve(params.size());
  }
};

bool is_unique_violation(const soci::soci_error& error, Dialect dialect) {
  std::string message = error.what();
  if (dialect == Dialect::kSqlite) return message.find("UNIQUE constraint failed") != std::string::npos;
  return message.find("duplicate key value") != std::string::npos || message.find("23505") != std::string::npos;
}

Value fetch_column(const soci::row& row, size_t column) {
  if (row.get_indicator(column) == soci::i_null) return std::monostate{};
  switch (row.get_properties(column).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
    case soci::dt_blob:
      return row.get<std::string>(column);
    case soci::dt_double:
      return row.get<double>(column);
    case soci::dt_integer:
      return static_cast<int64_t>(row.get<int>(column));
    case soci::dt_long_long:
      return static_cast<int64_t>(row.get<long long>(column));
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(row.get<unsigned long long>(column));
    case soci::dt_date: {
      std::tm time = row.get<std::tm>(column);
      return static_cast<int64_t>(timegm(&time)) * 1000;
    }
  }
  return std::monostate{};
}

class SociSession final : public Session {
 public:
  SociSession(soci::session& session, Dialect dialect) : session_(session), dialect_(dialect) {}
  Dialect dialect() const override { return dialect_; }

  int64_t exec(std::string_view sql, const std::vector<Value>& params) override {
    try {
      Bindings bindings(params);
      soci::statement statement(session_);
      bind(statement, bindings, params);
      statement.alloc();
      statement.prepare(std::string(sql));
      statement.define_and_bind();
      statement.execute(true);
      return statement.get_affected_rows();
    } catch (const soci::soci_error& error) {
      rethrow(error);
    }
  }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    try {
      Bindings bindings(params);
      soci::row row;
      soci::statement statement(session_);
      statement.exchange(soci::into(row));
      bind(statement, bindings, params);
      statement.alloc();
      statement.prepare(std::string(sql));
      statement.define_and_bind();
      std::vector<Row> rows;
      if (!statement.execute(true)) return rows;
      do {
        std::vector<Value> columns;
        columns.reserve(row.size());
        for (size_t column = 0; column < row.size(); ++column) columns.push_back(fetch_column(row, column));
        rows.emplace_back(std::move(columns));
      } while (statement.fetch());
      return rows;
    } catch (const soci::soci_error& error) {
      rethrow(error);
    }
  }

  soci::session& raw() { return session_; }

 private:
  void bind(soci::statement& statement, Bindings& bindings, const std::vector<Value>& params) {
    for (const Value& param : params) {
      if (auto* number = std::get_if<int64_t>(&param)) {
        bindings.integers.push_back(*number);
        statement.exchange(soci::use(bindings.integers.back()));
      } else if (auto* real = std::get_if<double>(&param)) {
        bindings.reals.push_back(*real);
        statement.exchange(soci::use(bindings.reals.back()));
      } else if (auto* text = std::get_if<std::string>(&param)) {
        bindings.texts.push_back(*text);
        statement.exchange(soci::use(bindings.texts.back()));
      } else {
        bindings.texts.emplace_back();
        bindings.indicators.push_back(soci::i_null);
        statement.exchange(soci::use(bindings.texts.back(), bindings.indicators.back()));
      }
    }
  }

  [[noreturn]] void rethrow(const soci::soci_error& error) {
    if (is_unique_violation(error, dialect_)) throw UniqueViolation(error.what());
    throw DbError(error.what());
  }

  soci::session& session_;
  Dialect dialect_;
};

// SOCI and libpq spread one error over several lines: join them into one.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class SociDatabase final : public Database {
 public:
  SociDatabase(Dialect dialect, const std::string& connect, size_t pool_size)
      : dialect_(dialect), pool_(pool_size), size_(pool_size), free_(pool_size, true) {
    for (size_t index = 0; index < pool_size; ++index) {
      soci::session& session = pool_.at(index);
      if (dialect == Dialect::kSqlite) {
        session.open(soci::sqlite3, connect);
        session << "PRAGMA journal_mode=WAL";
        session << "PRAGMA synchronous=FULL";
        session << "PRAGMA foreign_keys=ON";
        session << "PRAGMA busy_timeout=10000";
      } else {
        session.open(soci::postgresql, connect);
        session << "SET client_min_messages TO WARNING";
      }
    }
  }

  Dialect dialect() const override { return dialect_; }

  PoolStats pool_stats() const override {
    std::lock_guard lock(mutex_);
    size_t in_use = 0;
    for (bool free : free_) in_use += free ? 0 : 1;
    return {size_, in_use, waits_};
  }

  void with_session(const std::function<void(Session&)>& work) override {
    size_t index = acquire();
    struct Release {
      SociDatabase* database;
      size_t index;
      ~Release() { database->release(index); }
    } release{this, index};
    SociSession session(pool_.at(index), dialect_);
    work(session);
  }

 protected:
  void begin(Session& session) override {
    session.exec(dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  }

 private:
  size_t acquire() {
    std::unique_lock lock(mutex_);
    if (std::find(free_.begin(), free_.end(), true) == free_.end()) ++waits_;
    available_.wait(lock, [&] { return std::find(free_.begin(), free_.end(), true) != free_.end(); });
    size_t index = std::find(free_.begin(), free_.end(), true) - free_.begin();
    free_[index] = false;
    return index;
  }

  void release(size_t index) {
    {
      std::lock_guard lock(mutex_);
      free_[index] = true;
    }
    available_.notify_one();
  }

  Dialect dialect_;
  soci::connection_pool pool_;
  size_t size_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<bool> free_;
  uint64_t waits_ = 0;
};

// libpq keyword/value form of a postgresql:// URL (SOCI does not pass URLs through intact).
std::string libpq_connect_string(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw DbError("malformed PostgreSQL URL");
  auto quote = [](std::string_view value) {
    std::string out = "'";
    for (char c : value) {
      if (c == '\\' || c == '\'') out.push_back('\\');
      out.push_back(c);
    }
    return out + "'";
  };
  std::string out;
  auto add = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += std::string(key) + "=" + quote(value);
  };
  add("host", parsed->host());
  add("port", parsed->port());
  add("user", parsed->user());
  add("password", parsed->password());
  std::string path = parsed->path();
  add("dbname", path.starts_with("/") ? path.substr(1) : path);
  for (const auto& param : parsed->params()) add(param.key, param.value);
  return out;
}

}  // namespace

std::unique_ptr<Database> Database::open(const std::string& url, size_t pool_size) {
  Dialect dialect;
  std::string connect;
  if (url.starts_with("sqlite:")) {
    dialect = Dialect::kSqlite;
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);
    if (path.empty()) throw DbError("database URL sqlite: needs a file path, e.g. sqlite:var/longnan.db");
    connect = "db=" + path + " timeout=10";
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    dialect = Dialect::kPostgres;
    connect = libpq_connect_string(url);
  } else {
    throw DbError("database URL must start with sqlite: or postgresql:// (got \"" + url + "\")");
  }
  try {
    return std::make_unique<SociDatabase>(dialect, connect, pool_size == 0 ? 1 : pool_size);
  } catch (const soci::soci_error& error) {
    throw DbError("cannot open database: " + one_line(error.what()));
  }
}

core::Status Database::transaction(const std::function<core::Status(Session&)>& work) {
  core::Status status;
  with_session([&](Session& session) {
    begin(session);
    try {
      status = work(session);
    } catch (...) {
      try {
        session.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
    session.exec(status.ok() ? "COMMIT" : "ROLLBACK");
  });
  return status;
}

void Database::write(const std::function<void(Session&)>& work) {
  auto status = transaction([&](Session& session) {
    work(session);
    return core::Status();
  });
  (void)status;  // always ok: failures arrive as exceptions
}

std::string translate_sql(std::string_view sql, Dialect dialect) {
  static constexpr std::string_view kPk = "{{pk}}";
  std::string_view replacement =
      dialect == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  std::string out;
  out.reserve(sql.size());
  size_t at = 0;
  for (size_t found; (found = sql.find(kPk, at)) != std::string_view::npos; at = found + kPk.size()) {
    out.append(sql.substr(at, found - at));
    out.append(replacement);
  }
  out.append(sql.substr(at));
  return out;
}

}  // namespace longnan::db
