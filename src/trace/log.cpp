// The tamper-evident log: signed checkpoints (the log's size and root at a time, signed with
// the server's Ed25519 key, co-signed by a county auditor's), inclusion proofs of events to
// the latest checkpoint, and the verification `longnan trace verify` runs over the whole
// stored log.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <limits>

#include "http/json.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

constexpr std::string_view kCheckpointColumns =
    "SELECT id, tree_size, root, time, key_hex, signature, cosigner_key_hex, cosignature FROM trace_checkpoints";

Checkpoint checkpoint_of(const std::string& origin, const db::Row& row) {
  return Checkpoint{origin, static_cast<uint64_t>(row.integer(1)), from_hex(row.text(2)).value_or(Hash{}),
                    row.integer(3)};
}

}  // namespace

Hash leaf_of(std::string_view hash_uri) {
  const auto start = hash_uri.find(';');
  auto bytes = start == std::string::npos ? std::nullopt : from_hex(hash_uri.substr(start + 1, 64));
  const Hash raw = bytes.value_or(Hash{});
  return leaf_hash(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

std::string log_origin(const std::string& public_base) {
  std::string host = public_base.substr(public_base.find("://") == std::string::npos ? 0 : public_base.find("://") + 3);
  while (!host.empty() && host.back() == '/') host.pop_back();
  return host + "/trace";
}

Trace::~Trace() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_wake_.notify_all();
  if (background_.joinable()) background_.join();
}

bool Trace::checkpoint_once() {
  if (!options_.signing_key) return false;
  std::optional<db::Row> head, last;
  database_.with_session([&](db::Session& session) {
    head = session.query_one("SELECT leaf, root FROM trace_events ORDER BY leaf DESC LIMIT 1");
    last = session.query_one("SELECT MAX(tree_size) FROM trace_checkpoints");
  });
  if (!head || (last && !last->is_null(0) && last->integer(0) >= head->integer(0) + 1)) return false;
  const Checkpoint checkpoint{log_origin(options_.public_base), static_cast<uint64_t>(head->integer(0) + 1),
                              from_hex(head->text(1)).value_or(Hash{}), clock_.now_ms()};
  const std::string signature = sign_checkpoint(checkpoint, *options_.signing_key);
  database_.write([&](db::Session& session) {
    // Another server may have signed this size meanwhile: one checkpoint per size.
    if (session.scalar("SELECT COUNT(*) FROM trace_checkpoints WHERE tree_size = :s",
                       {static_cast<int64_t>(checkpoint.size)}) > 0)
      return;
    session.exec(
        "INSERT INTO trace_checkpoints (tree_size, root, time, key_hex, signature) VALUES (:s, :r, :t, :k, :g)",
        {static_cast<int64_t>(checkpoint.size), hex(checkpoint.root), checkpoint.time_ms,
         options_.signing_key->public_hex(), signature});
  });
  return true;
}

void Trace::start_background() {
  background_ = std::thread([this] {
    constexpr auto kTick = std::chrono::milliseconds(500);
    auto next_checkpoint = std::chrono::steady_clock::now();
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
      lock.unlock();
      bool behind = false;
      try {
        flush_scans();
        assign_lots(database_, clock_.now_ms());
        if (std::chrono::steady_clock::now() >= next_checkpoint) {
          checkpoint_once();
          next_checkpoint =
              std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.checkpoint_interval_ms);
        }
        // The tree the scan pages' proofs come from follows the checkpoints here, so that
        // no scan waits while it is read: after a restart, a pass over the whole log (21 s
        // at 10 million events). A chunk a round until it has caught up.
        behind = !follow_checkpoints();
      } catch (const std::exception& error) {
        spdlog::warn("trace background: {}", error.what());
      }
      lock.lock();
      if (!behind) stop_wake_.wait_for(lock, kTick, [&] { return stopping_; });
    }
  });
}

void Trace::flush_scans() {
  std::lock_guard flushing(flush_mutex_);  // batches are written in the order they are numbered
  int64_t number = 0;
  const std::vector<Scan>* scans = nullptr;
  {
    std::lock_guard lock(scans_mutex_);
    // Batches written more than a minute ago: every page read since counts them in the
    // database.
    const int64_t now = clock_.now_ms();
    while (!scan_batches_.empty() && now - scan_batches_.front().written_at > 60'000) scan_batches_.pop_front();
    if (pending_scans_.empty()) return;
    number = ++scan_batches_taken_;
    scan_batches_.push_back({number, std::move(pending_scans_), std::numeric_limits<int64_t>::max()});
    pending_scans_.clear();
    scans = &scan_batches_.back().scans;  // a deque keeps it in place while others are added
  }
  // Once the write is over, the batch is kept a minute more (when the write failed, its scans
  // are lost, and counted by this server's pages until then).
  struct Written {
    Trace& trace;
    ~Written() {
      std::lock_guard lock(trace.scans_mutex_);
      trace.scan_batches_.back().written_at = trace.clock_.now_ms();
    }
  } written{*this};
  database_.write([&](db::Session& session) {
    for (const auto& scan : *scans) {
      session.exec("INSERT INTO trace_scans (lot_id, serial, at, place, suspect) VALUES (:l, :s, :a, :p, :x)",
                   {scan.lot_id, scan.serial, scan.at, scan.place, int64_t{scan.alert.has_value()}});
      session.exec(
          "INSERT INTO trace_scan_days (lot_id, serial, day, scans) VALUES (:l, :s, :d, 1) ON CONFLICT (lot_id, "
          "serial, day) DO UPDATE SET scans = trace_scan_days.scans + 1",
          {scan.lot_id, scan.serial, core::shanghai_date(scan.at)});
      // One open alert per code and kind: the county looks at it once.
      if (scan.alert &&
          session.scalar("SELECT COUNT(*) FROM trace_alerts WHERE lot_id = :l AND serial = :s AND kind = :k AND "
                         "resolved_at IS NULL",
                         {scan.lot_id, scan.serial, *scan.alert}) == 0)
        session.exec(
            "INSERT INTO trace_alerts (platform_id, lot_id, serial, kind, detail, created_at) VALUES (:p, :l, :s, :k, "
            ":d, :t)",
            {scan.platform_id, scan.lot_id, scan.serial, *scan.alert, "scanned from " + scan.place, scan.at});
    }
    const int64_t now = clock_.now_ms();
    session.exec(
        "INSERT INTO trace_scan_flushes (server, flushes, at) VALUES (:s, :n, :a) ON CONFLICT (server) DO UPDATE SET "
        "flushes = excluded.flushes, at = excluded.at",
        {server_, number, now});
    // The rows of servers gone (a row a start): none has written for a day. A server idle
    // that long holds no batch its pages would need the row for.
    session.exec("DELETE FROM trace_scan_flushes WHERE at < :t", {now - 86'400'000});
  });
}

std::optional<boost::json::object> Trace::latest_checkpoint_json(db::Session& session) {
  auto row = session.query_one(std::string(kCheckpointColumns) + " ORDER BY tree_size DESC, id DESC LIMIT 1");
  if (!row) return std::nullopt;
  const Checkpoint checkpoint = checkpoint_of(log_origin(options_.public_base), *row);
  return boost::json::object{
      {"id", row->integer(0)},      {"origin", checkpoint.origin}, {"tree_size", row->integer(1)},
      {"root", row->text(2)},       {"time", row->integer(3)},     {"body", checkpoint.body()},
      {"public_key", row->text(4)}, {"signature", row->text(5)},   {"cosigner_public_key", row->text(6)},
      {"cosignature", row->text(7)}};
}

namespace {
constexpr uint64_t kTreeChunk = 25'000;  // leaves read at a time (tree_mutex_ held meanwhile)
}  // namespace

void Trace::grow_tree(db::Session& session, uint64_t size) {
  while (tree_.size() < size) {
    auto rows = session.query(
        "SELECT hash FROM trace_events WHERE leaf >= :a AND leaf < :b ORDER BY leaf",
        {static_cast<int64_t>(tree_.size()), static_cast<int64_t>(std::min(size, tree_.size() + kTreeChunk))});
    if (rows.empty()) break;
    for (const auto& row : rows) tree_.append(leaf_of(row.text_view(0)));
  }
}

bool Trace::follow_checkpoints() {
  bool caught_up = false;
  database_.with_session([&](db::Session& session) {
    const auto size =
        static_cast<uint64_t>(session.scalar("SELECT COALESCE(MAX(tree_size), 0) FROM trace_checkpoints"));
    std::lock_guard lock(tree_mutex_);
    const uint64_t before = tree_.size();
    grow_tree(session, std::min(size, before + kTreeChunk));
    caught_up = tree_.size() >= size || tree_.size() == before;  // or leaves are missing: `trace verify` says so
  });
  return caught_up;
}

std::vector<std::vector<Hash>> Trace::inclusion_proofs(db::Session& session, const std::vector<uint64_t>& leaves,
                                                       uint64_t size) {
  std::lock_guard lock(tree_mutex_);
  grow_tree(session, size);
  std::vector<std::vector<Hash>> proofs;
  for (uint64_t leaf : leaves)
    proofs.push_back(leaf < size && size <= tree_.size() ? tree_.inclusion_proof(leaf, size) : std::vector<Hash>{});
  return proofs;
}

// GET /api/v1/trace/checkpoints/latest: the latest signed checkpoint (public).
http::Response Trace::latest_checkpoint(http::Request& request) {
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) { body = latest_checkpoint_json(session); });
  if (!body) return http::error_response(request, core::not_found("no checkpoint yet"));
  return http::json_response(*body);
}

// POST /api/v1/trace/checkpoints/{id}/cosign {public_key, signature}: a county auditor adds
// their signature of the checkpoint's body (made with `longnan trace cosign`); it must verify.
http::Response Trace::cosign_checkpoint(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto key = fields.text("public_key", true, 64);
  auto signature = fields.text("signature", true, 128);
  if (!fields.ok()) return http::error_response(request, fields.error());
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kCheckpointColumns) + " WHERE id = :i", {*id});
    if (!row) return core::not_found("no such checkpoint");
    if (!verify_checkpoint(checkpoint_of(log_origin(options_.public_base), *row), *signature, *key))
      return core::invalid("signature", "the signature does not verify with that key over the checkpoint's body");
    session.exec("UPDATE trace_checkpoints SET cosigner_key_hex = :k, cosignature = :s WHERE id = :i",
                 {*key, *signature, *id});
    answer = {{"id", *id}, {"cosigner_public_key", *key}, {"cosignature", *signature}};
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

// GET /api/v1/trace/proof?event_id=: the event's leaf, its inclusion proof to the latest
// checkpoint, and that checkpoint (public: anyone may check the log).
http::Response Trace::proof(http::Request& request) {
  auto id = request.query_param("event_id");
  if (!id || id->empty()) return http::error_response(request, core::invalid("event_id", "name the event (event_id)"));
  std::optional<boost::json::object> body;
  core::Status status;
  database_.with_session([&](db::Session& session) {
    auto seq = find_event(session, std::string(*id));
    auto event = seq ? session.query_one("SELECT leaf, hash FROM trace_events WHERE seq = :s", {*seq}) : std::nullopt;
    if (!event) {
      status = core::not_found("no such event");
      return;
    }
    auto checkpoint = latest_checkpoint_json(session);
    const uint64_t leaf = static_cast<uint64_t>(event->integer(0));
    if (!checkpoint || static_cast<uint64_t>(checkpoint->at("tree_size").as_int64()) <= leaf) {
      status = core::conflict("the event is newer than the latest checkpoint: ask again after the next one");
      return;
    }
    const uint64_t size = static_cast<uint64_t>(checkpoint->at("tree_size").as_int64());
    boost::json::array path;
    const auto proofs = inclusion_proofs(session, {leaf}, size);
    for (const auto& hash : proofs.front()) path.push_back(boost::json::string(hex(hash)));
    body = boost::json::object{{"event_id", std::string(*id)}, {"hash", event->text(1)},
                               {"leaf_index", leaf},           {"leaf_hash", hex(leaf_of(event->text(1)))},
                               {"proof", std::move(path)},     {"checkpoint", std::move(*checkpoint)}};
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(*body);
}

VerifyReport verify_log(db::Database& database, const std::string& origin,
                        const std::function<void(uint64_t)>& progress) {
  VerifyReport report;
  MerkleTree tree;
  constexpr int64_t kChunk = 20'000;
  // The roots recorded with the events are compared with the recomputed tree every kWindow
  // leaves (and where the log ends or the check stops); when one differs, the leaves of that
  // window are looked at one by one to name the first that departs. Only the roots at the
  // windows' ends are read with the events, and the eventIDs only for what is reported.
  constexpr int64_t kWindow = 1024;
  // What stopped the pass through the log: the leaf at which it did, and why.
  enum class Stop { kNone, kDeparted, kMissing, kAltered } stop = Stop::kNone;
  uint64_t stop_leaf = 0, stored_leaf = 0, window_start = 0;
  std::optional<db::Row> checkpoint;
  database.with_session([&](db::Session& session) {
    checkpoint = session.query_one(std::string(kCheckpointColumns) + " ORDER BY tree_size DESC, id DESC LIMIT 1");
    tree.reserve(static_cast<uint64_t>(session.scalar("SELECT COUNT(*) FROM trace_events")));
    // Rows by leaf: each leaf in turn, none missing, each hashing to what was recorded. The
    // next chunk is read while this one is checked (the session is used by one thread at a
    // time: the reading one).
    auto read_from = [&](int64_t leaf) {
      return session.query(
          "SELECT leaf, hash, json, CASE WHEN leaf % " + std::to_string(kWindow) + " = " + std::to_string(kWindow - 1) +
              " THEN root ELSE '' END FROM trace_events WHERE leaf >= :a ORDER BY leaf LIMIT " + std::to_string(kChunk),
          {leaf});
    };
    std::vector<db::Row> rows = read_from(0);
    while (!rows.empty()) {
      auto next = std::async(std::launch::async, read_from, rows.back().integer(0) + 1);
      // Each event's hash recomputed from its stored content and compared with the recorded
      // one, and its leaf hash made, on both cores: half the rows on another thread.
      std::vector<char> altered(rows.size());
      std::vector<Hash> leaves(rows.size());
      auto rehash = [&](size_t begin, size_t end) {
        // Each event parsed into one buffer used again and again: allocating and freeing its
        // many small values was the better part of the time.
        std::vector<unsigned char> buffer(64 * 1024);
        for (size_t index = begin; index < end; ++index) {
          boost::json::monotonic_resource arena(buffer.data(), buffer.size());
          boost::system::error_code error;
          auto json = boost::json::parse(rows[index].text_view(2), error, &arena);
          altered[index] = error || !json.is_object() || event_hash(json.as_object()) != rows[index].text_view(1);
          leaves[index] = leaf_of(rows[index].text_view(1));
        }
      };
      auto half = std::async(std::launch::async, rehash, rows.size() / 2, rows.size());
      rehash(0, rows.size() / 2);
      half.get();
      for (size_t index = 0; index < rows.size(); ++index) {
        const uint64_t leaf = tree.size();
        if (static_cast<uint64_t>(rows[index].integer(0)) != leaf) {
          stop = Stop::kMissing, stop_leaf = leaf, stored_leaf = static_cast<uint64_t>(rows[index].integer(0));
          return;
        }
        if (altered[index]) {
          stop = Stop::kAltered, stop_leaf = leaf;
          return;
        }
        tree.append(leaves[index]);
        ++report.events;
        if ((leaf + 1) % kWindow == 0) {
          if (hex(tree.root()) != rows[index].text_view(3)) {
            stop = Stop::kDeparted, stop_leaf = leaf;
            return;
          }
          window_start = leaf + 1;
        }
      }
      if (progress) progress(report.events);
      rows = next.get();
    }
  });
  // Where the check stopped, or at the end of the log, the window so far is compared too: a
  // reordering there shows before an event that is missing or altered after it.
  database.with_session([&](db::Session& session) {
    const uint64_t window_end = stop == Stop::kDeparted ? stop_leaf + 1 : tree.size();
    if (window_end > window_start) {
      for (const auto& row :
           session.query("SELECT leaf, event_id, root FROM trace_events WHERE leaf >= :a AND leaf < :b ORDER BY leaf",
                         {static_cast<int64_t>(window_start), static_cast<int64_t>(window_end)})) {
        const uint64_t leaf = static_cast<uint64_t>(row.integer(0));
        if (hex(tree.root(leaf + 1)) != row.text_view(2)) {
          report.problem = "the log departs from its history at leaf " + std::to_string(leaf) + " (event " +
                           row.text(1) + "): an event was reordered, replaced or inserted there";
          return;
        }
      }
    }
    auto event_at = [&](uint64_t leaf) {
      auto row = session.query_one("SELECT event_id FROM trace_events WHERE leaf = :l", {static_cast<int64_t>(leaf)});
      return row ? row->text(0) : std::string();
    };
    if (stop == Stop::kMissing)
      report.problem = "leaf " + std::to_string(stop_leaf) + " is missing (the next stored is leaf " +
                       std::to_string(stored_leaf) + ", event " + event_at(stored_leaf) + ")";
    else if (stop == Stop::kAltered)
      report.problem = "event " + event_at(stop_leaf) + " (leaf " + std::to_string(stop_leaf) +
                       ") was altered: its content does not hash to its recorded hash";
  });
  if (!report.problem.empty() || !checkpoint) return report;
  const uint64_t size = static_cast<uint64_t>(checkpoint->integer(1));
  report.checkpoint = "checkpoint of " + std::to_string(size) + " events, root " + checkpoint->text(2);
  if (!verify_checkpoint(checkpoint_of(origin, *checkpoint), checkpoint->text(5), checkpoint->text(4))) {
    report.problem = "the latest checkpoint's signature does not verify with its key " + checkpoint->text(4) +
                     " for the log " + origin;
  } else if (!checkpoint->text(7).empty() &&
             !verify_checkpoint(checkpoint_of(origin, *checkpoint), checkpoint->text(7), checkpoint->text(6))) {
    report.problem = "the latest checkpoint's co-signature does not verify with the auditor's key";
  } else if (size > tree.size()) {
    report.problem = "the log holds " + std::to_string(tree.size()) + " events but a checkpoint signed " +
                     std::to_string(size) + ": events at the end are missing";
  } else if (hex(tree.root(size)) != checkpoint->text(2)) {
    report.problem = "the log's first " + std::to_string(size) +
                     " events do not make the root of the signed checkpoint: the log was rewritten";
  }
  return report;
}

}  // namespace longnan::trace
