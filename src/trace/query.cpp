// EPCIS 2.0 queries (GET /api/v1/epcis/events): the standard SimpleEventQuery parameters as
// query string parameters — several values of one parameter separated by '|' or given as
// repeated parameters, all of them ORed; different parameters ANDed — answered as an
// EPCISQueryDocument, a page at a time (perPage, nextPageToken, and a Link header to the
// next page).
#include <sodium.h>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "http/json.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

constexpr int64_t kDefaultPerPage = 100;
constexpr int64_t kMaxPerPage = 1000;

core::Error query_error(const std::string& parameter, const std::string& message) {
  return core::bad_request(message, parameter);
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Every value of a parameter: repeated parameters and '|'-separated values.
std::vector<std::string> values_of(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& text : raw) {
    size_t start = 0;
    for (;;) {
      const size_t bar = text.find('|', start);
      std::string value = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (!value.empty()) out.push_back(std::move(value));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  return out;
}

// A MATCH_ value: an identifier, or a pattern (…idpat… with a trailing *, or any trailing
// *) matching every identifier it starts.
void match_clause(const std::vector<std::string>& values, std::string_view roles, std::string& where,
                  std::vector<db::Value>& params) {
  std::string alternatives;
  for (const auto& value : values) {
    if (!alternatives.empty()) alternatives += " OR ";
    if (value.ends_with("*")) {
      std::string prefix = value.substr(0, value.size() - 1);
      if (auto at = prefix.find(":idpat:"); at != std::string::npos) prefix.replace(at, 7, ":id:");
      int64_t characters = 0;  // substr counts characters on both databases
      for (unsigned char c : prefix) characters += (c & 0xC0) != 0x80;
      alternatives += "substr(value, 1, " + std::to_string(characters) + ") = :v";
      params.emplace_back(prefix);
    } else {
      alternatives += "value = :v";
      params.emplace_back(value);
    }
  }
  where += " AND e.seq IN (SELECT seq FROM trace_event_epcs WHERE role IN (" + std::string(roles) + ") AND (" +
           alternatives + "))";
}

std::string token_encode(const std::string& text) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> token_decode(const std::string& token) {
  std::string out(token.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), token.data(), token.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

// An instant as RFC 3339 in UTC with milliseconds: 2026-11-30T01:02:03.456Z.
std::string rfc3339_utc(int64_t ms) {
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(ms)));
  const year_month_day date{days};
  const int64_t in_day = ms - duration_cast<milliseconds>(days.time_since_epoch()).count();
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(in_day / 3'600'000), static_cast<int>(in_day / 60'000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return text;
}

// "key,seq,count" of a page token.
bool read_token(const std::string& text, int64_t& key, int64_t& seq, int64_t& count) {
  int64_t* fields[] = {&key, &seq, &count};
  size_t at = 0;
  for (size_t i = 0; i < 3; ++i) {
    const size_t end = i < 2 ? text.find(',', at) : text.size();
    if (end == std::string::npos) return false;
    auto [stop, error] = std::from_chars(text.data() + at, text.data() + end, *fields[i]);
    if (error != std::errc() || stop != text.data() + end) return false;
    at = end + 1;
  }
  return true;
}

// The query is put together from parts that each name their placeholders alike; the
// database binds them in order of appearance but wants distinct names: :p1, :p2, …
std::string numbered(const std::string& sql) {
  std::string out;
  int count = 0;
  bool quoted = false;
  for (size_t at = 0; at < sql.size(); ++at) {
    const char c = sql[at];
    if (c == '\'') quoted = !quoted;
    if (c == ':' && !quoted && at + 1 < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at + 1]))) {
      out += ":p" + std::to_string(++count);
      while (at + 1 < sql.size() && std::isalnum(static_cast<unsigned char>(sql[at + 1]))) ++at;
      continue;
    }
    out += c;
  }
  return out;
}

const std::set<std::string> kEventTypes{"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
                                        "AssociationEvent"};

}  // namespace

// GET /api/v1/epcis/events?…: public, as the scan page is: the events say where goods
// came from, not who bought them.
http::Response Trace::events(http::Request& request) {
  std::map<std::string, std::vector<std::string>> raw;
  for (const auto& [name, value] : request.query) raw[name].push_back(value);
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  std::string order_column = "e.seq";
  bool descending = false;
  int64_t per_page = kDefaultPerPage;
  std::optional<int64_t> count_limit, max_count;
  std::optional<std::string> token;
  auto fail = [&](const std::string& parameter, const std::string& message) {
    return http::error_response(request, query_error(parameter, message));
  };
  for (const auto& [name, given] : raw) {
    const auto values = values_of(given);
    if (values.empty() && !name.starts_with("EXISTS_")) return fail(name, name + " needs a value");
    auto single = [&]() -> std::optional<std::string> {
      return values.size() == 1 ? std::optional(values[0]) : std::nullopt;
    };
    auto integer = [&](int64_t min, int64_t max) -> std::optional<int64_t> {
      auto value = single();
      if (!value) return std::nullopt;
      auto number = parse_number(*value);
      if (!number || *number != std::floor(*number) || *number < min || *number > max) return std::nullopt;
      return static_cast<int64_t>(*number);
    };
    auto in_list = [&](const std::string& column, const std::vector<std::string>& list) {
      where += " AND " + column + " IN (" + placeholders(list.size()) + ")";
      for (const auto& value : list) params.emplace_back(value);
    };
    if (name == "eventType") {
      for (const auto& type : values)
        if (!kEventTypes.count(type)) return fail(name, "eventType must be one of the five EPCIS event types");
      in_list("e.type", values);
    } else if (name == "GE_eventTime" || name == "LT_eventTime" || name == "GE_recordTime" || name == "LT_recordTime") {
      auto time = single() ? parse_time_ms(*single()) : std::nullopt;
      if (!time) return fail(name, name + " must be one date-time with a time zone (RFC 3339)");
      where += std::string(" AND e.") + (name.ends_with("eventTime") ? "event_time" : "record_time") +
               (name.starts_with("GE") ? " >= :t" : " < :t");
      params.emplace_back(*time);
    } else if (name == "EQ_action") {
      for (const auto& action : values)
        if (action != "ADD" && action != "OBSERVE" && action != "DELETE")
          return fail(name, "EQ_action must be ADD, OBSERVE or DELETE");
      in_list("e.action", values);
    } else if (name == "EQ_bizStep" || name == "EQ_disposition") {
      std::vector<std::string> uris;
      for (const auto& value : values) {
        auto uri = name == "EQ_bizStep" ? biz_step_uri(value) : disposition_uri(value);
        if (!uri) return fail(name, name + ": " + value + " is neither a CBV value nor a URI");
        uris.push_back(*uri);
      }
      in_list(name == "EQ_bizStep" ? "e.biz_step" : "e.disposition", uris);
    } else if (name == "EQ_readPoint" || name == "EQ_bizLocation") {
      in_list(name == "EQ_readPoint" ? "e.read_point" : "e.biz_location", values);
    } else if (name == "EQ_eventID") {
      std::vector<int64_t> keys, seqs;
      for (const auto& value : values) keys.push_back(event_key(value));
      database_.with_session([&](db::Session& session) { seqs = event_seqs(session, keys); });
      where += seqs.empty() ? " AND 1=0" : " AND e.seq IN (" + placeholders(seqs.size()) + ")";
      params.insert(params.end(), seqs.begin(), seqs.end());
      in_list("e.event_id", values);
    } else if (name == "EXISTS_errorDeclaration") {
      where += " AND e.error_declaration = 1";
    } else if (name == "MATCH_epc") {
      match_clause(values, "'epc', 'child'", where, params);
    } else if (name == "MATCH_parentID") {
      match_clause(values, "'parent'", where, params);
    } else if (name == "MATCH_inputEPC") {
      match_clause(values, "'input'", where, params);
    } else if (name == "MATCH_outputEPC") {
      match_clause(values, "'output'", where, params);
    } else if (name == "MATCH_anyEPC") {
      match_clause(values, "'epc', 'parent', 'child', 'input', 'output'", where, params);
    } else if (name == "MATCH_epcClass") {
      match_clause(values, "'epc_class', 'child_class'", where, params);
    } else if (name == "MATCH_inputEPCClass") {
      match_clause(values, "'input_class'", where, params);
    } else if (name == "MATCH_outputEPCClass") {
      match_clause(values, "'output_class'", where, params);
    } else if (name == "MATCH_anyEPCClass") {
      match_clause(values, "'epc_class', 'child_class', 'input_class', 'output_class'", where, params);
    } else if (name.starts_with("EQ_bizTransaction_")) {
      const std::string type = name.substr(18);
      auto uri = type.find(':') == std::string::npos ? "https://ref.gs1.org/cbv/BTT-" + type : type;
      where += " AND e.seq IN (SELECT seq FROM trace_event_transactions WHERE type = :t AND value IN (" +
               placeholders(values.size()) + "))";
      params.emplace_back(uri);
      for (const auto& value : values) params.emplace_back(value);
    } else if (name == "EQ_type") {
      std::vector<std::string> types;
      for (const auto& value : values)
        types.push_back(value.starts_with("gs1:") ? "https://gs1.org/voc/" + value.substr(4) : value);
      where += " AND e.seq IN (SELECT seq FROM trace_event_sensors WHERE type IN (" + placeholders(types.size()) + "))";
      for (const auto& type : types) params.emplace_back(type);
    } else if (auto underscore = name.find('_'), last = name.rfind('_');
               underscore == 2 && last > 3 &&
               (name.starts_with("EQ_") || name.starts_with("GT_") || name.starts_with("GE_") ||
                name.starts_with("LT_") || name.starts_with("LE_")) &&
               std::set<std::string>{"value", "minValue", "maxValue", "meanValue"}.count(name.substr(3, last - 3))) {
      // Sensor readings in one unit: GE_value_CEL=2, LT_maxValue_CEL=8, …
      const std::string column = name.substr(3, last - 3), uom = name.substr(last + 1);
      auto number = single() ? parse_number(*single()) : std::nullopt;
      if (!number) return fail(name, name + " must be one number");
      static const std::map<std::string, std::string> kColumns{
          {"value", "value"}, {"minValue", "min_value"}, {"maxValue", "max_value"}, {"meanValue", "mean_value"}};
      static const std::map<std::string, std::string> kOperators{
          {"EQ", "="}, {"GT", ">"}, {"GE", ">="}, {"LT", "<"}, {"LE", "<="}};
      where += " AND e.seq IN (SELECT seq FROM trace_event_sensors WHERE uom = :u AND " + kColumns.at(column) + " " +
               kOperators.at(name.substr(0, 2)) + " :n)";
      params.emplace_back(uom);
      params.emplace_back(*number);
    } else if (name == "orderBy") {
      if (single() == "eventTime")
        order_column = "e.event_time";
      else if (single() == "recordTime")
        order_column = "e.record_time";
      else
        return fail(name, "orderBy must be eventTime or recordTime");
    } else if (name == "orderDirection") {
      if (single() != "ASC" && single() != "DESC") return fail(name, "orderDirection must be ASC or DESC");
      descending = single() == "DESC";
    } else if (name == "perPage") {
      auto value = integer(1, kMaxPerPage);
      if (!value) return fail(name, "perPage must be a whole number from 1 to " + std::to_string(kMaxPerPage));
      per_page = *value;
    } else if (name == "eventCountLimit" || name == "maxEventCount") {
      auto value = integer(1, INT32_MAX);
      if (!value) return fail(name, name + " must be a positive whole number");
      (name == "eventCountLimit" ? count_limit : max_count) = *value;
    } else if (name == "nextPageToken") {
      token = single();
      if (!token) return fail(name, "one nextPageToken");
    } else {
      return fail(name, "unknown query parameter " + name);
    }
  }
  if (count_limit && max_count) return fail("eventCountLimit", "give eventCountLimit or maxEventCount, not both");
  if (raw.count("orderDirection") && !raw.count("orderBy")) descending = false;
  if (raw.count("orderBy") && !raw.count("orderDirection")) descending = true;  // the standard's default
  // The page: after the token's position in the order (order key, seq), up to perPage,
  // never beyond eventCountLimit in all.
  int64_t already = 0;
  std::string page_where = where;
  std::vector<db::Value> page_params = params;
  if (token) {
    auto text = token_decode(*token);
    int64_t key = 0, seq = 0, count = 0;
    if (!text || !read_token(*text, key, seq, count))
      return fail("nextPageToken", "nextPageToken is not one this server gave");
    const std::string cmp = descending ? "<" : ">";
    page_where += " AND (" + order_column + " " + cmp + " :k OR (" + order_column + " = :k2 AND e.seq " + cmp + " :s))";
    page_params.insert(page_params.end(), {key, key, seq});
    already = count;
  }
  int64_t limit = per_page;
  if (count_limit) limit = std::min(limit, *count_limit - already);
  const std::string direction = descending ? " DESC" : " ASC";
  boost::json::array list;
  bool more = false;
  int64_t last_key = 0, last_seq = 0;
  std::optional<core::Error> too_many;
  database_.with_session([&](db::Session& session) {
    if (max_count && session.scalar(numbered("SELECT COUNT(*) FROM trace_events e" + where), params) > *max_count) {
      too_many = core::Error{core::ErrorCode::kPayloadTooLarge, "the query matches more than maxEventCount events",
                             "maxEventCount"};
      return;
    }
    if (limit <= 0) return;
    auto rows = session.query(
        numbered("SELECT e.json, " + order_column + ", e.seq FROM trace_events e" + page_where + " ORDER BY " +
                 order_column + direction + ", e.seq" + direction + " LIMIT " + std::to_string(limit + 1)),
        page_params);
    more = static_cast<int64_t>(rows.size()) > limit;
    if (more) rows.pop_back();
    for (const auto& row : rows) {
      list.push_back(boost::json::parse(row.text(0)));
      last_key = row.integer(1);
      last_seq = row.integer(2);
    }
  });
  if (too_many) return http::error_response(request, *too_many);
  const int64_t delivered = already + static_cast<int64_t>(list.size());
  if (count_limit && delivered >= *count_limit) more = false;
  boost::json::object document{
      {"@context", boost::json::array{std::string(kEpcisContext)}},
      {"type", "EPCISQueryDocument"},
      {"schemaVersion", "2.0"},
      {"creationDate", rfc3339_utc(clock_.now_ms())},
      {"epcisBody", boost::json::object{
                        {"queryResults",
                         boost::json::object{{"queryName", "SimpleEventQuery"},
                                             {"resultsBody", boost::json::object{{"eventList", std::move(list)}}}}}}}};
  auto response = http::json_response(document);
  response.content_type = "application/ld+json";
  if (more) {
    const std::string next =
        token_encode(std::to_string(last_key) + "," + std::to_string(last_seq) + "," + std::to_string(delivered));
    std::string url = "/api/v1/epcis/events?";
    for (const auto& [name, value] : request.query)
      if (name != "nextPageToken") url += percent_encode(name) + "=" + percent_encode(value) + "&";
    url += "nextPageToken=" + next;
    response.headers.emplace_back("Link", "<" + url + ">; rel=\"next\"");
    response.headers.emplace_back("GS1-Next-Page-Token", next);
  }
  response.headers.emplace_back("GS1-EPCIS-Version", "2.0.0");
  return response;
}

// GET /api/v1/epcis/events/{eventID}: one event (the id percent-encoded in the path).
http::Response Trace::event(http::Request& request) {
  const std::string id(request.path_param("event_id"));
  std::optional<std::string> json;
  database_.with_session([&](db::Session& session) {
    // The event as recorded (its correction, when declared in error, is found with EQ_eventID).
    if (auto seq = find_event(session, id))
      json = session.query_one("SELECT json FROM trace_events WHERE seq = :s", {*seq})->text(0);
  });
  if (!json) return http::error_response(request, core::not_found("no such event"));
  auto response = http::json_response(boost::json::parse(*json));
  response.content_type = "application/ld+json";
  return response;
}

}  // namespace longnan::trace
