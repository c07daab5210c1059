// The idempotency key and payload hash: canonical whatever the key order, JSON pointers into
// the payload, and what counts as no key. The store itself is tested against FerretDB
// (tests/integration/idempotency_test.cpp).
#include <gtest/gtest.h>

#include <aws_helper/idempotency.hpp>

namespace aws_helper {
namespace {

TEST(IdempotencyKeyTest, HashIsSha256OfCanonicalJson) {
  // sha256('{"a":1,"b":[1,2]}'), the canonical text: keys sorted, no blanks.
  EXPECT_EQ(idempotency::hash(Json::parse(R"({"b": [1, 2], "a": 1})")),
            "8baa73198470c7bb4c3ce142a8fd651affc0310d878bb9bd159e37a573fb4874");
  EXPECT_EQ(idempotency::hash(Json::parse(R"({"x": {"b": 1, "a": 2}})")),
            idempotency::hash(Json::parse(R"({"x": {"a": 2, "b": 1}})")));
  EXPECT_NE(idempotency::hash(Json::parse(R"([1, 2])")), idempotency::hash(Json::parse("[2, 1]")));
  EXPECT_NE(idempotency::hash(Json("1")), idempotency::hash(Json(1)));
  EXPECT_EQ(idempotency::hash(Json("caf\xc3\xa9")).size(), 64U);
  // Invalid UTF-8 hashes (replaced) instead of throwing.
  EXPECT_EQ(idempotency::hash(Json(std::string("\xff\xfe"))).size(), 64U);
}

TEST(IdempotencyKeyTest, KeyMaterialFollowsThePointersInOrder) {
  IdempotencyConfig config;
  config.key = {"/order/id", "/customer"};
  Json payload = Json::parse(R"({"customer": "c-9", "order": {"id": 42, "lines": [1]}})");
  EXPECT_EQ(idempotency::key_material(config, payload), Json::parse(R"([42, "c-9"])"));
  config.key = {"/lines/0"};
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"({"lines": ["a"]})")),
            Json::parse(R"(["a"])"));
}

TEST(IdempotencyKeyTest, MissingNullOrMalformedPointersMeanNoKey) {
  IdempotencyConfig config;
  config.key = {"/order_id"};
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"({"other": 1})")), std::nullopt);
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"({"order_id": null})")), std::nullopt);
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"([1, 2])")), std::nullopt);
  EXPECT_EQ(idempotency::key_material(config, Json("text")), std::nullopt);
  config.key = {"order_id"};  // not a JSON pointer (no leading '/')
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"({"order_id": 1})")), std::nullopt);
  config.key = {"/a/~2"};  // an invalid escape
  EXPECT_EQ(idempotency::key_material(config, Json::parse(R"({"a": {"~2": 1}})")), std::nullopt);
}

TEST(IdempotencyKeyTest, NoPointersMeanTheWholePayload) {
  IdempotencyConfig config;
  Json payload = {{"a", 1}};
  EXPECT_EQ(idempotency::key_material(config, payload), payload);
  EXPECT_EQ(idempotency::key_material(config, Json(nullptr)), std::nullopt);
}

TEST(IdempotencyKeyTest, ErrorsCarryStableTypesAndStatuses) {
  IdempotencyKeyMismatchError mismatch("m");
  EXPECT_EQ(mismatch.error_type(), "IdempotencyKeyMismatch");
  EXPECT_EQ(mismatch.http_status(), 422);
  IdempotencyAlreadyInProgressError busy("b");
  EXPECT_EQ(busy.error_type(), "IdempotencyAlreadyInProgress");
  EXPECT_EQ(busy.http_status(), 409);
  EXPECT_EQ(IdempotencyKeyError("k").http_status(), 400);
}

}  // namespace
}  // namespace aws_helper
