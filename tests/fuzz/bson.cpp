// MongoDB documents: Extended JSON -> BSON -> JSON round trips (to_bson / from_bson), the
// plain-JSON conversion of replies (serialize_mongo_types), the wrappers' own parsers
// (ObjectId, Decimal128, UUID, dates) and the ISO 8601 date parser. An input that is a
// well-framed BSON document (its first four bytes give its length) is also read as BSON, as a
// server reply would be.
#include <cstdint>
#include <cstring>
#include <string>

#include <bson/bson.h>

#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

#include "document/bson_convert.hpp"
#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

constexpr std::int64_t kLastIsoMillis = 253402300799999LL;  // 9999-12-31T23:59:59.999Z

void dates(std::string_view text) {
  try {
    std::int64_t ms = mongo::parse_iso_date(text);
    // What the parser accepts in years 1970-9999 prints back to the same instant.
    if (ms >= 0 && ms <= kLastIsoMillis) {
      FUZZ_CHECK(mongo::parse_iso_date(mongo::format_iso_date(ms)) == ms);
    }
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
  // Any instant at all formats (dates outside years 1970-9999 come from BSON as numbers).
  std::int64_t ms = 0;
  std::memcpy(&ms, text.data(), std::min(text.size(), sizeof ms));
  static_cast<void>(mongo::format_iso_date(ms));
  static_cast<void>(
      date(std::chrono::system_clock::time_point(std::chrono::system_clock::duration(ms))));
}

void wrapper_parsers(std::string_view text) {
  try {
    FUZZ_CHECK(is_object_id(object_id(text)));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
  try {
    static_cast<void>(decimal128(text));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
  try {
    auto bytes = mongo::parse_uuid(text);
    FUZZ_CHECK(bytes.size() == 16);
    static_cast<void>(uuid(text));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

void plain_json(const Json& value) {
  auto plain = serialize_mongo_types(value);
  FUZZ_CHECK(serialize_mongo_types(Json(value)) == plain);  // in place == copy
  static_cast<void>(dump_json(plain));
  try {
    static_cast<void>(to_time_point(value));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

// Written, read back, written again: the second reading is the first (what a document read
// from MongoDB and saved again looks like never drifts).
void round_trip(const Json& document) {
  mongo::BsonPtr bson;
  try {
    bson = mongo::to_bson(document);
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return;
  }
  bson_error_t error;
  FUZZ_CHECK(bson_validate_with_error(bson.get(), BSON_VALIDATE_NONE, &error));
  Json first = mongo::from_bson(*bson);
  mongo::BsonPtr again = mongo::to_bson(first);
  Json second = mongo::from_bson(*again);
  FUZZ_CHECK(second == first);
  static_cast<void>(dump_json(serialize_mongo_types(std::move(second))));
}

void raw_bson(std::string_view bytes) {
  if (bytes.size() < 5) return;
  std::uint32_t length = 0;
  std::memcpy(&length, bytes.data(), sizeof length);
  if (length != bytes.size()) return;
  bson_t document;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libbson takes uint8_t
  if (!bson_init_static(&document, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                        bytes.size())) {
    return;
  }
  try {
    Json read = mongo::from_bson(document);
    static_cast<void>(dump_json(serialize_mongo_types(std::move(read))));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  auto text = fuzz::text_of(data, size);
  dates(text);
  wrapper_parsers(text);
  raw_bson(text);

  Json value;
  try {
    value = parse_json(text, "The document");
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return 0;
  }
  plain_json(value);
  if (value.is_object()) round_trip(value);
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_object()) round_trip(item);
    }
  }
  return 0;
}
