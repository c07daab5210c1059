// MongoDB documents as JSON.
//
// Documents are aws_helper::Json (nlohmann::ordered_json). BSON types without a JSON twin are
// held as MongoDB Extended JSON v2 wrappers, so a document read and written back is unchanged:
//
//   ObjectId     {"$oid": "65f1a2b3c4d5e6f7a8b9c0d1"}
//   date         {"$date": "2026-11-26T14:00:00.123Z"}  ({"$date": {"$numberLong": "<ms>"}}
//                                                        outside years 1970-9999)
//   Decimal128   {"$numberDecimal": "12.50"}
//   binary, UUID {"$binary": {"base64": "...", "subType": "00"}}  (UUID: subType "04")
//   int32        a JSON integer
//   int64        a JSON integer, or {"$numberLong": "5"} when the value would fit an int32
//   double       a JSON number with a fraction or exponent; {"$numberDouble": "NaN"} etc.
//   regex        {"$regularExpression": {"pattern": "...", "options": "i"}}
//   timestamp    {"$timestamp": {"t": <seconds>, "i": <increment>}}
//   min/max key  {"$minKey": 1} / {"$maxKey": 1}
//
// Written JSON integers become int32 when they fit and int64 otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <aws_helper/json.hpp>

namespace aws_helper {

// A new ObjectId.
[[nodiscard]] Json object_id();
// The ObjectId with this 24-digit hex text; throws ValueError otherwise.
[[nodiscard]] Json object_id(std::string_view hex);
// True for a well-formed {"$oid": "<24 hex digits>"}.
[[nodiscard]] bool is_object_id(const Json& value) noexcept;
// True for 24 hexadecimal digits.
[[nodiscard]] bool is_object_id_hex(std::string_view text) noexcept;

// A BSON date (millisecond precision).
[[nodiscard]] Json date(std::chrono::system_clock::time_point when);
// The time point of a {"$date": ...} wrapper; throws ValueError for anything else.
[[nodiscard]] std::chrono::system_clock::time_point to_time_point(const Json& value);

// A Decimal128 from its decimal text ("12.50", "-1E+3", "NaN"); throws ValueError if invalid.
[[nodiscard]] Json decimal128(std::string_view text);
// An int64 that stays int64 when written.
[[nodiscard]] Json int64(std::int64_t value);
// Binary data with a BSON subtype (0: generic).
[[nodiscard]] Json binary(std::string_view bytes, std::uint8_t subtype = 0);
// A UUID (binary subtype 4) from its canonical text; throws ValueError if invalid.
[[nodiscard]] Json uuid(std::string_view text);

// The seed's MongoJSONEncoder / serialize_mongo_types: a new document where ObjectId becomes
// its hex text, dates ISO 8601 UTC text, Decimal128 a number, binary Base64 text, UUID its
// canonical text, $numberLong/$numberDouble numbers; the other wrappers keep their Extended
// JSON form. Keys are unchanged.
[[nodiscard]] Json serialize_mongo_types(const Json& value);
// The same, converting `value` in place (no copy of the tree): for a reply about to be sent.
[[nodiscard]] Json serialize_mongo_types(Json&& value);
// dump_json(serialize_mongo_types(value)).
[[nodiscard]] std::string mongo_json_dumps(const Json& value);

}  // namespace aws_helper
