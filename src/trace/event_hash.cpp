// The CBV 2.0 event hash ID (GS1 CBV 2.0 §8.9), computed the way the reference
// implementation (RalphTro/epcis-event-hash-generator, CBV 2.0 profile) computes it for a
// JSON event, so that our eventIDs match other EPCIS systems'.
//
// The pre-hash string concatenates, without separators:
//   eventType=…, eventTime=… (UTC, milliseconds, "Z"), eventTimeZoneOffset=…,
//   epcList (each "epc=…", sorted), parentID, inputEPCList, childEPCs, quantityList,
//   childQuantityList, inputQuantityList (each "quantityElement" + epcClass, quantity, uom;
//   sorted), outputEPCList, outputQuantityList, action, transformationID, bizStep,
//   disposition, persistentDisposition (set…, unset…), readPoint (id), bizLocation (id),
//   bizTransactionList / sourceList / destinationList (each "type=…" + the id, sorted),
//   each sensorElement (sensorMetadata fields, then its sensorReports sorted; the elements
//   sorted; CBV 2.0 writes no "sensorElementList" name),
// then, sorted, everything else as a generic tree — ilmd, event-level user extensions, and
// the user extensions found inside readPoint, bizLocation and the sensor structures, each
// behind the names of the fields that hold it (the CBV 2.0 placement). Extension keys are
// written {namespace}localName. recordTime, eventID, certificationInfo, errorDeclaration
// and @context are left out; so are rdfs:comment and comment, as the reference does.
// Every value is trimmed and then: bare CBV words become https://ref.gs1.org/cbv/… (and GS1
// Web Vocabulary words https://ref.gs1.org/voc/…), gs1:/cbv: CURIEs are expanded,
// urn:epcglobal:cbv:… URNs become their https://ref.gs1.org/cbv/ terms, numbers lose
// trailing zeros (written as Python writes a float), and EPC URNs and GS1 Digital Link URIs
// become constrained canonical Digital Link URIs (https://id.gs1.org, no query string, the
// finest identification level only).
// DO NOT CHANGE: the result is stored as eventID and as a leaf of the Merkle log.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "trace/epcis.h"

namespace longnan::trace {
namespace {

namespace json = boost::json;

// Extension trees deeper than this are cut (parse_document refuses them before).
constexpr int kMaxDepth = 64;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) { return std::all_of(text.begin(), text.end(), is_digit); }

// Compares in place: the prefixes are short and this is on every value's path.
bool starts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (text[i] != prefix[i]) return false;
  return true;
}

bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void append_joined(std::string& out, std::vector<std::string>& items, bool sort = true) {
  if (sort) std::sort(items.begin(), items.end());
  for (const auto& item : items) out += item;
}

// ---------------------------------------------------------------------------------------
// Text normal forms.

// Python's str.strip(): ASCII white space, the C0 separators and the Unicode spaces.
std::string_view strip(std::string_view text) {
  auto space_at_front = [](std::string_view s) -> size_t {
    if (s.empty()) return 0;
    const auto c = static_cast<unsigned char>(s[0]);
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
    if (c < 0x80) return 0;
    if (s.size() >= 2 && c == 0xc2 &&
        (static_cast<unsigned char>(s[1]) == 0x85 || static_cast<unsigned char>(s[1]) == 0xa0))
      return 2;
    if (s.size() >= 3) {
      const auto b1 = static_cast<unsigned char>(s[1]), b2 = static_cast<unsigned char>(s[2]);
      if (c == 0xe1 && b1 == 0x9a && b2 == 0x80) return 3;                                              // U+1680
      if (c == 0xe2 && b1 == 0x80 && (b2 <= 0x8a || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf)) return 3;  // U+2000…
      if (c == 0xe2 && b1 == 0x81 && b2 == 0x9f) return 3;                                              // U+205F
      if (c == 0xe3 && b1 == 0x80 && b2 == 0x80) return 3;                                              // U+3000
    }
    return 0;
  };
  auto space_at_back = [&](std::string_view s) -> size_t {
    for (size_t length = 1; length <= 3 && length <= s.size(); ++length) {
      const auto c = static_cast<unsigned char>(s[s.size() - length]);
      if (length == 1 && c < 0x80) return space_at_front(s.substr(s.size() - 1));
      if (c >= 0xc0) return space_at_front(s.substr(s.size() - length)) == length ? length : 0;
    }
    return 0;
  };
  while (size_t n = space_at_front(text)) text.remove_prefix(n);
  while (size_t n = space_at_back(text)) text.remove_suffix(n);
  return text;
}

// A double as Python's str() writes it after the reference's "int if integral": integral
// values as their exact integer, others in the shortest round-trip form, with an exponent
// ("1e-05") below 1e-4.
std::string python_number(double value) {
  if (value == 0) return "0";
  char buffer[400];
  if (std::floor(value) == value) {
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 0).ptr;
    return std::string(buffer, end);
  }
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific).ptr;
  std::string_view scientific(buffer, static_cast<size_t>(end - buffer));
  std::string out;
  if (scientific[0] == '-') {
    out += '-';
    scientific.remove_prefix(1);
  }
  const size_t e = scientific.find('e');
  int exponent = 0;
  std::from_chars(scientific.data() + e + (scientific[e + 1] == '+' ? 2 : 1), scientific.data() + scientific.size(),
                  exponent);
  std::string digits(scientific.substr(0, e));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent < -4 || exponent >= 16) {
    out += digits[0];
    if (digits.size() > 1) out += '.' + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    const std::string magnitude = std::to_string(std::abs(exponent));
    if (magnitude.size() < 2) out += '0';
    out += magnitude;
  } else if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
  } else {
    out += digits.substr(0, static_cast<size_t>(exponent) + 1);
    out += '.';
    out += digits.substr(static_cast<size_t>(exponent) + 1);
  }
  return out;
}

// A decimal number written as text ("1.50", "+7", "1E2"), in its python_number form.
std::optional<std::string> numeric_text(std::string_view text) {
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  size_t mantissa_digits = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos, ++mantissa_digits;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    const size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return python_number(value);
}

// EPCIS 1.x CBV URNs as their CBV 2.0 web URIs.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kCbvUrns = {
    {{"urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"},
     {"urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"},
     {"urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"},
     {"urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"},
     {"urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"}}};

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// ---------------------------------------------------------------------------------------
// GS1 identifiers: EPC URNs (GS1 Tag Data Standard) and GS1 Digital Link URIs.

char check_digit(std::string_view digits) {
  int sum = 0;
  bool triple = true;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, triple = !triple) sum += (*it - '0') * (triple ? 3 : 1);
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Characters an EPC URN serial may hold (TDS GS3A3): letters, digits, !')(*+,-.:;=_ and
// percent escapes of the other printable characters; `min`..`max` of them.
bool epc_serial(std::string_view text, size_t min, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      const char high = text[i + 1], low = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i + 2])));
      const bool ok = (high == '2' && low != '0' && low != '3' && low != '4') || high == '3' ||
                      (high == '4' && low != '0') || (high == '5' && (is_digit(low) || low == 'A' || low == 'F')) ||
                      (high == '6' && low != '0') || (high == '7' && (is_digit(low) || low == 'A'));
      if (!ok) return false;
      i += 3;
    } else {
      const bool ok = is_alnum(c) || c == '!' || c == '\'' || c == ')' || c == '(' || c == '*' || c == '+' ||
                      c == ',' || c == '.' || c == ':' || c == ';' || c == '=' || c == '_' || c == '-';
      if (!ok) return false;
      ++i;
    }
  }
  return count >= min && count <= max;
}

// The characters of a CPI component reference.
bool cpi_reference(std::string_view text, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const char high = text[i + 1], low = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i + 2])));
      const bool ok = (high == '2' && (low == '3' || low == 'D' || low == 'F')) || (high == '3' && is_digit(low)) ||
                      (high == '4' && (is_digit(low) ? low != '0' : (low >= 'A' && low <= 'F'))) ||
                      (high == '5' && (is_digit(low) || low == 'A'));
      if (!ok) return false;
      i += 3;
    } else {
      if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || c == '-')) return false;
      ++i;
    }
  }
  return count >= 1 && count <= max;
}

// Appends `text` with the Digital Link percent-encoding of the characters the reference encodes.
void append_encoded(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '!':
        out += "%21";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      case '*':
        out += "%2A";
        break;
      case '+':
        out += "%2B";
        break;
      case ',':
        out += "%2C";
        break;
      case ':':
        out += "%3A";
        break;
      default:
        out += c;
    }
  }
}

// `body` split at its first `count - 1` dots (the last part keeps any further dots).
struct Parts {
  std::array<std::string_view, 5> part;
  size_t count = 0;
  size_t size() const { return count; }
  std::string_view operator[](size_t i) const { return part[i]; }
};
Parts split_dots(std::string_view body, size_t count) {
  Parts parts;
  while (parts.count + 1 < count) {
    const size_t dot = body.find('.');
    if (dot == std::string_view::npos) break;
    parts.part[parts.count++] = body.substr(0, dot);
    body.remove_prefix(dot + 1);
  }
  parts.part[parts.count++] = body;
  return parts;
}

// A company prefix and the reference after it: digits, the prefix 6-12 long, `total` together.
bool prefix_and_reference(std::string_view prefix, std::string_view reference, size_t total) {
  return prefix.size() >= 6 && prefix.size() <= 12 && all_digits(prefix) && all_digits(reference) &&
         prefix.size() + reference.size() == total;
}

// Appends the digits of a key and their GS1 check digit.
void append_checked(std::string& out, std::string_view lead, std::string_view prefix, std::string_view reference) {
  const size_t start = out.size();
  out += lead;
  out += prefix;
  out += reference;
  out += check_digit(std::string_view(out).substr(start));
}

// Appends a GTIN-14 from a company prefix and an item reference whose first digit is the indicator.
void append_gtin(std::string& out, std::string_view prefix, std::string_view item) {
  append_checked(out, item.substr(0, 1), prefix, item.substr(1));
}

constexpr std::string_view kDl = "https://id.gs1.org/";

// A Digital Link under construction: https://id.gs1.org/ followed by `ai` and a slash.
std::string dl_start(std::string_view ai) {
  std::string out;
  out.reserve(64);
  out += kDl;
  out += ai;
  out += '/';
  return out;
}

bool company_prefix(std::string_view prefix) { return prefix.size() >= 6 && prefix.size() <= 12 && all_digits(prefix); }

// An EPC URN (urn:epc:id:, urn:epc:class:lgtin:, urn:epc:idpat:) as a canonical GS1 Digital
// Link URI; nullopt when it is none of the schemes the reference converts.
std::optional<std::string> epc_to_dl(std::string_view uri) {
  if (starts_with(uri, "urn:epc:class:lgtin:")) {
    auto p = split_dots(uri.substr(20), 3);
    if (p.size() != 3 || !prefix_and_reference(p[0], p[1], 13) || !epc_serial(p[2], 1, 20)) return std::nullopt;
    std::string dl = dl_start("01");
    append_gtin(dl, p[0], p[1]);
    dl += "/10/";
    append_encoded(dl, p[2]);
    return dl;
  }
  if (starts_with(uri, "urn:epc:idpat:")) {
    std::string_view rest = uri.substr(14);
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view scheme = rest.substr(0, colon), body = rest.substr(colon + 1);
    if (scheme == "itip") {
      auto p = split_dots(body, 5);
      if (p.size() != 5 || !prefix_and_reference(p[0], p[1], 13) || p[2].size() != 2 || !all_digits(p[2]) ||
          p[3].size() != 2 || !all_digits(p[3]) || p[4] != "*")
        return std::nullopt;
      std::string dl = dl_start("8006");
      append_gtin(dl, p[0], p[1]);
      dl += p[2];
      dl += p[3];
      return dl;
    }
    auto p = split_dots(body, 3);
    if (p.size() != 3 || p[2] != "*") return std::nullopt;
    if ((scheme == "sgtin" || scheme == "upui") && prefix_and_reference(p[0], p[1], 13)) {
      std::string dl = dl_start("01");
      append_gtin(dl, p[0], p[1]);
      return dl;
    }
    if ((scheme == "grai" || scheme == "gdti" || scheme == "sgcn") && prefix_and_reference(p[0], p[1], 12)) {
      std::string dl = dl_start(scheme == "grai" ? "8003" : scheme == "gdti" ? "253" : "255");
      append_checked(dl, scheme == "grai" ? "0" : "", p[0], p[1]);
      return dl;
    }
    if (scheme == "cpi" && company_prefix(p[0]) && cpi_reference(p[1], 30 - p[0].size())) {
      std::string dl = dl_start("8010");
      append_encoded(dl, p[0]);
      append_encoded(dl, p[1]);
      return dl;
    }
    return std::nullopt;
  }
  if (!starts_with(uri, "urn:epc:id:")) return std::nullopt;
  std::string_view rest = uri.substr(11);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = rest.substr(0, colon), body = rest.substr(colon + 1);
  if (scheme == "sgtin" || scheme == "upui") {
    auto p = split_dots(body, 3);
    const size_t max = scheme == "sgtin" ? 20 : 28;
    if (p.size() != 3 || !prefix_and_reference(p[0], p[1], 13) || !epc_serial(p[2], 1, max)) return std::nullopt;
    std::string dl = dl_start("01");
    append_gtin(dl, p[0], p[1]);
    dl += scheme == "sgtin" ? "/21/" : "/235/";
    append_encoded(dl, p[2]);
    return dl;
  }
  if (scheme == "sscc") {
    auto p = split_dots(body, 2);
    if (p.size() != 2 || !prefix_and_reference(p[0], p[1], 17)) return std::nullopt;
    std::string dl = dl_start("00");
    append_gtin(dl, p[0], p[1]);  // the extension digit leads, as an indicator does
    return dl;
  }
  if (scheme == "sgln") {
    auto p = split_dots(body, 3);
    if (p.size() != 3 || !prefix_and_reference(p[0], p[1], 12) || !epc_serial(p[2], 1, 20)) return std::nullopt;
    std::string dl = dl_start("414");
    append_checked(dl, "", p[0], p[1]);
    if (p[2] != "0") {
      dl += "/254/";
      append_encoded(dl, p[2]);
    }
    return dl;
  }
  if (scheme == "grai") {
    auto p = split_dots(body, 3);
    if (p.size() != 3 || !prefix_and_reference(p[0], p[1], 12) || !epc_serial(p[2], 1, 16)) return std::nullopt;
    std::string dl = dl_start("8003");
    append_checked(dl, "0", p[0], p[1]);
    append_encoded(dl, p[2]);
    return dl;
  }
  if (scheme == "giai" || scheme == "ginc") {
    auto p = split_dots(body, 2);
    if (p.size() != 2 || !company_prefix(p[0]) || !epc_serial(p[1], 1, 30 - p[0].size())) return std::nullopt;
    std::string dl = dl_start(scheme == "giai" ? "8004" : "401");
    dl += p[0];
    append_encoded(dl, p[1]);
    return dl;
  }
  if (scheme == "gsrn" || scheme == "gsrnp" || scheme == "gsin" || scheme == "pgln") {
    auto p = split_dots(body, 2);
    const size_t digits = scheme == "gsin" ? 16 : scheme == "pgln" ? 12 : 17;
    if (p.size() != 2 || !prefix_and_reference(p[0], p[1], digits)) return std::nullopt;
    std::string dl = dl_start(scheme == "gsrn"    ? "8018"
                              : scheme == "gsrnp" ? "8017"
                              : scheme == "gsin"  ? "402"
                                                  : "417");
    append_checked(dl, "", p[0], p[1]);
    return dl;
  }
  if (scheme == "gdti") {
    auto p = split_dots(body, 3);
    if (p.size() != 3 || !prefix_and_reference(p[0], p[1], 12) || (!p[2].empty() && !epc_serial(p[2], 1, 17)))
      return std::nullopt;
    std::string dl = dl_start("253");
    append_checked(dl, "", p[0], p[1]);
    append_encoded(dl, p[2]);
    return dl;
  }
  if (scheme == "cpi" || scheme == "sgcn") {
    auto p = split_dots(body, 3);
    if (p.size() != 3 || p[2].empty() || p[2].size() > 12 || !all_digits(p[2])) return std::nullopt;
    if (scheme == "cpi") {
      if (!company_prefix(p[0]) || !cpi_reference(p[1], 30 - p[0].size())) return std::nullopt;
      std::string dl = dl_start("8010");
      append_encoded(dl, p[0]);
      append_encoded(dl, p[1]);
      dl += "/8011/";
      dl += p[2];
      return dl;
    }
    if (!prefix_and_reference(p[0], p[1], 12)) return std::nullopt;
    std::string dl = dl_start("255");
    append_checked(dl, "", p[0], p[1]);
    dl += p[2];
    return dl;
  }
  if (scheme == "itip") {
    auto p = split_dots(body, 5);
    if (p.size() != 5 || !prefix_and_reference(p[0], p[1], 13) || p[2].size() != 2 || !all_digits(p[2]) ||
        p[3].size() != 2 || !all_digits(p[3]) || !epc_serial(p[4], 1, 20))
      return std::nullopt;
    std::string dl = dl_start("8006");
    append_gtin(dl, p[0], p[1]);
    dl += p[2];
    dl += p[3];
    dl += "/21/";
    append_encoded(dl, p[4]);
    return dl;
  }
  return std::nullopt;
}

// The characters a GS1 key qualifier may have in the constrained canonical form.
bool dl_char(char c) {
  return c == '"' || c == '\'' || c == '-' || c == '.' || is_digit(c) || (c >= ';' && c <= '?') ||
         (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z');
}
bool dl_chars(std::string_view text, size_t max) {
  return text.size() <= max && std::all_of(text.begin(), text.end(), dl_char);
}

constexpr std::string_view kPrimaryKeys[] = {
    "01",  "gtin", "8006", "itip", "8010", "cpid", "414", "gln",  "417", "party", "8017", "gsrnp", "8018", "gsrn",
    "255", "gcn",  "00",   "sscc", "253",  "gdti", "401", "ginc", "402", "gsin",  "8003", "grai",  "8004", "giai"};

// Whether `uri` looks like a GS1 Digital Link URI: http(s), and before any query or fragment
// a path segment naming a primary key followed by a value of at least four digits and more.
bool looks_like_dl(std::string_view uri) {
  if (!starts_with(uri, "http:") && !starts_with(uri, "https:")) return false;
  const size_t end = std::min(uri.find('?'), uri.find('#'));
  size_t slash = uri.find('/');
  while (slash < end) {
    const size_t next = uri.find('/', slash + 1);
    if (next >= end) return false;
    const std::string_view segment = uri.substr(slash + 1, next - slash - 1);
    if (segment.size() >= 2 && segment.size() <= 5 &&
        std::find(std::begin(kPrimaryKeys), std::end(kPrimaryKeys), segment) != std::end(kPrimaryKeys) &&
        next + 5 < uri.size() && all_digits(uri.substr(next + 1, 4)) && uri[next + 5] != '/')
      return true;
    slash = next;
  }
  return false;
}

// Whether `uri` is one of the constrained canonical GS1 Digital Link forms.
bool canonical_dl(std::string_view uri) {
  if (!starts_with(uri, kDl)) return false;
  std::string_view rest = uri.substr(kDl.size());
  auto take = [&](std::string_view prefix) {
    if (!starts_with(rest, prefix)) return false;
    rest.remove_prefix(prefix.size());
    return true;
  };
  auto digits = [&](size_t count) {
    if (rest.size() < count || !all_digits(rest.substr(0, count))) return false;
    rest.remove_prefix(count);
    return true;
  };
  if (take("00/")) return digits(18) && rest.empty();
  if (take("01/")) {
    if (!digits(14)) return false;
    if (rest.empty()) return true;
    if (take("/21/") || take("/10/")) return dl_chars(rest, 20);
    return take("/235/") && dl_chars(rest, 28);
  }
  if (take("253/")) return digits(13) && dl_chars(rest, 17);
  if (take("255/")) return digits(13) && rest.size() <= 12 && all_digits(rest);
  if (take("401/")) return dl_chars(rest, 30);
  if (take("402/")) return digits(17) && rest.empty();
  if (take("414/")) return digits(13) && (rest.empty() || (take("/254/") && dl_chars(rest, 20)));
  if (take("417/")) return digits(13) && rest.empty();
  if (take("8003/")) return digits(14) && dl_chars(rest, 16);
  if (take("8004/")) return dl_chars(rest, 30);
  if (take("8006/")) return digits(18) && (rest.empty() || ((take("/21/") || take("/10/")) && dl_chars(rest, 20)));
  if (take("8010/")) {
    auto cpid = [](std::string_view s) {
      return s.size() <= 30 && std::all_of(s.begin(), s.end(), [](char c) {
               return c == '#' || c == '-' || c == '/' || is_digit(c) || (c >= 'A' && c <= 'Z');
             });
    };
    const size_t serial = rest.rfind("/8011/");
    if (serial != std::string_view::npos && cpid(rest.substr(0, serial))) {
      const std::string_view number = rest.substr(serial + 6);
      if (number.size() <= 12 && all_digits(number)) return true;
    }
    return cpid(rest);
  }
  if (take("8017/") || take("8018/")) return digits(18) && rest.empty();
  return false;
}

// A GS1 Digital Link URI in constrained canonical form: https://id.gs1.org, AIs rather than
// short names, no query string, a GTIN of 14 digits, no CPV, and a serial rather than a lot
// when both are given. nullopt when it is not one or the result is not a canonical form.
std::optional<std::string> normalise_dl(std::string_view input) {
  if (!looks_like_dl(input)) return std::nullopt;
  std::string uri(input.substr(0, input.find('?')));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kShortNames = {{{"/gtin/", "/01/"},
                                                                                                 {"/itip/", "/8006/"},
                                                                                                 {"/cpid/", "/8010/"},
                                                                                                 {"/gln/", "/414/"},
                                                                                                 {"/party/", "/417/"},
                                                                                                 {"/gsrnp/", "/8017/"},
                                                                                                 {"/gsrn/", "/8018/"},
                                                                                                 {"/gcn/", "/255/"},
                                                                                                 {"/sscc/", "/00/"},
                                                                                                 {"/gdti/", "/253/"},
                                                                                                 {"/ginc/", "/401/"},
                                                                                                 {"/gsin/", "/402/"},
                                                                                                 {"/grai/", "/8003/"},
                                                                                                 {"/giai/", "/8004/"},
                                                                                                 {"/cpv/", "/22/"},
                                                                                                 {"/lot/", "/10/"},
                                                                                                 {"/ser/", "/21/"}}};
  // Only a path segment starting with a lower-case letter can be a short name.
  const size_t path = uri.find('/', uri.find("//") + 2);
  bool named = false;
  for (size_t slash = path; slash != std::string::npos && !named; slash = uri.find('/', slash + 1))
    named = slash + 1 < uri.size() && uri[slash + 1] >= 'a' && uri[slash + 1] <= 'z';
  if (named)
    for (const auto& [name, ai] : kShortNames) replace_all(uri, name, ai);

  // Any other domain becomes id.gs1.org, from the first primary key on.
  bool on_gs1 = false;
  if (starts_with(uri, kDl)) {
    const std::string_view rest = std::string_view(uri).substr(kDl.size());
    for (std::string_view key : {"01/", "8006/", "8010/", "414/", "417/", "8017/", "8018/", "255/", "00/", "253/",
                                 "401/", "402/", "8003/", "8004/"}) {
      if (starts_with(rest, key) && rest.size() >= key.size() + 5 && all_digits(rest.substr(key.size(), 4)) &&
          rest[key.size() + 4] != '/')
        on_gs1 = true;
    }
  }
  if (!on_gs1) {
    for (std::string_view key : {"/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/",
                                 "/8004/", "/8006/", "/8010/", "/8017/", "/8018/"}) {
      if (const size_t at = uri.find(key); at != std::string::npos) {
        uri = "https://id.gs1.org" + uri.substr(at);
        break;
      }
    }
  }

  // A GTIN-8, -12 or -13 is padded to 14 digits.
  constexpr std::string_view gtin_prefix = "https://id.gs1.org/01/";
  if (starts_with(uri, gtin_prefix)) {
    size_t count = 0;
    while (gtin_prefix.size() + count < uri.size() && is_digit(uri[gtin_prefix.size() + count])) ++count;
    if (count < 14) {
      if (count == 13)
        replace_all(uri, "/01/", "/01/0");
      else if (count == 12)
        replace_all(uri, "/01/", "/01/00");
      else if (count >= 8)
        replace_all(uri, "/01/", "/01/000000");
    }
  }

  // The consumer product variant (AI 22) is dropped, and a lot when a serial follows.
  auto key_digits = [&](std::string_view prefix, size_t count) {
    return starts_with(uri, prefix) && uri.size() >= prefix.size() + count &&
                   all_digits(std::string_view(uri).substr(prefix.size(), count))
               ? prefix.size() + count
               : std::string::npos;
  };
  size_t key_end = key_digits("https://id.gs1.org/01/", 14);
  if (key_end == std::string::npos) key_end = key_digits("https://id.gs1.org/8006/", 18);
  if (key_end != std::string::npos) {
    std::string_view after = std::string_view(uri).substr(key_end);
    if (starts_with(after, "/22/")) {
      const std::string_view cpv = after.substr(4);
      if (dl_chars(cpv, 20)) {
        uri.resize(key_end);
      } else if (cpv.size() <= 20 &&
                 std::all_of(cpv.begin(), cpv.end(), [](char c) { return c == '/' || dl_char(c); })) {
        const size_t slash = cpv.find('/');
        uri = uri.substr(0, key_end) + std::string(cpv.substr(slash));
      }
    }
    after = std::string_view(uri).substr(key_end);
    if (starts_with(after, "/10/")) {
      const size_t serial = after.find("/21/", 4);
      if (serial != std::string_view::npos && dl_chars(after.substr(4, serial - 4), 20) &&
          dl_chars(after.substr(serial + 4), 20))
        uri = uri.substr(0, key_end) + std::string(after.substr(serial));
    }
  }
  if (!canonical_dl(uri)) return std::nullopt;
  return uri;
}

// ---------------------------------------------------------------------------------------
// The pre-hash string.

// How a field's value is normalised.
enum class Kind {
  kPlain,
  kTime,
  kBizStep,
  kDisposition,
  kBizTransactionType,
  kSourceDestinationType,
  kMeasurementType,
  kSensorAlertType,
  kComponent
};

struct FieldRule {
  std::string_view name;
  Kind kind;
};

constexpr FieldRule kQuantityRules[] = {{"epcClass", Kind::kPlain}, {"quantity", Kind::kPlain}, {"uom", Kind::kPlain}};
constexpr FieldRule kIdRules[] = {{"id", Kind::kPlain}};
constexpr FieldRule kDispositionRules[] = {{"set", Kind::kDisposition}, {"unset", Kind::kDisposition}};
constexpr FieldRule kBizTransactionRules[] = {{"type", Kind::kBizTransactionType}, {"bizTransaction", Kind::kPlain}};
constexpr FieldRule kSourceRules[] = {{"type", Kind::kSourceDestinationType}, {"source", Kind::kPlain}};
constexpr FieldRule kDestinationRules[] = {{"type", Kind::kSourceDestinationType}, {"destination", Kind::kPlain}};
constexpr FieldRule kSensorMetadataRules[] = {
    {"time", Kind::kTime},
    {"startTime", Kind::kTime},
    {"endTime", Kind::kTime},
    {"deviceID", Kind::kPlain},
    {"deviceMetadata", Kind::kPlain},
    {"rawData", Kind::kPlain},
    {"dataProcessingMethod", Kind::kPlain},
    {"bizRules", Kind::kPlain},
};
constexpr FieldRule kSensorReportRules[] = {
    {"type", Kind::kMeasurementType},
    {"exception", Kind::kSensorAlertType},
    {"deviceID", Kind::kPlain},
    {"deviceMetadata", Kind::kPlain},
    {"rawData", Kind::kPlain},
    {"dataProcessingMethod", Kind::kPlain},
    {"time", Kind::kTime},
    {"microorganism", Kind::kPlain},
    {"chemicalSubstance", Kind::kPlain},
    {"value", Kind::kPlain},
    {"component", Kind::kComponent},
    {"stringValue", Kind::kPlain},
    {"booleanValue", Kind::kPlain},
    {"hexBinaryValue", Kind::kPlain},
    {"uriValue", Kind::kPlain},
    {"minValue", Kind::kPlain},
    {"maxValue", Kind::kPlain},
    {"meanValue", Kind::kPlain},
    {"sDev", Kind::kPlain},
    {"percRank", Kind::kPlain},
    {"percValue", Kind::kPlain},
    {"uom", Kind::kPlain},
    {"coordinateReferenceSystem", Kind::kPlain},
};

// The event-level fields in canonical order; the lists hold identifiers or quantity elements.
enum class Shape { kValue, kIdList, kQuantityList, kPersistentDisposition, kLocation, kTypedList, kSensorElements };
struct EventRule {
  std::string_view name;
  Shape shape;
  Kind kind = Kind::kPlain;
  std::span<const FieldRule> element = {};
};
constexpr EventRule kEventRules[] = {
    {"eventTime", Shape::kValue, Kind::kTime},
    {"eventTimeZoneOffset", Shape::kValue},
    {"epcList", Shape::kIdList},
    {"parentID", Shape::kValue},
    {"inputEPCList", Shape::kIdList},
    {"childEPCs", Shape::kIdList},
    {"quantityList", Shape::kQuantityList},
    {"childQuantityList", Shape::kQuantityList},
    {"inputQuantityList", Shape::kQuantityList},
    {"outputEPCList", Shape::kIdList},
    {"outputQuantityList", Shape::kQuantityList},
    {"action", Shape::kValue},
    {"transformationID", Shape::kValue},
    {"bizStep", Shape::kValue, Kind::kBizStep},
    {"disposition", Shape::kValue, Kind::kDisposition},
    {"persistentDisposition", Shape::kPersistentDisposition},
    {"readPoint", Shape::kLocation},
    {"bizLocation", Shape::kLocation},
    {"bizTransactionList", Shape::kTypedList, Kind::kPlain, kBizTransactionRules},
    {"sourceList", Shape::kTypedList, Kind::kPlain, kSourceRules},
    {"destinationList", Shape::kTypedList, Kind::kPlain, kDestinationRules},
    {"sensorElementList", Shape::kSensorElements},
};

// Not part of the hash at event level.
constexpr std::string_view kLeftOut[] = {"type", "recordTime", "eventID", "errorDeclaration", "certificationInfo"};

// Keys the reference skips wherever they are, and the JSON-LD context.
bool ignored_key(std::string_view key) {
  return key == "rdfs:comment" || key == "comment" || key == "#text" || key == "@context";
}

// The prefixes the reference knows without a context; gs1 is always the Web Vocabulary.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kWellKnownPrefixes = {
    {{"gs1", "https://ref.gs1.org/voc/"},
     {"cbv", "https://ref.gs1.org/cbv/"},
     {"epcis", "https://ref.gs1.org/epcis/"},
     {"cbvmda", "urn:epcglobal:cbv:mda"}}};

// Where each member of an object goes: the index of its rule, or kNoRule.
constexpr size_t kNoRule = ~size_t{0};

template <class Rule>
size_t rule_index(std::span<const Rule> rules, std::string_view key) {
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].name.size() == key.size() && rules[i].name == key) return i;
  return kNoRule;
}

class PreHash {
 public:
  // REQUIRES: `namespaces` outlives this object.
  explicit PreHash(const Namespaces& namespaces) : namespaces_(namespaces) {}

  std::string build(const json::object& event) const {
    std::string out;
    out.reserve(1024);
    out += "eventType=";
    const json::value* by_rule[std::size(kEventRules)] = {};
    std::vector<std::string> trailing;
    for (const auto& member : event) {
      const std::string_view key = member.key();
      if (key == "type") {
        if (member.value().is_string()) out += member.value().get_string();
        continue;
      }
      const size_t rule = rule_index(std::span<const EventRule>(kEventRules), key);
      if (rule != kNoRule) {
        by_rule[rule] = &member.value();
      } else if (!ignored_key(key) && std::find(std::begin(kLeftOut), std::end(kLeftOut), key) == std::end(kLeftOut)) {
        collect_generic(trailing, key_name(key), member.value(), 1);
      }
    }
    for (size_t rule = 0; rule < std::size(kEventRules); ++rule)
      if (by_rule[rule]) add_event_field(out, trailing, kEventRules[rule], *by_rule[rule]);
    join_generic(out, trailing);
    return out;
  }

 private:
  // The namespace of a prefix: gs1 always the Web Vocabulary, then the document's (the last
  // declaration wins), then the other well-known ones.
  std::optional<std::string_view> namespace_of(std::string_view prefix) const {
    if (prefix == "gs1") return kWellKnownPrefixes[0].second;
    for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it)
      if (it->first == prefix) return it->second;
    for (const auto& [name, iri] : kWellKnownPrefixes)
      if (name == prefix) return iri;
    return std::nullopt;
  }

  // "prefix:local" as "{namespace}local" when the prefix is known.
  std::string key_name(std::string_view key) const {
    const size_t colon = key.find(':');
    if (colon != std::string_view::npos) {
      if (auto iri = namespace_of(key.substr(0, colon))) {
        std::string name = "{";
        name += *iri;
        name += '}';
        name += key.substr(colon + 1);
        return name;
      }
    }
    return std::string(key);
  }

  // Appends the normal form of a string value: a CURIE of a GS1 namespace expanded, trimmed,
  // CBV URNs as web URIs, numbers normalised, GS1 identifiers as Digital Link. False, with
  // nothing appended, when the value is empty.
  bool append_text(std::string& out, std::string_view raw) const {
    std::string owned;
    std::string_view text = raw;
    if (const size_t colon = text.find(':'); colon != std::string_view::npos && colon > 0) {
      const auto iri = namespace_of(text.substr(0, colon));
      if (iri && (starts_with(*iri, "https://ref.gs1.org") || starts_with(*iri, "https://gs1.org"))) {
        owned = std::string(*iri) + std::string(text.substr(colon + 1));
        text = owned;
      }
    }
    text = strip(text);
    if (text.empty()) return false;
    if (text.find("urn:epcglobal:cbv:") != std::string_view::npos) {
      std::string replaced(text);
      for (const auto& [urn, uri] : kCbvUrns) replace_all(replaced, urn, uri);
      owned = std::move(replaced);
      text = owned;
    }
    const char first = text[0];
    if (is_digit(first) || first == '+' || first == '-' || first == '.') {
      if (auto number = numeric_text(text)) {
        out += *number;
        return true;
      }
    }
    if (first == 'u' && starts_with(text, "urn:epc:")) {
      if (auto dl = epc_to_dl(text)) {
        out += *dl;
        return true;
      }
    } else if (first == 'h') {
      if (auto dl = normalise_dl(text)) {
        out += *dl;
        return true;
      }
    }
    out += text;
    return true;
  }

  // Appends a scalar in its normal form; false, with nothing appended, when there is nothing
  // to write (an empty string, null, an object or array).
  bool append_scalar(std::string& out, const json::value& value, Kind kind) const {
    switch (value.kind()) {
      case json::kind::string: {
        const std::string_view text = value.get_string();
        if (kind == Kind::kTime) {
          const std::string_view trimmed = strip(text);
          if (auto ms = parse_time_ms(trimmed)) {
            out += utc_text(*ms);
          } else {
            out += trimmed;
          }
          return !trimmed.empty();
        }
        if (auto uri = bare_word(kind, text)) return append_text(out, *uri);
        return append_text(out, text);
      }
      case json::kind::bool_:
        out += value.get_bool() ? "true" : "false";
        return true;
      case json::kind::int64:
        out += python_number(static_cast<double>(value.get_int64()));
        return true;
      case json::kind::uint64:
        out += python_number(static_cast<double>(value.get_uint64()));
        return true;
      case json::kind::double_:
        if (!std::isfinite(value.get_double())) return false;
        out += python_number(value.get_double());
        return true;
      default:
        return false;
    }
  }

  static std::optional<std::string> bare_word(Kind kind, std::string_view word) {
    switch (kind) {
      case Kind::kBizStep:
        return bare_word_uri(Vocabulary::kBizStep, word);
      case Kind::kDisposition:
        return bare_word_uri(Vocabulary::kDisposition, word);
      case Kind::kBizTransactionType:
        return bare_word_uri(Vocabulary::kBizTransactionType, word);
      case Kind::kSourceDestinationType:
        return bare_word_uri(Vocabulary::kSourceDestinationType, word);
      case Kind::kComponent:
        return bare_word_uri(Vocabulary::kComponent, word);
      case Kind::kMeasurementType:
      case Kind::kSensorAlertType: {
        // The reference writes GS1 Web Vocabulary terms under https://ref.gs1.org/voc/.
        auto uri = bare_word_uri(
            kind == Kind::kMeasurementType ? Vocabulary::kMeasurementType : Vocabulary::kSensorAlertType, word);
        if (uri) uri->replace(0, std::string_view("https://gs1.org/voc/").size(), "https://ref.gs1.org/voc/");
        return uri;
      }
      case Kind::kPlain:
      case Kind::kTime:
        return std::nullopt;
    }
    return std::nullopt;
  }

  static std::string utc_text(int64_t ms) {
    const int64_t days = (ms >= 0 ? ms : ms - 86'399'999) / 86'400'000;
    const int64_t in_day = ms - days * 86'400'000;
    // civil_from_days (H. Hinnant)
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
    std::string text = "0000-00-00T00:00:00.000Z";
    auto put = [&](size_t end, int64_t value, int width) {
      for (int i = 0; i < width; ++i, value /= 10) text[end - i] = static_cast<char>('0' + value % 10);
    };
    if (year < 0 || year > 9999) text.insert(0, std::to_string(year / 10000));  // beyond RFC 3339: as is
    const size_t shift = text.size() - 24;
    put(shift + 3, year < 0 ? -year % 10000 : year % 10000, 4);
    put(shift + 6, month, 2);
    put(shift + 9, day, 2);
    put(shift + 12, in_day / 3'600'000, 2);
    put(shift + 15, in_day / 60'000 % 60, 2);
    put(shift + 18, in_day / 1000 % 60, 2);
    put(shift + 22, in_day % 1000, 3);
    return text;
  }

  // Appends "name=value" for a scalar field; an array gives one item per element, written
  // sorted; an object its generic rendering.
  void append_field(std::string& out, std::string_view name, const json::value& value, Kind kind) const {
    if (value.is_array() || value.is_object()) {
      std::vector<std::string> items;
      field_items(items, name, value, kind);
      append_joined(out, items);
      return;
    }
    const size_t mark = out.size();
    out += name;
    out += '=';
    if (!append_scalar(out, value, kind)) out.resize(mark);
  }

  // "name=value" items of one field (one per array element), empty values left out.
  void field_items(std::vector<std::string>& items, std::string_view name, const json::value& value, Kind kind) const {
    if (const auto* array = value.if_array()) {
      for (const auto& element : *array) field_items(items, name, element, kind);
      return;
    }
    std::string item(name);
    if (value.is_object()) {
      std::vector<std::string> children;
      for (const auto& member : value.get_object())
        if (!ignored_key(member.key())) collect_generic(children, key_name(member.key()), member.value(), 2);
      if (children.empty()) return;
      join_generic(item, children);
    } else {
      item += '=';
      if (!append_scalar(item, value, kind)) return;
    }
    items.push_back(std::move(item));
  }

  // Appends the fields of `object` named by `rules`, in that order; the other members go to
  // `extras` as generic items. Returns whether anything was appended.
  bool append_ordered(std::string& out, const json::object& object, std::span<const FieldRule> rules,
                      std::vector<std::string>& extras) const {
    const json::value* by_rule[32] = {};
    for (const auto& member : object) {
      const std::string_view key = member.key();
      const size_t rule = rule_index(rules, key);
      if (rule != kNoRule) {
        by_rule[rule] = &member.value();
      } else if (!ignored_key(key)) {
        collect_generic(extras, key_name(key), member.value(), 2);
      }
    }
    const size_t mark = out.size();
    for (size_t rule = 0; rule < rules.size(); ++rule)
      if (by_rule[rule]) append_field(out, rules[rule].name, *by_rule[rule], rules[rule].kind);
    return out.size() != mark;
  }

  // `name` followed by the sorted `extras`, added to `trailing` when there are any.
  static void add_extras(std::vector<std::string>& trailing, std::string_view name, std::vector<std::string>& extras) {
    if (extras.empty()) return;
    std::string item(name);
    join_generic(item, extras);
    trailing.push_back(std::move(item));
  }

  void add_event_field(std::string& out, std::vector<std::string>& trailing, const EventRule& rule,
                       const json::value& value) const {
    std::vector<std::string> items, extras;
    switch (rule.shape) {
      case Shape::kValue:
        append_field(out, rule.name, value, rule.kind);
        return;
      case Shape::kIdList:
        field_items(items, "epc", value, Kind::kPlain);
        if (!items.empty()) out += rule.name;
        append_joined(out, items);
        return;
      case Shape::kLocation:
      case Shape::kPersistentDisposition: {
        const auto* object = value.if_object();
        if (!object) break;
        const size_t mark = out.size();
        out += rule.name;
        const auto rules = rule.shape == Shape::kLocation ? std::span<const FieldRule>(kIdRules) : kDispositionRules;
        if (!append_ordered(out, *object, rules, extras)) out.resize(mark);
        add_extras(trailing, rule.name, extras);
        return;
      }
      case Shape::kQuantityList:
      case Shape::kTypedList: {
        const auto* array = value.if_array();
        if (!array) break;
        // A quantity element is written with its name, a typed one (bizTransaction, source,
        // destination) without; a leftover is named after its list without "List".
        const bool quantities = rule.shape == Shape::kQuantityList;
        const std::string_view element_name =
            quantities ? std::string_view("quantityElement") : rule.name.substr(0, rule.name.size() - 4);
        const auto rules = quantities ? std::span<const FieldRule>(kQuantityRules) : rule.element;
        std::vector<std::string> element_extras;
        for (const auto& element : *array) {
          const auto* object = element.if_object();
          if (!object) {
            collect_generic(extras, element_name, element, 2);
            continue;
          }
          element_extras.clear();
          std::string fields(quantities ? element_name : std::string_view());
          if (append_ordered(fields, *object, rules, element_extras)) items.push_back(std::move(fields));
          add_extras(extras, element_name, element_extras);
        }
        if (!items.empty()) out += rule.name;
        append_joined(out, items);
        add_extras(trailing, rule.name, extras);
        return;
      }
      case Shape::kSensorElements:
        add_sensor_elements(out, trailing, value);
        return;
    }
    collect_generic(trailing, rule.name, value, 1);
  }

  void add_sensor_elements(std::string& out, std::vector<std::string>& trailing, const json::value& value) const {
    const auto* array = value.if_array();
    if (!array) {
      collect_generic(trailing, "sensorElementList", value, 1);
      return;
    }
    constexpr std::string_view kElement = "sensorElement";
    std::vector<std::string> elements, list_extras, element_extras, extras, reports;
    for (const auto& element : *array) {
      const auto* object = element.if_object();
      if (!object) {
        collect_generic(list_extras, kElement, element, 2);
        continue;
      }
      std::string text(kElement);
      element_extras.clear();
      reports.clear();
      for (const auto& member : *object) {
        const std::string_view key = member.key();
        if (ignored_key(key)) continue;
        if (key == "sensorMetadata" && member.value().is_object()) {
          extras.clear();
          const size_t mark = text.size();
          text += key;
          if (!append_ordered(text, member.value().get_object(), kSensorMetadataRules, extras)) text.resize(mark);
          add_extras(element_extras, key, extras);
        } else if (key == "sensorReport" && member.value().is_array()) {
          for (const auto& report : member.value().get_array()) {
            if (!report.is_object()) {
              collect_generic(element_extras, key, report, 3);
              continue;
            }
            extras.clear();
            std::string fields(key);
            if (append_ordered(fields, report.get_object(), kSensorReportRules, extras))
              reports.push_back(std::move(fields));
            add_extras(element_extras, key, extras);
          }
        } else {
          collect_generic(element_extras, key_name(key), member.value(), 2);
        }
      }
      append_joined(text, reports);
      if (text.size() > kElement.size()) elements.push_back(std::move(text));
      add_extras(list_extras, kElement, element_extras);
    }
    append_joined(out, elements);
    add_extras(trailing, "sensorElementList", list_extras);
  }

  // The reference's generic rendering of a member it has no rule for: "name[=value]" and
  // the rendering of its members, sorted; an array gives one item per element.
  void collect_generic(std::vector<std::string>& items, std::string_view name, const json::value& value,
                       int depth) const {
    if (const auto* array = value.if_array()) {
      for (const auto& element : *array) {
        if (const auto* inner = element.if_array()) {
          std::vector<std::string> children;
          if (depth < kMaxDepth)
            for (const auto& item : *inner) collect_generic(children, "", item, depth + 1);
          std::string item(name);
          join_generic(item, children);
          items.push_back(std::move(item));
        } else {
          collect_generic(items, name, element, depth);
        }
      }
      return;
    }
    std::string item(name);
    if (const auto* object = value.if_object()) {
      std::vector<std::string> children;
      if (depth < kMaxDepth)
        for (const auto& member : *object)
          if (!ignored_key(member.key())) collect_generic(children, key_name(member.key()), member.value(), depth + 1);
      join_generic(item, children);
    } else {
      const size_t mark = item.size();
      item += '=';
      if (!append_scalar(item, value, Kind::kPlain)) item.resize(mark);
    }
    items.push_back(std::move(item));
  }

  // Generic items are sorted unless one is named bizTransaction, source or destination,
  // whose order the reference keeps.
  static void join_generic(std::string& out, std::vector<std::string>& items) {
    const bool keep_order = std::any_of(items.begin(), items.end(), [](const std::string& item) {
      return starts_with(item, "bizTransaction=") || starts_with(item, "source=") || starts_with(item, "destination=");
    });
    append_joined(out, items, !keep_order);
  }

  const Namespaces& namespaces_;
};

std::string digest(std::string_view pre_hash_string) {
  return "ni:///sha-256;" + core::sha256_hex(pre_hash_string) + "?ver=CBV2.0";
}

}  // namespace

std::string pre_hash(const json::object& event, const Namespaces& namespaces) {
  return PreHash(namespaces).build(event);
}

std::string event_hash(const json::object& event, const Namespaces& namespaces) {
  return digest(pre_hash(event, namespaces));
}

std::string event_hash(const json::object& event) {
  const json::value* context = event.if_contains("@context");
  return event_hash(event, context ? context_namespaces(*context) : Namespaces{});
}

}  // namespace longnan::trace
