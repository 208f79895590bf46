// Recording events: the next leaves of the log, the indexes queries use, the lots each
// event is about.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <sstream>

#include "trace/internal.h"
#include "trace/merkle.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

// The log's frontier: the root of each complete subtree, by height (a binary counter of
// the size). The root of the whole log folds them from the lowest up (RFC 6962's split
// at the largest power of two puts the bigger subtrees on the left).
struct Frontier {
  uint64_t size = 0;
  std::vector<std::optional<Hash>> levels;

  void append(Hash node) {
    for (size_t level = 0;; ++level) {
      if (level == levels.size()) levels.emplace_back();
      if (!levels[level]) {
        levels[level] = node;
        break;
      }
      node = node_hash(*levels[level], node);
      levels[level].reset();
    }
    ++size;
  }
  Hash root() const {
    std::optional<Hash> acc;
    for (const auto& level : levels)
      if (level) acc = acc ? node_hash(*level, *acc) : *level;
    return acc ? *acc : MerkleTree().root(0);
  }
  std::string text() const {
    std::string out;
    for (size_t level = 0; level < levels.size(); ++level) {
      if (level) out += ',';
      if (levels[level]) out += hex(*levels[level]);
    }
    return out;
  }
  static Frontier parse(uint64_t size, const std::string& text) {
    Frontier frontier;
    frontier.size = size;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, ',');)
      frontier.levels.push_back(part.empty() ? std::nullopt : from_hex(part));
    if (!text.empty() && text.back() == ',') frontier.levels.emplace_back();
    return frontier;
  }
};

std::string_view role_name(EpcRole role, bool is_class) {
  switch (role) {
    case EpcRole::kEpc:
      return is_class ? "epc_class" : "epc";
    case EpcRole::kParent:
      return "parent";
    case EpcRole::kChild:
      return is_class ? "child_class" : "child";
    case EpcRole::kInput:
      return is_class ? "input_class" : "input";
    case EpcRole::kOutput:
      return is_class ? "output_class" : "output";
  }
  return "epc";
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A GTIN-14 from a GS1 company prefix and item reference with its indicator digit in
// front (EPC URN form), with the check digit worked out.
std::string gtin_of(std::string_view company_prefix, std::string_view item_reference) {
  if (item_reference.empty()) return "";
  std::string digits =
      std::string(1, item_reference[0]) + std::string(company_prefix) + std::string(item_reference.substr(1));
  if (digits.size() != 13) return "";
  int sum = 0;
  for (size_t i = 0; i < 13; ++i) sum += (digits[i] - '0') * (i % 2 == 0 ? 3 : 1);
  return digits + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// What a lot-level or item-level identifier names: (gtin, lot) or (gtin, serial).
struct Named {
  std::string gtin, lot, serial;
};
std::optional<Named> named_by(const std::string& uri) {
  Named named;
  if (uri.starts_with("urn:epc:class:lgtin:") || uri.starts_with("urn:epc:id:sgtin:")) {
    const bool lot = uri.starts_with("urn:epc:class:lgtin:");
    std::string rest = uri.substr(lot ? 20 : 17);
    const auto first = rest.find('.'), second = rest.find('.', first + 1);
    if (first == std::string::npos || second == std::string::npos) return std::nullopt;
    named.gtin =
        gtin_of(std::string_view(rest).substr(0, first), std::string_view(rest).substr(first + 1, second - first - 1));
    (lot ? named.lot : named.serial) = percent_decode(rest.substr(second + 1));
    return named.gtin.empty() ? std::nullopt : std::optional(named);
  }
  const auto at = uri.find("/01/");
  if (at == std::string::npos || !(uri.starts_with("https://") || uri.starts_with("http://"))) return std::nullopt;
  // Its path as (AI, value) pairs: /01/<gtin>/10/<lot>, /01/<gtin>/21/<serial>, …
  std::vector<std::string_view> parts;
  for (std::string_view path = std::string_view(uri).substr(at + 1); !path.empty();) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    const std::string value = percent_decode(parts[i + 1].substr(0, parts[i + 1].find('?')));
    if (parts[i] == "01") named.gtin = std::string(14 - std::min<size_t>(14, value.size()), '0') + value;
    if (parts[i] == "10") named.lot = value;
    if (parts[i] == "21") named.serial = value;
  }
  if (named.gtin.size() != 14 || (named.lot.empty() && named.serial.empty())) return std::nullopt;
  return named;
}

}  // namespace

std::string placeholders(size_t count) {
  std::string list;
  for (size_t index = 1; index <= count; ++index) list += (index > 1 ? ", :p" : ":p") + std::to_string(index);
  return list;
}

// RFC 3986 percent-encoding of a path segment (GS1 Digital Link values).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string lot_class_uri(const std::string& gtin, const std::string& lot_number) {
  return "https://id.gs1.org/01/" + gtin + "/10/" + percent_encode(lot_number);
}
std::string item_uri(const std::string& gtin, const std::string& serial) {
  return "https://id.gs1.org/01/" + gtin + "/21/" + percent_encode(serial);
}

void prepare_events(std::vector<Event>& events) {
  for (auto& event : events)
    if (!event.prepared)
      event.prepared =
          Event::Prepared{event_key(event.event_id), leaf_of(event.hash), boost::json::serialize(event.json)};
}

core::Result<std::vector<std::string>> store_events(db::Session& session, std::vector<Event>& events,
                                                    std::optional<int64_t> platform_id, int64_t now_ms) {
  // One capture at a time: the state row is the lock (SQLite: its one writer already is).
  auto state = session.query_one(std::string("SELECT size, frontier FROM trace_log_state WHERE id = 1") +
                                 (session.dialect() == db::Dialect::kPostgres ? " FOR UPDATE" : ""));
  Frontier frontier = Frontier::parse(static_cast<uint64_t>(state->integer(0)), state->text(1));
  std::vector<std::string> ids;
  std::map<std::string, std::optional<int64_t>> lots;  // identifier → lot, within this capture
  std::map<std::string, bool> gtins;                   // GTIN → whether it has lots at all
  auto lot_of = [&](const std::string& uri) -> std::optional<int64_t> {
    auto [found, fresh] = lots.try_emplace(uri);
    if (!fresh) return found->second;
    auto named = named_by(uri);
    if (!named) return std::nullopt;
    auto [known, unseen] = gtins.try_emplace(named->gtin, false);
    if (unseen)
      known->second = session.query_one("SELECT id FROM lots WHERE gtin = :g LIMIT 1", {named->gtin}).has_value();
    if (!known->second) return std::nullopt;  // goods nobody made a lot of here: no lookup per item
    std::optional<db::Row> row;
    if (!named->lot.empty())
      row = session.query_one("SELECT id FROM lots WHERE gtin = :g AND lot_number = :l", {named->gtin, named->lot});
    else
      row = session.query_one(
          "SELECT l.id FROM lot_items i JOIN lots l ON l.id = i.lot_id WHERE l.gtin = :g AND i.serial = :s",
          {named->gtin, named->serial});
    if (row) found->second = row->integer(0);
    return found->second;
  };
  // The events recorded already, found by their keys: an eventID is recorded once, and once
  // more with an errorDeclaration (its correction, which hashes as the original does). The
  // same event sent again changes nothing; other content under its id is a conflict.
  prepare_events(events);
  std::vector<int64_t> keys;
  keys.reserve(events.size());
  for (const auto& event : events) keys.push_back(event.prepared->key);
  std::map<std::pair<std::string, bool>, std::string> recorded;
  const std::vector<int64_t> seqs = event_seqs(session, keys);
  for (size_t from = 0; from < seqs.size(); from += 100) {
    const std::vector<db::Value> params(seqs.begin() + from, seqs.begin() + std::min(seqs.size(), from + 100));
    // Keys of other eventIDs may come back too (64 bits collide, rarely): the ids decide.
    for (const auto& row : session.query("SELECT event_id, error_declaration, hash FROM trace_events WHERE seq IN (" +
                                             placeholders(params.size()) + ")",
                                         params))
      recorded[{row.text(0), row.integer(1) != 0}] = row.text(2);
  }
  for (size_t index = 0; index < events.size(); ++index) {
    auto& event = events[index];
    if (auto known = recorded.find({event.event_id, event.error_declaration}); known != recorded.end()) {
      if (known->second != event.hash)
        return core::conflict("event " + event.event_id + " is recorded already with other content", "eventID");
      ids.push_back(event.event_id);
      continue;
    }
    recorded[{event.event_id, event.error_declaration}] = event.hash;  // twice in one document
    const uint64_t leaf = frontier.size;
    frontier.append(event.prepared->leaf);
    const int64_t seq = session.insert(
        "INSERT INTO trace_events (leaf, event_id, id_key, hash, root, type, event_time, record_time, action, "
        "biz_step, disposition, read_point, biz_location, error_declaration, platform_id, json) VALUES (:l, :e, :k, "
        ":h, :r, :t, :et, :rt, :a, :b, :d, :rp, :bl, :ed, :p, :j) RETURNING seq",
        {static_cast<int64_t>(leaf), event.event_id, keys[index], event.hash, hex(frontier.root()), event.type,
         event.event_time_ms, now_ms, event.action, event.biz_step, event.disposition, event.read_point,
         event.biz_location, int64_t{event.error_declaration}, platform_id ? db::Value(*platform_id) : db::Value(),
         event.prepared->text});
    std::vector<int64_t> event_lots;
    auto index_value = [&](std::string_view role, const std::string& value) {
      // An event may name the same identifier twice: it is found once.
      session.exec("INSERT INTO trace_event_epcs (seq, role, value) VALUES (:s, :r, :v) ON CONFLICT DO NOTHING",
                   {seq, std::string(role), value});
      if (auto lot = lot_of(value); lot && std::find(event_lots.begin(), event_lots.end(), *lot) == event_lots.end())
        event_lots.push_back(*lot);
    };
    for (const auto& epc : event.epcs) index_value(role_name(epc.role, false), epc.value);
    for (const auto& item : event.classes) index_value(role_name(item.role, true), item.epc_class);
    for (int64_t lot : event_lots)
      session.exec("INSERT INTO trace_event_lots (lot_id, seq) VALUES (:l, :s)", {lot, seq});
    for (const auto& [type, value] : event.biz_transactions)
      session.exec("INSERT INTO trace_event_transactions (seq, type, value) VALUES (:s, :t, :v) ON CONFLICT DO NOTHING",
                   {seq, type, value});
    auto number = [](const std::optional<double>& value) { return value ? db::Value(*value) : db::Value(); };
    for (const auto& sensor : event.sensors)
      session.exec(
          "INSERT INTO trace_event_sensors (seq, type, value, min_value, max_value, mean_value, uom, time) VALUES "
          "(:s, :t, :v, :mi, :ma, :me, :u, :ti)",
          {seq, sensor.type, number(sensor.value), number(sensor.min_value), number(sensor.max_value),
           number(sensor.mean_value), sensor.uom, sensor.time_ms ? db::Value(*sensor.time_ms) : db::Value()});
    ids.push_back(event.event_id);
  }
  session.exec("UPDATE trace_log_state SET size = :s, frontier = :f WHERE id = 1",
               {static_cast<int64_t>(frontier.size), frontier.text()});
  merge_event_keys(session);
  return ids;
}

}  // namespace longnan::trace
