// Finding events by eventID. Events are looked up by a 64-bit key of their eventID
// (event_key) and the eventIDs of what comes back compared.
//
// PostgreSQL indexes trace_events.id_key. SQLite keeps the keys in two parts (migration 17):
//  - trace_event_keys holds the keys of the events up to trace_log_state.keys_merged, sorted;
//  - the events recorded since have their keys only in their own rows. Each connection that
//    looks events up mirrors those keys in a temporary table of its own, in memory, brought
//    up to date (a few new rows) before each lookup.
// When enough have gathered (an eighth as many as are merged, from 65,536 to 1,048,576),
// the capture that sees it moves their keys into trace_event_keys in one sorted batch (a
// million into 12 to 15 million took 2.5 to 3.1 s: docs/benchmarks.md). An index written
// at a random place per event had a page of it rewritten per event.
//
// The mirror is a TEMP table on purpose: it belongs to its connection's transactions, so a
// capture rolled back takes its keys out of the writer's mirror with it.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/crypto.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

// Brings this connection's mirror of the unmerged keys up to date (SQLite).
void mirror_recent_keys(db::Session& session) {
  session.exec("CREATE TEMP TABLE IF NOT EXISTS trace_recent_keys (seq INTEGER PRIMARY KEY, id_key INTEGER NOT NULL)");
  session.exec("CREATE INDEX IF NOT EXISTS temp.trace_recent_keys_key ON trace_recent_keys (id_key)");
  // A merge takes every key recorded by then: a mirror that has any of them merged is
  // wholly merged, and emptied at once (not row by row through its index).
  if (session.scalar("SELECT (SELECT MIN(seq) FROM temp.trace_recent_keys) <= keys_merged FROM main.trace_log_state"))
    session.exec("DELETE FROM temp.trace_recent_keys");
  session.exec(
      "INSERT INTO temp.trace_recent_keys (seq, id_key) SELECT seq, id_key FROM main.trace_events WHERE seq > "
      "(SELECT MAX(keys_merged, (SELECT COALESCE(MAX(seq), 0) FROM temp.trace_recent_keys)) FROM "
      "main.trace_log_state)");
}

}  // namespace

int64_t event_key(std::string_view event_id) {
  const core::Sha256Digest digest = core::sha256({event_id});
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | digest[i];
  return static_cast<int64_t>(key);
}

void fill_event_keys(db::Session& session) {
  for (;;) {
    auto rows = session.query("SELECT seq, event_id FROM trace_events WHERE id_key IS NULL LIMIT 1000");
    if (rows.empty()) return;
    for (const auto& row : rows)
      session.exec("UPDATE trace_events SET id_key = :k WHERE seq = :s", {event_key(row.text(1)), row.integer(0)});
  }
}

std::vector<int64_t> event_seqs(db::Session& session, const std::vector<int64_t>& keys) {
  const bool sqlite = session.dialect() == db::Dialect::kSqlite;
  if (sqlite && !keys.empty()) mirror_recent_keys(session);
  std::vector<int64_t> seqs;
  for (size_t from = 0; from < keys.size(); from += 100) {
    const size_t count = std::min<size_t>(100, keys.size() - from);
    const std::vector<db::Value> params(keys.begin() + from, keys.begin() + from + count);
    const std::string list = placeholders(count);
    for (const char* table : sqlite ? std::vector<const char*>{"trace_event_keys", "temp.trace_recent_keys"}
                                    : std::vector<const char*>{"trace_events"})
      for (const auto& row :
           session.query(std::string("SELECT seq FROM ") + table + " WHERE id_key IN (" + list + ")", params))
        seqs.push_back(row.integer(0));
  }
  // A key may be in both parts for a moment (merged after this connection mirrored it).
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return seqs;
}

std::optional<int64_t> find_event(db::Session& session, const std::string& event_id) {
  const auto seqs = event_seqs(session, {event_key(event_id)});
  if (seqs.empty()) return std::nullopt;
  std::vector<db::Value> params(seqs.begin(), seqs.end());
  params.emplace_back(event_id);
  auto row = session.query_one("SELECT seq FROM trace_events WHERE seq IN (" + placeholders(seqs.size()) +
                                   ") AND event_id = :e ORDER BY leaf LIMIT 1",
                               params);
  if (!row) return std::nullopt;
  return row->integer(0);
}

bool merge_event_keys(db::Session& session, std::optional<int64_t> at_least) {
  if (session.dialect() != db::Dialect::kSqlite) return false;
  const int64_t merged = session.scalar("SELECT keys_merged FROM trace_log_state WHERE id = 1");
  const int64_t last = session.scalar("SELECT COALESCE(MAX(seq), 0) FROM trace_events");
  // A merge rewrites much of trace_event_keys, however few keys it brings: it waits for more
  // as that grows.
  if (!at_least) at_least = std::clamp<int64_t>(merged / 8, 1 << 16, 1 << 20);
  if (last <= merged || last - merged < *at_least) return false;
  const auto start = std::chrono::steady_clock::now();
  // From the mirror, already in key order: no sort, and not the events' wide rows again.
  mirror_recent_keys(session);
  // OR IGNORE: a key already there (an event's row replaced by hand) is no reason to stop.
  session.exec(
      "INSERT OR IGNORE INTO trace_event_keys (id_key, seq) SELECT id_key, seq FROM temp.trace_recent_keys "
      "ORDER BY id_key, seq");
  session.exec("DELETE FROM temp.trace_recent_keys");
  session.exec("UPDATE trace_log_state SET keys_merged = :l WHERE id = 1", {last});
  spdlog::info("trace: merged the keys of {} events into those of {} in {} ms", last - merged, merged,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  return true;
}

}  // namespace longnan::trace
