// EPCIS 2.0 JSON / JSON-LD documents (GS1 EPCIS 2.0, CBV 2.0): validation of a captured
// EPCISDocument event by event, the normalised fields the query interface filters on, and
// the CBV 2.0 canonical event hash that identifies each event and is a leaf of the
// tamper-evident log. Pure: no database, no network (the JSON-LD context is never
// fetched: both context URLs in use are known, and extension namespaces are read as given).
// Thread-safety: plain functions over values.
#pragma once

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace longnan::trace {

// The two context URLs in use for EPCIS 2.0 (with and without the version).
inline constexpr std::string_view kEpcisContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
inline constexpr std::string_view kEpcisContextLatest = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

// What capture accepts at most; larger documents are refused whole (413).
struct CaptureLimits {
  size_t max_events = 10'000;
  size_t max_bytes = 16 << 20;
};

// Where a document failed validation: the index of the first bad event in
// epcisBody.eventList (-1 for the document itself), the JSON path of the field within it
// (e.g. "action", "quantityList[0].quantity", "sensorElementList[1].sensorReport[0].time",
// "ilmd.materialType" for a key that may not be there; for the document: "@context",
// "@context[1]", "epcisBody.eventList", or empty when the body is not JSON or too large)
// and a sentence. validate_event reports index 0.
struct CaptureError {
  int64_t index = -1;
  std::string field;
  std::string message;
  bool too_large = false;  // the limits were exceeded (413, not 400)
};

// Namespace prefixes declared in a JSON-LD @context, in order: ("example",
// "https://ns.example.com/epcis/"). Extension fields are written "example:myField".
using Namespaces = std::vector<std::pair<std::string, std::string>>;

// The role in which an event names an instance-level identifier or a class.
enum class EpcRole {
  kEpc,     // epcList / quantityList (Object, Transaction events)
  kParent,  // parentID (Aggregation, Transaction, Association)
  kChild,   // childEPCs / childQuantityList (Aggregation, Association)
  kInput,   // inputEPCList / inputQuantityList (Transformation)
  kOutput,  // outputEPCList / outputQuantityList (Transformation)
};

// An identifier as written (EPC URN, GS1 Digital Link URI or another URI).
struct EpcRef {
  EpcRole role;
  std::string value;
};

struct ClassRef {
  EpcRole role;
  std::string epc_class;
  std::optional<double> quantity;
  std::string uom;
};

// One sensor report of a sensorElement, with what its element's metadata says.
struct SensorValue {
  std::string type;  // full URI: gs1:Temperature → https://gs1.org/voc/Temperature
  std::optional<double> value, min_value, max_value, mean_value;
  std::string uom;
  std::optional<int64_t> time_ms;  // the report's time, else the metadata's
  std::string device_id;
};

// A validated event, and what queries filter on.
struct Event {
  std::string type;           // ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent
  std::string event_id;       // as captured; the hash when the document gave none
  std::string hash;           // ni:///sha-256;<64 lowercase hex>?ver=CBV2.0
  int64_t event_time_ms = 0;  // UTC
  std::string time_zone_offset;          // "+08:00"
  std::string action;                    // ADD, OBSERVE, DELETE; empty for TransformationEvent
  std::string biz_step;                  // full URI: commissioning → https://ref.gs1.org/cbv/BizStep-commissioning
  std::string disposition;               // full URI: in_transit → https://ref.gs1.org/cbv/Disp-in_transit
  std::string read_point, biz_location;  // their id
  std::vector<EpcRef> epcs;
  std::vector<ClassRef> classes;
  std::vector<std::pair<std::string, std::string>> biz_transactions;  // (type as full URI or "", value)
  std::vector<SensorValue> sensors;
  bool error_declaration = false;
  std::vector<std::string> corrective_event_ids;
  // The extension prefixes in force for the event (the document's @context, then the
  // event's own), to be declared again in the @context of a query document that returns it.
  Namespaces namespaces;
  boost::json::object json;  // the event as captured, "eventID" set to event_id
  // What storing the event needs that does not depend on what is stored already, worked
  // out by trace::prepare_events before the transaction: SQLite's one writer thread is
  // the bottleneck of captures, and these are done on the request's thread instead.
  struct Prepared {
    int64_t key = 0;                     // trace::event_key(event_id)
    std::array<unsigned char, 32> leaf;  // its leaf hash in the log
    std::string text;                    // json, serialized
  };
  std::optional<Prepared> prepared;
};

struct CaptureResult {
  std::vector<Event> events;
  std::optional<CaptureError> error;  // set: nothing is to be stored
};

// Parses and validates an EPCISDocument (`body` as received): the document's type and
// @context (one of the two context URLs, alone or in an array with extension namespace
// objects), schemaVersion, creationDate, and every event: its type; required fields per
// type (eventTime as RFC 3339 with a time-zone offset, eventTimeZoneOffset ±hh:mm, action
// ADD/OBSERVE/DELETE where required, what it names — epcList/quantityList, parentID, …);
// URIs where URIs are required; bizStep, disposition, source/destination and
// bizTransaction types as CBV 2.0 bare words or absolute URIs; quantities as numbers;
// sensor reports; errorDeclaration; extension fields only with a namespace prefix. Stops
// at the first bad event.
// The body is parsed with a nesting limit (deeper JSON is refused, never recursed into) and
// must be valid UTF-8. An EPCISQueryDocument is refused (field "type"): capture takes only
// EPCISDocument. Event types other than the five (the schema's URI-typed extension events)
// are refused too. A body over limits.max_bytes or with more than limits.max_events events
// gives too_large.
CaptureResult parse_document(std::string_view body, const CaptureLimits& limits = {});

// The same checks for an EPCISQueryDocument (what the query interface answers): its events
// are epcisBody.queryResults.resultsBody.eventList, and error indices count in that list.
// For reading back and comparing query results; capture never takes these.
CaptureResult parse_query_document(std::string_view body, const CaptureLimits& limits = {});

// Validates one bare event object (for forms that build events, and single-event capture).
// The event's own @context, when present, must use the known context URLs and gives the
// extension prefixes; without one, none are known. Fills `out` (out.json is a copy).
std::optional<CaptureError> validate_event(const boost::json::object& event, Event& out);

// The CBV 2.0 canonical event hash (GS1 CBV 2.0 §8.9, "event hash ID", as the reference
// implementation RalphTro/epcis-event-hash-generator computes it for CBV 2.0): the pre-hash
// string of the event's fields in the standard's order and normal form, SHA-256, as
// "ni:///sha-256;<64 lowercase hex>?ver=CBV2.0". Equal for events equal up to field order,
// list order, time-zone spelling of times, bare-word/CURIE/URN/URI spelling of CBV values,
// and EPC URN / GS1 Digital Link spelling of identifiers. recordTime, eventID,
// certificationInfo and errorDeclaration are not part of it: an error declaration (the
// original event repeated with an errorDeclaration) has the hash of the event it declares
// erroneous, which is how it names that event.
// DO NOT CHANGE the pre-hash rules: the hash is stored as eventID and as a Merkle log leaf.
// `namespaces` are the extension prefixes in force (Event::namespaces); the one-argument
// form reads them from the event's own @context.
std::string event_hash(const boost::json::object& event, const Namespaces& namespaces);
std::string event_hash(const boost::json::object& event);
// The pre-hash string itself (what event_hash digests), for tests and for explaining a hash.
std::string pre_hash(const boost::json::object& event, const Namespaces& namespaces);

// The string-valued prefix declarations of a JSON-LD @context (a string, an object or an
// array of both); context URLs and term definitions that are objects are skipped.
Namespaces context_namespaces(const boost::json::value& context);

// An RFC 3339 date-time with a time-zone offset ("Z" or ±hh:mm; the schema's format
// "date-time"), as UTC epoch milliseconds; a fourth fractional digit of 5-9 rounds up.
// nullopt when malformed, without an offset, or not a calendar date.
std::optional<int64_t> parse_time_ms(std::string_view text);

// The vocabularies whose standard values EPCIS 2.0 JSON writes as bare words.
enum class Vocabulary {
  kBizStep,                // commissioning → https://ref.gs1.org/cbv/BizStep-commissioning
  kDisposition,            // in_transit → https://ref.gs1.org/cbv/Disp-in_transit
  kBizTransactionType,     // po → https://ref.gs1.org/cbv/BTT-po
  kSourceDestinationType,  // owning_party → https://ref.gs1.org/cbv/SDT-owning_party
  kErrorReason,            // incorrect_data → https://ref.gs1.org/cbv/ER-incorrect_data
  kComponent,              // x → https://ref.gs1.org/cbv/Comp-x
  kMeasurementType,        // Temperature → https://gs1.org/voc/Temperature
  kSensorAlertType,        // ALARM_CONDITION → https://gs1.org/voc/ALARM_CONDITION
};

// The full URI of a bare word as the EPCIS 2.0 context expands it; nullopt when `word` is
// not one of the vocabulary's words (the lists are the CBV 2.0 ones in the EPCIS 2.0 schema).
std::optional<std::string> bare_word_uri(Vocabulary vocabulary, std::string_view word);

// CBV 2.0 vocabulary: the full URI of a bare word (or the URI itself when already one; the
// CURIE cbv:BizStep-x and the EPCIS 1.x URN urn:epcglobal:cbv:bizstep:x become
// https://ref.gs1.org/cbv/BizStep-x); nullopt when it is neither a known bare word nor an
// absolute URI. For query parameters: capture itself refuses the URN forms, as the schema does.
std::optional<std::string> biz_step_uri(std::string_view value);
std::optional<std::string> disposition_uri(std::string_view value);

}  // namespace longnan::trace
