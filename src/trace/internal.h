// Shared inside the trace module only.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "db/db.h"
#include "trace/merkle.h"

namespace longnan::trace {

// The log's leaf for a stored event: SHA-256(0x00 ‖ the 32 bytes its hash URI names,
// "ni:///sha-256;<hex>?ver=CBV2.0").
Hash leaf_of(std::string_view hash_uri);

// An instant as RFC 3339 in Asia/Shanghai: 2026-11-30T09:00:00.000+08:00.
std::string local_time_text(int64_t ms);

// Validates one event built here (from a form) and stores it in the caller's transaction;
// returns its id.
core::Result<std::string> record_event(db::Session& session, boost::json::object event, std::optional<int64_t> platform,
                                       int64_t now_ms);

// A list of `count` distinct placeholders for SQL's IN (…): ":p1, :p2, …".
std::string placeholders(size_t count);

// RFC 3986 percent-encoding of a path segment (GS1 Digital Link values).
std::string percent_encode(std::string_view text);

// The printed code's URI: <base>/01/<gtin>/10/<lot>[/21/<serial>].
std::string digital_link(const std::string& base, const std::string& gtin, const std::string& lot,
                         const std::string& serial);

// A producer's name on public pages and labels, masked unless they chose to show it:
// 王小明 → 王**; 成县红川镇花椒合作社 → 成县*****合作社.
std::string masked_name(const std::string& name, bool household);

// Our own identifiers of places events happen at: urn:longnan:plot:12, urn:longnan:village:621221100201.
inline std::string place_uri(std::string_view kind, const std::string& id) {
  return "urn:longnan:" + std::string(kind) + ":" + id;
}

}  // namespace longnan::trace
