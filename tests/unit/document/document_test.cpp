#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>

#include "document/bson_convert.hpp"

namespace aws_helper {
namespace {

using mongo::BsonPtr;
using mongo::from_bson;
using mongo::to_bson;

bool bytes_equal(const bson_t& a, const bson_t& b) {
  return a.len == b.len &&
         std::equal(bson_get_data(&a), bson_get_data(&a) + a.len, bson_get_data(&b));
}

// One document holding every BSON type, built with libbson itself.
BsonPtr every_type() {
  BsonPtr doc(bson_new());
  bson_t* d = doc.get();
  bson_oid_t oid;
  bson_oid_init_from_string(&oid, "65f1a2b3c4d5e6f7a8b9c0d1");
  bson_decimal128_t dec;
  bson_decimal128_from_string("1234.5600", &dec);
  const std::uint8_t raw[] = {0, 1, 2, 250, 255};
  const std::uint8_t uuid[] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                               0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
  BSON_APPEND_OID(d, "_id", &oid);
  BSON_APPEND_UTF8(d, "name", "Zoë");
  BSON_APPEND_INT32(d, "i32", -7);
  BSON_APPEND_INT64(d, "i64_small", 5);
  BSON_APPEND_INT64(d, "i64_big", 1099511627776LL);
  BSON_APPEND_DOUBLE(d, "dbl", 2.5);
  BSON_APPEND_DOUBLE(d, "dbl_whole", 3.0);
  BSON_APPEND_DOUBLE(d, "nan", std::numeric_limits<double>::quiet_NaN());
  BSON_APPEND_DOUBLE(d, "ninf", -std::numeric_limits<double>::infinity());
  BSON_APPEND_BOOL(d, "yes", true);
  BSON_APPEND_NULL(d, "nothing");
  BSON_APPEND_DATE_TIME(d, "when", 1795706190422LL);
  BSON_APPEND_DATE_TIME(d, "ancient", -86400000LL);
  BSON_APPEND_DECIMAL128(d, "price", &dec);
  BSON_APPEND_BINARY(d, "blob", BSON_SUBTYPE_BINARY, raw, sizeof(raw));
  BSON_APPEND_BINARY(d, "uuid", BSON_SUBTYPE_UUID, uuid, sizeof(uuid));
  BSON_APPEND_REGEX(d, "re", "^ab.*c$", "im");
  BSON_APPEND_TIMESTAMP(d, "ts", 1700000000, 7);
  BSON_APPEND_MINKEY(d, "lo");
  BSON_APPEND_MAXKEY(d, "hi");
  bson_t child;
  BSON_APPEND_DOCUMENT_BEGIN(d, "nested", &child);
  BSON_APPEND_UTF8(&child, "city", "Hartford");
  bson_t arr;
  BSON_APPEND_ARRAY_BEGIN(&child, "list", &arr);
  BSON_APPEND_INT32(&arr, "0", 1);
  BSON_APPEND_UTF8(&arr, "1", "two");
  bson_t inner;
  BSON_APPEND_ARRAY_BEGIN(&arr, "2", &inner);
  bson_append_array_end(&arr, &inner);
  bson_append_array_end(&child, &arr);
  bson_append_document_end(d, &child);
  return doc;
}

TEST(DocumentTest, EveryBsonTypeBecomesExtendedJson) {
  Json json = from_bson(*every_type());
  EXPECT_EQ(json["_id"], (Json{{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}));
  EXPECT_EQ(json["name"], "Zoë");
  EXPECT_EQ(json["i32"], -7);
  EXPECT_EQ(json["i64_small"], (Json{{"$numberLong", "5"}}));
  EXPECT_EQ(json["i64_big"], 1099511627776LL);
  EXPECT_EQ(json["dbl"], 2.5);
  EXPECT_TRUE(json["dbl_whole"].is_number_float());
  EXPECT_EQ(json["nan"], (Json{{"$numberDouble", "NaN"}}));
  EXPECT_EQ(json["ninf"], (Json{{"$numberDouble", "-Infinity"}}));
  EXPECT_EQ(json["when"], (Json{{"$date", "2026-11-26T15:16:30.422Z"}}));
  EXPECT_EQ(json["ancient"], (Json{{"$date", {{"$numberLong", "-86400000"}}}}));
  EXPECT_EQ(json["price"], (Json{{"$numberDecimal", "1234.5600"}}));
  EXPECT_EQ(json["blob"], (Json{{"$binary", {{"base64", "AAEC+v8="}, {"subType", "00"}}}}));
  EXPECT_EQ(json["uuid"]["$binary"]["subType"], "04");
  EXPECT_EQ(json["re"],
            (Json{{"$regularExpression", {{"pattern", "^ab.*c$"}, {"options", "im"}}}}));
  EXPECT_EQ(json["ts"], (Json{{"$timestamp", {{"t", 1700000000}, {"i", 7}}}}));
  EXPECT_EQ(json["lo"], (Json{{"$minKey", 1}}));
  EXPECT_EQ(json["hi"], (Json{{"$maxKey", 1}}));
  EXPECT_EQ(json["nested"], (Json{{"city", "Hartford"}, {"list", {1, "two", Json::array()}}}));
  // key order is BSON order
  EXPECT_EQ(json.begin().key(), "_id");
}

TEST(DocumentTest, BsonToJsonToBsonIsByteForByteIdentical) {
  BsonPtr original = every_type();
  BsonPtr again = to_bson(from_bson(*original));
  EXPECT_TRUE(bytes_equal(*original, *again));
}

TEST(DocumentTest, JsonWrappersAreWrittenAsBsonTypes) {
  Json doc = {
      {"_id", object_id("65F1A2B3C4D5E6F7A8B9C0D1")},
      {"count", int64(3)},
      {"created", date(std::chrono::system_clock::time_point(std::chrono::milliseconds(1000)))},
      {"legacy_binary", {{"$binary", "AAE="}, {"$type", "00"}}},
      {"shell_uuid", {{"$uuid", "123e4567-e89b-12d3-a456-426614174000"}}},
      {"canonical_date", {{"$date", {{"$numberLong", "1000"}}}}},
      {"offset_date", {{"$date", "1970-01-01T01:00:01.5+01:00"}}}};
  BsonPtr bson = to_bson(doc);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "_id"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_OID);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "count"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_INT64);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "created"));
  EXPECT_EQ(bson_iter_date_time(&it), 1000);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "canonical_date"));
  EXPECT_EQ(bson_iter_date_time(&it), 1000);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "offset_date"));
  EXPECT_EQ(bson_iter_date_time(&it), 1500);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "legacy_binary"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_BINARY);
  ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), "shell_uuid"));
  bson_subtype_t subtype;
  std::uint32_t length = 0;
  const std::uint8_t* data = nullptr;
  bson_iter_binary(&it, &subtype, &length, &data);
  EXPECT_EQ(subtype, BSON_SUBTYPE_UUID);
  EXPECT_EQ(length, 16u);
  Json back = from_bson(*bson);
  EXPECT_EQ(back["_id"], (Json{{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}));
  EXPECT_EQ(back["shell_uuid"], uuid("123e4567-e89b-12d3-a456-426614174000"));
}

TEST(DocumentTest, IntegersPickTheNarrowestBsonType) {
  BsonPtr bson = to_bson({{"small", 5},
                          {"big", 5000000000LL},
                          {"neg", -2147483648LL},
                          {"negbig", -2147483649LL},
                          {"unsigned", 7u}});
  bson_iter_t it;
  for (auto [key, type] :
       std::vector<std::pair<const char*, bson_type_t>>{{"small", BSON_TYPE_INT32},
                                                        {"big", BSON_TYPE_INT64},
                                                        {"neg", BSON_TYPE_INT32},
                                                        {"negbig", BSON_TYPE_INT64},
                                                        {"unsigned", BSON_TYPE_INT32}}) {
    ASSERT_TRUE(bson_iter_init_find(&it, bson.get(), key));
    EXPECT_EQ(bson_iter_type(&it), type) << key;
  }
}

TEST(DocumentTest, OperatorDocumentsStayDocuments) {
  Json query = {{"age", {{"$gt", 5}, {"$lte", 9}}},
                {"name", {{"$regex", "^a"}, {"$options", "i"}}},
                {"$or", {{{"a", 1}}, {{"b", {{"$type", "string"}}}}}}};
  EXPECT_EQ(from_bson(*to_bson(query)), query);
  Json update = {{"$set", {{"status", "scheduled"}}}, {"$inc", {{"n", 1}}}};
  EXPECT_EQ(from_bson(*to_bson(update)), update);
}

TEST(DocumentTest, MalformedWrappersAreValueErrors) {
  for (const Json& doc :
       {Json{{"a", {{"$oid", "nothex"}}}}, Json{{"a", {{"$oid", 5}}}},
        Json{{"a", {{"$date", "yesterday"}}}}, Json{{"a", {{"$date", "2026-13-01T00:00:00Z"}}}},
        Json{{"a", {{"$numberLong", "12x"}}}}, Json{{"a", {{"$numberDecimal", "abc"}}}},
        Json{{"a", {{"$binary", {{"base64", "@@@@"}, {"subType", "00"}}}}}},
        Json{{"a", {{"$binary", 5}}}}, Json{{"a", {{"$timestamp", {{"t", -1}, {"i", 0}}}}}},
        Json{{"a", {{"$uuid", "1234"}}}}, Json{{"a", std::numeric_limits<std::uint64_t>::max()}},
        Json{{std::string("a\0b", 3), 1}}}) {
    EXPECT_THROW((void)to_bson(doc), ValueError) << doc.dump();
  }
  EXPECT_THROW((void)to_bson(Json::array()), ValueError);
  try {
    (void)to_bson({{"shipping_id", {{"$oid", "xyz"}}}});
    FAIL() << "expected ValueError";
  } catch (const ValueError& error) {
    EXPECT_STREQ(error.what(),
                 "Invalid value for 'shipping_id': $oid must be 24 hexadecimal digits");
  }
}

// Random documents made of the forms from_bson produces survive JSON -> BSON -> JSON unchanged,
// and BSON -> JSON -> BSON byte for byte.
Json random_value(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 13 : 15);
  auto hex = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
    return s;
  };
  switch (kind(rng)) {
    case 0:
      return nullptr;
    case 1:
      return rng() % 2 == 0;
    case 2:
      return static_cast<std::int32_t>(rng());
    case 3:
      return static_cast<std::int64_t>(rng() | (1ULL << 40));
    case 4:
      return int64(static_cast<std::int32_t>(rng()));
    case 5:
      return std::ldexp(static_cast<double>(rng() % 100000) + 0.5,
                        static_cast<int>(rng() % 40) - 20);
    case 6:
      return std::string("s") + hex(rng() % 12) + "é";
    case 7:
      return Json{{"$oid", hex(24)}};
    case 8:
      // Dates up to year 9999 (BSON's range for ISO text), beyond what system_clock can hold.
      return Json{
          {"$date", mongo::format_iso_date(static_cast<std::int64_t>(rng() % 253402300799999ULL))}};
    case 9:
      return decimal128(std::to_string(rng() % 100000) + "." + std::to_string(rng() % 100));
    case 10:
      return binary(hex(rng() % 20), static_cast<std::uint8_t>(rng() % 2 == 0 ? 0 : 0x80));
    case 11:
      return Json{
          {"$timestamp",
           {{"t", static_cast<std::uint32_t>(rng())}, {"i", static_cast<std::uint32_t>(rng())}}}};
    case 12:
      return Json{{"$regularExpression", {{"pattern", hex(5)}, {"options", "i"}}}};
    case 13:
      return rng() % 2 == 0 ? Json{{"$minKey", 1}} : Json{{"$maxKey", 1}};
    case 14: {
      Json arr = Json::array();
      for (int i = static_cast<int>(rng() % 5); i > 0; --i)
        arr.push_back(random_value(rng, depth + 1));
      return arr;
    }
    default: {
      Json obj = Json::object();
      for (int i = static_cast<int>(rng() % 6); i > 0; --i)
        obj["k" + hex(4)] = random_value(rng, depth + 1);
      return obj;
    }
  }
}

TEST(DocumentTest, RandomDocumentsSurviveBothWays) {
  std::mt19937_64 rng(20261126);
  for (int n = 0; n < 2000; ++n) {
    Json doc = Json::object();
    for (int i = static_cast<int>(rng() % 8); i > 0; --i)
      doc["f" + std::to_string(i)] = random_value(rng, 0);
    BsonPtr bson = to_bson(doc);
    Json back = from_bson(*bson);
    ASSERT_EQ(back, doc) << doc.dump();
    BsonPtr again = to_bson(back);
    ASSERT_TRUE(bytes_equal(*bson, *again)) << doc.dump();
  }
}

TEST(DocumentTest, SerializeMongoTypesFollowsTheSeedTable) {
  Json doc = {{"_id", {{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}},
              {"when", {{"$date", "2026-11-26T14:00:00.123Z"}}},
              {"price", {{"$numberDecimal", "12.50"}}},
              {"blob", binary(std::string("\x00\x01\xfa", 3))},
              {"id", uuid("123e4567-e89b-12d3-a456-426614174000")},
              {"count", int64(5)},
              {"list", {{{"$oid", "65f1a2b3c4d5e6f7a8b9c0d2"}}, 1}},
              {"re", {{"$regularExpression", {{"pattern", "a"}, {"options", ""}}}}},
              {"plain", {{"$gt", 1}}}};
  Json plain = serialize_mongo_types(doc);
  EXPECT_EQ(plain["_id"], "65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(plain["when"], "2026-11-26T14:00:00.123Z");
  EXPECT_EQ(plain["price"], 12.5);
  EXPECT_EQ(plain["blob"], "AAH6");
  EXPECT_EQ(plain["id"], "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(plain["count"], 5);
  EXPECT_EQ(plain["list"], (Json{"65f1a2b3c4d5e6f7a8b9c0d2", 1}));
  EXPECT_EQ(plain["re"], doc["re"]);
  EXPECT_EQ(plain["plain"], doc["plain"]);
  EXPECT_EQ(doc["_id"], (Json{{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}));  // input untouched
  EXPECT_EQ(mongo_json_dumps({{"a", {{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}}}),
            R"({"a":"65f1a2b3c4d5e6f7a8b9c0d1"})");
}

TEST(DocumentTest, Builders) {
  Json a = object_id();
  Json b = object_id();
  EXPECT_TRUE(is_object_id(a));
  EXPECT_NE(a, b);
  EXPECT_THROW((void)object_id("65f1a2b3c4d5e6f7a8b9c0d"), ValueError);
  EXPECT_FALSE(is_object_id(Json{{"$oid", "zz"}}));
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  EXPECT_EQ(to_time_point(date(now)), ms);
  EXPECT_EQ(decimal128("1.50"), (Json{{"$numberDecimal", "1.50"}}));
  EXPECT_THROW((void)decimal128("one"), ValueError);
  EXPECT_THROW((void)uuid("123e4567e89b12d3a456426614174000"), ValueError);
  EXPECT_THROW((void)to_time_point(Json("2026")), ValueError);
  // Year 9999 is a valid BSON date but beyond system_clock (year 2262): refused, not overflowed.
  EXPECT_THROW((void)to_time_point(Json{{"$date", "9999-12-31T23:59:59.999Z"}}), ValueError);
  EXPECT_EQ(serialize_mongo_types(Json{{"$date", "9999-12-31T23:59:59.999Z"}}),
            "9999-12-31T23:59:59.999Z");
}

TEST(DuplicateKeyTest, FromReplyKeyValueOrMessage) {
  Json reply = {
      {"writeErrors", Json::array({{{"code", 11000}, {"keyValue", {{"email", "a@b.c"}}}}})}};
  EXPECT_EQ(mongo::duplicate_key("E11000 ...", &reply), R"({"email":"a@b.c"})");
  EXPECT_EQ(
      mongo::duplicate_key(
          R"(E11000 duplicate key error collection: db.users index: email_1 dup key: { email: "a@b.c" })",
          nullptr),
      R"({ email: "a@b.c" })");
  // FerretDB 1.x names only the collection.
  EXPECT_EQ(mongo::duplicate_key("E11000 duplicate key error collection: db.users", nullptr), "");
}

TEST(Base64Test, RoundTripsAndRejectsGarbage) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_THROW((void)base64_decode("abc"), ValueError);
  EXPECT_THROW((void)base64_decode("ab=c"), ValueError);
  EXPECT_THROW((void)base64_decode("a!bc"), ValueError);
}

}  // namespace
}  // namespace aws_helper
