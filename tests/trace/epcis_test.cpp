// EPCIS 2.0 capture validation and the CBV 2.0 event hash: the conformance documents
// (OpenEPCIS copies in data/epcis; GS1's examples from ../shared when present), the first
// error of every invalid document, published hash vectors of the reference implementation,
// the hash's invariants, the limits, and bad input of every kind.
#include "trace/epcis.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace longnan::trace {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kProjectData = fs::path(LONGNAN_SOURCE_DIR) / "data/epcis";
const fs::path kSharedData = fs::path(LONGNAN_SOURCE_DIR) / "../shared/data/epcis";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && (entry.path().extension() == ".json" || entry.path().extension() == ".jsonld"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string describe(const CaptureError& error) {
  return "event " + std::to_string(error.index) + ", field \"" + error.field + "\": " + error.message;
}

// Sets the member or element at a JSON pointer, creating the last object member (Boost 1.81
// has no set_at_pointer).
void set_at(json::value& root, std::string_view pointer, json::value value) {
  json::value* at = &root;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);
    const size_t slash = pointer.find('/');
    std::string token(pointer.substr(0, slash));
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
    for (size_t i = token.find('~'); i != std::string::npos; i = token.find('~', i + 1))
      token.replace(i, 2, token[i + 1] == '1' ? "/" : "~");
    if (auto* object = at->if_object()) {
      at = &(*object)[token];
    } else {
      at = &at->as_array().at(std::stoul(token));
    }
  }
  *at = std::move(value);
}

bool is_hash(const std::string& text) {
  if (text.size() != 14 + 64 + 11 || text.rfind("ni:///sha-256;", 0) != 0 || text.substr(78) != "?ver=CBV2.0")
    return false;
  return std::all_of(text.begin() + 14, text.begin() + 78,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Every EPCISDocument is captured whole; every EPCISQueryDocument is refused by capture and
// read by parse_query_document; the events come back as they were, with a hash each.
void expect_valid_document(const fs::path& path) {
  SCOPED_TRACE(path.filename().string());
  const std::string body = read_file(path);
  const json::value document = json::parse(body);
  const std::string type(document.at("type").as_string());
  const json::array* events = nullptr;
  CaptureResult result;
  if (type == "EPCISDocument") {
    result = parse_document(body);
    events = &document.at("epcisBody").at("eventList").as_array();
  } else {
    ASSERT_EQ(type, "EPCISQueryDocument");
    const CaptureResult refused = parse_document(body);
    ASSERT_TRUE(refused.error);
    EXPECT_EQ(refused.error->field, "type");
    result = parse_query_document(body);
    events = &document.at("epcisBody").at("queryResults").at("resultsBody").at("eventList").as_array();
  }
  ASSERT_FALSE(result.error) << describe(*result.error);
  ASSERT_EQ(result.events.size(), events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    const Event& event = result.events[i];
    EXPECT_TRUE(is_hash(event.hash)) << event.hash;
    json::object original = (*events)[i].as_object();
    if (!original.contains("eventID")) original["eventID"] = event.hash;
    EXPECT_EQ(event.json, original) << "event " << i;
    EXPECT_EQ(event.event_id, std::string(original.at("eventID").as_string()));
    EXPECT_EQ(event.type, std::string(original.at("type").as_string()));
    EXPECT_NE(event.event_time_ms, 0);
    EXPECT_EQ(event.error_declaration, original.contains("errorDeclaration"));
  }
}

TEST(EpcisExamples, EveryProjectDocumentIsAccepted) {
  const auto files = files_in(kProjectData / "examples");
  ASSERT_EQ(files.size(), 12u);
  for (const auto& path : files) expect_valid_document(path);
}

TEST(EpcisExamples, EveryProjectSingleEventIsAccepted) {
  const auto files = files_in(kProjectData / "examples/single-events");
  ASSERT_EQ(files.size(), 3u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const json::object event = json::parse(read_file(path)).as_object();
    Event out;
    const auto error = validate_event(event, out);
    ASSERT_FALSE(error) << describe(*error);
    EXPECT_EQ(out.type, std::string(event.at("type").as_string()));
    EXPECT_TRUE(is_hash(out.hash));
    EXPECT_EQ(out.hash, event_hash(event));
  }
}

TEST(EpcisExamples, EveryGs1DocumentIsAccepted) {
  if (!fs::exists(kSharedData / "examples")) GTEST_SKIP() << "../shared/data/epcis is absent: GS1 examples not checked";
  const auto files = files_in(kSharedData / "examples");
  EXPECT_EQ(files.size(), 41u);
  for (const auto& path : files) expect_valid_document(path);
}

TEST(EpcisExamples, EventsKeepWhatQueriesFilterOn) {
  const CaptureResult result =
      parse_document(read_file(kProjectData / "examples/openepcis_Combination_of_different_event.json"));
  ASSERT_FALSE(result.error) << describe(*result.error);
  std::map<std::string, int> types;
  for (const Event& event : result.events) ++types[event.type];
  EXPECT_EQ(types.size(), 5u) << "all five event types";
  for (const Event& event : result.events) {
    EXPECT_EQ(event.namespaces, (Namespaces{{"ext1", "http://example.com/ext1/"}}));
    if (!event.biz_step.empty()) {
      EXPECT_NE(event.biz_step.find("://"), std::string::npos) << event.biz_step;  // a bare word or CURIE expanded
    }
  }
  const Event& object = result.events[0];
  EXPECT_EQ(object.time_zone_offset.size(), 6u);
}

// The first error of each invalid document: the index of the event and the JSON path of the field.
struct Refusal {
  std::string file;
  int64_t index;
  std::string field;
};

TEST(EpcisInvalid, EveryInvalidDocumentIsRefusedAtItsFirstFault) {
  const std::vector<Refusal> expected = {
      {"openepcis_Combination_of_events_with_missing_mandatory_fields.json", 0, "action"},
      {"openepcis_Combination_of_multiple_invalid_fields.json", 0, "bizStep"},
      {"openepcis_EPCISDocument_without_context.json", -1, "@context"},
      {"openepcis_ObjectEvent_with_invalid_action.json", 0, "action"},
      {"openepcis_ObjectEvent_with_non_standard_bizStep.json", 0, "bizStep"},
      {"openepcis_ObjectEvent_with_non_standard_disposition.json", 0, "disposition"},
      {"openepcis_ObjectEvent_with_quantity_as_text.json", 0, "quantityList[0].quantity"},
      {"openepcis_ObjectEvent_without_identifier_list.json", 0, "epcList"},
      {"openepcis_query_QueryDocument_with_invalid_action.json", -1, "type"},
  };
  const auto files = files_in(kProjectData / "invalid");
  ASSERT_EQ(files.size(), expected.size()) << "every invalid document has its expectation here";
  for (const Refusal& refusal : expected) {
    SCOPED_TRACE(refusal.file);
    const CaptureResult result = parse_document(read_file(kProjectData / "invalid" / refusal.file));
    ASSERT_TRUE(result.error);
    EXPECT_TRUE(result.events.empty());
    EXPECT_FALSE(result.error->too_large);
    EXPECT_EQ(result.error->index, refusal.index) << describe(*result.error);
    EXPECT_EQ(result.error->field, refusal.field) << describe(*result.error);
    EXPECT_FALSE(result.error->message.empty());
  }
}

TEST(EpcisInvalid, EachFaultOfTheCombinedDocumentsIsFound) {
  auto fields_of = [](const fs::path& path) {
    std::vector<std::string> fields;
    const json::value document = json::parse(read_file(path));
    for (const auto& event : document.at("epcisBody").at("eventList").as_array()) {
      Event out;
      const auto error = validate_event(event.as_object(), out);
      fields.push_back(error ? error->field : "");
    }
    return fields;
  };
  EXPECT_EQ(
      fields_of(kProjectData / "invalid/openepcis_Combination_of_multiple_invalid_fields.json"),
      (std::vector<std::string>{"bizStep", "disposition", "sourceList[0].type", "ilmd.materialType", "eventTime"}));
  EXPECT_EQ(fields_of(kProjectData / "invalid/openepcis_Combination_of_events_with_missing_mandatory_fields.json"),
            (std::vector<std::string>{"action", "eventTimeZoneOffset"}));
}

TEST(EpcisInvalid, TheQueryDocumentsEventIsRefusedForItsAction) {
  const CaptureResult result =
      parse_query_document(read_file(kProjectData / "invalid/openepcis_query_QueryDocument_with_invalid_action.json"));
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->index, 0);
  EXPECT_EQ(result.error->field, "action");
}

// ---------------------------------------------------------------------------------------
// A small valid document to vary.

json::object object_event() {
  return json::parse(R"({
    "type": "ObjectEvent",
    "eventTime": "2024-09-01T08:30:00.000+08:00",
    "eventTimeZoneOffset": "+08:00",
    "epcList": ["https://id.gs1.org/01/06901234567892/21/0001", "urn:epc:id:sgtin:6901234.056789.0002"],
    "action": "OBSERVE",
    "bizStep": "shipping",
    "disposition": "in_transit",
    "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
    "bizLocation": {"id": "https://id.gs1.org/414/6901234000011"},
    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000011:PO-17"}],
    "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:6901234.00000"}],
    "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:6901234.00002.0"}],
    "sensorElementList": [{
      "sensorMetadata": {"time": "2024-09-01T08:00:00+08:00", "deviceID": "urn:epc:id:giai:6901234.T1"},
      "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"},
                       {"type": "RelativeHumidity", "value": 80, "uom": "P1", "time": "2024-09-01T08:10:00+08:00"}]
    }],
    "ln:batchNote": "clean"
  })")
      .as_object();
}

std::string document_with(const json::array& events,
                          std::string_view context = R"(["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
                                                         {"ln": "https://longnan.example.cn/epcis/"}])") {
  json::object document;
  document["@context"] = json::parse(context);
  document["type"] = "EPCISDocument";
  document["schemaVersion"] = "2.0";
  document["creationDate"] = "2024-09-01T09:00:00+08:00";
  document["epcisBody"] = {{"eventList", events}};
  return json::serialize(document);
}

std::optional<CaptureError> capture_error(const json::object& event) {
  CaptureResult result = parse_document(document_with({event}));
  return result.error;
}

TEST(EpcisValidate, AFullEventIsAcceptedAndNormalised) {
  const CaptureResult result = parse_document(document_with({object_event()}));
  ASSERT_FALSE(result.error) << describe(*result.error);
  const Event& event = result.events.at(0);
  EXPECT_EQ(event.type, "ObjectEvent");
  EXPECT_EQ(event.event_time_ms, 1725150600000);  // 2024-09-01T00:30:00Z
  EXPECT_EQ(event.time_zone_offset, "+08:00");
  EXPECT_EQ(event.action, "OBSERVE");
  EXPECT_EQ(event.biz_step, "https://ref.gs1.org/cbv/BizStep-shipping");
  EXPECT_EQ(event.disposition, "https://ref.gs1.org/cbv/Disp-in_transit");
  EXPECT_EQ(event.read_point, "urn:epc:id:sgln:6901234.00001.0");
  EXPECT_EQ(event.biz_location, "https://id.gs1.org/414/6901234000011");
  ASSERT_EQ(event.epcs.size(), 2u);
  EXPECT_EQ(event.epcs[1].value, "urn:epc:id:sgtin:6901234.056789.0002");
  EXPECT_EQ(event.epcs[1].role, EpcRole::kEpc);
  ASSERT_EQ(event.biz_transactions.size(), 1u);
  EXPECT_EQ(event.biz_transactions[0].first, "https://ref.gs1.org/cbv/BTT-po");
  ASSERT_EQ(event.sensors.size(), 2u);
  EXPECT_EQ(event.sensors[0].type, "https://gs1.org/voc/Temperature");
  EXPECT_EQ(event.sensors[0].value, 4.5);
  EXPECT_EQ(event.sensors[0].time_ms, 1725148800000);  // the metadata's time
  EXPECT_EQ(event.sensors[0].device_id, "urn:epc:id:giai:6901234.T1");
  EXPECT_EQ(event.sensors[1].time_ms, 1725149400000);  // its own
  EXPECT_EQ(event.event_id, event.hash);
  EXPECT_EQ(std::string(event.json.at("eventID").as_string()), event.hash);
}

TEST(EpcisValidate, HarvestIsCommissioningWithLotMasterData) {
  json::object harvest = json::parse(R"({
    "type": "ObjectEvent", "eventTime": "2024-08-20T07:00:00+08:00", "eventTimeZoneOffset": "+08:00",
    "action": "ADD", "bizStep": "commissioning", "disposition": "active",
    "quantityList": [{"epcClass": "https://id.gs1.org/01/06901234567892/10/LOT-2024-08", "quantity": 350.5, "uom": "KGM"}],
    "readPoint": {"id": "https://longnan.example.cn/location/621221100201"},
    "ilmd": {"cbvmda:harvestStartDate": "2024-08-20", "ln:orchard": "Wudu 2"}
  })")
                             .as_object();
  const CaptureResult result = parse_document(document_with({harvest}));
  ASSERT_FALSE(result.error) << describe(*result.error);
  ASSERT_EQ(result.events[0].classes.size(), 1u);
  EXPECT_EQ(result.events[0].classes[0].quantity, 350.5);
  EXPECT_EQ(result.events[0].classes[0].uom, "KGM");

  harvest["action"] = "OBSERVE";  // lot master data only when the objects come into being
  const auto error = capture_error(harvest);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "ilmd");
}

TEST(EpcisValidate, CustomStepsUseOurOwnBizStepUrisWithExtensionFields) {
  json::object spraying = object_event();
  spraying["bizStep"] = "https://longnan.example.cn/voc/BizStep-spraying";
  spraying["ln:pesticide"] = {{"ln:name", "Bordeaux mixture"}, {"ln:dose_ml_per_l", 10}};
  const CaptureResult result = parse_document(document_with({spraying}));
  ASSERT_FALSE(result.error) << describe(*result.error);
  EXPECT_EQ(result.events[0].biz_step, "https://longnan.example.cn/voc/BizStep-spraying");

  spraying["bizStep"] = "spraying";  // a bare word must be CBV's
  EXPECT_EQ(capture_error(spraying)->field, "bizStep");
  spraying["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving";  // EPCIS 1.x URNs are not JSON's
  EXPECT_EQ(capture_error(spraying)->field, "bizStep");
}

TEST(EpcisValidate, ACorrectionIsANewEventWithAnErrorDeclaration) {
  json::object original = object_event();
  json::object correction = original;
  correction["errorDeclaration"] = {{"declarationTime", "2024-09-02T10:00:00+08:00"},
                                    {"reason", "incorrect_data"},
                                    {"correctiveEventIDs", {"urn:uuid:2f0e4a4c-7a2b-4a8b-9c0d-111111111111"}}};
  const CaptureResult result = parse_document(document_with({original, correction}));
  ASSERT_FALSE(result.error) << describe(*result.error);
  EXPECT_TRUE(result.events[1].error_declaration);
  EXPECT_EQ(result.events[1].corrective_event_ids,
            std::vector<std::string>{"urn:uuid:2f0e4a4c-7a2b-4a8b-9c0d-111111111111"});
  // CBV 2.0 leaves errorDeclaration out of the hash: the declaration names its original.
  EXPECT_EQ(result.events[1].hash, result.events[0].hash);

  correction["errorDeclaration"] = {{"reason", "incorrect_data"}};
  EXPECT_EQ(capture_error(correction)->field, "errorDeclaration.declarationTime");
  correction["errorDeclaration"] = {{"declarationTime", "2024-09-02T10:00:00+08:00"}, {"why", "typo"}};
  EXPECT_EQ(capture_error(correction)->field, "errorDeclaration.why");
}

TEST(EpcisValidate, FieldsAreCheckedWhereTheSchemaIsStrict) {
  struct Case {
    std::string pointer;  // what to change, as a JSON pointer
    json::value value;
    std::string field;  // where the error is reported
  };
  const std::vector<Case> cases = {
      {"/eventTime", "2024-09-01T08:30:00", "eventTime"},  // no offset
      {"/eventTime", "2024-02-30T08:30:00Z", "eventTime"},
      {"/eventTime", "2024-09-01 08:30:00Z", "eventTime"},
      {"/eventTimeZoneOffset", "+8:00", "eventTimeZoneOffset"},
      {"/eventTimeZoneOffset", "+14:30", "eventTimeZoneOffset"},
      {"/action", "add", "action"},
      {"/epcList/1", "not a uri", "epcList[1]"},
      {"/epcList/1", "https://id.gs1.org/01/06901234567892/21/0001", "epcList[1]"},  // repeated
      {"/epcList/1", 42, "epcList[1]"},
      {"/readPoint", "urn:epc:id:sgln:6901234.00001.0", "readPoint"},
      {"/readPoint/id", "中文", "readPoint.id"},
      {"/bizTransactionList/0/type", "purchase_order", "bizTransactionList[0].type"},
      {"/bizTransactionList/0/note", "x", "bizTransactionList[0].note"},
      {"/sourceList/0/source", "", "sourceList[0].source"},
      {"/sensorElementList/0/sensorReport/0/type", "Heat", "sensorElementList[0].sensorReport[0].type"},
      {"/sensorElementList/0/sensorReport/0/type", "https://gs1.org/voc/Temperature",
       "sensorElementList[0].sensorReport[0].type"},
      {"/sensorElementList/0/sensorReport/1/time", "yesterday", "sensorElementList[0].sensorReport[1].time"},
      {"/sensorElementList/0/sensorReport/0/value", "4.5", "sensorElementList[0].sensorReport[0].value"},
      {"/sensorElementList/0/sensorReport/0/color", "red", "sensorElementList[0].sensorReport[0].color"},
      {"/sensorElementList/0/sensorReport", json::array{}, "sensorElementList[0].sensorReport"},
      {"/sensorElementList/0/sensorMetadata/deviceID", "T1", "sensorElementList[0].sensorMetadata.deviceID"},
      {"/ilmd", {{"lot", "A"}}, "ilmd.lot"},
      {"/childEPCs", json::array{"urn:epc:id:sgtin:6901234.056789.0003"}, "childEPCs"},  // not an ObjectEvent field
      {"/batchNote", "no prefix", "batchNote"},
      {"/persistentDisposition", {{"set", json::array{}}}, "persistentDisposition.set"},
      {"/certificationInfo", json::array{"https://cert.example.cn/1", 3}, "certificationInfo[1]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    json::value event = object_event();
    set_at(event, c.pointer, c.value);
    const auto error = capture_error(event.as_object());
    ASSERT_TRUE(error) << json::serialize(c.value);
    EXPECT_EQ(error->index, 0);
    EXPECT_EQ(error->field, c.field) << error->message;
  }
}

TEST(EpcisValidate, TheSchemaIsLenientWhereItIsOpen) {
  json::value event = object_event();
  set_at(event, "/readPoint/ln:gate", "east");                             // readPoint is open
  set_at(event, "/sensorElementList/0/ln:calibrated", true);               // namespaced
  set_at(event, "/https:~1~1longnan.example.cn~1epcis~1note", "ok");       // a full URI
  set_at(event, "/ln:nested", json::parse(R"({"a": [1, {"b": null}]})"));  // free content
  set_at(event, "/persistentDisposition", json::parse(R"({"set": ["completeness_verified"]})"));
  set_at(event, "/eventTime", "2024-09-01T08:30:00.123456789+08:00");
  set_at(event, "/eventTimeZoneOffset", "-14:00");
  const CaptureResult result = parse_document(document_with({event}));
  ASSERT_FALSE(result.error) << describe(*result.error);
  EXPECT_EQ(result.events[0].event_time_ms, 1725150600123);

  // persistentDisposition on every event type, as the 2.0.1 schema allows.
  json::object aggregation = json::parse(R"({"type": "AggregationEvent", "eventTime": "2024-09-01T08:30:00Z",
      "eventTimeZoneOffset": "+00:00", "action": "ADD", "parentID": "urn:epc:id:sscc:6901234.0000000017",
      "childEPCs": ["urn:epc:id:sgtin:6901234.056789.0002"], "persistentDisposition": {"unset": ["active"]}})")
                                 .as_object();
  Event out;
  EXPECT_FALSE(validate_event(aggregation, out));
}

TEST(EpcisValidate, WhatEachTypeMustName) {
  Event out;
  auto field_of = [&](std::string_view text) {
    const auto error = validate_event(json::parse(text).as_object(), out);
    return error ? error->field : std::string("(valid)");
  };
  const std::string head = R"("eventTime": "2024-09-01T08:30:00Z", "eventTimeZoneOffset": "+00:00")";
  EXPECT_EQ(field_of(R"({"type": "ObjectEvent", "action": "ADD", )" + head + "}"), "epcList");
  EXPECT_EQ(field_of(R"({"type": "ObjectEvent", "action": "ADD", "epcList": [], )" + head + "}"), "(valid)");
  EXPECT_EQ(field_of(R"({"type": "ObjectEvent", "action": "OBSERVE", "readPoint": {"id": "urn:x:1"},
      "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 3}]}], )" +
                     head + "}"),
            "(valid)");
  EXPECT_EQ(field_of(R"({"type": "AggregationEvent", "action": "ADD", )" + head + "}"), "childEPCs");
  EXPECT_EQ(field_of(R"({"type": "AggregationEvent", "action": "DELETE", )" + head + "}"), "(valid)");
  EXPECT_EQ(field_of(R"({"type": "AssociationEvent", "action": "ADD", "childEPCs": ["urn:x:1"], )" + head + "}"),
            "parentID");
  EXPECT_EQ(field_of(R"({"type": "TransactionEvent", "action": "ADD", "epcList": ["urn:x:1"], )" + head + "}"),
            "bizTransactionList");
  EXPECT_EQ(field_of(R"({"type": "TransformationEvent", "inputEPCList": ["urn:x:1"], )" + head + "}"), "outputEPCList");
  EXPECT_EQ(field_of(R"({"type": "TransformationEvent", "inputEPCList": ["urn:x:1"], "transformationID": "urn:x:t",
      )" + head + "}"),
            "(valid)");
  EXPECT_EQ(field_of(R"({"type": "https://example.org/MyEvent", )" + head + "}"), "type");
  EXPECT_EQ(field_of(R"({"action": "ADD", )" + head + "}"), "type");
}

TEST(EpcisDocument, BothContextUrlsAreAcceptedAndOthersRefused) {
  const json::array events = {object_event()};
  for (
      std::string_view context :
      {R"("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")",
       R"("https://ref.gs1.org/standards/epcis/epcis-context.jsonld")",
       R"(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ln": "https://longnan.example.cn/epcis/"}])"}) {
    const CaptureResult result = parse_document(document_with(events, context));
    EXPECT_FALSE(result.error) << context << ": " << describe(*result.error);
  }
  const std::vector<std::pair<std::string_view, std::string>> refused = {
      {R"("https://gs1.github.io/EPCIS/epcis-context.jsonld")", "@context"},
      {R"(["https://ref.gs1.org/standards/epcis/epcis-context.jsonld", "https://example.org/other.jsonld"])",
       "@context[1]"},
      {R"([{"ln": "https://longnan.example.cn/epcis/"}])", "@context"},
      {R"(42)", "@context"},
  };
  for (const auto& [context, field] : refused) {
    const CaptureResult result = parse_document(document_with(events, context));
    ASSERT_TRUE(result.error) << context;
    EXPECT_EQ(result.error->index, -1);
    EXPECT_EQ(result.error->field, field) << context;
  }
}

TEST(EpcisDocument, DocumentFieldsAreChecked) {
  json::object document = json::parse(document_with({object_event()})).as_object();
  auto field_of = [](json::object changed) {
    const CaptureResult result = parse_document(json::serialize(changed));
    return result.error ? result.error->field : std::string("(valid)");
  };
  EXPECT_EQ(field_of(document), "(valid)");
  json::object changed = document;
  changed["schemaVersion"] = 2;
  EXPECT_EQ(field_of(changed), "schemaVersion");
  changed = document;
  changed.erase("creationDate");
  EXPECT_EQ(field_of(changed), "creationDate");
  changed = document;
  changed["sender"] = "urn:epc:id:pgln:6901234.00000";
  changed["ln:batch"] = 7;
  EXPECT_EQ(field_of(changed), "(valid)");
  changed["note"] = "x";
  EXPECT_EQ(field_of(changed), "note");
  changed = document;
  changed["epcisBody"] = {{"eventList", "none"}};
  EXPECT_EQ(field_of(changed), "epcisBody.eventList");
  changed = document;
  changed["epcisBody"].as_object()["eventList"].as_array().push_back(42);
  const CaptureResult result = parse_document(json::serialize(changed));
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->index, 1);
}

TEST(EpcisDocument, OneBadEventRefusesTheWholeDocument) {
  json::object bad = object_event();
  bad["action"] = "CREATE";
  const CaptureResult result = parse_document(document_with({object_event(), object_event(), bad, object_event()}));
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->index, 2);
  EXPECT_EQ(result.error->field, "action");
  EXPECT_TRUE(result.events.empty());
}

TEST(EpcisLimits, TooManyEventsOrBytesAreTooLarge) {
  const std::string body = document_with({object_event(), object_event(), object_event()});
  EXPECT_FALSE(parse_document(body, {3, body.size()}).error);
  const CaptureResult events = parse_document(body, {2, body.size()});
  ASSERT_TRUE(events.error);
  EXPECT_TRUE(events.error->too_large);
  const CaptureResult bytes = parse_document(body, {3, body.size() - 1});
  ASSERT_TRUE(bytes.error);
  EXPECT_TRUE(bytes.error->too_large);
  EXPECT_FALSE(parse_document("{", {3, 100}).error->too_large);
}

// ---------------------------------------------------------------------------------------
// Published hash vectors: the three worked examples of the reference implementation's
// README (github.com/RalphTro/epcis-event-hash-generator, README.md, "Worked examples",
// CBV 2.0 rows), with their JSON-LD documents and pre-hash strings as published there.

struct Vector {
  std::string name;
  std::string document;
  std::vector<std::string> pre_hash_lines;
  std::string hash;
};

std::vector<Vector> reference_vectors() {
  return {
      {"ReferenceEventHashAlgorithm.jsonld",
       R"({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                        {"example": "https://ns.example.com/epcis/"}],
           "id": "https://id.example.org/document1", "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": "2022-02-17T11:30:47.0Z",
           "epcisBody": {"eventList": [{
             "type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30.000+01:00", "eventTimeZoneOffset": "+01:00",
             "recordTime": "2020-03-04T11:00:30.999+01:00",
             "epcList": ["urn:epc:id:sscc:4012345.0000000333", "urn:epc:id:sscc:4012345.0000000111",
                         "urn:epc:id:sscc:4012345.0000000222"],
             "action": "OBSERVE", "bizStep": "departing", "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
             "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
             "example:myField2": "0",
             "example:myField3": {"example:mySubField3": ["3", "1"]}}]}})",
       {"eventType=ObjectEvent", "eventTime=2020-03-04T10:00:30.000Z", "eventTimeZoneOffset=+01:00", "epcList",
        "epc=https://id.gs1.org/00/040123450000001112", "epc=https://id.gs1.org/00/040123450000002225",
        "epc=https://id.gs1.org/00/040123450000003338", "action=OBSERVE",
        "bizStep=https://ref.gs1.org/cbv/BizStep-departing", "readPoint",
        "id=https://id.gs1.org/414/4012345000115/254/987", "{https://ns.example.com/epcis/}myField1",
        "{https://ns.example.com/epcis/}mySubField1=2", "{https://ns.example.com/epcis/}mySubField2=5",
        "{https://ns.example.com/epcis/}myField2=0", "{https://ns.example.com/epcis/}myField3",
        "{https://ns.example.com/epcis/}mySubField3=1", "{https://ns.example.com/epcis/}mySubField3=3"},
       "ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0"},
      {"ReferenceEventHashAlgorithm2.jsonld",
       R"({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
           "id": "https://id.example.org/document1", "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": "2022-02-17T11:30:47.0Z",
           "epcisBody": {"eventList": [{
             "type": "ObjectEvent", "eventTime": "2020-04-01T15:00:00+01:00", "eventTimeZoneOffset": "+01:00",
             "epcList": ["urn:epc:id:sgtin:4012345.011111.9876"], "action": "OBSERVE", "bizStep": "inspecting",
             "readPoint": {"id": "urn:epc:id:sgln:4012345.00005.0"},
             "sensorElementList": [{
               "sensorMetadata": {"deviceID": "urn:epc:id:giai:4000001.111",
                                  "deviceMetadata": "https://id.gs1.org/8004/4000001111"},
               "sensorReport": [
                 {"type": "Temperature", "value": 26, "sDev": 0.1, "uom": "CEL"},
                 {"type": "AbsoluteHumidity", "value": 12.1, "uom": "A93"},
                 {"type": "Dimensionless", "microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
                  "value": 0.05, "uom": "C35"},
                 {"type": "Dimensionless",
                  "chemicalSubstance": "https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N",
                  "value": 0.18, "uom": "C35"}]}]}]}})",
       {"eventType=ObjectEvent",
        "eventTime=2020-04-01T14:00:00.000Z",
        "eventTimeZoneOffset=+01:00",
        "epcList",
        "epc=https://id.gs1.org/01/04012345111118/21/9876",
        "action=OBSERVE",
        "bizStep=https://ref.gs1.org/cbv/BizStep-inspecting",
        "readPoint",
        "id=https://id.gs1.org/414/4012345000054",
        "sensorElement",
        "sensorMetadata",
        "deviceID=https://id.gs1.org/8004/4000001111",
        "deviceMetadata=https://id.gs1.org/8004/4000001111",
        "sensorReport",
        "type=https://ref.gs1.org/voc/AbsoluteHumidity",
        "value=12.1",
        "uom=A93",
        "sensorReport",
        "type=https://ref.gs1.org/voc/Dimensionless",
        "chemicalSubstance=https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N",
        "value=0.18",
        "uom=C35",
        "sensorReport",
        "type=https://ref.gs1.org/voc/Dimensionless",
        "microorganism=https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
        "value=0.05",
        "uom=C35",
        "sensorReport",
        "type=https://ref.gs1.org/voc/Temperature",
        "value=26",
        "sDev=0.1",
        "uom=CEL"},
       "ni:///sha-256;271565c346ae2fb28c4583c4dca4ab4772d465eb4e0b6e548d77d8b49377d95c?ver=CBV2.0"},
      {"ReferenceEventHashAlgorithm3.jsonld",
       R"({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                        {"example": "https://ns.example.com/epcis/"}],
           "id": "https://id.example.org/document1", "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": "2022-02-17T11:30:47.0Z",
           "epcisBody": {"eventList": [{
             "type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
             "epcList": ["urn:epc:id:sgtin:0614141.011111.987"], "action": "OBSERVE", "bizStep": "departing",
             "disposition": "in_transit",
             "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0", "example:myField1": "AB-12"},
             "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epc:id:gdti:4012345.11111.123"}],
             "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
             "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}],
             "example:userExt": "CD-34"}]}})",
       {"eventType=ObjectEvent",
        "eventTime=2020-03-04T10:00:30.000Z",
        "eventTimeZoneOffset=+01:00",
        "epcList",
        "epc=https://id.gs1.org/01/00614141111114/21/987",
        "action=OBSERVE",
        "bizStep=https://ref.gs1.org/cbv/BizStep-departing",
        "disposition=https://ref.gs1.org/cbv/Disp-in_transit",
        "readPoint",
        "id=https://id.gs1.org/414/4012345000115",
        "bizTransactionList",
        "type=https://ref.gs1.org/cbv/BTT-po",
        "bizTransaction=https://id.gs1.org/253/4012345111118123",
        "sourceList",
        "type=https://ref.gs1.org/cbv/SDT-owning_party",
        "source=https://id.gs1.org/417/4012345000009",
        "destinationList",
        "type=https://ref.gs1.org/cbv/SDT-owning_party",
        "destination=https://id.gs1.org/417/0614141000005",
        "readPoint",
        "{https://ns.example.com/epcis/}myField1=AB-12",
        "{https://ns.example.com/epcis/}userExt=CD-34"},
       "ni:///sha-256;3ae14c02c4bdc220cc31942cf804f6845eb8dec96ba6483391c92a9b165f9329?ver=CBV2.0"},
  };
}

TEST(EventHash, MatchesTheReferenceImplementationsPublishedExamples) {
  for (const Vector& vector : reference_vectors()) {
    SCOPED_TRACE(vector.name);
    const CaptureResult result = parse_document(vector.document);
    ASSERT_FALSE(result.error) << describe(*result.error);
    ASSERT_EQ(result.events.size(), 1u);
    const Event& event = result.events[0];
    std::string expected_pre_hash;
    for (const auto& line : vector.pre_hash_lines) expected_pre_hash += line;
    json::object captured = event.json;
    EXPECT_EQ(pre_hash(captured, event.namespaces), expected_pre_hash);
    EXPECT_EQ(event.hash, vector.hash);
  }
}

// The same event written differently has the same hash; a different event does not.
TEST(EventHash, InvariantsOfTheCanonicalForm) {
  const json::object base = object_event();
  const Namespaces ns = {{"ln", "https://longnan.example.cn/epcis/"}};
  const std::string hash = event_hash(base, ns);
  auto variant = [&](std::string_view pointer, json::value value) {
    json::value event = base;
    set_at(event, pointer, std::move(value));
    return event_hash(event.as_object(), ns);
  };
  // Member order.
  json::object reversed;
  for (auto it = base.end(); it != base.begin();) {
    --it;
    reversed[it->key()] = it->value();
  }
  EXPECT_EQ(event_hash(reversed, ns), hash);
  // List order.
  EXPECT_EQ(variant("/epcList", json::array{"urn:epc:id:sgtin:6901234.056789.0002",
                                            "https://id.gs1.org/01/06901234567892/21/0001"}),
            hash);
  // The same instant with another offset spelling, and more fractional digits.
  EXPECT_EQ(variant("/eventTime", "2024-09-01T00:30:00Z"), hash);
  EXPECT_EQ(variant("/eventTime", "2024-09-01T02:30:00.0001+02:00"), hash);
  // Bare word, CURIE, EPCIS 1.x URN and web URI of a CBV value.
  EXPECT_EQ(variant("/bizStep", "https://ref.gs1.org/cbv/BizStep-shipping"), hash);
  EXPECT_EQ(variant("/bizStep", "cbv:BizStep-shipping"), hash);
  EXPECT_EQ(variant("/bizStep", "urn:epcglobal:cbv:bizstep:shipping"), hash);
  EXPECT_EQ(variant("/disposition", "https://ref.gs1.org/cbv/Disp-in_transit"), hash);
  EXPECT_EQ(variant("/sensorElementList/0/sensorReport/0/type", "gs1:Temperature"), hash);
  // EPC URN and Digital Link, on any domain, with a lot beside the serial or a query string.
  EXPECT_EQ(variant("/epcList/1", "https://id.gs1.org/01/06901234567892/21/0002"), hash);
  EXPECT_EQ(variant("/epcList/1", "https://trace.longnan.example.cn/01/06901234567892/10/L1/21/0002?s=qr"), hash);
  EXPECT_EQ(variant("/readPoint/id", "https://id.gs1.org/414/6901234000016"), hash);
  // Numbers without trailing zeros.
  EXPECT_EQ(variant("/sensorElementList/0/sensorReport/0/value", 4.50), hash);
  EXPECT_EQ(variant("/sensorElementList/0/sensorReport/1/value", 80.0), hash);
  // Not part of the hash.
  EXPECT_EQ(variant("/recordTime", "2024-09-01T09:00:00Z"), hash);
  EXPECT_EQ(variant("/eventID", "urn:uuid:00000000-0000-4000-8000-000000000000"), hash);
  EXPECT_EQ(variant("/certificationInfo", "https://cert.example.cn/1"), hash);
  EXPECT_EQ(variant("/rdfs:comment", "a note"), hash);

  // Any real change changes it.
  EXPECT_NE(variant("/eventTime", "2024-09-01T08:30:00.001+08:00"), hash);
  EXPECT_NE(variant("/eventTimeZoneOffset", "+09:00"), hash);
  EXPECT_NE(variant("/action", "ADD"), hash);
  EXPECT_NE(variant("/bizStep", "receiving"), hash);
  EXPECT_NE(variant("/epcList/1", "urn:epc:id:sgtin:6901234.056789.0003"), hash);
  EXPECT_NE(variant("/sensorElementList/0/sensorReport/0/value", 4.6), hash);
  EXPECT_NE(variant("/ln:batchNote", "dirty"), hash);
  EXPECT_NE(variant("/readPoint/ln:gate", "east"), hash);
  EXPECT_NE(variant("/ln:other", 1), hash);
  // The namespace behind a prefix is part of an extension's name.
  EXPECT_NE(event_hash(base, {{"ln", "https://other.example/"}}), hash);
  // The one-argument form reads the event's own @context.
  json::object with_context = base;
  with_context["@context"] = json::parse(R"(["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
                                              {"ln": "https://longnan.example.cn/epcis/"}])");
  EXPECT_EQ(event_hash(with_context), hash);
}

TEST(EventHash, IdentifiersBecomeCanonicalDigitalLinks) {
  auto epc_of = [](std::string_view epc) {
    json::object event = {{"type", "ObjectEvent"}, {"epcList", json::array{epc}}};
    const std::string text = pre_hash(event, {});
    const size_t at = text.find("epc=");
    return at == std::string::npos ? std::string() : text.substr(at + 4);
  };
  EXPECT_EQ(epc_of("urn:epc:id:sgtin:4012345.011111.9876"), "https://id.gs1.org/01/04012345111118/21/9876");
  EXPECT_EQ(epc_of("urn:epc:id:sscc:4012345.0000000333"), "https://id.gs1.org/00/040123450000003338");
  EXPECT_EQ(epc_of("urn:epc:id:sgln:4012345.00011.987"), "https://id.gs1.org/414/4012345000115/254/987");
  EXPECT_EQ(epc_of("urn:epc:id:pgln:4012345.00000"), "https://id.gs1.org/417/4012345000009");
  EXPECT_EQ(epc_of("urn:epc:id:giai:4000001.111"), "https://id.gs1.org/8004/4000001111");
  EXPECT_EQ(epc_of("urn:epc:id:gdti:4012345.11111.123"), "https://id.gs1.org/253/4012345111118123");
  EXPECT_EQ(epc_of("urn:epc:class:lgtin:4012345.011111.LOT(1)"), "https://id.gs1.org/01/04012345111118/10/LOT%281%29");
  EXPECT_EQ(epc_of("urn:epc:idpat:sgtin:4012345.011111.*"), "https://id.gs1.org/01/04012345111118");
  EXPECT_EQ(epc_of("https://example.com/gtin/4012345111118/cpv/A/lot/L1/ser/S1"),
            "https://id.gs1.org/01/04012345111118/21/S1");
  EXPECT_EQ(epc_of("https://id.gs1.org/01/4012345111118"), "https://id.gs1.org/01/04012345111118");
  EXPECT_EQ(epc_of("urn:epc:id:sgtin:4012345.011111"), "urn:epc:id:sgtin:4012345.011111");  // malformed: as written
  EXPECT_EQ(epc_of("https://example.com/about"), "https://example.com/about");
}

TEST(EventHash, NumbersAndTimesAreWrittenInNormalForm) {
  auto value_of = [](json::value value) {
    json::object event = {{"type", "ObjectEvent"}, {"ln:v", value}};
    const std::string text = pre_hash(event, {{"ln", "urn:ln:"}});
    return text.substr(text.find("{urn:ln:}v") + 10);
  };
  EXPECT_EQ(value_of(1.0), "=1");
  EXPECT_EQ(value_of(-0.0), "=0");
  EXPECT_EQ(value_of(0.3434), "=0.3434");
  EXPECT_EQ(value_of(1e-5), "=1e-05");
  EXPECT_EQ(value_of(0.0001), "=0.0001");
  EXPECT_EQ(value_of(1e20), "=100000000000000000000");
  EXPECT_EQ(value_of("1.50"), "=1.5");
  EXPECT_EQ(value_of("  007 "), "=7");
  EXPECT_EQ(value_of("1E2"), "=100");
  EXPECT_EQ(value_of("1e400"), "=1e400");
  EXPECT_EQ(value_of(true), "=true");
  EXPECT_EQ(value_of(""), "");
  EXPECT_EQ(value_of("\xe3\x80\x80x\xc2\xa0"), "=x");  // Unicode spaces trimmed

  auto time_of = [](std::string_view time) {
    json::object event = {{"type", "ObjectEvent"}, {"eventTime", time}};
    return pre_hash(event, {}).substr(std::string_view("eventType=ObjectEventeventTime=").size());
  };
  EXPECT_EQ(time_of("2023-01-18T11:04:03.1415Z"), "2023-01-18T11:04:03.142Z");
  EXPECT_EQ(time_of("2023-12-31T23:59:59.9996Z"), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(time_of("2024-03-01T07:00:00+08:00"), "2024-02-29T23:00:00.000Z");
  EXPECT_EQ(time_of("1969-12-31T23:59:59.5-00:00"), "1969-12-31T23:59:59.500Z");
}

TEST(EpcisTime, Rfc3339WithAnOffsetOnly) {
  EXPECT_EQ(parse_time_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_time_ms("1970-01-01T08:00:00.5+08:00"), 500);
  EXPECT_EQ(parse_time_ms("2000-02-29T00:00:00z"), 951782400000);
  EXPECT_EQ(parse_time_ms("2024-09-01t00:00:00.0004Z"), 1725148800000);
  EXPECT_EQ(parse_time_ms("2024-09-01T00:00:00.0005Z"), 1725148800001);
  for (std::string_view bad :
       {"", "2024-09-01", "2024-09-01T00:00:00", "2024-09-01T00:00:00+0800", "2024-09-01T24:00:00Z",
        "2024-09-01T00:60:00Z", "2024-09-01T00:00:60Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-09-01T00:00:00.Z", "2024-09-01T00:00:00Z ", "22-07-2026", "2024-09-01T00:00:00+24:00"})
    EXPECT_FALSE(parse_time_ms(bad)) << bad;
}

TEST(EpcisVocabulary, BareWordsAndUris) {
  EXPECT_EQ(biz_step_uri("commissioning"), "https://ref.gs1.org/cbv/BizStep-commissioning");
  EXPECT_EQ(biz_step_uri("urn:epcglobal:cbv:bizstep:shipping"), "https://ref.gs1.org/cbv/BizStep-shipping");
  EXPECT_EQ(biz_step_uri("cbv:BizStep-receiving"), "https://ref.gs1.org/cbv/BizStep-receiving");
  EXPECT_EQ(biz_step_uri("https://longnan.example.cn/voc/BizStep-fertilising"),
            "https://longnan.example.cn/voc/BizStep-fertilising");
  EXPECT_FALSE(biz_step_uri("fertilising"));
  EXPECT_FALSE(biz_step_uri(""));
  EXPECT_EQ(disposition_uri("in_transit"), "https://ref.gs1.org/cbv/Disp-in_transit");
  EXPECT_FALSE(disposition_uri("in_transport"));
  EXPECT_EQ(bare_word_uri(Vocabulary::kMeasurementType, "Temperature"), "https://gs1.org/voc/Temperature");
  EXPECT_EQ(bare_word_uri(Vocabulary::kSourceDestinationType, "possessing_party"),
            "https://ref.gs1.org/cbv/SDT-possessing_party");
  EXPECT_FALSE(bare_word_uri(Vocabulary::kBizTransactionType, "invoice"));
}

// ---------------------------------------------------------------------------------------
// Bad input never crashes: it is refused, or accepted when it happens to be valid.

std::vector<std::string> naughty_strings() {
  const json::value list = json::parse(read_file(fs::path(LONGNAN_SOURCE_DIR) / "tests/fixtures/blns.json"));
  std::vector<std::string> strings;
  for (const auto& item : list.as_array()) strings.emplace_back(item.as_string());
  return strings;
}

void expect_error_or_valid(const CaptureResult& result) {
  if (result.error) {
    EXPECT_TRUE(result.events.empty());
  } else {
    for (const Event& event : result.events) EXPECT_TRUE(is_hash(event.hash));
  }
}

TEST(EpcisNaughty, NaughtyStringsInEveryStringFieldAndAsTheBody) {
  const std::vector<std::string> strings = naughty_strings();
  ASSERT_GT(strings.size(), 500u);
  const std::vector<std::string> pointers = {"/type",
                                             "/eventTime",
                                             "/eventTimeZoneOffset",
                                             "/action",
                                             "/bizStep",
                                             "/disposition",
                                             "/epcList/0",
                                             "/readPoint/id",
                                             "/eventID",
                                             "/bizTransactionList/0/type",
                                             "/bizTransactionList/0/bizTransaction",
                                             "/sourceList/0/type",
                                             "/sensorElementList/0/sensorReport/0/type",
                                             "/sensorElementList/0/sensorReport/0/uom",
                                             "/sensorElementList/0/sensorMetadata/time",
                                             "/ln:batchNote"};
  size_t accepted = 0;
  for (const std::string& text : strings) {
    SCOPED_TRACE(text);
    const CaptureResult as_body = parse_document(text);
    EXPECT_TRUE(as_body.error);
    for (const std::string& pointer : pointers) {
      json::value event = object_event();
      set_at(event, pointer, json::string(text));
      const CaptureResult result = parse_document(document_with({event}));
      expect_error_or_valid(result);
      accepted += result.error ? 0 : 1;
      EXPECT_TRUE(is_hash(event_hash(event.as_object())));
    }
    json::object keyed = object_event();
    keyed[text] = text;
    keyed["ilmd"] = {{text, text}};
    expect_error_or_valid(parse_document(document_with({keyed})));
    EXPECT_TRUE(is_hash(event_hash(keyed)));
    Event out;
    validate_event(keyed, out);
  }
  EXPECT_GT(accepted, 0u);  // e.g. any text in an extension field is fine
}

TEST(EpcisNaughty, WrongTypesEverywhere) {
  const std::vector<json::value> wrong = {nullptr,
                                          true,
                                          0,
                                          -1.5,
                                          1e308,
                                          "",
                                          "x",
                                          json::array{},
                                          json::object{},
                                          json::array{nullptr},
                                          json::object{{"a", 1}}};
  const json::object event = object_event();
  // Every member, and every member of every member, replaced by every wrong value.
  std::vector<std::string> pointers;
  for (const auto& member : event) {
    const std::string top = "/" + std::string(member.key());
    pointers.push_back(top);
    if (const auto* object = member.value().if_object())
      for (const auto& inner : *object) pointers.push_back(top + "/" + std::string(inner.key()));
    if (const auto* array = member.value().if_array()) {
      pointers.push_back(top + "/0");
      if (const auto* first = array->empty() ? nullptr : (*array)[0].if_object())
        for (const auto& inner : *first) pointers.push_back(top + "/0/" + std::string(inner.key()));
    }
  }
  for (const std::string& pointer : pointers) {
    for (const json::value& value : wrong) {
      SCOPED_TRACE(pointer + " = " + json::serialize(value));
      json::value changed = event;
      set_at(changed, pointer, value);
      expect_error_or_valid(parse_document(document_with({changed})));
      Event out;
      validate_event(changed.as_object(), out);
      EXPECT_TRUE(is_hash(event_hash(changed.as_object())));
    }
  }
  // The document's own members and the event list itself.
  for (const json::value& value : wrong) {
    json::object document = json::parse(document_with({event})).as_object();
    for (std::string_view key : {"@context", "type", "schemaVersion", "creationDate", "epcisBody"}) {
      json::object changed = document;
      changed[key] = value;
      expect_error_or_valid(parse_document(json::serialize(changed)));
    }
    expect_error_or_valid(parse_document(document_with({value})));
    expect_error_or_valid(parse_document(json::serialize(value)));
  }
}

TEST(EpcisNaughty, DeepNestingHugeNumbersAndInvalidUtf8) {
  // Deeply nested bodies are refused by the parser, not recursed into.
  std::string deep(200000, '[');
  expect_error_or_valid(parse_document(deep));
  json::object nested_event = object_event();
  std::string nested = "1";
  for (int i = 0; i < 100; ++i) nested = "{\"ln:a\": " + nested + "}";
  std::string body = document_with({object_event()});
  body.replace(body.find("\"clean\""), 7, nested);
  const CaptureResult too_deep = parse_document(body);
  ASSERT_TRUE(too_deep.error);

  // An object built in memory deeper than any parser allows.
  json::value chain = 1;
  for (int i = 0; i < 3000; ++i) chain = json::object{{"ln:a", std::move(chain)}};
  nested_event["ln:deep"] = std::move(chain);
  Event out;
  const auto error = validate_event(nested_event, out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "ln:deep");
  EXPECT_TRUE(is_hash(event_hash(nested_event)));

  // Numbers beyond double range, and huge integers.
  // The serialised 4.5 (Boost writes 4.5E0) replaced by other number text.
  auto with_number = [](std::string_view text) {
    std::string body = document_with({object_event()});
    const size_t at = body.find("4.5");
    body.replace(at, body.find_first_of(",}", at) - at, text);
    return body;
  };
  const std::string infinite_body = with_number("1e400");
  const auto infinite = parse_document(infinite_body).error;
  ASSERT_TRUE(infinite);
  EXPECT_EQ(infinite->field, "sensorElementList[0].sensorReport[0].value");
  expect_error_or_valid(parse_document(with_number("1" + std::string(400, '0'))));
  EXPECT_FALSE(parse_document(with_number("123456789012345678901234567890")).error);
  EXPECT_TRUE(parse_document(with_number("-")).error);

  // Invalid UTF-8 in the body is refused; in an object built in memory, it is only text.
  std::string invalid = document_with({object_event()});
  invalid.replace(invalid.find("clean"), 5, "\xff\xfe\xc3");
  EXPECT_TRUE(parse_document(invalid).error);
  json::object bad_text = object_event();
  bad_text["ln:batchNote"] = "\xe2\x80";
  bad_text["bizStep"] = "\xc3";
  EXPECT_TRUE(validate_event(bad_text, out));
  EXPECT_TRUE(is_hash(event_hash(bad_text)));
}

// Capture must reach 20,000 events/s end to end on two cores, so validation and hashing of a
// typical event should take well under 20 µs in an optimised build. A debug build (this
// test's usual one) is several times slower; the bound here catches only gross regressions.
TEST(EpcisPerformance, HundredEventDocuments) {
  json::array events;
  for (int i = 0; i < 100; ++i) {
    json::object event = object_event();
    event["epcList"] = json::array{"https://id.gs1.org/01/06901234567892/21/" + std::to_string(1000 + i),
                                   "urn:epc:id:sgtin:6901234.056789." + std::to_string(i)};
    events.push_back(std::move(event));
  }
  const std::string body = document_with(events);
  const int rounds = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) ASSERT_FALSE(parse_document(body).error);
  const double us_per_event =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / (rounds * 100);
  std::printf("parse_document: %.1f µs per event (%zu bytes per 100 events)\n", us_per_event, body.size());
  EXPECT_LT(us_per_event, 500.0);
}

}  // namespace
}  // namespace longnan::trace
