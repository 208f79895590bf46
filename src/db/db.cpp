#include "db/db.h"

#include <boost/url/parse.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <semaphore>
#include <thread>
#include <unordered_map>

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

std::string_view Row::text_view(size_t column) const {
  const auto* text = std::get_if<std::string>(&columns_.at(column));
  return text ? std::string_view(*text) : std::string_view();
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

// A statement prepared once per connection and executed again with new values: SQLite
// then skips parsing and planning, PostgreSQL the PREPARE/DEALLOCATE round trips.
// SOCI binds by address, so the values live here, in slots that never move.
//
// Invariants: `kinds` has one character per parameter (i integer, d real, s text, n null);
// the slot vectors are sized once from `kinds` and never reallocated.
struct PreparedStatement {
  std::string kinds;
  std::vector<long long> integers;
  std::vector<double> reals;
  std::vector<std::string> texts;
  std::vector<soci::indicator> indicators;
  soci::row row;
  std::unique_ptr<soci::statement> statement;

  PreparedStatement(soci::session& session, const std::string& sql, const std::string& parameter_kinds, bool query)
      : kinds(parameter_kinds) {
    size_t integer_count = 0, real_count = 0, text_count = 0;
    for (char kind : kinds) {
      if (kind == 'i') ++integer_count;
      else if (kind == 'd') ++real_count;
      else ++text_count;
    }
    integers.resize(integer_count);
    reals.resize(real_count);
    texts.resize(text_count);
    indicators.assign(text_count, soci::i_ok);
    statement = std::make_unique<soci::statement>(session);
    if (query) statement->exchange(soci::into(row));
    size_t next_integer = 0, next_real = 0, next_text = 0;
    for (char kind : kinds) {
      if (kind == 'i') statement->exchange(soci::use(integers[next_integer++]));
      else if (kind == 'd') statement->exchange(soci::use(reals[next_real++]));
      else {
        if (kind == 'n') indicators[next_text] = soci::i_null;
        statement->exchange(soci::use(texts[next_text], indicators[next_text]));
        ++next_text;
      }
    }
    statement->alloc();
    statement->prepare(sql);
    statement->define_and_bind();
  }

  // REQUIRES: the kinds of `params` equal `kinds`.
  void assign(const std::vector<Value>& params) {
    size_t next_integer = 0, next_real = 0, next_text = 0;
    for (const Value& param : params) {
      if (auto* number = std::get_if<int64_t>(&param)) integers[next_integer++] = *number;
      else if (auto* real = std::get_if<double>(&param)) reals[next_real++] = *real;
      else if (auto* text = std::get_if<std::string>(&param)) texts[next_text++] = *text;
      else texts[next_text++].clear();
    }
  }
};

std::string kinds_of(const std::vector<Value>& params) {
  std::string kinds;
  kinds.reserve(params.size());
  for (const Value& param : params) kinds.push_back("nids"[param.index()]);
  return kinds;
}

// One connection of the pool with its prepared statements.
struct Connection {
  static constexpr size_t kMaxStatements = 256;
  std::unordered_map<std::string, std::unique_ptr<PreparedStatement>> statements;  // key: kinds, NUL, SQL
};

class SociSession final : public Session {
 public:
  SociSession(soci::session& session, Connection& connection, Dialect dialect)
      : session_(session), connection_(connection), dialect_(dialect) {}
  Dialect dialect() const override { return dialect_; }

  int64_t exec(std::string_view sql, const std::vector<Value>& params) override {
    return run(sql, params, false, [](PreparedStatement& prepared) {
      prepared.statement->execute(true);
      return static_cast<int64_t>(prepared.statement->get_affected_rows());
    });
  }

  // SQLite runs a statement with RETURNING like one with a trigger, and so keeps a statement
  // journal for it (measured: 6 µs more per row). It runs without, and the id is the rowid.
  int64_t insert(std::string_view sql, const std::vector<Value>& params) override {
    constexpr std::string_view kReturning = " RETURNING ";
    const auto returning = sql.rfind(kReturning);
    if (dialect_ != Dialect::kSqlite || returning == std::string_view::npos ||
        sql.find_first_of(" ,()", returning + kReturning.size()) != std::string_view::npos)
      return Session::insert(sql, params);
    if (exec(sql.substr(0, returning), params) != 1) throw DbError("INSERT … RETURNING id inserted no row");
    long long id = 0;
    session_.get_last_insert_id("", id);
    return id;
  }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    std::vector<Row> rows;
    run(sql, params, true, [&](PreparedStatement& prepared) {
      if (!prepared.statement->execute(true)) return int64_t{0};
      const soci::row& row = prepared.row;
      do {
        std::vector<Value> columns;
        columns.reserve(row.size());
        for (size_t column = 0; column < row.size(); ++column) columns.push_back(fetch_column(row, column));
        rows.emplace_back(std::move(columns));
      } while (prepared.statement->fetch());
      return int64_t{0};
    });
    return rows;
  }

 private:
  template <class Work>
  int64_t run(std::string_view sql, const std::vector<Value>& params, bool query, Work work) {
    std::string kinds = kinds_of(params);
    std::string key = kinds;
    key.push_back(query ? 'Q' : 'E');
    key.push_back('\0');
    key.append(sql);
    auto found = connection_.statements.find(key);
    try {
      if (found == connection_.statements.end()) {
        if (connection_.statements.size() >= Connection::kMaxStatements) connection_.statements.clear();
        found = connection_.statements
                    .emplace(key, std::make_unique<PreparedStatement>(session_, std::string(sql), kinds, query))
                    .first;
      }
      found->second->assign(params);
      return work(*found->second);
    } catch (const soci::soci_error& error) {
      // A statement that failed half-way is not reused.
      if (found != connection_.statements.end()) connection_.statements.erase(found);
      if (is_unique_violation(error, dialect_)) throw UniqueViolation(error.what());
      throw DbError(error.what());
    }
  }

  soci::session& session_;
  Connection& connection_;
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

// The session of the transaction this thread is running, if any: a transaction started
// inside another becomes a savepoint of it (instead of waiting for a second connection or
// for the writer thread it is running on).
thread_local Session* current_transaction = nullptr;

struct CurrentTransaction {
  explicit CurrentTransaction(Session& session) { current_transaction = &session; }
  ~CurrentTransaction() { current_transaction = nullptr; }
};

core::Status run_nested(Session& session, const std::function<core::Status(Session&)>& work) {
  session.exec("SAVEPOINT nested");
  core::Status status;
  try {
    status = work(session);
  } catch (...) {
    session.exec("ROLLBACK TO nested");
    session.exec("RELEASE nested");
    throw;
  }
  if (!status.ok()) session.exec("ROLLBACK TO nested");
  session.exec("RELEASE nested");
  return status;
}

void open_sqlite(soci::session& session, const std::string& connect) {
  // Before the first connection: no mutex inside each connection (a connection is only ever
  // used by one thread at a time: the writer's, or a pooled one leased to one request) and
  // no global memory statistics (a global mutex on every allocation). Both showed in the
  // writer thread's profile during a flash sale.
  static const bool configured = [] {
    using sqlite_api::sqlite3_config;  // SOCI's header declares SQLite's API in this namespace
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;  // fails only when SQLite was started already: then it keeps its defaults
  session.open(soci::sqlite3, connect);
  // Small pages: a commit writes every page it changed to the WAL, and an order changes a
  // few rows of many indexes (measured: 2 KiB pages commit orders ~15% faster than 4 KiB).
  // Takes effect when the database file is created.
  session << "PRAGMA page_size=2048";
  session << "PRAGMA journal_mode=WAL";
  // DO NOT lower: FULL makes every commit durable before it is acknowledged; throughput
  // comes from group commit (GroupCommitter), not from weaker durability.
  session << "PRAGMA synchronous=FULL";
  session << "PRAGMA foreign_keys=ON";
  session << "PRAGMA busy_timeout=10000";
  // Pages read through memory mapping and a larger page cache: fewer read() calls for the
  // writer and the readers. As much of the file as SQLite maps at most (2 GB; a county's
  // orders fit, its trace log of millions of events does not): captures slowed by a third
  // once the database outgrew the 256 MB mapped before.
  session << "PRAGMA mmap_size=2147418112";
  session << "PRAGMA cache_size=-32768";
  // Savepoint and statement journals (the original of each page a savepoint changes; the
  // writer runs every job in a savepoint) in memory, not in a temporary file: two write()
  // calls per page saved, and a capture of EPCIS events changes several pages per event.
  session << "PRAGMA temp_store=MEMORY";
}

// SQLite lets one connection write at a time; connections competing for the write lock
// spend their time asleep in the busy handler. So every SQLite transaction goes to one
// writer thread instead, which runs all the transactions queued meanwhile inside one
// SQLite transaction, each in its own savepoint (a failing one rolls back only itself), and
// commits them together (group commit). A caller returns only after the WAL holding that
// commit has been synced to disk: an acknowledged change is a durable one.
//
// The sync is not the writer's: SQLite commits without it (synchronous=NORMAL) and a syncer
// thread fdatasync()s the WAL file before it wakes the batch's callers, while the writer
// goes on with the next batch (docs/benchmarks.md has what it gave EPCIS captures). NORMAL
// keeps the database consistent through a crash by itself: it syncs the WAL before each
// checkpoint and the database after.
class GroupCommitter {
 public:
  explicit GroupCommitter(const std::string& connect) {
    open_sqlite(session_, connect);
    session_ << "PRAGMA synchronous=NORMAL";  // the syncer thread syncs each commit instead
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
    wal_path_ = std::string(sqlite_api::sqlite3_db_filename(backend->conn_, "main")) + "-wal";
    // Checkpoints (copying the WAL back into the database) run on a thread of their own,
    // beside the writer instead of inside its commits. The writer still checkpoints when
    // the WAL has grown far beyond what the checkpointer keeps it to (it has fallen behind).
    session_ << "PRAGMA wal_autocheckpoint=" << kWriterCheckpointPages;
    open_sqlite(checkpoint_session_, connect);
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
    syncer_ = std::thread([this] { sync_loop(); });
    thread_ = std::thread([this] { loop(); });
  }
  ~GroupCommitter() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    {
      std::lock_guard lock(mutex_);
      writer_done_ = true;
    }
    synced_wake_.notify_all();
    syncer_.join();
    checkpoint_wake_.notify_all();
    checkpointer_.join();
  }

  core::Status run(const std::function<core::Status(Session&)>& work) {
    Job job{&work};
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(&job);
    }
    wake_.notify_one();
    job.done.acquire();  // each caller is woken alone, when its batch has committed
    if (job.error) std::rethrow_exception(job.error);
    return job.status;
  }

 private:
  static constexpr size_t kMaxBatch = 512;
  static constexpr int kWriterCheckpointPages = 20000;
  struct Job {
    const std::function<core::Status(Session&)>* work;
    core::Status status;
    std::exception_ptr error;
    std::binary_semaphore done{0};
  };

  // Runs one batch in one SQLite transaction. When that transaction has to be abandoned
  // (e.g. the disk is full), every job of the batch fails with the error. Returns whether
  // it committed.
  bool run_batch(std::vector<Job*>& batch) {
    SociSession writer(session_, connection_, Dialect::kSqlite);
    Session& session = writer;
    std::exception_ptr broken;
    try {
      session.exec("BEGIN IMMEDIATE");
      for (Job* job : batch) {
        session.exec("SAVEPOINT job");
        CurrentTransaction current(session);
        try {
          job->status = (*job->work)(session);
        } catch (...) {
          job->error = std::current_exception();
        }
        if (job->error || !job->status.ok()) session.exec("ROLLBACK TO job");
        session.exec("RELEASE job");
      }
      session.exec("COMMIT");
    } catch (...) {
      broken = std::current_exception();
      try {
        session.exec("ROLLBACK");
      } catch (...) {
      }
    }
    if (broken)
      for (Job* job : batch) job->error = broken;
    return !broken;
  }

  void loop() {
    pthread_setname_np(pthread_self(), "sqlite-writer");  // as `top -H` and `perf` show it
    for (;;) {
      std::vector<Job*> batch;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to do
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      const bool committed = run_batch(batch);
      {
        std::lock_guard lock(mutex_);
        auto& waiting = committed ? unsynced_ : failed_;
        waiting.insert(waiting.end(), batch.begin(), batch.end());
      }
      synced_wake_.notify_one();
      checkpoint_wake_.notify_one();
    }
  }

  // Syncs the WAL after each round of commits, then wakes their callers. A batch that did
  // not commit has nothing to sync: its callers are woken with their errors at once.
  void sync_loop() {
    pthread_setname_np(pthread_self(), "sqlite-sync");
    for (;;) {
      std::vector<Job*> jobs, failed;
      {
        std::unique_lock lock(mutex_);
        synced_wake_.wait(lock, [&] { return writer_done_ || !unsynced_.empty() || !failed_.empty(); });
        if (unsynced_.empty() && failed_.empty()) return;  // the writer has stopped, and all is synced
        jobs.swap(unsynced_);
        failed.swap(failed_);
      }
      for (Job* job : failed) job->done.release();
      if (jobs.empty()) continue;
      std::exception_ptr error;
      // The WAL may be gone only when every change in it was checkpointed into the database
      // (and that was synced): then there is nothing to sync.
      if (int fd = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC); fd >= 0) {
        if (::fdatasync(fd) != 0)
          error = std::make_exception_ptr(DbError("could not sync the write-ahead log: " + std::string(strerror(errno))));
        ::close(fd);
      } else if (errno != ENOENT) {
        error = std::make_exception_ptr(DbError("could not open the write-ahead log: " + std::string(strerror(errno))));
      }
      for (Job* job : jobs) {
        if (error) job->error = error;
        job->done.release();
      }
    }
  }

  // Copies what the writer committed back into the database file without blocking it
  // (PASSIVE), whenever the writer has committed something and at most every 100 ms.
  void checkpoint_loop() {
    pthread_setname_np(pthread_self(), "sqlite-checkpt");
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(100));
        if (stopping_) return;
      }
      try {
        checkpoint_session_ << "PRAGMA wal_checkpoint(PASSIVE)";
      } catch (const soci::soci_error&) {
        // busy: the next round tries again
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  soci::session session_;
  Connection connection_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread thread_;
  // Callers of committed batches waiting for the WAL to be synced, and of batches that failed.
  std::vector<Job*> unsynced_, failed_;
  bool writer_done_ = false;
  std::string wal_path_;
  std::condition_variable synced_wake_;
  std::thread syncer_;
  soci::session checkpoint_session_;
  std::condition_variable checkpoint_wake_;
  std::thread checkpointer_;
};

class SociDatabase final : public Database {
 public:
  SociDatabase(Dialect dialect, const std::string& connect, size_t pool_size)
      : dialect_(dialect), pool_(pool_size), size_(pool_size), free_(pool_size, true), connections_(pool_size) {
    for (size_t index = 0; index < pool_size; ++index) {
      soci::session& session = pool_.at(index);
      if (dialect == Dialect::kSqlite) {
        open_sqlite(session, connect);
      } else {
        session.open(soci::postgresql, connect);
        session << "SET client_min_messages TO WARNING";
      }
    }
    // An in-memory database exists per connection: it has no second connection to write on.
    const bool in_memory = connect.find("db=:memory: ") != std::string::npos;
    if (dialect == Dialect::kSqlite && !in_memory) committer_ = std::make_unique<GroupCommitter>(connect);
  }

  Dialect dialect() const override { return dialect_; }

  core::Status transaction(const std::function<core::Status(Session&)>& work) override {
    if (current_transaction) return run_nested(*current_transaction, work);
    if (committer_) return committer_->run(work);
    return Database::transaction(work);
  }

  PoolStats pool_stats() const override {
    std::lock_guard lock(mutex_);
    size_t in_use = 0;
    for (bool free : free_) in_use += free ? 0 : 1;
    return {size_, in_use, waits_};
  }

  void with_session(const std::function<void(Session&)>& work) override {
    // Inside a transaction, work on its session: it sees the transaction's own changes, and
    // the SQLite writer never waits for a pooled connection held by a caller waiting for it.
    if (current_transaction) return work(*current_transaction);
    size_t index = acquire();
    struct Release {
      SociDatabase* database;
      size_t index;
      ~Release() { database->release(index); }
    } release{this, index};
    SociSession session(pool_.at(index), connections_[index], dialect_);
    try {
      work(session);
    } catch (const DbError&) {
      // A PostgreSQL restart leaves the connection dead: open it again for the next lease.
      soci::session& raw = pool_.at(index);
      if (dialect_ == Dialect::kPostgres && !raw.is_connected()) {
        connections_[index].statements.clear();
        try {
          raw.reconnect();
          raw << "SET client_min_messages TO WARNING";
        } catch (const soci::soci_error&) {
        }
      }
      throw;
    }
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
  std::vector<Connection> connections_;  // prepared statements, by pool index
  std::unique_ptr<GroupCommitter> committer_;  // SQLite: every transaction goes through it
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
      CurrentTransaction current(session);
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

void Database::write_exclusive(const std::function<void(Session&)>& work) {
  write([&](Session& session) {
    if (dialect() == Dialect::kPostgres) session.exec("SELECT pg_advisory_xact_lock(20130622)");
    work(session);
  });
}

PageRows select_page(Session& session, std::string_view select, std::string_view from_where, std::string_view order_by,
                     std::vector<Value> params, int64_t limit, int64_t offset) {
  PageRows page;
  page.total = session.scalar("SELECT COUNT(*) " + std::string(from_where), params);
  params.emplace_back(limit);
  params.emplace_back(offset);
  page.rows = session.query(std::string(select) + " " + std::string(from_where) + " " + std::string(order_by) +
                                " LIMIT :limit OFFSET :offset",
                            params);
  return page;
}

std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
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
