// Traceability (一码追溯): lots of the goods (批次) and their plots, the EPCIS 2.0 events
// recorded about them from field to table (capture and query, GS1 EPCIS 2.0 REST style), the
// tamper-evident log those events form (each event's CBV 2.0 hash a leaf of an append-only
// Merkle tree, in the order recorded), and the GS1 Digital Link resolver behind every
// printed code (/01/{gtin}/10/{lot}[/21/{serial}]).
//
// Thread-safety: Trace may be used from any thread. Captures are serialised (SQLite's one
// writer; a transaction-scoped advisory lock on PostgreSQL), so the log's leaves get
// consecutive indices in commit order whichever server records them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"
#include "http/http.h"
#include "trace/epcis.h"
#include "trace/merkle.h"

namespace longnan::trace {

struct Options {
  // Scheme and host of the printed codes' Digital Link URIs, e.g. https://trace.longnan.gov.cn.
  std::string public_base = "http://localhost:8080";
  CaptureLimits limits;
  // The key checkpoints are signed with (derived from the server's key file); none: the
  // server publishes no checkpoints.
  std::optional<SigningKey> signing_key;
  int64_t checkpoint_interval_ms = 60'000;
  // A serial scanned more often than this in a day looks copied.
  int64_t scans_per_day_suspect = 20;
};

// The log's name in its checkpoints: the public host and /trace.
std::string log_origin(const std::string& public_base);

// The 64-bit key events are looked up by instead of their eventID (an index of long random
// URIs is several times larger, and each capture rewrote a page of it per event): the first
// eight bytes of the SHA-256 of the eventID, big-endian. Lookups compare the eventID too.
// How the keys are kept: src/trace/keys.cpp.
int64_t event_key(std::string_view event_id);

// Fills event_key for the events recorded before trace_events had the column (migration 16).
void fill_event_keys(db::Session& session);

// The seqs of the events recorded under these keys, ascending: candidates, whose eventIDs the
// caller compares (two eventIDs may share a key).
std::vector<int64_t> event_seqs(db::Session& session, const std::vector<int64_t>& keys);

// The event recorded under this eventID (its first record, not a correction of it).
std::optional<int64_t> find_event(db::Session& session, const std::string& event_id);

// SQLite: merges the keys of the events recorded since the last merge into the sorted keys
// when there are at least `at_least` of them (by default: as many as keys.cpp says are
// worth a merge); whether it did. Nothing to do on PostgreSQL.
bool merge_event_keys(db::Session& session, std::optional<int64_t> at_least = std::nullopt);

// Fills each event's `prepared` (its key, leaf hash and JSON text). store_events does it
// for those that have none; callers with many events do it before their transaction.
void prepare_events(std::vector<Event>& events);

// Stores validated events in the caller's transaction: each gets the next leaf of the log
// (and the log's root after it), its identifiers, transactions and sensor readings indexed
// for queries, and the lots it names. An event whose eventID is already recorded with the
// same hash is skipped (a capture sent twice); with another hash it is a conflict (409).
// Returns the event ids, in order.
core::Result<std::vector<std::string>> store_events(db::Session& session, std::vector<Event>& events,
                                                    std::optional<int64_t> platform_id, int64_t now_ms);

// A new lot of a SKU (with a GTIN) and its harvest, recorded as the lot's commissioning
// event: lot_number empty for the next free one (YYYYMMDD-n), `serials` items numbered
// <lot>.1, <lot>.2, …
struct NewLot {
  int64_t sku_id = 0;
  std::optional<int64_t> plot_id;
  std::string lot_number;
  std::string harvest_date;  // YYYY-MM-DD
  double quantity = 0;
  std::string unit = "KGM";
  std::string certificate;
  int64_t serials = 0;
  std::optional<int64_t> created_by;
};
core::Result<int64_t> create_lot(db::Session& session, const NewLot& lot, int64_t now_ms);

// A production record on a lot (the body of POST /api/v1/lots/{id}/records: kind, date and
// the kind's fields) recorded as one event: {event_id, event, warnings, alert}.
core::Result<boost::json::object> record_production(db::Session& session, int64_t lot_id,
                                                    const boost::json::object& record, int64_t now_ms);

// Assigns a lot to the items of packed orders that have none (the SKU's newest active lot)
// and records the lot's shipping event with the order; returns how many items it assigned.
int assign_lots(db::Database& database, int64_t now_ms);

// The canonical Digital Link identifiers of a lot and of one of its items (GS1's
// id.gs1.org form, as events name them).
std::string lot_class_uri(const std::string& gtin, const std::string& lot_number);
std::string item_uri(const std::string& gtin, const std::string& serial);

// What `longnan trace verify` found: the events read, and the first problem (empty when the
// log is whole): an altered event (its content no longer hashes to its recorded hash), a
// missing leaf, a leaf where the log departs from the root recorded when it was appended
// (an event reordered, replaced or slipped in), or a log that differs from its latest signed
// checkpoint or a checkpoint whose signature does not verify.
struct VerifyReport {
  uint64_t events = 0;
  std::string problem;
  std::string checkpoint;  // what the latest checkpoint said, when there is one
};
// `origin` names the log in its checkpoints (log_origin of the public URL).
VerifyReport verify_log(db::Database& database, const std::string& origin,
                        const std::function<void(uint64_t)>& progress = {});

class Trace {
 public:
  Trace(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options);
  ~Trace();
  void register_routes(http::Router& router);
  // Starts the background thread: it records scans (a moment after they are answered) and
  // signs a checkpoint of the log every interval when it has grown.
  void start_background();
  // Records the scans answered so far (for tests and the background thread).
  void flush_scans();
  // Signs a checkpoint now if the log grew since the last one; false when it did not.
  bool checkpoint_once();

 private:
  http::Response capture(http::Request& request);
  http::Response capture_limits(http::Request& request);
  http::Response events(http::Request& request);
  http::Response event(http::Request& request);
  http::Response create_lot(http::Request& request);
  http::Response list_lots(http::Request& request);
  http::Response get_lot(http::Request& request);
  http::Response add_record(http::Request& request);
  http::Response list_plots(http::Request& request);
  http::Response recall_list(http::Request& request);
  http::Response recall(http::Request& request);
  http::Response my_recall_notices(http::Request& request);
  http::Response order_lots(http::Request& request);
  http::Response lot_qr(http::Request& request);
  http::Response lot_labels(http::Request& request);
  http::Response list_alerts(http::Request& request);
  http::Response resolve_alert(http::Request& request);
  http::Response consume_items(http::Request& request);
  http::Response create_plot(http::Request& request);
  http::Response resolve(http::Request& request);
  http::Response latest_checkpoint(http::Request& request);
  http::Response cosign_checkpoint(http::Request& request);
  http::Response proof(http::Request& request);
  // The latest checkpoint (id, size, root hex, time, key, signature, cosigner, cosignature).
  std::optional<boost::json::object> latest_checkpoint_json(db::Session& session);
  // Inclusion proofs of `leaves` to the tree of `size` leaves, the tree synced from the
  // database first.
  std::vector<std::vector<Hash>> inclusion_proofs(db::Session& session, const std::vector<uint64_t>& leaves,
                                                  uint64_t size);
  // Reads the log's leaves into tree_ until it has `size` (or the log ends), a chunk at a
  // time. REQUIRES: tree_mutex_ held.
  void grow_tree(db::Session& session, uint64_t size);
  // Grows tree_ by a chunk towards the latest checkpoint; whether there is no more to read.
  bool follow_checkpoints();

  db::Database& database_;
  const core::Clock& clock_;
  const core::FieldCipher& cipher_;  // buyers' phones, for recall lists
  Options options_;
  // Scans answered and not yet recorded.
  struct Scan {
    int64_t lot_id, platform_id;
    std::string serial, place;
    int64_t at;
    std::optional<std::string> alert;  // scanned_often or scanned_after_consumed
  };
  std::mutex scans_mutex_;
  std::vector<Scan> pending_scans_;
  // The batches of scans flush_scans has taken, kept a while after they are written: a scan
  // page whose read of the day's count was made before a batch's write committed counts
  // that batch here (trace_scan_flushes tells it which batches its read includes).
  struct ScanBatch {
    int64_t number;
    std::vector<Scan> scans;
    int64_t written_at;  // INT64_MAX while being written
  };
  std::deque<ScanBatch> scan_batches_;  // the newest last
  int64_t scan_batches_taken_ = 0;
  std::mutex flush_mutex_;                          // one flush_scans at a time
  const std::string server_ = core::random_hex(8);  // this process, in trace_scan_flushes
  std::mutex tree_mutex_;
  MerkleTree tree_;  // the log's leaves read so far, for proofs
  std::thread background_;
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
};

}  // namespace longnan::trace
