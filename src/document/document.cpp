#include <cctype>
#include <charconv>
#include <cmath>

#include <bson/bson.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>

#include "core/text.hpp"
#include "document/bson_convert.hpp"

namespace aws_helper {

namespace {

// The single member of a one-key object whose key is `key`, or nullptr.
const Json* wrapped(const Json& value, const char* key) {
  if (!value.is_object() || value.size() != 1) return nullptr;
  auto it = value.find(key);
  return it == value.end() ? nullptr : &*it;
}

std::string uuid_text(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    auto byte = static_cast<unsigned char>(bytes[i]);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

}  // namespace

Json object_id() {
  bson_oid_t oid;
  bson_oid_init(&oid, nullptr);
  char hex[25];
  bson_oid_to_string(&oid, hex);
  return {{"$oid", hex}};
}

bool is_object_id_hex(std::string_view text) noexcept {
  if (text.size() != 24) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Json object_id(std::string_view hex) {
  if (!is_object_id_hex(hex)) {
    throw ValueError("'" + excerpt(hex) + "' is not a valid ObjectId");
  }
  return {{"$oid", detail::lower(hex)}};
}

bool is_object_id(const Json& value) noexcept {
  const Json* hex = wrapped(value, "$oid");
  return hex != nullptr && hex->is_string() && is_object_id_hex(hex->get_ref<const std::string&>());
}

Json date(std::chrono::system_clock::time_point when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  if (ms >= 0 && ms <= 253402300799999LL) return {{"$date", mongo::format_iso_date(ms)}};
  return {{"$date", {{"$numberLong", std::to_string(ms)}}}};
}

namespace {
// The milliseconds since the epoch of a {"$date": ...} wrapper; ValueError for anything else.
std::int64_t date_millis(const Json& value) {
  const Json* when = wrapped(value, "$date");
  if (when == nullptr) throw ValueError("Not a date: " + dump_json(value));
  std::int64_t ms = 0;
  if (when->is_string()) {
    ms = mongo::parse_iso_date(when->get_ref<const std::string&>());
  } else if (const Json* text = wrapped(*when, "$numberLong"); text && text->is_string()) {
    const auto& s = text->get_ref<const std::string&>();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc() || ptr != s.data() + s.size()) throw ValueError("Not a date: " + s);
  } else if (when->is_number_integer()) {
    ms = when->get<std::int64_t>();
  } else {
    throw ValueError("Not a date: " + dump_json(value));
  }
  return ms;
}
}  // namespace

std::chrono::system_clock::time_point to_time_point(const Json& value) {
  std::int64_t ms = date_millis(value);
  // system_clock counts nanoseconds in 64 bits: about years 1678-2262. BSON dates reach further.
  using Ticks = std::chrono::system_clock::duration;
  constexpr auto kLimit =
      std::chrono::duration_cast<std::chrono::milliseconds>(Ticks::max()).count();
  if (ms > kLimit || ms < -kLimit) {
    throw ValueError("Date " + dump_json(value) + " is outside the range of system_clock");
  }
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

Json decimal128(std::string_view text) {
  std::string copy(text);
  bson_decimal128_t dec;
  if (!bson_decimal128_from_string(copy.c_str(), &dec)) {
    throw ValueError("'" + excerpt(copy) + "' is not a valid Decimal128");
  }
  char canonical[BSON_DECIMAL128_STRING];
  bson_decimal128_to_string(&dec, canonical);
  return {{"$numberDecimal", canonical}};
}

Json int64(std::int64_t value) {
  return {{"$numberLong", std::to_string(value)}};
}

Json binary(std::string_view bytes, std::uint8_t subtype) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sub{kHex[subtype >> 4], kHex[subtype & 0xF]};
  return {{"$binary", {{"base64", base64_encode(bytes)}, {"subType", sub}}}};
}

Json uuid(std::string_view text) {
  return binary(mongo::parse_uuid(text), 4);
}

namespace {

// An Extended JSON wrapper replaced by its plain JSON. True when `value` was one (converted, or
// kept as it is when its content cannot be converted); false for any other value.
// Over 60 lines: one branch per Extended JSON wrapper, as bson_convert's append_wrapper.
// NOLINTNEXTLINE(readability-function-size)
bool convert_wrapper(Json& value) {
  if (const Json* hex = wrapped(value, "$oid"); hex && hex->is_string()) {
    Json text = *hex;
    value = std::move(text);
    return true;
  }
  if (wrapped(value, "$date") != nullptr) {
    // Straight from the wrapper's milliseconds: dates beyond system_clock's range still print.
    try {
      value = mongo::format_iso_date(date_millis(value));
    } catch (const ValueError&) {  // kept as the wrapper
    }
    return true;
  }
  if (const Json* text = wrapped(value, "$numberDecimal"); text && text->is_string()) {
    const auto& s = text->get_ref<const std::string&>();
    double number = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    if (ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(number)) {
      value = number;
    } else {
      Json keep = s;  // NaN, Infinity: JSON has no number for them
      value = std::move(keep);
    }
    return true;
  }
  if (const Json* text = wrapped(value, "$numberLong"); text && text->is_string()) {
    const auto& s = text->get_ref<const std::string&>();
    std::int64_t number = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    if (ec == std::errc() && ptr == s.data() + s.size()) {
      value = number;
    } else {
      Json keep = s;
      value = std::move(keep);
    }
    return true;
  }
  for (const char* key : {"$numberDouble", "$uuid"}) {
    if (const Json* text = wrapped(value, key); text && text->is_string()) {
      Json keep = *text;
      value = std::move(keep);
      return true;
    }
  }
  if (const Json* body = wrapped(value, "$binary");
      body && body->is_object() && body->contains("base64") && (*body)["base64"].is_string()) {
    std::string encoded = (*body)["base64"].get<std::string>();
    if (body->value("subType", std::string()) == "04") {
      try {
        std::string bytes = base64_decode(encoded);
        if (bytes.size() == 16) {
          value = uuid_text(bytes);
          return true;
        }
      } catch (const ValueError&) {  // fall through to the Base64 text
      }
    }
    value = std::move(encoded);
    return true;
  }
  return false;
}

// In place: no copy of the tree and no per-key lookups (the keys do not change).
void to_plain_json(Json& value) {
  if (value.is_array()) {
    for (auto& item : value) to_plain_json(item);
  } else if (value.is_object()) {
    if (value.size() == 1 && value.begin().key().starts_with('$') && convert_wrapper(value)) return;
    for (auto& member : value) to_plain_json(member);
  }
}

}  // namespace

Json serialize_mongo_types(const Json& value) {
  Json copy = value;
  to_plain_json(copy);
  return copy;
}

Json serialize_mongo_types(Json&& value) {
  to_plain_json(value);
  return std::move(value);
}

std::string mongo_json_dumps(const Json& value) {
  return dump_json(serialize_mongo_types(value));
}

}  // namespace aws_helper
