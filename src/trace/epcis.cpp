// EPCIS 2.0 document and event validation. The rules are the EPCIS 2.0 JSON schema's
// (GS1 EPCIS-JSON-Schema.json and its 2.0.1 revision, whichever accepts more), written out
// as one pass over each event's members instead of a generic schema engine:
// - every event has eventTime (RFC 3339 with an offset) and eventTimeZoneOffset (±hh:mm);
// - each type allows its own fields; any other key must be a URI ("ex:field" or a full
//   URI: the schema's propertyNames), and then its content is free;
// - values are URIs where the schema says format "uri", CBV values are bare words of the
//   CBV 2.0 lists or URIs outside the CBV namespaces (vocab-other-uri), numbers are finite
//   JSON numbers;
// - what an event must name: epcList / quantityList / sensor data at a readPoint for an
//   ObjectEvent, children or DELETE for Aggregation and Association, inputs and outputs or
//   a transformationID for a TransformationEvent.
// The first fault stops the check and is reported with the event's index and the JSON path
// of the field.
#include "trace/epcis.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace longnan::trace {
namespace {

namespace json = boost::json;

// Deeper JSON is refused by the parser, so nothing below recurses without bound.
constexpr int kMaxDepth = 64;

// ---------------------------------------------------------------------------------------
// Vocabularies: the CBV 2.0 bare words of the EPCIS 2.0 JSON schema, sorted for lookup.

// clang-format off
constexpr std::string_view kBizSteps[] = {"accepting", "arriving", "assembling", "collecting", "commissioning",
    "consigning", "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
    "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting", "installing", "killing",
    "loading", "other", "packing", "picking", "receiving", "removing", "repackaging", "repairing", "replacing",
    "reserving", "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound", "stock_taking",
    "stocking", "storing", "transporting", "unloading", "unpacking", "void_shipping"};
constexpr std::string_view kDispositions[] = {"active", "available", "completeness_inferred", "completeness_verified",
    "conformant", "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded",
    "expired", "in_progress", "in_transit", "inactive", "mismatch_class", "mismatch_instance", "mismatch_quantity",
    "needs_replacement", "no_pedigree_match", "non_conformant", "non_sellable_other", "partially_dispensed",
    "recalled", "reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
    "unavailable", "unknown"};
constexpr std::string_view kBizTransactionTypes[] = {"bol", "cert", "desadv", "inv", "pedigree", "po", "poc",
    "prodorder", "recadv", "rma", "testprd", "testres", "upevt"};
constexpr std::string_view kSourceDestinationTypes[] = {"location", "owning_party", "possessing_party"};
constexpr std::string_view kErrorReasons[] = {"did_not_occur", "incorrect_data"};
constexpr std::string_view kComponents[] = {"altitude", "axial_distance", "azimuth", "easting", "elevation_angle",
    "height", "latitude", "longitude", "northing", "polar_angle", "spherical_radius", "x", "y", "z"};
constexpr std::string_view kMeasurementTypes[] = {"AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate",
    "Acceleration", "Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration",
    "AngularMomentum", "AngularVelocity", "Area", "Capacitance", "Conductance", "Conductivity", "Count", "Density",
    "Dimensionless", "DoseEquivalent", "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
    "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency", "Illuminance",
    "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance", "LuminousFlux",
    "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass",
    "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
    "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity", "Radioactivity",
    "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity",
    "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction",
    "VolumetricFlux", "Wavenumber"};
constexpr std::string_view kSensorAlertTypes[] = {"ALARM_CONDITION", "ERROR_CONDITION"};
// clang-format on

template <size_t N>
constexpr bool sorted(const std::string_view (&words)[N]) {
  return std::is_sorted(std::begin(words), std::end(words));
}
static_assert(sorted(kBizSteps) && sorted(kDispositions) && sorted(kBizTransactionTypes) &&
              sorted(kSourceDestinationTypes) && sorted(kErrorReasons) && sorted(kComponents) &&
              sorted(kMeasurementTypes) && sorted(kSensorAlertTypes));

template <size_t N>
bool contains(const std::string_view (&words)[N], std::string_view word) {
  return std::binary_search(std::begin(words), std::end(words), word);
}

struct VocabularyInfo {
  bool (*is_word)(std::string_view);
  std::string_view uri_prefix;  // what the EPCIS 2.0 context puts before the bare word
};

VocabularyInfo info(Vocabulary vocabulary) {
  switch (vocabulary) {
    case Vocabulary::kBizStep:
      return {[](std::string_view w) { return contains(kBizSteps, w); }, "https://ref.gs1.org/cbv/BizStep-"};
    case Vocabulary::kDisposition:
      return {[](std::string_view w) { return contains(kDispositions, w); }, "https://ref.gs1.org/cbv/Disp-"};
    case Vocabulary::kBizTransactionType:
      return {[](std::string_view w) { return contains(kBizTransactionTypes, w); }, "https://ref.gs1.org/cbv/BTT-"};
    case Vocabulary::kSourceDestinationType:
      return {[](std::string_view w) { return contains(kSourceDestinationTypes, w); }, "https://ref.gs1.org/cbv/SDT-"};
    case Vocabulary::kErrorReason:
      return {[](std::string_view w) { return contains(kErrorReasons, w); }, "https://ref.gs1.org/cbv/ER-"};
    case Vocabulary::kComponent:
      return {[](std::string_view w) { return contains(kComponents, w); }, "https://ref.gs1.org/cbv/Comp-"};
    case Vocabulary::kMeasurementType:
      return {[](std::string_view w) { return contains(kMeasurementTypes, w); }, "https://gs1.org/voc/"};
    case Vocabulary::kSensorAlertType:
      return {[](std::string_view w) { return contains(kSensorAlertTypes, w); }, "https://gs1.org/voc/"};
  }
  return {[](std::string_view) { return false; }, ""};
}

// ---------------------------------------------------------------------------------------
// URIs (RFC 3986 "URI": a scheme and what may follow it; what format "uri" checks).

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

// Consumes the characters of `text` from `pos` that are pct-encoded or satisfy `allowed`;
// false on a malformed percent escape.
template <class Allowed>
bool scan(std::string_view text, size_t& pos, Allowed allowed) {
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '%') {
      if (pos + 2 >= text.size() || !is_hex(text[pos + 1]) || !is_hex(text[pos + 2])) return false;
      pos += 3;
    } else if (allowed(c)) {
      ++pos;
    } else {
      return true;
    }
  }
  return true;
}

bool is_pchar(char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }

// An IP-literal's inside: IPv6 (hex digits, ':' and a dotted IPv4 tail) or IPvFuture.
bool valid_ip_literal(std::string_view inside) {
  if (inside.empty()) return false;
  if (inside[0] == 'v' || inside[0] == 'V') {
    size_t dot = inside.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 >= inside.size()) return false;
    for (size_t i = 1; i < dot; ++i)
      if (!is_hex(inside[i])) return false;
    for (size_t i = dot + 1; i < inside.size(); ++i)
      if (!is_unreserved(inside[i]) && !is_sub_delim(inside[i]) && inside[i] != ':') return false;
    return true;
  }
  return std::all_of(inside.begin(), inside.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; }) &&
         inside.find(':') != std::string_view::npos;
}

bool is_uri(std::string_view text) {
  if (text.empty() || !is_alpha(text[0])) return false;
  size_t pos = 1;
  while (pos < text.size() &&
         (is_alpha(text[pos]) || is_digit(text[pos]) || text[pos] == '+' || text[pos] == '-' || text[pos] == '.'))
    ++pos;
  if (pos >= text.size() || text[pos] != ':') return false;
  ++pos;
  if (text.substr(pos, 2) == "//") {
    pos += 2;
    const size_t end = text.find_first_of("/?#", pos);
    std::string_view authority = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos += authority.size();
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      size_t p = 0;
      if (!scan(userinfo, p, [](char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':'; }) ||
          p != userinfo.size())
        return false;
      authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    if (!host.empty() && host[0] == '[') {
      const size_t close = host.find(']');
      if (close == std::string_view::npos || !valid_ip_literal(host.substr(1, close - 1))) return false;
      std::string_view rest = host.substr(close + 1);
      if (!rest.empty() && (rest[0] != ':' || !std::all_of(rest.begin() + 1, rest.end(), is_digit))) return false;
    } else {
      if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        std::string_view port = host.substr(colon + 1);
        if (!std::all_of(port.begin(), port.end(), is_digit)) return false;
        host = host.substr(0, colon);
      }
      size_t p = 0;
      if (!scan(host, p, [](char c) { return is_unreserved(c) || is_sub_delim(c); }) || p != host.size()) return false;
    }
  }
  if (!scan(text, pos, [](char c) { return is_pchar(c) || c == '/'; })) return false;
  if (pos < text.size() && text[pos] == '?') {
    ++pos;
    if (!scan(text, pos, [](char c) { return is_pchar(c) || c == '/' || c == '?'; })) return false;
  }
  if (pos < text.size() && text[pos] == '#') {
    ++pos;
    if (!scan(text, pos, [](char c) { return is_pchar(c) || c == '/' || c == '?'; })) return false;
  }
  return pos == text.size();
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The schema's vocab-other-uri: a URI outside the CBV namespaces, whose values JSON writes
// as bare words.
bool is_other_uri(std::string_view text) {
  return is_uri(text) && !starts_with(text, "urn:epcglobal:cbv") && !starts_with(text, "http://ns.gs1.org/cbv/") &&
         !starts_with(text, "https://ns.gs1.org/cbv/");
}

// The schema's vocab-nonGS1WebVoc-uri (measurement and alert types).
bool is_non_web_voc_uri(std::string_view text) {
  return is_uri(text) && !starts_with(text, "http://gs1.org/voc/") && !starts_with(text, "https://gs1.org/voc/") &&
         !starts_with(text, "http://www.gs1.org/voc/") && !starts_with(text, "https://www.gs1.org/voc/");
}

// The prefixes the EPCIS 2.0 context itself declares.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kContextPrefixes = {
    {{"epcis", "https://ref.gs1.org/epcis/"},
     {"cbv", "https://ref.gs1.org/cbv/"},
     {"cbvmda", "urn:epcglobal:cbv:mda:"},
     {"gs1", "https://gs1.org/voc/"},
     {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
     {"owl", "http://www.w3.org/2002/07/owl#"},
     {"xsd", "http://www.w3.org/2001/XMLSchema#"},
     {"dcterms", "http://purl.org/dc/terms/"}}};

// A CURIE "prefix:rest" expanded with the event's namespaces, then the context's own.
std::string expand_curie(std::string_view value, const Namespaces& namespaces) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos || value.substr(colon + 1, 2) == "//") return std::string(value);
  const std::string_view prefix = value.substr(0, colon);
  for (auto it = namespaces.rbegin(); it != namespaces.rend(); ++it)
    if (it->first == prefix) return it->second + std::string(value.substr(colon + 1));
  for (const auto& [name, iri] : kContextPrefixes)
    if (name == prefix) return std::string(iri) + std::string(value.substr(colon + 1));
  return std::string(value);
}

// A value of a bare-word vocabulary as a full URI: the word expanded, a CURIE expanded.
std::string vocabulary_value_uri(Vocabulary vocabulary, std::string_view value, const Namespaces& namespaces) {
  if (auto uri = bare_word_uri(vocabulary, value)) return *std::move(uri);
  return expand_curie(value, namespaces);
}

// ---------------------------------------------------------------------------------------
// Times.

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// The event checker.

enum class EventType { kObject, kAggregation, kTransaction, kTransformation, kAssociation };

constexpr std::array<std::string_view, 5> kEventTypeNames = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
                                                             "TransformationEvent", "AssociationEvent"};

// Every field a standard event may have, in the byte order of their names (kFieldNames);
// the bit of a field in a mask is its value.
enum class FieldId {
  kContext,
  kAction,
  kBizLocation,
  kBizStep,
  kBizTransactionList,
  kCertificationInfo,
  kChildEPCs,
  kChildQuantityList,
  kDestinationList,
  kDisposition,
  kEpcList,
  kErrorDeclaration,
  kEventID,
  kEventTime,
  kEventTimeZoneOffset,
  kIlmd,
  kInputEPCList,
  kInputQuantityList,
  kOutputEPCList,
  kOutputQuantityList,
  kParentID,
  kPersistentDisposition,
  kQuantityList,
  kReadPoint,
  kRecordTime,
  kSensorElementList,
  kSourceList,
  kTransformationID,
  kType,
};

constexpr std::string_view kFieldNames[] = {"@context",
                                            "action",
                                            "bizLocation",
                                            "bizStep",
                                            "bizTransactionList",
                                            "certificationInfo",
                                            "childEPCs",
                                            "childQuantityList",
                                            "destinationList",
                                            "disposition",
                                            "epcList",
                                            "errorDeclaration",
                                            "eventID",
                                            "eventTime",
                                            "eventTimeZoneOffset",
                                            "ilmd",
                                            "inputEPCList",
                                            "inputQuantityList",
                                            "outputEPCList",
                                            "outputQuantityList",
                                            "parentID",
                                            "persistentDisposition",
                                            "quantityList",
                                            "readPoint",
                                            "recordTime",
                                            "sensorElementList",
                                            "sourceList",
                                            "transformationID",
                                            "type"};

static_assert(sorted(kFieldNames));

std::optional<FieldId> field_id(std::string_view key) {
  const auto found = std::lower_bound(std::begin(kFieldNames), std::end(kFieldNames), key);
  if (found == std::end(kFieldNames) || *found != key) return std::nullopt;
  return static_cast<FieldId>(found - std::begin(kFieldNames));
}

constexpr uint64_t bit(FieldId id) { return uint64_t{1} << static_cast<int>(id); }

constexpr uint64_t kCommonFields = bit(FieldId::kContext) | bit(FieldId::kType) | bit(FieldId::kEventTime) |
                                   bit(FieldId::kRecordTime) | bit(FieldId::kEventTimeZoneOffset) |
                                   bit(FieldId::kEventID) | bit(FieldId::kCertificationInfo) |
                                   bit(FieldId::kErrorDeclaration);
// What every type shares beyond the common fields; persistentDisposition on all five as in
// the 2.0.1 schema.
constexpr uint64_t kWhatWhereWhy =
    bit(FieldId::kBizStep) | bit(FieldId::kDisposition) | bit(FieldId::kPersistentDisposition) |
    bit(FieldId::kReadPoint) | bit(FieldId::kBizLocation) | bit(FieldId::kBizTransactionList) |
    bit(FieldId::kSourceList) | bit(FieldId::kDestinationList) | bit(FieldId::kSensorElementList);

uint64_t allowed_fields(EventType type) {
  switch (type) {
    case EventType::kObject:
      return kCommonFields | kWhatWhereWhy | bit(FieldId::kAction) | bit(FieldId::kEpcList) |
             bit(FieldId::kQuantityList) | bit(FieldId::kIlmd);
    case EventType::kAggregation:
    case EventType::kAssociation:
      return kCommonFields | kWhatWhereWhy | bit(FieldId::kAction) | bit(FieldId::kParentID) |
             bit(FieldId::kChildEPCs) | bit(FieldId::kChildQuantityList);
    case EventType::kTransaction:
      return kCommonFields | kWhatWhereWhy | bit(FieldId::kAction) | bit(FieldId::kParentID) | bit(FieldId::kEpcList) |
             bit(FieldId::kQuantityList);
    case EventType::kTransformation:
      return kCommonFields | kWhatWhereWhy | bit(FieldId::kInputEPCList) | bit(FieldId::kInputQuantityList) |
             bit(FieldId::kOutputEPCList) | bit(FieldId::kOutputQuantityList) | bit(FieldId::kTransformationID) |
             bit(FieldId::kIlmd);
  }
  return 0;
}

std::string_view kind_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

std::optional<double> finite_number(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double() && std::isfinite(value.get_double())) return value.get_double();
  return std::nullopt;
}

// Nesting depth of a JSON value (1 for a scalar), counted up to kMaxDepth + 1.
int depth_of(const json::value& value, int depth = 1) {
  if (depth > kMaxDepth) return depth;
  int deepest = depth;
  if (const auto* object = value.if_object()) {
    for (const auto& member : *object) deepest = std::max(deepest, depth_of(member.value(), depth + 1));
  } else if (const auto* array = value.if_array()) {
    for (const auto& element : *array) deepest = std::max(deepest, depth_of(element, depth + 1));
  }
  return deepest;
}

class Checker {
 public:
  explicit Checker(Event& out) : out_(out) {}

  // Checks `event`; on failure error() says where.
  bool check_event(const json::object& event);
  const CaptureError& error() const { return error_; }

  // Checks a @context: string, object or array of both; context URLs must be the two EPCIS
  // ones, and `require_epcis` says that one of them must be there.
  bool check_context(const json::value& context, bool require_epcis);

 private:
  // A path segment pushed for the lifetime of the scope.
  class Scope {
   public:
    Scope(std::string& path, std::string_view key) : path_(path), mark_(path.size()) {
      if (!path_.empty()) path_ += '.';
      path_ += key;
    }
    Scope(std::string& path, size_t index) : path_(path), mark_(path.size()) {
      path_ += '[';
      path_ += std::to_string(index);
      path_ += ']';
    }
    ~Scope() { path_.resize(mark_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    std::string& path_;
    size_t mark_;
  };

  bool fail(std::string message) {
    error_.field = path_;
    error_.message = std::move(message);
    return false;
  }
  bool fail_at(std::string_view key, std::string message) {
    Scope scope(path_, key);
    return fail(std::move(message));
  }

  const json::string* string_at(const json::value& value) {
    if (const auto* text = value.if_string()) return text;
    fail("must be a string, not " + std::string(kind_name(value)));
    return nullptr;
  }
  bool check_uri(const json::value& value, std::string* into = nullptr);
  bool check_time(const json::value& value, int64_t* into = nullptr);
  bool check_offset(const json::value& value);
  bool check_vocabulary(const json::value& value, Vocabulary vocabulary, std::string* into = nullptr);
  bool check_number(const json::value& value, std::optional<double>* into = nullptr);
  // An extension member: its key must be a URI; its content is free but bounded in depth.
  bool check_extension(std::string_view key, const json::value& value, std::string_view where);

  bool check_field(FieldId id, const json::value& value);
  bool check_epc_list(const json::value& value, EpcRole role, bool unique, size_t& count);
  bool check_quantity_list(const json::value& value, EpcRole role, size_t& count);
  bool check_location(const json::value& value, std::string& id);
  bool check_biz_transactions(const json::value& value, size_t& count);
  bool check_source_destinations(const json::value& value, std::string_view id_key);
  bool check_persistent_disposition(const json::value& value);
  bool check_error_declaration(const json::value& value);
  bool check_sensor_elements(const json::value& value, size_t& count);
  bool check_sensor_metadata(const json::value& value, SensorValue& defaults);
  bool check_sensor_report(const json::value& value, SensorValue& report);
  bool check_ilmd(const json::value& value);
  bool check_requirements(EventType type);

  Event& out_;
  CaptureError error_;
  std::string path_;
  // What the event names, for the type's requirements.
  size_t epcs_ = 0, quantities_ = 0, children_ = 0, child_quantities_ = 0, inputs_ = 0, input_quantities_ = 0,
         outputs_ = 0, output_quantities_ = 0, sensor_elements_ = 0, biz_transactions_ = 0;
  uint64_t seen_ = 0;
  bool has_ilmd_ = false;
};

bool Checker::check_uri(const json::value& value, std::string* into) {
  const json::string* text = string_at(value);
  if (!text) return false;
  if (!is_uri(*text)) return fail("must be an absolute URI (e.g. urn:epc:id:sgtin:… or https://…)");
  if (into) into->assign(text->data(), text->size());
  return true;
}

bool Checker::check_time(const json::value& value, int64_t* into) {
  const json::string* text = string_at(value);
  if (!text) return false;
  auto ms = parse_time_ms(*text);
  if (!ms) return fail("must be an RFC 3339 date-time with a time-zone offset, e.g. 2024-09-01T08:30:00+08:00");
  if (into) *into = *ms;
  return true;
}

bool Checker::check_offset(const json::value& value) {
  const json::string* text = string_at(value);
  if (!text) return false;
  const std::string_view s = *text;
  const bool shape = s.size() == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':';
  const int hours = shape ? digits(s, 1, 2) : -1, minutes = shape ? digits(s, 4, 2) : -1;
  if (hours < 0 || minutes < 0 || minutes > 59 || hours > 14 || (hours == 14 && minutes != 0))
    return fail("must be a time-zone offset from -14:00 to +14:00 written ±hh:mm, e.g. +08:00");
  out_.time_zone_offset = s;
  return true;
}

bool Checker::check_vocabulary(const json::value& value, Vocabulary vocabulary, std::string* into) {
  const json::string* text = string_at(value);
  if (!text) return false;
  const std::string_view s = *text;
  const bool ok =
      info(vocabulary).is_word(s) ||
      (vocabulary == Vocabulary::kMeasurementType || vocabulary == Vocabulary::kSensorAlertType ? is_non_web_voc_uri(s)
                                                                                                : is_other_uri(s));
  if (!ok) {
    std::string_view what;
    switch (vocabulary) {
      case Vocabulary::kBizStep:
        what = "a CBV 2.0 bizStep (e.g. commissioning, shipping)";
        break;
      case Vocabulary::kDisposition:
        what = "a CBV 2.0 disposition (e.g. active, in_transit)";
        break;
      case Vocabulary::kBizTransactionType:
        what = "a CBV 2.0 business transaction type (e.g. po, desadv)";
        break;
      case Vocabulary::kSourceDestinationType:
        what = "a CBV 2.0 source/destination type (owning_party, possessing_party, location)";
        break;
      case Vocabulary::kErrorReason:
        what = "a CBV 2.0 error reason (did_not_occur, incorrect_data)";
        break;
      case Vocabulary::kComponent:
        what = "a CBV 2.0 component (e.g. x, latitude)";
        break;
      case Vocabulary::kMeasurementType:
        what = "a GS1 measurement type (e.g. Temperature, RelativeHumidity)";
        break;
      case Vocabulary::kSensorAlertType:
        what = "a GS1 sensor alert type (ALARM_CONDITION, ERROR_CONDITION)";
        break;
    }
    return fail("must be " + std::string(what) + " or a URI of your own outside the CBV namespaces");
  }
  if (into) *into = vocabulary_value_uri(vocabulary, s, out_.namespaces);
  return true;
}

bool Checker::check_number(const json::value& value, std::optional<double>* into) {
  auto number = finite_number(value);
  if (!number) {
    if (value.is_double()) return fail("must be a finite number");
    return fail("must be a number, not " + std::string(kind_name(value)));
  }
  if (into) *into = number;
  return true;
}

bool Checker::check_extension(std::string_view key, const json::value& value, std::string_view where) {
  if (!is_uri(key))
    return fail_at(key, "is not a field of " + std::string(where) +
                            "; an extension field needs a namespace prefix declared in @context (e.g. \"ex:" +
                            std::string(key) + "\") or a full URI as its name");
  if (depth_of(value) > kMaxDepth) return fail_at(key, "is nested too deeply");
  return true;
}

bool Checker::check_context(const json::value& context, bool require_epcis) {
  bool has_epcis = false;
  auto check_url = [&](const json::value& item) {
    const json::string* url = string_at(item);
    if (!url) return false;
    if (*url != kEpcisContext && *url != kEpcisContextLatest)
      return fail(
          "names a context this server does not know; contexts are never fetched, and the EPCIS 2.0 context is " +
          std::string(kEpcisContext) + " or " + std::string(kEpcisContextLatest));
    has_epcis = true;
    return true;
  };
  if (context.is_string()) {
    if (!check_url(context)) return false;
  } else if (const auto* items = context.if_array()) {
    for (size_t i = 0; i < items->size(); ++i) {
      Scope scope(path_, i);
      const json::value& item = (*items)[i];
      if (item.is_object()) continue;
      if (!check_url(item)) return false;
      for (size_t j = 0; j < i; ++j)
        if ((*items)[j] == item) return fail("repeats an earlier entry");
    }
  } else if (!context.is_object()) {
    return fail("must be the EPCIS context URL, or an array of it and namespace declarations");
  }
  if (require_epcis && !has_epcis)
    return fail("must name the EPCIS 2.0 context " + std::string(kEpcisContext) + " (or " +
                std::string(kEpcisContextLatest) + ")");
  return true;
}

bool Checker::check_epc_list(const json::value& value, EpcRole role, bool unique, size_t& count) {
  const auto* items = value.if_array();
  if (!items) return fail("must be an array of URIs");
  const size_t first = out_.epcs.size();
  for (size_t i = 0; i < items->size(); ++i) {
    Scope scope(path_, i);
    std::string uri;
    if (!check_uri((*items)[i], &uri)) return false;
    out_.epcs.push_back({role, std::move(uri)});
  }
  if (unique && items->size() > 1) {
    std::vector<std::pair<std::string_view, size_t>> seen;
    seen.reserve(items->size());
    for (size_t i = 0; i < items->size(); ++i) seen.emplace_back(out_.epcs[first + i].value, i);
    std::sort(seen.begin(), seen.end());
    size_t repeated = items->size();
    for (size_t i = 1; i < seen.size(); ++i)
      if (seen[i].first == seen[i - 1].first) repeated = std::min(repeated, seen[i].second);
    if (repeated < items->size()) {
      Scope scope(path_, repeated);
      return fail("repeats an earlier identifier");
    }
  }
  count = items->size();
  return true;
}

bool Checker::check_quantity_list(const json::value& value, EpcRole role, size_t& count) {
  const auto* items = value.if_array();
  if (!items) return fail("must be an array of quantity elements");
  for (size_t i = 0; i < items->size(); ++i) {
    Scope scope(path_, i);
    const auto* element = (*items)[i].if_object();
    if (!element) return fail("must be an object with epcClass, quantity and uom");
    ClassRef ref{role, {}, std::nullopt, {}};
    for (const auto& member : *element) {
      const std::string_view key = member.key();
      Scope field(path_, key);
      if (key == "epcClass") {
        if (!check_uri(member.value(), &ref.epc_class)) return false;
      } else if (key == "quantity") {
        if (!check_number(member.value(), &ref.quantity)) return false;
      } else if (key == "uom") {
        const json::string* uom = string_at(member.value());
        if (!uom) return false;
        const bool ok = (uom->size() == 2 || uom->size() == 3) && std::all_of(uom->begin(), uom->end(), [](char c) {
                          return is_digit(c) || (c >= 'A' && c <= 'Z');
                        });
        if (!ok) return fail("must be a UN/CEFACT Rec 20 unit code of 2-3 capital letters or digits, e.g. KGM");
        ref.uom = *uom;
      } else {
        return fail("is not a field of a quantity element (only epcClass, quantity and uom)");
      }
    }
    if (!element->contains("epcClass")) return fail_at("epcClass", "is required");
    out_.classes.push_back(std::move(ref));
  }
  count = items->size();
  return true;
}

bool Checker::check_location(const json::value& value, std::string& id) {
  const auto* location = value.if_object();
  if (!location) return fail("must be an object with an id");
  const json::value* uri = location->if_contains("id");
  if (!uri) return fail_at("id", "is required");
  Scope scope(path_, "id");
  return check_uri(*uri, &id);
}

bool Checker::check_biz_transactions(const json::value& value, size_t& count) {
  const auto* items = value.if_array();
  if (!items) return fail("must be an array of business transactions");
  for (size_t i = 0; i < items->size(); ++i) {
    Scope scope(path_, i);
    const auto* element = (*items)[i].if_object();
    if (!element) return fail("must be an object with bizTransaction and an optional type");
    std::pair<std::string, std::string> transaction;
    for (const auto& member : *element) {
      Scope field(path_, member.key());
      if (member.key() == "type") {
        if (!check_vocabulary(member.value(), Vocabulary::kBizTransactionType, &transaction.first)) return false;
      } else if (member.key() == "bizTransaction") {
        if (!check_uri(member.value(), &transaction.second)) return false;
      } else {
        return fail("is not a field of a business transaction (only type and bizTransaction)");
      }
    }
    if (!element->contains("bizTransaction")) return fail_at("bizTransaction", "is required");
    out_.biz_transactions.push_back(std::move(transaction));
  }
  count = items->size();
  return true;
}

bool Checker::check_source_destinations(const json::value& value, std::string_view id_key) {
  const auto* items = value.if_array();
  if (!items) return fail("must be an array of objects with type and " + std::string(id_key));
  for (size_t i = 0; i < items->size(); ++i) {
    Scope scope(path_, i);
    const auto* element = (*items)[i].if_object();
    if (!element) return fail("must be an object with type and " + std::string(id_key));
    for (const auto& member : *element) {
      Scope field(path_, member.key());
      if (member.key() == "type") {
        if (!check_vocabulary(member.value(), Vocabulary::kSourceDestinationType)) return false;
      } else if (member.key() == id_key) {
        if (!check_uri(member.value())) return false;
      } else {
        return fail("is not a field here (only type and " + std::string(id_key) + ")");
      }
    }
    if (!element->contains("type")) return fail_at("type", "is required");
    if (!element->contains(id_key)) return fail_at(id_key, "is required");
  }
  return true;
}

bool Checker::check_persistent_disposition(const json::value& value) {
  const auto* object = value.if_object();
  if (!object) return fail("must be an object with set and/or unset");
  for (const auto& member : *object) {
    Scope field(path_, member.key());
    if (member.key() != "set" && member.key() != "unset") return fail("is not a field here (only set and unset)");
    const auto* items = member.value().if_array();
    if (!items || items->empty()) return fail("must be a non-empty array of dispositions");
    for (size_t i = 0; i < items->size(); ++i) {
      Scope scope(path_, i);
      if (!check_vocabulary((*items)[i], Vocabulary::kDisposition)) return false;
      for (size_t j = 0; j < i; ++j)
        if ((*items)[j] == (*items)[i]) return fail("repeats an earlier disposition");
    }
  }
  if (object->empty()) return fail("must have set or unset");
  return true;
}

bool Checker::check_error_declaration(const json::value& value) {
  const auto* object = value.if_object();
  if (!object) return fail("must be an object with declarationTime");
  for (const auto& member : *object) {
    const std::string_view key = member.key();
    if (key != "declarationTime" && key != "reason" && key != "correctiveEventIDs") {
      if (!check_extension(key, member.value(), "errorDeclaration")) return false;
      continue;
    }
    Scope field(path_, key);
    if (key == "declarationTime") {
      if (!check_time(member.value())) return false;
    } else if (key == "reason") {
      if (!check_vocabulary(member.value(), Vocabulary::kErrorReason)) return false;
    } else {
      const auto* ids = member.value().if_array();
      if (!ids) return fail("must be an array of event IDs");
      for (size_t i = 0; i < ids->size(); ++i) {
        Scope scope(path_, i);
        std::string id;
        if (!check_uri((*ids)[i], &id)) return false;
        out_.corrective_event_ids.push_back(std::move(id));
      }
    }
  }
  if (!object->contains("declarationTime")) return fail_at("declarationTime", "is required");
  out_.error_declaration = true;
  return true;
}

bool Checker::check_sensor_metadata(const json::value& value, SensorValue& defaults) {
  const auto* metadata = value.if_object();
  if (!metadata) return fail("must be an object");
  for (const auto& member : *metadata) {
    const std::string_view key = member.key();
    if (key == "time" || key == "startTime" || key == "endTime") {
      Scope field(path_, key);
      int64_t ms = 0;
      if (!check_time(member.value(), &ms)) return false;
      if (key == "time") defaults.time_ms = ms;
    } else if (key == "deviceID" || key == "deviceMetadata" || key == "rawData" || key == "dataProcessingMethod" ||
               key == "bizRules") {
      Scope field(path_, key);
      if (!check_uri(member.value(), key == "deviceID" ? &defaults.device_id : nullptr)) return false;
    } else if (!check_extension(key, member.value(), "sensorMetadata")) {
      return false;
    }
  }
  return true;
}

bool Checker::check_sensor_report(const json::value& value, SensorValue& report) {
  const auto* object = value.if_object();
  if (!object) return fail("must be an object with at least a type");
  for (const auto& member : *object) {
    const std::string_view key = member.key();
    const json::value& v = member.value();
    if (key == "type") {
      Scope field(path_, key);
      if (!check_vocabulary(v, Vocabulary::kMeasurementType, &report.type)) return false;
    } else if (key == "exception") {
      Scope field(path_, key);
      if (!check_vocabulary(v, Vocabulary::kSensorAlertType)) return false;
    } else if (key == "component") {
      Scope field(path_, key);
      if (!check_vocabulary(v, Vocabulary::kComponent)) return false;
    } else if (key == "deviceID") {
      Scope field(path_, key);
      if (!check_uri(v, &report.device_id)) return false;
    } else if (key == "deviceMetadata" || key == "rawData" || key == "dataProcessingMethod" || key == "bizRules" ||
               key == "microorganism" || key == "chemicalSubstance" || key == "coordinateReferenceSystem" ||
               key == "uriValue") {
      Scope field(path_, key);
      if (!check_uri(v)) return false;
    } else if (key == "time") {
      Scope field(path_, key);
      int64_t ms = 0;
      if (!check_time(v, &ms)) return false;
      report.time_ms = ms;
    } else if (key == "value" || key == "minValue" || key == "maxValue" || key == "meanValue" || key == "sDev" ||
               key == "percRank" || key == "percValue") {
      Scope field(path_, key);
      std::optional<double>* into = key == "value"       ? &report.value
                                    : key == "minValue"  ? &report.min_value
                                    : key == "maxValue"  ? &report.max_value
                                    : key == "meanValue" ? &report.mean_value
                                                         : nullptr;
      if (!check_number(v, into)) return false;
    } else if (key == "stringValue" || key == "uom") {
      Scope field(path_, key);
      const json::string* text = string_at(v);
      if (!text) return false;
      if (key == "uom") report.uom = *text;
    } else if (key == "booleanValue") {
      Scope field(path_, key);
      if (!v.is_bool()) return fail("must be true or false");
    } else if (key == "hexBinaryValue") {
      Scope field(path_, key);
      const json::string* text = string_at(v);
      if (!text) return false;
      if (text->empty() || !std::all_of(text->begin(), text->end(), is_hex)) return fail("must be hexadecimal digits");
    } else if (!check_extension(key, v, "sensorReport")) {
      return false;
    }
  }
  if (!object->contains("type")) return fail_at("type", "is required");
  return true;
}

bool Checker::check_sensor_elements(const json::value& value, size_t& count) {
  const auto* items = value.if_array();
  if (!items) return fail("must be an array of sensor elements");
  for (size_t i = 0; i < items->size(); ++i) {
    Scope scope(path_, i);
    const auto* element = (*items)[i].if_object();
    if (!element) return fail("must be an object with sensorReport");
    SensorValue defaults;
    if (const json::value* metadata = element->if_contains("sensorMetadata")) {
      Scope field(path_, "sensorMetadata");
      if (!check_sensor_metadata(*metadata, defaults)) return false;
    }
    for (const auto& member : *element) {
      const std::string_view key = member.key();
      if (key == "sensorMetadata") continue;
      if (key != "sensorReport") {
        if (!check_extension(key, member.value(), "sensorElement")) return false;
        continue;
      }
      Scope field(path_, key);
      const auto* reports = member.value().if_array();
      if (!reports || reports->empty()) return fail("must be a non-empty array of sensor reports");
      for (size_t r = 0; r < reports->size(); ++r) {
        Scope report_scope(path_, r);
        SensorValue report = defaults;
        report.time_ms.reset();
        report.device_id.clear();
        if (!check_sensor_report((*reports)[r], report)) return false;
        if (!report.time_ms) report.time_ms = defaults.time_ms;
        if (report.device_id.empty()) report.device_id = defaults.device_id;
        out_.sensors.push_back(std::move(report));
      }
    }
    if (!element->contains("sensorReport")) return fail_at("sensorReport", "is required");
  }
  count = items->size();
  return true;
}

bool Checker::check_ilmd(const json::value& value) {
  const auto* object = value.if_object();
  if (!object) return fail("must be an object of namespaced master data fields");
  for (const auto& member : *object)
    if (!check_extension(member.key(), member.value(), "ilmd")) return false;
  has_ilmd_ = true;
  return true;
}

bool Checker::check_field(FieldId id, const json::value& value) {
  switch (id) {
    case FieldId::kContext:
      return check_context(value, false);
    case FieldId::kType:
      return true;  // checked before the members
    case FieldId::kEventTime:
      return check_time(value, &out_.event_time_ms);
    case FieldId::kRecordTime:
      return check_time(value);
    case FieldId::kEventTimeZoneOffset:
      return check_offset(value);
    case FieldId::kEventID:
      return check_uri(value, &out_.event_id);
    case FieldId::kCertificationInfo:
      if (const auto* items = value.if_array()) {
        for (size_t i = 0; i < items->size(); ++i) {
          Scope scope(path_, i);
          if (!check_uri((*items)[i])) return false;
        }
        return true;
      }
      return check_uri(value);
    case FieldId::kErrorDeclaration:
      return check_error_declaration(value);
    case FieldId::kAction: {
      const json::string* action = string_at(value);
      if (!action) return false;
      if (*action != "ADD" && *action != "OBSERVE" && *action != "DELETE")
        return fail("must be ADD, OBSERVE or DELETE");
      out_.action = *action;
      return true;
    }
    case FieldId::kEpcList:
      return check_epc_list(value, EpcRole::kEpc, out_.type == "ObjectEvent", epcs_);
    case FieldId::kChildEPCs:
      return check_epc_list(value, EpcRole::kChild, false, children_);
    case FieldId::kInputEPCList:
      return check_epc_list(value, EpcRole::kInput, true, inputs_);
    case FieldId::kOutputEPCList:
      return check_epc_list(value, EpcRole::kOutput, true, outputs_);
    case FieldId::kQuantityList:
      return check_quantity_list(value, EpcRole::kEpc, quantities_);
    case FieldId::kChildQuantityList:
      return check_quantity_list(value, EpcRole::kChild, child_quantities_);
    case FieldId::kInputQuantityList:
      return check_quantity_list(value, EpcRole::kInput, input_quantities_);
    case FieldId::kOutputQuantityList:
      return check_quantity_list(value, EpcRole::kOutput, output_quantities_);
    case FieldId::kParentID: {
      std::string parent;
      if (!check_uri(value, &parent)) return false;
      out_.epcs.push_back({EpcRole::kParent, std::move(parent)});
      return true;
    }
    case FieldId::kTransformationID:
      return check_uri(value);
    case FieldId::kBizStep:
      return check_vocabulary(value, Vocabulary::kBizStep, &out_.biz_step);
    case FieldId::kDisposition:
      return check_vocabulary(value, Vocabulary::kDisposition, &out_.disposition);
    case FieldId::kPersistentDisposition:
      return check_persistent_disposition(value);
    case FieldId::kReadPoint:
      return check_location(value, out_.read_point);
    case FieldId::kBizLocation:
      return check_location(value, out_.biz_location);
    case FieldId::kBizTransactionList:
      return check_biz_transactions(value, biz_transactions_);
    case FieldId::kSourceList:
      return check_source_destinations(value, "source");
    case FieldId::kDestinationList:
      return check_source_destinations(value, "destination");
    case FieldId::kSensorElementList:
      return check_sensor_elements(value, sensor_elements_);
    case FieldId::kIlmd:
      return check_ilmd(value);
  }
  return true;
}

bool Checker::check_requirements(EventType type) {
  auto has = [&](FieldId id) { return (seen_ & bit(id)) != 0; };
  if (!has(FieldId::kEventTime)) return fail_at("eventTime", "is required");
  if (!has(FieldId::kEventTimeZoneOffset)) return fail_at("eventTimeZoneOffset", "is required");
  const bool deleting = out_.action == "DELETE";
  switch (type) {
    case EventType::kObject:
      if (!has(FieldId::kAction)) return fail_at("action", "is required");
      if (!has(FieldId::kEpcList) && quantities_ == 0 && !(sensor_elements_ > 0 && has(FieldId::kReadPoint)))
        return fail_at("epcList",
                       "is required: an ObjectEvent names objects in epcList or quantityList, or "
                       "reports sensor data (sensorElementList) at a readPoint");
      if (has_ilmd_ && out_.action != "ADD")
        return fail_at("ilmd", "is allowed only with action ADD (lot master data is given when objects are created)");
      return true;
    case EventType::kAggregation:
      if (!has(FieldId::kAction)) return fail_at("action", "is required");
      if (children_ == 0 && child_quantities_ == 0 && !deleting)
        return fail_at("childEPCs",
                       "is required: an AggregationEvent names its children in childEPCs or "
                       "childQuantityList, unless the action is DELETE");
      return true;
    case EventType::kAssociation:
      if (!has(FieldId::kAction)) return fail_at("action", "is required");
      if (!has(FieldId::kParentID)) return fail_at("parentID", "is required");
      if (children_ == 0 && child_quantities_ == 0 && !deleting)
        return fail_at("childEPCs",
                       "is required: an AssociationEvent names its children in childEPCs or "
                       "childQuantityList, unless the action is DELETE");
      return true;
    case EventType::kTransaction:
      if (!has(FieldId::kBizTransactionList)) return fail_at("bizTransactionList", "is required");
      if (biz_transactions_ == 0) return fail_at("bizTransactionList", "must name at least one business transaction");
      if (!has(FieldId::kAction)) return fail_at("action", "is required");
      if (!has(FieldId::kEpcList) && quantities_ == 0 && !deleting)
        return fail_at("epcList",
                       "is required: a TransactionEvent names objects in epcList or quantityList, "
                       "unless the action is DELETE");
      return true;
    case EventType::kTransformation: {
      const bool in = inputs_ > 0 || input_quantities_ > 0, out = outputs_ > 0 || output_quantities_ > 0;
      if (in && out) return true;
      if ((in || out) && has(FieldId::kTransformationID)) return true;
      if (!in && !out)
        return fail_at("inputEPCList",
                       "is required: a TransformationEvent names inputs (inputEPCList or "
                       "inputQuantityList) and outputs");
      return fail_at(in ? "outputEPCList" : "inputEPCList",
                     "is required: a TransformationEvent without a transformationID names both inputs and outputs");
    }
  }
  return true;
}

bool Checker::check_event(const json::object& event) {
  const json::value* type_value = event.if_contains("type");
  if (!type_value) return fail_at("type", "is required");
  EventType type{};
  {
    Scope field(path_, "type");
    const json::string* name = string_at(*type_value);
    if (!name) return false;
    const auto found = std::find(kEventTypeNames.begin(), kEventTypeNames.end(), std::string_view(*name));
    if (found == kEventTypeNames.end())
      return fail("must be ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent");
    type = static_cast<EventType>(found - kEventTypeNames.begin());
    out_.type = *found;
  }
  // The event's own prefixes first, so that CBV values written as CURIEs expand with them.
  if (const json::value* context = event.if_contains("@context")) {
    Namespaces own = context_namespaces(*context);
    out_.namespaces.insert(out_.namespaces.end(), own.begin(), own.end());
  }
  const uint64_t allowed = allowed_fields(type);
  for (const auto& member : event) {
    const std::string_view key = member.key();
    const auto id = field_id(key);
    if (!id || !(allowed & bit(*id))) {
      if (!check_extension(key, member.value(), out_.type)) return false;
      continue;
    }
    seen_ |= bit(*id);
    Scope field(path_, key);
    if (!check_field(*id, member.value())) return false;
  }
  return check_requirements(type);
}

// Where a document's events are, per document type.
struct DocumentShape {
  std::string_view type;
  std::string_view events_path;  // for errors about the list itself
};

// Checks the document members other than the body, then returns its event list.
json::array* check_document(json::object& document, const DocumentShape& shape, Checker& checker, CaptureError& error,
                            Namespaces& namespaces) {
  auto fail = [&](std::string field, std::string message) {
    error = {-1, std::move(field), std::move(message), false};
    return nullptr;
  };
  const json::value* type = document.if_contains("type");
  if (!type) return fail("type", "is required");
  if (!type->is_string() || type->get_string() != shape.type) {
    if (type->is_string() && type->get_string() == "EPCISQueryDocument")
      return fail("type", "is EPCISQueryDocument, but capture takes only an EPCISDocument");
    return fail("type", "must be " + std::string(shape.type));
  }
  const json::value* context = document.if_contains("@context");
  if (!context) return fail("@context", "is required");
  if (!checker.check_context(*context, true)) {
    CaptureError at = checker.error();
    at.field = at.field.empty() ? "@context" : "@context" + at.field;
    error = at;
    error.index = -1;
    return nullptr;
  }
  namespaces = context_namespaces(*context);
  const bool capture = shape.type == "EPCISDocument";
  for (const auto& member : document) {
    const std::string_view key = member.key();
    const json::value& value = member.value();
    if (key == "@context" || key == "type" || key == "epcisBody") continue;
    if (key == "schemaVersion") {
      const auto* version = value.if_string();
      const bool ok = version && !version->empty() && is_digit(version->front()) && is_digit(version->back()) &&
                      std::all_of(version->begin(), version->end(), [](char c) { return is_digit(c) || c == '.'; }) &&
                      version->find("..") == json::string::npos;
      if (!ok) return fail("schemaVersion", "must be a version number such as \"2.0\"");
    } else if (key == "creationDate") {
      if (!value.is_string() || !parse_time_ms(value.get_string()))
        return fail("creationDate", "must be an RFC 3339 date-time with a time-zone offset");
    } else if (key == "id") {
      if (!value.is_string() || !is_uri(value.get_string())) return fail("id", "must be an absolute URI");
    } else if (capture && (key == "instanceIdentifier" || key == "sender" || key == "receiver")) {
      if (!value.is_string()) return fail(std::string(key), "must be a string");
    } else if (capture && key == "epcisHeader") {
      if (!value.is_object()) return fail("epcisHeader", "must be an object");
      for (const auto& header : value.get_object()) {
        if (header.key() != "epcisMasterData" && !is_uri(header.key()))
          return fail("epcisHeader." + std::string(header.key()), "is not a header field (epcisMasterData or a URI)");
      }
      if (const json::value* master = value.get_object().if_contains("epcisMasterData")) {
        const json::value* list = master->is_object() ? master->get_object().if_contains("vocabularyList") : nullptr;
        if (!master->is_object() || (list && !list->is_array()))
          return fail("epcisHeader.epcisMasterData", "must be an object with a vocabularyList array");
      }
    } else if (!is_uri(key)) {
      return fail(std::string(key), "is not a field of an " + std::string(shape.type) +
                                        "; an extension field needs a namespace prefix declared in @context");
    }
  }
  // A query document's schemaVersion and creationDate are optional.
  if (capture && !document.contains("schemaVersion")) return fail("schemaVersion", "is required");
  if (capture && !document.contains("creationDate")) return fail("creationDate", "is required");
  json::value* body = document.if_contains("epcisBody");
  if (!body) return fail("epcisBody", "is required");
  if (!body->is_object()) return fail("epcisBody", "must be an object");
  json::value* list = nullptr;
  if (capture) {
    list = body->get_object().if_contains("eventList");
  } else {
    json::value* results = body->get_object().if_contains("queryResults");
    if (!results || !results->is_object()) return fail("epcisBody.queryResults", "is required and must be an object");
    if (!results->get_object().contains("queryName")) return fail("epcisBody.queryResults.queryName", "is required");
    json::value* results_body = results->get_object().if_contains("resultsBody");
    if (!results_body || !results_body->is_object())
      return fail("epcisBody.queryResults.resultsBody", "is required and must be an object");
    list = results_body->get_object().if_contains("eventList");
  }
  if (!list) return fail(std::string(shape.events_path), "is required");
  if (!list->is_array()) return fail(std::string(shape.events_path), "must be an array of events");
  return &list->get_array();
}

CaptureResult parse(std::string_view body, const CaptureLimits& limits, const DocumentShape& shape) {
  CaptureResult result;
  auto refuse = [&](std::string field, std::string message, bool too_large = false) {
    result.events.clear();
    result.error = CaptureError{-1, std::move(field), std::move(message), too_large};
    return std::move(result);
  };
  if (body.size() > limits.max_bytes)
    return refuse("",
                  "the document has " + std::to_string(body.size()) + " bytes; at most " +
                      std::to_string(limits.max_bytes) + " are accepted",
                  true);
  json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::system::error_code ec;
  // One arena for the whole document: parsing allocates by bumping a pointer, and the event
  // objects move into their Events without a copy, keeping the arena alive until the last
  // of them is gone.
  json::value document = json::parse(body, ec, json::make_shared_resource<json::monotonic_resource>(), options);
  if (ec) return refuse("", "the body is not JSON (" + ec.message() + ")");
  if (!document.is_object()) return refuse("", "the body must be a JSON object");

  Event scratch;
  Checker document_checker(scratch);
  CaptureError error;
  Namespaces namespaces;
  json::array* events = check_document(document.get_object(), shape, document_checker, error, namespaces);
  if (!events) {
    result.error = std::move(error);
    return result;
  }
  if (events->size() > limits.max_events)
    return refuse(std::string(shape.events_path),
                  "the document has " + std::to_string(events->size()) + " events; at most " +
                      std::to_string(limits.max_events) + " are accepted",
                  true);

  // `document` is ours: each event object moves into its Event (and keeps its storage).
  result.events.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    json::object* object = (*events)[i].if_object();
    if (!object) {
      result.events.clear();
      result.error = CaptureError{static_cast<int64_t>(i), "", "an event must be a JSON object", false};
      return result;
    }
    Event event{.namespaces = namespaces, .json = std::move(*object)};
    Checker checker(event);
    if (!checker.check_event(event.json)) {
      result.events.clear();
      result.error = checker.error();
      result.error->index = static_cast<int64_t>(i);
      return result;
    }
    event.hash = event_hash(event.json, event.namespaces);
    if (event.event_id.empty()) {
      event.event_id = event.hash;
      event.json["eventID"] = event.hash;
    }
    result.events.push_back(std::move(event));
  }
  return result;
}

}  // namespace

std::optional<std::string> bare_word_uri(Vocabulary vocabulary, std::string_view word) {
  const VocabularyInfo vocabulary_info = info(vocabulary);
  if (!vocabulary_info.is_word(word)) return std::nullopt;
  std::string uri(vocabulary_info.uri_prefix);
  uri += word;
  return uri;
}

namespace {

// biz_step_uri / disposition_uri: bare word, CURIE, EPCIS 1.x URN or any absolute URI.
std::optional<std::string> cbv_uri(Vocabulary vocabulary, std::string_view value, std::string_view urn_prefix) {
  if (auto uri = bare_word_uri(vocabulary, value)) return uri;
  if (starts_with(value, urn_prefix)) {
    if (auto uri = bare_word_uri(vocabulary, value.substr(urn_prefix.size()))) return uri;
  }
  if (!is_uri(value)) return std::nullopt;
  return expand_curie(value, {});
}

}  // namespace

std::optional<std::string> biz_step_uri(std::string_view value) {
  return cbv_uri(Vocabulary::kBizStep, value, "urn:epcglobal:cbv:bizstep:");
}

std::optional<std::string> disposition_uri(std::string_view value) {
  return cbv_uri(Vocabulary::kDisposition, value, "urn:epcglobal:cbv:disp:");
}

std::optional<int64_t> parse_time_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), as RFC 3339 section 5.6 and the
  // rfc3339-validator that JSON Schema checkers use.
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59)
    return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0)) return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (s[pos] == '.') {
    const size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    const size_t count = pos - start;
    if (count == 0) return std::nullopt;
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < count ? s[start + i] - '0' : 0);
    if (count > 3 && s[start + 3] >= '5') ++millis;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    if (s.size() - pos != 6 || s[pos + 3] != ':') return std::nullopt;
    const int offset_hours = digits(s, pos + 1, 2), offset_mins = digits(s, pos + 4, 2);
    if (offset_hours < 0 || offset_hours > 23 || offset_mins < 0 || offset_mins > 59) return std::nullopt;
    offset_minutes = (offset_hours * 60 + offset_mins) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - int64_t{offset_minutes} * 60;
  return seconds * 1000 + millis;
}

Namespaces context_namespaces(const json::value& context) {
  Namespaces namespaces;
  auto add_object = [&](const json::object& object) {
    for (const auto& member : object) {
      const std::string_view prefix = member.key();
      if (member.value().is_string() && !prefix.empty() && prefix[0] != '@' &&
          prefix.find(':') == std::string_view::npos)
        namespaces.emplace_back(std::string(prefix), std::string(member.value().get_string()));
    }
  };
  if (const auto* object = context.if_object()) {
    add_object(*object);
  } else if (const auto* items = context.if_array()) {
    for (const auto& item : *items)
      if (const auto* object = item.if_object()) add_object(*object);
  }
  return namespaces;
}

CaptureResult parse_document(std::string_view body, const CaptureLimits& limits) {
  return parse(body, limits, {"EPCISDocument", "epcisBody.eventList"});
}

CaptureResult parse_query_document(std::string_view body, const CaptureLimits& limits) {
  return parse(body, limits, {"EPCISQueryDocument", "epcisBody.queryResults.resultsBody.eventList"});
}

std::optional<CaptureError> validate_event(const json::object& event, Event& out) {
  out = Event{};
  Checker checker(out);
  if (!checker.check_event(event)) {
    CaptureError error = checker.error();
    error.index = 0;
    return error;
  }
  out.hash = event_hash(event, out.namespaces);
  out.json = event;
  if (out.event_id.empty()) {
    out.event_id = out.hash;
    out.json["eventID"] = out.hash;
  }
  return std::nullopt;
}

}  // namespace longnan::trace
