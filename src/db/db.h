// The database seam: the only code that includes SOCI. Opens SQLite or PostgreSQL from a
// URL, leases sessions from a pool, runs transactions and the numbered migrations.
//
// Thread-safety: Database is thread-safe (the pool hands each caller its own connection).
// A Session is used by one thread at a time, for the duration of its lease.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace longnan::db {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a fetched column.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

// One fetched row. Columns are addressed by position in the SELECT list.
class Row {
 public:
  explicit Row(std::vector<Value> columns) : columns_(std::move(columns)) {}
  bool is_null(size_t column) const { return std::holds_alternative<std::monostate>(columns_.at(column)); }
  int64_t integer(size_t column) const;        // 0 for NULL
  double real(size_t column) const;            // 0 for NULL
  std::string text(size_t column) const;       // "" for NULL
  // A text column without copying it ("" for others); valid while the row is.
  std::string_view text_view(size_t column) const;
  std::optional<int64_t> optional_integer(size_t column) const;
  std::optional<std::string> optional_text(size_t column) const;
  size_t size() const { return columns_.size(); }

 private:
  std::vector<Value> columns_;
};

// Thrown when the database cannot be reached or a statement fails for reasons other than
// the caller's input. The message is for logs and operators, never for HTTP responses.
class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a statement that violates a UNIQUE constraint (the caller may map it to 409).
class UniqueViolation : public DbError {
 public:
  using DbError::DbError;
};

// A leased connection. SQL uses :name placeholders, bound in order of appearance.
class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement; returns the number of affected rows.
  virtual int64_t exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  std::optional<Row> query_one(std::string_view sql, const std::vector<Value>& params = {});
  // Runs "INSERT … RETURNING id" (one row; id the table's {{pk}} column) and returns the id.
  virtual int64_t insert(std::string_view sql, const std::vector<Value>& params = {});
  // One integer from a scalar query (0 when no row).
  int64_t scalar(std::string_view sql, const std::vector<Value>& params = {});
};

struct PoolStats {
  size_t size = 0;
  size_t in_use = 0;
  uint64_t waits = 0;  // leases that had to wait for a free connection
};

class Database {
 public:
  // url: "sqlite:PATH" or "postgresql://…". Throws DbError with one readable line when the
  // URL is malformed or the database cannot be reached.
  static std::unique_ptr<Database> open(const std::string& url, size_t pool_size);
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  virtual PoolStats pool_stats() const = 0;

  // Runs `work` on a leased session without a transaction (single statements, reads); called
  // inside a transaction, on that transaction's session.
  virtual void with_session(const std::function<void(Session&)>& work) = 0;

  // Runs `work` in a transaction: committed when it returns an ok Status, rolled back when it
  // returns an error or throws (the exception is rethrown). Returns once the commit is
  // durable. On SQLite the transactions of concurrent callers run one after another on one
  // writer connection, each in a savepoint, and are committed together (group commit); a
  // transaction started inside another becomes a savepoint of it. On PostgreSQL each runs
  // on its own pooled connection.
  virtual core::Status transaction(const std::function<core::Status(Session&)>& work);
  // A transaction whose work cannot fail other than by throwing: committed unless it throws.
  void write(const std::function<void(Session&)>& work);
  // write() that also excludes every other process doing the same at once (a PostgreSQL
  // advisory lock; SQLite's write lock does it by itself). For start-up work such as
  // loading reference data.
  void write_exclusive(const std::function<void(Session&)>& work);

  // Applies every embedded migration not yet applied, in order, each in its own
  // transaction. Safe to call from several processes at once. Returns how many ran.
  // `steps`: code that runs after the SQL of its version, in the same transaction, for what
  // SQL cannot compute (e.g. a new column's values that need a hash function).
  using MigrationStep = std::function<void(Session&)>;
  int migrate(const std::map<int, MigrationStep>& steps = {});
  // Highest applied migration version (0 for an empty database).
  int schema_version();

 protected:
  virtual void begin(Session& session) = 0;
};

// One page of a list query and the size of the whole list.
struct PageRows {
  int64_t total = 0;
  std::vector<Row> rows;
};
// Runs "SELECT COUNT(*) <from_where>" and "<select> <from_where> <order_by> LIMIT … OFFSET …"
// with the same parameters. `from_where` starts with FROM; `order_by` must make the order total.
PageRows select_page(Session& session, std::string_view select, std::string_view from_where, std::string_view order_by,
                     std::vector<Value> params, int64_t limit, int64_t offset);

// A LIKE pattern matching `text` anywhere, with % _ and \ in `text` taken literally.
// Use with "column LIKE :p ESCAPE '\'".
std::string contains_pattern(std::string_view text);

// Translates a migration written for both databases: {{pk}} becomes the dialect's
// auto-increment primary key.
std::string translate_sql(std::string_view sql, Dialect dialect);

}  // namespace longnan::db
