#include "document/bson_convert.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>

namespace aws_helper::mongo {

namespace {

constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw ValueError("Invalid value for '" + excerpt(key) + "': " + why);
}

std::int64_t parse_int64(const std::string& key, const Json& text) {
  if (!text.is_string()) bad(key, "$numberLong must be a string");
  const auto& s = text.get_ref<const std::string&>();
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    bad(key, "$numberLong is not an integer: " + excerpt(s));
  }
  return value;
}

double parse_double_text(const std::string& key, const Json& text) {
  if (!text.is_string()) bad(key, "$numberDouble must be a string");
  const auto& s = text.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) bad(key, "$numberDouble: " + excerpt(s));
  return value;
}

std::uint8_t parse_subtype(const std::string& key, const Json& text) {
  if (!text.is_string()) bad(key, "$binary subType must be a hex string");
  const auto& s = text.get_ref<const std::string&>();
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 16);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty() || s.size() > 2) {
    bad(key, "$binary subType must be one or two hex digits");
  }
  return static_cast<std::uint8_t>(value);
}

std::uint32_t parse_u32(const std::string& key, const Json& value, const char* what) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    bad(key, std::string("$timestamp ") + what + " must be an unsigned 32-bit integer");
  }
  return static_cast<std::uint32_t>(value.get<std::int64_t>());
}

void append_value(bson_t* out, const std::string& key, const Json& value);

void append_binary(bson_t* out, const std::string& key, std::uint8_t subtype,
                   const std::string& bytes) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libbson takes uint8_t
  bson_append_binary(out, key.c_str(), static_cast<int>(key.size()),
                     static_cast<bson_subtype_t>(subtype),
                     reinterpret_cast<const std::uint8_t*>(bytes.data()),
                     static_cast<std::uint32_t>(bytes.size()));
}

// Appends `value` when it is an Extended JSON wrapper; returns false for a plain document.
// Over 60 lines: one branch per Extended JSON wrapper ($oid, $date, $numberLong, ...).
// NOLINTNEXTLINE(readability-function-size)
bool append_wrapper(bson_t* out, const std::string& key, const Json& value) {
  if (value.empty()) return false;
  const std::string& first = value.begin().key();
  if (first.empty() || first[0] != '$') return false;
  const int klen = static_cast<int>(key.size());
  auto only = [&](std::size_t n) { return value.size() == n; };

  if (first == "$oid" && only(1)) {
    const Json& hex = value["$oid"];
    if (!hex.is_string() || !is_object_id_hex(hex.get_ref<const std::string&>())) {
      bad(key, "$oid must be 24 hexadecimal digits");
    }
    bson_oid_t oid;
    bson_oid_init_from_string(&oid, hex.get_ref<const std::string&>().c_str());
    bson_append_oid(out, key.c_str(), klen, &oid);
    return true;
  }
  if (first == "$date" && only(1)) {
    const Json& when = value["$date"];
    std::int64_t ms = 0;
    if (when.is_string()) {
      ms = parse_iso_date(when.get_ref<const std::string&>());
    } else if (when.is_object() && when.size() == 1 && when.contains("$numberLong")) {
      ms = parse_int64(key, when["$numberLong"]);
    } else if (when.is_number_integer()) {
      ms = when.get<std::int64_t>();
    } else {
      bad(key, "$date must be ISO 8601 text or {\"$numberLong\": \"<ms>\"}");
    }
    bson_append_date_time(out, key.c_str(), klen, ms);
    return true;
  }
  if (first == "$numberLong" && only(1)) {
    bson_append_int64(out, key.c_str(), klen, parse_int64(key, value["$numberLong"]));
    return true;
  }
  if (first == "$numberInt" && only(1)) {
    std::int64_t v = parse_int64(key, value["$numberInt"]);
    if (v < kInt32Min || v > kInt32Max) bad(key, "$numberInt out of range");
    bson_append_int32(out, key.c_str(), klen, static_cast<std::int32_t>(v));
    return true;
  }
  if (first == "$numberDouble" && only(1)) {
    bson_append_double(out, key.c_str(), klen, parse_double_text(key, value["$numberDouble"]));
    return true;
  }
  if (first == "$numberDecimal" && only(1)) {
    const Json& text = value["$numberDecimal"];
    bson_decimal128_t dec;
    if (!text.is_string() ||
        !bson_decimal128_from_string(text.get_ref<const std::string&>().c_str(), &dec)) {
      bad(key, "$numberDecimal must be decimal text");
    }
    bson_append_decimal128(out, key.c_str(), klen, &dec);
    return true;
  }
  if (first == "$binary") {
    const Json& body = value["$binary"];
    if (only(1) && body.is_object() && body.size() == 2 && body.contains("base64") &&
        body.contains("subType") && body["base64"].is_string()) {
      append_binary(out, key, parse_subtype(key, body["subType"]),
                    base64_decode(body["base64"].get_ref<const std::string&>()));
      return true;
    }
    if (only(2) && body.is_string() && value.contains("$type")) {  // legacy form
      append_binary(out, key, parse_subtype(key, value["$type"]),
                    base64_decode(body.get_ref<const std::string&>()));
      return true;
    }
    bad(key, "$binary must be {\"base64\": \"...\", \"subType\": \"<hex>\"}");
  }
  if (first == "$uuid" && only(1)) {
    if (!value["$uuid"].is_string()) bad(key, "$uuid must be text");
    try {
      append_binary(out, key, BSON_SUBTYPE_UUID, parse_uuid(value["$uuid"].get<std::string>()));
    } catch (const ValueError& error) {
      bad(key, error.what());
    }
    return true;
  }
  if (first == "$regularExpression" && only(1)) {
    const Json& body = value["$regularExpression"];
    if (!body.is_object() || !body.contains("pattern") || !body["pattern"].is_string() ||
        (body.contains("options") && !body["options"].is_string())) {
      bad(key, "$regularExpression must be {\"pattern\": \"...\", \"options\": \"...\"}");
    }
    std::string options = body.value("options", std::string());
    bson_append_regex(out, key.c_str(), klen, body["pattern"].get_ref<const std::string&>().c_str(),
                      options.c_str());
    return true;
  }
  if (first == "$timestamp" && only(1)) {
    const Json& body = value["$timestamp"];
    if (!body.is_object() || !body.contains("t") || !body.contains("i")) {
      bad(key, "$timestamp must be {\"t\": <seconds>, \"i\": <increment>}");
    }
    bson_append_timestamp(out, key.c_str(), klen, parse_u32(key, body["t"], "t"),
                          parse_u32(key, body["i"], "i"));
    return true;
  }
  if (first == "$minKey" && only(1)) {
    bson_append_minkey(out, key.c_str(), klen);
    return true;
  }
  if (first == "$maxKey" && only(1)) {
    bson_append_maxkey(out, key.c_str(), klen);
    return true;
  }
  if (first == "$undefined" && only(1)) {
    bson_append_undefined(out, key.c_str(), klen);
    return true;
  }
  if (first == "$symbol" && only(1) && value["$symbol"].is_string()) {
    const auto& s = value["$symbol"].get_ref<const std::string&>();
    bson_append_symbol(out, key.c_str(), klen, s.c_str(), static_cast<int>(s.size()));
    return true;
  }
  if (first == "$code" && value["$code"].is_string()) {
    const auto& code = value["$code"].get_ref<const std::string&>();
    if (only(1)) {
      bson_append_code(out, key.c_str(), klen, code.c_str());
      return true;
    }
    if (only(2) && value.contains("$scope") && value["$scope"].is_object()) {
      BsonPtr scope = to_bson(value["$scope"]);
      bson_append_code_with_scope(out, key.c_str(), klen, code.c_str(), scope.get());
      return true;
    }
  }
  return false;  // an operator document such as {"$gt": 5} or {"$set": {...}}
}

// Over 60 lines: one case per JSON type.
// NOLINTNEXTLINE(readability-function-size)
void append_value(bson_t* out, const std::string& key, const Json& value) {
  if (key.find('\0') != std::string::npos) bad(key, "keys cannot contain NUL");
  const int klen = static_cast<int>(key.size());
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      bson_append_null(out, key.c_str(), klen);
      break;
    case Json::value_t::boolean:
      bson_append_bool(out, key.c_str(), klen, value.get<bool>());
      break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        bad(key, "integer too large for BSON (int64)");
      }
      auto v = value.get<std::int64_t>();
      if (v >= kInt32Min && v <= kInt32Max) {
        bson_append_int32(out, key.c_str(), klen, static_cast<std::int32_t>(v));
      } else {
        bson_append_int64(out, key.c_str(), klen, v);
      }
      break;
    }
    case Json::value_t::number_float:
      bson_append_double(out, key.c_str(), klen, value.get<double>());
      break;
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      bson_append_utf8(out, key.c_str(), klen, s.c_str(), static_cast<int>(s.size()));
      break;
    }
    case Json::value_t::array: {
      bson_t child;
      bson_append_array_begin(out, key.c_str(), klen, &child);
      std::size_t index = 0;
      try {
        for (const auto& item : value) append_value(&child, std::to_string(index++), item);
      } catch (...) {
        bson_append_array_end(out, &child);
        throw;
      }
      bson_append_array_end(out, &child);
      break;
    }
    case Json::value_t::object: {
      if (append_wrapper(out, key, value)) break;
      bson_t child;
      bson_append_document_begin(out, key.c_str(), klen, &child);
      try {
        append_members(&child, value);
      } catch (...) {
        bson_append_document_end(out, &child);
        throw;
      }
      bson_append_document_end(out, &child);
      break;
    }
    case Json::value_t::binary: {
      const auto& bytes = value.get_binary();
      bson_append_binary(out, key.c_str(), klen, BSON_SUBTYPE_BINARY, bytes.data(),
                         static_cast<std::uint32_t>(bytes.size()));
      break;
    }
  }
}

std::string subtype_hex(std::uint8_t subtype) {
  char text[3];
  std::snprintf(text, sizeof(text), "%02x", static_cast<unsigned>(subtype));
  return text;
}

Json value_from(const bson_iter_t& it);

Json document_from(const std::uint8_t* data, std::uint32_t length, bool array) {
  bson_t child;
  if (!bson_init_static(&child, data, length)) throw ValueError("Malformed BSON document");
  Json out = array ? Json::array() : Json::object();
  bson_iter_t it;
  if (!bson_iter_init(&it, &child)) throw ValueError("Malformed BSON document");
  while (bson_iter_next(&it)) {
    if (array) {
      out.push_back(value_from(it));
    } else {
      out[std::string(bson_iter_key(&it), bson_iter_key_len(&it))] = value_from(it);
    }
  }
  return out;
}

// Over 60 lines: one case per BSON type, a switch over bson_type_t.
// NOLINTNEXTLINE(readability-function-size)
Json value_from(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_DOUBLE: {
      double d = bson_iter_double(&it);
      if (std::isnan(d)) return {{"$numberDouble", "NaN"}};
      if (std::isinf(d)) return {{"$numberDouble", d > 0 ? "Infinity" : "-Infinity"}};
      return d;
    }
    case BSON_TYPE_UTF8: {
      std::uint32_t length = 0;
      const char* text = bson_iter_utf8(&it, &length);
      return std::string(text, length);
    }
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY: {
      const std::uint8_t* data = nullptr;
      std::uint32_t length = 0;
      bool array = bson_iter_type(&it) == BSON_TYPE_ARRAY;
      if (array) {
        bson_iter_array(&it, &length, &data);
      } else {
        bson_iter_document(&it, &length, &data);
      }
      return document_from(data, length, array);
    }
    case BSON_TYPE_BINARY: {
      bson_subtype_t subtype;
      std::uint32_t length = 0;
      const std::uint8_t* data = nullptr;
      bson_iter_binary(&it, &subtype, &length, &data);
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
      std::string bytes(reinterpret_cast<const char*>(data), length);
      return {{"$binary",
               {{"base64", base64_encode(bytes)},
                {"subType", subtype_hex(static_cast<std::uint8_t>(subtype))}}}};
    }
    case BSON_TYPE_UNDEFINED:
      return {{"$undefined", true}};
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(&it), hex);
      return {{"$oid", hex}};
    }
    case BSON_TYPE_BOOL:
      return bson_iter_bool(&it);
    case BSON_TYPE_DATE_TIME: {
      std::int64_t ms = bson_iter_date_time(&it);
      // ISO text for years 1970-9999 (Extended JSON v2 relaxed form), otherwise canonical.
      if (ms >= 0 && ms <= 253402300799999LL) return {{"$date", format_iso_date(ms)}};
      return {{"$date", {{"$numberLong", std::to_string(ms)}}}};
    }
    case BSON_TYPE_NULL:
      return nullptr;
    case BSON_TYPE_REGEX: {
      const char* options = nullptr;
      const char* pattern = bson_iter_regex(&it, &options);
      return {{"$regularExpression", {{"pattern", pattern}, {"options", options ? options : ""}}}};
    }
    case BSON_TYPE_DBPOINTER: {
      std::uint32_t length = 0;
      const char* collection = nullptr;
      const bson_oid_t* oid = nullptr;
      bson_iter_dbpointer(&it, &length, &collection, &oid);
      char hex[25];
      bson_oid_to_string(oid, hex);
      return {
          {"$dbPointer", {{"$ref", std::string(collection, length)}, {"$id", {{"$oid", hex}}}}}};
    }
    case BSON_TYPE_CODE: {
      std::uint32_t length = 0;
      const char* code = bson_iter_code(&it, &length);
      return {{"$code", std::string(code, length)}};
    }
    case BSON_TYPE_SYMBOL: {
      std::uint32_t length = 0;
      const char* symbol = bson_iter_symbol(&it, &length);
      return {{"$symbol", std::string(symbol, length)}};
    }
    case BSON_TYPE_CODEWSCOPE: {
      std::uint32_t length = 0;
      std::uint32_t scope_length = 0;
      const std::uint8_t* scope = nullptr;
      const char* code = bson_iter_codewscope(&it, &length, &scope_length, &scope);
      return {{"$code", std::string(code, length)},
              {"$scope", document_from(scope, scope_length, false)}};
    }
    case BSON_TYPE_INT32:
      return bson_iter_int32(&it);
    case BSON_TYPE_TIMESTAMP: {
      std::uint32_t t = 0;
      std::uint32_t i = 0;
      bson_iter_timestamp(&it, &t, &i);
      return {{"$timestamp", {{"t", t}, {"i", i}}}};
    }
    case BSON_TYPE_INT64: {
      std::int64_t v = bson_iter_int64(&it);
      // A value that fits an int32 would come back as int32 when written; keep its type.
      if (v >= kInt32Min && v <= kInt32Max) return {{"$numberLong", std::to_string(v)}};
      return v;
    }
    case BSON_TYPE_DECIMAL128: {
      bson_decimal128_t dec;
      bson_iter_decimal128(&it, &dec);
      char text[BSON_DECIMAL128_STRING];
      bson_decimal128_to_string(&dec, text);
      return {{"$numberDecimal", text}};
    }
    case BSON_TYPE_MAXKEY:
      return {{"$maxKey", 1}};
    case BSON_TYPE_MINKEY:
      return {{"$minKey", 1}};
    case BSON_TYPE_EOD:
      break;
  }
  throw ValueError("Unsupported BSON type " +
                   std::to_string(static_cast<int>(bson_iter_type(&it))));
}

}  // namespace

void append_members(bson_t* out, const Json& document) {
  for (const auto& [key, value] : document.items()) append_value(out, key, value);
}

BsonPtr to_bson(const Json& document) {
  if (!document.is_object()) throw ValueError("A MongoDB document must be a JSON object");
  BsonPtr out(bson_new());
  append_members(out.get(), document);
  return out;
}

Json from_bson(const bson_t& document) {
  return document_from(bson_get_data(&document), document.len, false);
}

std::string duplicate_key(std::string_view message, const Json* reply) {
  if (reply != nullptr && reply->is_object()) {
    auto errors = reply->find("writeErrors");
    if (errors != reply->end() && errors->is_array() && !errors->empty() &&
        (*errors)[0].is_object() && (*errors)[0].contains("keyValue")) {
      return dump_json((*errors)[0]["keyValue"]);
    }
  }
  if (auto pos = message.find("dup key: "); pos != std::string_view::npos) {
    return std::string(message.substr(pos + 9));
  }
  return {};
}

std::string parse_uuid(std::string_view text) {
  bool canonical =
      text.size() == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-';
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  if (!canonical || hex.size() != 32) throw ValueError("'" + excerpt(text) + "' is not a UUID");
  std::string bytes(16, '\0');
  for (std::size_t i = 0; i < 16; ++i) {
    unsigned byte = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, byte, 16);
    if (ec != std::errc() || ptr != hex.data() + 2 * i + 2) {
      throw ValueError("'" + excerpt(text) + "' is not a UUID");
    }
    bytes[i] = static_cast<char>(byte);
  }
  return bytes;
}

std::string format_iso_date(std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::int64_t parse_iso_date(std::string_view text) {
  auto fail = [&]() -> std::int64_t {
    throw ValueError("Invalid date '" + std::string(text) +
                     "': expected ISO 8601 such as 2026-11-26T14:00:00.000Z");
  };
  auto number = [&](std::size_t pos, std::size_t len) -> int {
    if (pos + len > text.size()) fail();
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc() || ptr != text.data() + pos + len) fail();
    return value;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    fail();
  }
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(5, 2) - 1;
  tm.tm_mday = number(8, 2);
  tm.tm_hour = number(11, 2);
  tm.tm_min = number(14, 2);
  tm.tm_sec = number(17, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    fail();
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) fail();
    for (std::size_t i = 0; i < 3; ++i) {
      millis = millis * 10 + (start + i < pos ? text[start + i] - '0' : 0);
    }
  }
  std::int64_t offset_s = 0;
  if (pos < text.size() && text[pos] == 'Z' && pos + 1 == text.size()) {
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    std::int64_t hours = number(pos + 1, 2);
    std::int64_t minutes = number(pos + 4, 2);
    offset_s = (hours * 3600 + minutes * 60) * (text[pos] == '+' ? 1 : -1);
  } else {
    fail();
  }
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1000 + millis;
}

}  // namespace aws_helper::mongo
